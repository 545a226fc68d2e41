"""``Correlation`` (FlowNet's correlation layer) of two (N, C, H, W) feature maps.

MXNet 1.x contract: both inputs are zero-padded by ``pad_size``; output position (i, j) compares the
kernel_size x kernel_size patch of data1 whose top-left corner is (i, j) * stride1 + max_displacement with the
patch of data2 displaced by (dy, dx), for every displacement on a grid of step stride2 within
max_displacement; channel ``(dy_idx) * grid + dx_idx`` of the output holds sum(data1 * data2) (or
sum |data1 - data2| when not ``is_multiply``) divided by kernel_size^2 * C. The output is
(N, grid^2, ceil((H + 2 pad - 2 border) / stride1), ...) with border = max_displacement + (kernel_size - 1) / 2.
"""
import math

import torch
import torch.nn.functional as F

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Bool, Int
from .reduce import fmt_shape


def _geometry(p, shape):
    n, c, h, w = shape
    pad_h, pad_w = h + 2 * p.pad_size, w + 2 * p.pad_size
    border = p.max_displacement + (p.kernel_size - 1) // 2
    top_h = math.ceil((pad_h - 2 * border) / p.stride1)
    top_w = math.ceil((pad_w - 2 * border) / p.stride1)
    radius = p.max_displacement // p.stride2
    if top_h < 1 or top_w < 1:
        raise MXNetError('Correlation cannot be done with current settings: neighborhood and kernel do not fit '
                         'in the input of shape %s (kernel_size=%d, max_displacement=%d, pad_size=%d)'
                         % (fmt_shape(shape), p.kernel_size, p.max_displacement, p.pad_size))
    return top_h, top_w, radius


def _check(p, d1, d2):
    if d1.dim() != 4 or d1.shape != d2.shape:
        raise MXNetError('Correlation: data1 and data2 must be 4-D arrays of the same shape, got %s and %s'
                         % (fmt_shape(d1.shape), fmt_shape(d2.shape)))
    for k in ('kernel_size', 'stride1', 'stride2'):
        if getattr(p, k) < 1:
            raise MXNetError('Correlation: %s must be positive, got %d' % (k, getattr(p, k)))


def _absdiff(a, b):
    """|a - b| whose gradient takes a >= b as positive (MXNet's convention; torch's abs has 0 at a == b)."""
    d = a - b
    return d * torch.where(d >= 0, 1.0, -1.0).to(d.dtype).detach()


def _correlation(p, d1, d2):
    _check(p, d1, d2)
    top_h, top_w, radius = _geometry(p, tuple(d1.shape))
    k, s1, md = p.kernel_size, p.stride1, p.max_displacement
    pad = (p.pad_size,) * 4
    dtype = d1.dtype
    if dtype in (torch.float16, torch.bfloat16):  # accumulate in float32 (forward and gradient), as MXNet does
        d1, d2 = d1.float(), d2.float()
    p1, p2 = F.pad(d1, pad), F.pad(d2, pad)
    span_h, span_w = (top_h - 1) * s1 + k, (top_w - 1) * s1 + k
    a = p1[:, :, md:md + span_h, md:md + span_w]
    outs = []
    for gy in range(-radius, radius + 1):
        for gx in range(-radius, radius + 1):
            dy, dx = gy * p.stride2, gx * p.stride2
            b = p2[:, :, md + dy:md + dy + span_h, md + dx:md + dx + span_w]
            m = (a * b) if p.is_multiply else _absdiff(a, b)
            outs.append(F.avg_pool2d(m.sum(1, keepdim=True), k, stride=s1))
    return (torch.cat(outs, 1) / d1.shape[1]).to(dtype)


def _shape(p, s):
    if s[0] is None:
        return s, [None], []
    top_h, top_w, radius = _geometry(p, tuple(s[0]))
    return [s[0], s[0]], [(s[0][0], (2 * radius + 1) ** 2, top_h, top_w)], []


register(OpDef('Correlation', _correlation, inputs=('data1', 'data2'), infer_shape=_shape, params={
    'kernel_size': Int(1, 'patch size'), 'max_displacement': Int(1, 'largest displacement compared'),
    'stride1': Int(1, 'stride of the positions in data1'), 'stride2': Int(1, 'stride of the displacements'),
    'pad_size': Int(0, 'zero padding of each side'), 'is_multiply': Bool(True, 'multiply (else subtract)')},
    doc='Correlation of patches of data1 with displaced patches of data2 (FlowNet).'))
