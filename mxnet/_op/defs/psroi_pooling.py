"""``_contrib_PSROIPooling``: position-sensitive ROI average pooling (R-FCN).

MXNet 1.x contract: rois is (R, 5) rows [batch, x1, y1, x2, y2]; the corners are rounded (half away from zero)
and x2, y2 extended by one pixel before scaling by ``spatial_scale``; the region (at least 0.1 wide and high) is
split into pooled_size x pooled_size bins, bin (ph, pw) covering rows [floor(ph * bh + y1), ceil((ph + 1) * bh +
y1)) clipped to the map (likewise columns). Output (R, output_dim, pooled_size, pooled_size): bin (ph, pw) of
channel c averages input channel (c * G + gh) * G + gw, with gh = floor(ph * G / pooled_size) (G = group_size, 0:
pooled_size); an empty bin gives 0. The arithmetic of the bins is in the data's dtype; rois get no gradient.
"""
import math

import numpy as np
import torch

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Float, Int
from .nn import fmt


def _c_round(v):
    return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)


def _bins(start, length, pooled, size, ft):
    """(pooled, size) 0/1 matrix of the positions each bin covers, and each bin's extent."""
    step = ft(length / ft(pooled))
    rows, extent = np.zeros((pooled, size)), []
    for i in range(pooled):
        lo = min(max(int(math.floor(ft(ft(i) * step + start))), 0), size)
        hi = min(max(int(math.ceil(ft(ft(i + 1) * step + start))), 0), size)
        rows[i, lo:hi] = 1
        extent.append(max(hi - lo, 0))
    return rows, extent


def _group(p):
    return p.group_size if p.group_size > 0 else p.pooled_size


def _psroi_pooling(p, data, rois):
    if data.dim() != 4 or rois.dim() != 2 or rois.shape[1] != 5:
        raise MXNetError('PSROIPooling: data must be (N, C, H, W) and rois (R, 5), got %s and %s'
                         % (fmt(data.shape), fmt(rois.shape)))
    k, g = p.pooled_size, _group(p)
    n, c, h, w = data.shape
    if c != p.output_dim * g * g:
        raise MXNetError('PSROIPooling: data needs output_dim * group_size^2 = %d channels, got %d'
                         % (p.output_dim * g * g, c))
    if data.device.type == 'meta':
        return data.new_empty((rois.shape[0], p.output_dim, k, k))
    mh, mw, inv, bidx = _roi_bins(p, rois, data.dtype, h, w)
    g_of = torch.tensor([min(max(int(math.floor(_ftype(data.dtype)(i) * g / k)), 0), g - 1) for i in range(k)],
                        device=data.device)
    chan = (torch.arange(p.output_dim, device=data.device).reshape(-1, 1, 1) * g + g_of.reshape(1, -1, 1)) * g \
        + g_of.reshape(1, 1, -1)  # (output_dim, k, k): the input channel of each output bin
    dev = data.device
    mh, mw = mh.to(dev), mw.to(dev)
    x = data[bidx.to(dev)]  # (R, C, H, W)
    sums = torch.matmul(torch.matmul(mh.unsqueeze(1), x), mw.transpose(1, 2).unsqueeze(1))  # (R, C, k, k)
    picked = torch.gather(sums, 1, chan.unsqueeze(0).expand(rois.shape[0], -1, -1, -1))
    return picked * inv.to(dev).unsqueeze(1)


def _ftype(dtype):
    return {torch.float16: np.float16, torch.float64: np.float64}.get(dtype, np.float32)


_BIN_CACHE = {}


def _roi_bins(p, rois, dtype, h, w):
    """Bin membership (R, k, H) and (R, k, W), 1 / bin area (R, k, k; 0 for empty bins) and batch indices of
    the rois; cached, since numeric gradient checks run one roi set many times."""
    vals = rois.detach().cpu().double().numpy()
    key = (vals.tobytes(), vals.shape, dtype, h, w, p.pooled_size, p.spatial_scale)
    hit = _BIN_CACHE.get(key)
    if hit is not None:
        return hit
    ft, k = _ftype(dtype), p.pooled_size
    scale = ft(p.spatial_scale)
    mhs, mws, invs = [], [], []
    for r in vals.tolist():
        x1, y1 = ft(_c_round(r[1])) * scale, ft(_c_round(r[2])) * scale
        x2, y2 = ft(_c_round(r[3]) + 1.0) * scale, ft(_c_round(r[4]) + 1.0) * scale
        rw, rh = max(ft(x2 - x1), ft(0.1)), max(ft(y2 - y1), ft(0.1))
        mh, eh = _bins(y1, rh, k, h, ft)
        mw, ew = _bins(x1, rw, k, w, ft)
        area = np.outer(eh, ew)
        mhs.append(mh), mws.append(mw), invs.append(np.where(area > 0, 1.0 / np.maximum(area, 1), 0.0))
    stack = lambda parts, n: np.array(parts) if parts else np.zeros((0, k, n))
    out = (torch.as_tensor(stack(mhs, h), dtype=dtype), torch.as_tensor(stack(mws, w), dtype=dtype),
           torch.as_tensor(stack(invs, k), dtype=dtype), torch.as_tensor(vals[:, 0].astype(np.int64)))
    if len(_BIN_CACHE) > 64:
        _BIN_CACHE.clear()
    _BIN_CACHE[key] = out
    return out


def _shape(p, s):
    d, r = s
    if d is None or r is None:
        return s, [None], []
    return s, [(r[0], p.output_dim, p.pooled_size, p.pooled_size)], []


register(OpDef('_contrib_PSROIPooling', _psroi_pooling, inputs=('data', 'rois'), infer_shape=_shape, params={
    'spatial_scale': Float(doc='feature map size over image size (1 / total stride)'),
    'output_dim': Int(doc='output channels'),
    'pooled_size': Int(doc='bins per side'),
    'group_size': Int(0, 'position-sensitive groups per side; 0: pooled_size')},
    doc='Position-sensitive average pooling of each region of interest into pooled_size x pooled_size bins, '
        'each read from its own channel group.'))
