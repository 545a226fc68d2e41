"""``_contrib_DeformableConvolution``: 2-D convolution whose kernel taps sample the input at learned offsets.

MXNet 1.x contract (Deformable ConvNets v1, NCHW only): output (h, w) takes tap (i, j) of the kernel at
``(h * stride - pad + i * dilate + dy, w * stride - pad + j * dilate + dx)``, where ``offset`` (N, dg * 2 * kh * kw,
out_h, out_w) holds, for deformable group g and tap k = i * kw + j, dy in channel (g * kh * kw + k) * 2 and dx in
the next one; deformable group g covers channels [g * C / dg, (g + 1) * C / dg) of the data. Samples are bilinear,
corners outside the map read 0 and a point at or beyond -1 / the size reads 0. The sampled columns are then
convolved with ``weight`` (num_filter, C / num_group, kh, kw) per group, plus ``bias``. Gradients flow to data,
offset, weight and bias.
"""
import torch

from ...base import MXNetError
from ..params import Int, Bool, Enum, Shape
from .nn import fmt, check_inputs, register_weighted


def _geometry(p):
    n = len(p.kernel)
    pick = lambda v, fill: tuple(v) if len(v) else (fill,) * n
    return pick(p.stride, 1), pick(p.dilate, 1), pick(p.pad, 0)


def _out_size(p, h, w):
    (sh, sw), (dh, dw), (ph, pw) = _geometry(p)
    kh, kw = p.kernel
    return (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1


def _expected(p, d):
    if len(p.kernel) != 2 or len(d) != 4:
        raise MXNetError('DeformableConvolution: only 2-D kernels on NCHW data are supported, got kernel %s and '
                         'data %s' % (fmt(p.kernel), fmt(d)))
    c = d[1]
    if c % p.num_group or p.num_filter % p.num_group or c % p.num_deformable_group:
        raise MXNetError('DeformableConvolution: num_group=%d must divide the %d channels and num_filter=%d, and '
                         'num_deformable_group=%d the channels' % (p.num_group, c, p.num_filter,
                                                                    p.num_deformable_group))
    oh, ow = _out_size(p, d[2], d[3])
    want = {'weight': (p.num_filter, c // p.num_group) + tuple(p.kernel), 'bias': (p.num_filter,)}
    want['offset'] = None  # MXNet checks it but does not infer it
    return want, (d[0], p.num_deformable_group * 2 * p.kernel[0] * p.kernel[1], oh, ow)


def _bilinear(fm, y, x):
    """Samples of fm (N, G, Cg, H, W) at points y, x (N, G, P) -> (N, G, Cg, P), as MXNet's CPU kernel takes
    them: a point outside [0, H) x [0, W) reads 0, one in the last row or column reads that row or column."""
    n, g, cg, h, w = fm.shape
    inside = ((y >= 0) & (y < h) & (x >= 0) & (x < w)).to(fm.dtype)
    y = torch.where(y >= h - 1, torch.full_like(y, h - 1), y).clamp(min=0)
    x = torch.where(x >= w - 1, torch.full_like(x, w - 1), x).clamp(min=0)
    y0, x0 = torch.floor(y).detach(), torch.floor(x).detach()
    ly, lx = y - y0, x - x0
    y0, x0 = y0.to(torch.int64), x0.to(torch.int64)
    y1, x1 = (y0 + 1).clamp(max=h - 1), (x0 + 1).clamp(max=w - 1)
    flat = fm.reshape(n, g, cg, h * w)
    out = 0
    for yy, wy in ((y0, 1 - ly), (y1, ly)):
        for xx, wx in ((x0, 1 - lx), (x1, lx)):
            pos = (yy * w + xx).unsqueeze(2).expand(n, g, cg, -1)
            out = out + torch.gather(flat, 3, pos) * (wy * wx * inside).unsqueeze(2)
    return out


def _deformable_conv(p, data, offset, weight, bias=None):
    want, off_shape = _expected(p, tuple(data.shape))
    check_inputs('DeformableConvolution', want, weight=weight, bias=bias)
    if tuple(offset.shape) != off_shape:
        raise MXNetError('DeformableConvolution: offset must have shape %s (batch, num_deformable_group * 2 * '
                         'kernel size, out_h, out_w), got %s' % (fmt(off_shape), fmt(offset.shape)))
    n, c, h, w = data.shape
    _, k2, oh, ow = offset.shape
    kh, kw = p.kernel
    dg, k = p.num_deformable_group, kh * kw
    if data.device.type == 'meta':
        return data.new_empty((n, p.num_filter, oh, ow))
    (sh, sw), (dh, dw), (ph, pw) = _geometry(p)
    dt, dev = data.dtype, data.device
    base_y = (torch.arange(oh, dtype=dt, device=dev) * sh - ph).reshape(1, oh, 1) + \
        (torch.arange(kh, dtype=dt, device=dev) * dh).repeat_interleave(kw).reshape(k, 1, 1)  # (K, oh, 1)
    base_x = (torch.arange(ow, dtype=dt, device=dev) * sw - pw).reshape(1, 1, ow) + \
        (torch.arange(kw, dtype=dt, device=dev) * dw).repeat(kh).reshape(k, 1, 1)  # (K, 1, ow)
    off = offset.reshape(n, dg, k, 2, oh, ow)
    y = (off[:, :, :, 0] + base_y).reshape(n, dg, -1)  # points ordered (K, oh, ow)
    x = (off[:, :, :, 1] + base_x).reshape(n, dg, -1)
    cols = _bilinear(data.reshape(n, dg, c // dg, h, w), y, x)  # (N, dg, C/dg, K * oh * ow)
    g = p.num_group
    cols = cols.reshape(n, g, (c // g) * k, oh * ow)
    out = torch.matmul(weight.reshape(g, p.num_filter // g, (c // g) * k), cols)  # (N, g, F/g, oh*ow)
    out = out.reshape(n, p.num_filter, oh, ow)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out


def _inputs(p):
    return ('data', 'offset', 'weight') if p.no_bias else ('data', 'offset', 'weight', 'bias')


register_weighted(
    '_contrib_DeformableConvolution', _deformable_conv, lambda p, d: _expected(p, d)[0], inputs=_inputs,
    out_shapes=lambda p, s: [(s[0][0], p.num_filter) + _out_size(p, s[0][2], s[0][3])],
    params={'kernel': Shape(low=1), 'stride': Shape((), low=1), 'dilate': Shape((), low=1),
            'pad': Shape((), low=0), 'num_filter': Int(low=1), 'num_group': Int(1, low=1),
            'num_deformable_group': Int(1, low=1), 'workspace': Int(1024, low=0), 'no_bias': Bool(False),
            'layout': Enum(('NCDHW', 'NCHW', 'NCW'), None)},
    doc='Deformable convolution (2-D, NCHW): each kernel tap samples the data bilinearly at its grid position '
        'plus a learned offset, then a grouped convolution of the samples with weight, plus bias.')
