"""Region proposals of a region proposal network (Faster R-CNN): ``_contrib_Proposal`` and ``_contrib_MultiProposal``.

MXNet 1.x contract, per image: anchors are made for every (ratio, scale) pair (ratios outer) around the base box
[0, 0, feature_stride - 1, feature_stride - 1] and shifted to every feature-map cell; box (h, w, a) is row
``(h * W + w) * A + a``. Its foreground score is ``cls_prob[A + a, h, w]``; ``bbox_pred[4a:4a+4, h, w]`` decodes
it (centre/size deltas, or corner offsets with ``iou_loss``) and the box is clipped to the image
(im_info = [height, width, scale]). Cells past the image (h >= int(height / stride), likewise w) and boxes
narrower or lower than ``rpn_min_size * scale`` (these also grow by half that size on each side) score -1. The
boxes are sorted by score, the best ``rpn_pre_nms_top_n`` (<= 0: all) go through greedy NMS (IoU > threshold
suppresses, sizes counted with +1) and the first ``rpn_post_nms_top_n`` kept become rows [batch index, x1, y1,
x2, y2]; when fewer are kept they repeat cyclically. ``score`` holds each row's score. No gradient flows to the
inputs (MXNet writes zeros).
"""
import math

import numpy as np
import torch

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Bool, Float, FloatTuple, Int
from .nn import fmt

_BLOCK = 128
_TILE = 1 << 15


def _anchors(stride, ratios, scales):
    """(A, 4) base anchors, ratios outer and scales inner, in float32 as MXNet computes them."""
    f = np.float32
    size = f(stride) * f(stride)
    ctr = f(0.5 * (f(stride) - 1))
    rows = []
    for r in ratios:
        for s in scales:
            w0 = f(math.floor(math.sqrt(f(math.floor(size / f(r)))) + 0.5))
            new_w = w0 * f(s)
            new_h = f(math.floor(new_w / f(s) * f(r) + 0.5)) * f(s)
            rows.append([ctr - 0.5 * (new_w - 1), ctr - 0.5 * (new_h - 1),
                         ctr + 0.5 * (new_w - 1), ctr + 0.5 * (new_h - 1)])
    return np.asarray(rows, dtype=np.float32)


def _iou_over(a, b, thresh):
    """(len(a), len(b)) bool: IoU of boxes a and b, given as (4, n) rows x1, y1, x2, y2 (sizes + 1), above
    ``thresh``."""
    w = (torch.minimum(a[2, :, None], b[2]) - torch.maximum(a[0, :, None], b[0])).add_(1).clamp_(min=0)
    h = (torch.minimum(a[3, :, None], b[3]) - torch.maximum(a[1, :, None], b[1])).add_(1).clamp_(min=0)
    inter = w.mul_(h)
    area_a = (a[2] - a[0] + 1) * (a[3] - a[1] + 1)
    area_b = (b[2] - b[0] + 1) * (b[3] - b[1] + 1)
    union = (area_b - inter).add_(area_a[:, None])
    return inter.div_(union) > thresh


def _suppressed(a, b, thresh):
    """(b's count,) bool: the boxes b whose IoU with some box a is above ``thresh``. On the CPU the pairs go in
    cache-sized tiles (each torch call then stays on one thread, which also avoids thread hand-offs)."""
    if a.device.type != 'cpu':
        return _iou_over(a, b, thresh).any(0)
    cols = max(256, _TILE // max(a.shape[1], 1))
    rows = max(1, _TILE // cols)
    out = torch.zeros(b.shape[1], dtype=torch.bool)
    for j in range(0, b.shape[1], cols):
        part = out[j:j + cols]
        for i in range(0, a.shape[1], rows):
            part |= _iou_over(a[:, i:i + rows], b[:, j:j + cols], thresh).any(0)
    return out


def greedy_nms(boxes, thresh, limit):
    """Indices of the (n, 4) boxes (sorted best first) that greedy NMS keeps, at most ``limit`` of them.

    Block by block: the greedy order inside a block of boxes still alive is resolved by fixed-point iteration
    (after k rounds the first k are final), then the block's kept boxes suppress the later ones, which are
    dropped, so each round works on the survivors only."""
    rest = boxes.t().contiguous()
    idx = torch.arange(boxes.shape[0], device=boxes.device)
    kept, total = [], 0
    while rest.shape[1] and total < limit:
        blk, rest, bidx, idx = rest[:, :_BLOCK], rest[:, _BLOCK:], idx[:_BLOCK], idx[_BLOCK:]
        over = torch.triu(_iou_over(blk, blk, thresh), diagonal=1)  # over[i, j]: i suppresses a later j
        keep = torch.ones(blk.shape[1], dtype=torch.bool, device=boxes.device)
        while True:
            nxt = ~(over & keep[:, None]).any(0)
            if torch.equal(nxt, keep):
                break
            keep = nxt
        kept.append(bidx[keep])
        total += kept[-1].numel()
        if rest.shape[1] and total < limit:
            alive = ~_suppressed(blk[:, keep], rest, thresh)
            rest, idx = rest[:, alive], idx[alive]
    return torch.cat(kept)[:limit]


def _propose_one(p, scores, deltas, info, anchors):
    """(post, 4) boxes and (post,) scores of one image: scores (A, H, W), deltas (4A, H, W), info (3,)."""
    a_n, h_n, w_n = scores.shape
    dev, f32 = scores.device, torch.float32
    stride = p.feature_stride
    im_h, im_w, im_scale = (float(v) for v in info.to(f32).tolist())
    real_h = int(np.float32(im_h) / np.float32(stride))
    real_w = int(np.float32(im_w) / np.float32(stride))
    if real_h > h_n or real_w > w_n:
        raise MXNetError('Proposal: im_info %s is larger than the feature map %dx%d times feature_stride %d'
                         % ([im_h, im_w], h_n, w_n, stride))
    ys = torch.arange(h_n, dtype=f32, device=dev) * stride
    xs = torch.arange(w_n, dtype=f32, device=dev) * stride
    shift = torch.stack([xs.reshape(1, -1).expand(h_n, w_n), ys.reshape(-1, 1).expand(h_n, w_n)] * 2, -1)
    boxes = torch.as_tensor(anchors, device=dev).reshape(1, 1, a_n, 4) + shift.reshape(h_n, w_n, 1, 4)
    d = deltas.to(f32).reshape(a_n, 4, h_n, w_n).permute(2, 3, 0, 1)  # (H, W, A, 4)
    if p.iou_loss:
        pred = boxes + d
    else:
        width = boxes[..., 2] - boxes[..., 0] + 1
        height = boxes[..., 3] - boxes[..., 1] + 1
        cx = boxes[..., 0] + 0.5 * (width - 1)
        cy = boxes[..., 1] + 0.5 * (height - 1)
        pcx, pcy = d[..., 0] * width + cx, d[..., 1] * height + cy
        pw, ph = torch.exp(d[..., 2]) * width, torch.exp(d[..., 3]) * height
        pred = torch.stack([pcx - 0.5 * (pw - 1), pcy - 0.5 * (ph - 1),
                            pcx + 0.5 * (pw - 1), pcy + 0.5 * (ph - 1)], -1)
    hi = torch.tensor([im_w - 1, im_h - 1] * 2, dtype=f32, device=dev)
    pred = torch.minimum(pred, hi).clamp(min=0)
    score = scores.to(f32).permute(1, 2, 0).clone()  # (H, W, A)
    score[real_h:] = -1
    score[:, real_w:] = -1
    pred, score = pred.reshape(-1, 4), score.reshape(-1)
    min_size = np.float32(p.rpn_min_size) * np.float32(im_scale)
    small = ((pred[:, 2] - pred[:, 0] + 1) < min_size) | ((pred[:, 3] - pred[:, 1] + 1) < min_size)
    grow = torch.tensor([-1.0, -1.0, 1.0, 1.0], dtype=f32, device=dev) * float(min_size / 2)
    pred = torch.where(small[:, None], pred + grow, pred)
    score = torch.where(small, torch.full_like(score, -1), score)

    count = score.numel()
    pre = min(p.rpn_pre_nms_top_n if p.rpn_pre_nms_top_n > 0 else count, count)
    post = min(p.rpn_post_nms_top_n, pre)
    order = torch.sort(score, descending=True, stable=True)[1][:pre]
    pred, score = pred[order], score[order]
    keep = greedy_nms(pred, p.threshold, post)
    rows = keep[torch.arange(p.rpn_post_nms_top_n, device=dev) % keep.numel()]
    return pred[rows], score[rows]


def _check(name, cls_prob, bbox_pred, im_info, p):
    if cls_prob.dim() != 4 or bbox_pred.dim() != 4 or im_info.dim() != 2:
        raise MXNetError('%s: cls_prob and bbox_pred must be 4-d and im_info 2-d, got %s, %s, %s'
                         % (name, fmt(cls_prob.shape), fmt(bbox_pred.shape), fmt(im_info.shape)))
    a_n = cls_prob.shape[1] // 2
    if a_n != len(p.ratios) * len(p.scales):
        raise MXNetError('%s: cls_prob has %d anchors per cell but ratios x scales give %d'
                         % (name, a_n, len(p.ratios) * len(p.scales)))
    return a_n


def _propose(name, single):
    def compute(p, cls_prob, bbox_pred, im_info):
        a_n = _check(name, cls_prob, bbox_pred, im_info, p)
        n = cls_prob.shape[0]
        if single and n != 1:
            raise MXNetError('%s: only one image per call is supported (batch size 1), got %d' % (name, n))
        post = p.rpn_post_nms_top_n
        if cls_prob.device.type == 'meta':
            return (torch.empty(n * post, 5, device='meta'), torch.empty(n * post, 1, device='meta'))
        anchors = _anchors(p.feature_stride, p.ratios, p.scales)
        rois, scores = [], []
        with torch.no_grad():
            for b in range(n):
                boxes, score = _propose_one(p, cls_prob[b, a_n:], bbox_pred[b], im_info[b], anchors)
                index = torch.full((post, 1), float(0 if single else b), device=boxes.device)
                rois.append(torch.cat([index, boxes], 1))
                scores.append(score.reshape(-1, 1))
        return torch.cat(rois), torch.cat(scores)
    return compute


def _shapes(single):
    def infer(p, s):
        d = s[0]
        if d is None:
            return s, [None, None], []
        n = d[0]
        s = [tuple(d), (n, d[1] * 2, d[2], d[3]), (n, 3)] if len(d) == 4 else s
        rows = p.rpn_post_nms_top_n * (1 if single else n)
        return s, [(rows, 5), (rows, 1)], []
    return infer


def _type(p, t):
    return ['float32' if x is None else x for x in t], ['float32', 'float32'], []


_PARAMS = {
    'rpn_pre_nms_top_n': Int(6000, 'boxes kept (best scores first) before NMS; <= 0: all'),
    'rpn_post_nms_top_n': Int(300, 'boxes kept after NMS (rows of the output per image)'),
    'threshold': Float(0.7, 'NMS suppresses boxes whose IoU with a kept box is above this'),
    'rpn_min_size': Int(16, 'minimum box width and height (times the image scale)'),
    'scales': FloatTuple((4.0, 8.0, 16.0, 32.0), 'anchor scales'),
    'ratios': FloatTuple((0.5, 1.0, 2.0), 'anchor aspect ratios'),
    'feature_stride': Int(16, 'input pixels per feature-map cell'),
    'output_score': Bool(False, 'also return the scores'),
    'iou_loss': Bool(False, 'bbox_pred holds corner offsets instead of centre/size deltas'),
}

for _name, _single in (('_contrib_Proposal', True), ('_contrib_MultiProposal', False)):
    register(OpDef(_name, _propose(_name[9:], _single), inputs=('cls_prob', 'bbox_pred', 'im_info'),
                   params=_PARAMS, outputs=('output', 'score'),
                   num_visible=lambda p: 2 if p.output_score else 1,
                   infer_shape=_shapes(_single), infer_type=_type, same_dtype=False,
                   doc='Region proposals [batch, x1, y1, x2, y2] of a region proposal network, after NMS '
                       '(%s).' % ('one image' if _single else 'a batch, rpn_post_nms_top_n rows per image')))
