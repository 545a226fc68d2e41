"""``_contrib_ROIAlign``: bilinear-sampled average pooling of regions of interest (Mask R-CNN).

MXNet 1.x contract: rois is (R, 5) rows [batch index, x1, y1, x2, y2] in input coordinates, scaled by
``spatial_scale`` (shifted by -0.5 when ``aligned``; otherwise each side is at least 1). Each of the
pooled_size bins averages a grid of sample points (``sample_ratio`` per axis, or ceil(bin size) when it is
<= 0); a point outside [-1, size] contributes 0, others are clamped into the map and interpolated
bilinearly. ``position_sensitive`` reads bin (ph, pw) of output channel c from input channel
(c * PH + ph) * PW + pw. The rois get no gradient.
"""
import math

import torch

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Bool, Float, Int, Shape
from .reduce import fmt_shape


def _axis_weights(start, bin_size, pooled, grid, size, dtype, device):
    """(pooled * grid, size) matrix of the bilinear weights of the sample points along one axis."""
    k = torch.arange(pooled * grid, dtype=dtype, device=device)
    cell, sub = torch.div(k, grid, rounding_mode='floor'), torch.remainder(k, grid)
    pos = start + cell * bin_size + (sub + 0.5) * bin_size / grid
    valid = (pos >= -1.0) & (pos <= size)
    pos = pos.clamp(min=0.0)
    low = pos.floor().to(torch.int64)
    edge = low >= size - 1
    low = torch.where(edge, torch.full_like(low, size - 1), low)
    high = torch.where(edge, low, low + 1)
    pos = torch.where(edge, low.to(dtype), pos)
    frac = pos - low.to(dtype)
    w = torch.zeros(pooled * grid, size, dtype=dtype, device=device)
    w.scatter_add_(1, low.unsqueeze(1), ((1 - frac) * valid).unsqueeze(1))
    w.scatter_add_(1, high.unsqueeze(1), (frac * valid).unsqueeze(1))
    return w


def _roi_align(p, data, rois):
    if data.dim() != 4 or rois.dim() != 2 or rois.shape[1] != 5:
        raise MXNetError('ROIAlign: data must be (N, C, H, W) and rois (R, 5), got %s and %s'
                         % (fmt_shape(data.shape), fmt_shape(rois.shape)))
    ph_n, pw_n = _pooled(p)
    n, c, h, w = data.shape
    if p.position_sensitive and c % (ph_n * pw_n):
        raise MXNetError('ROIAlign: position_sensitive needs channels divisible by %d, got %d' % (ph_n * pw_n, c))
    c_out = c // (ph_n * pw_n) if p.position_sensitive else c
    if data.device.type == 'meta':
        return torch.empty(rois.shape[0], c_out, ph_n, pw_n, dtype=data.dtype, device='meta')
    boxes = rois.detach().to(data.dtype)
    outs = []
    for r in range(rois.shape[0]):
        b = int(boxes[r, 0])
        x1, y1, x2, y2 = (boxes[r, 1:5] * torch.tensor(p.spatial_scale, dtype=data.dtype)).tolist()
        if p.aligned:
            x1, y1, x2, y2 = x1 - 0.5, y1 - 0.5, x2 - 0.5, y2 - 0.5
            rw, rh = x2 - x1, y2 - y1
        else:
            rw, rh = max(x2 - x1, 1.0), max(y2 - y1, 1.0)
        bh, bw = rh / ph_n, rw / pw_n
        gh = p.sample_ratio if p.sample_ratio > 0 else max(int(math.ceil(rh / ph_n)), 1)
        gw = p.sample_ratio if p.sample_ratio > 0 else max(int(math.ceil(rw / pw_n)), 1)
        wy = _axis_weights(y1, bh, ph_n, gh, h, data.dtype, data.device)
        wx = _axis_weights(x1, bw, pw_n, gw, w, data.dtype, data.device)
        samples = torch.matmul(torch.matmul(wy, data[b]), wx.t())  # (C, PH*gh, PW*gw)
        pooled = samples.reshape(c, ph_n, gh, pw_n, gw).mean((2, 4))
        if p.position_sensitive:
            pooled = pooled.reshape(c_out, ph_n, pw_n, ph_n, pw_n).diagonal(0, 1, 3).diagonal(0, 1, 2)
        outs.append(pooled)
    if not outs:
        return data.new_zeros(0, c_out, ph_n, pw_n)
    return torch.stack(outs)


def _pooled(p):
    size = tuple(p.pooled_size)
    return size * 2 if len(size) == 1 else size


def _shape(p, s):
    d, r = s[0], s[1]
    if d is None or r is None:
        return s, [None], []
    ph_n, pw_n = _pooled(p)
    c = d[1] // (ph_n * pw_n) if p.position_sensitive else d[1]
    return s, [(r[0], c, ph_n, pw_n)], []


register(OpDef('_contrib_ROIAlign', _roi_align, inputs=('data', 'rois'), infer_shape=_shape, params={
    'pooled_size': Shape(doc='(height, width) of the pooled output'),
    'spatial_scale': Float(doc='scale from roi coordinates to the input'),
    'sample_ratio': Int(-1, 'sample points per bin and axis; <= 0: ceil(bin size)'),
    'position_sensitive': Bool(False, 'read each bin from its own channel group (R-FCN)'),
    'aligned': Bool(False, 'shift the roi coordinates by -0.5 pixel')},
    doc='Average of bilinearly sampled points in each bin of each region of interest.'))


# ---- rotated rois -----------------------------------------------------------------------------------------------
def _bilinear_at(fm, y, x):
    """Bilinear samples of the (C, H, W) map at float points y, x (same shape S) -> (C, *S); points outside
    [-1, size] give 0, others are clamped into the map (ROIAlign's rule)."""
    c, h, w = fm.shape
    valid = ((y >= -1.0) & (y <= h) & (x >= -1.0) & (x <= w)).to(fm.dtype)
    y, x = y.clamp(min=0.0), x.clamp(min=0.0)
    yl, xl = y.floor().to(torch.int64), x.floor().to(torch.int64)
    ey, ex = yl >= h - 1, xl >= w - 1
    yl = torch.where(ey, torch.full_like(yl, h - 1), yl)
    xl = torch.where(ex, torch.full_like(xl, w - 1), xl)
    yh, xh = torch.where(ey, yl, yl + 1), torch.where(ex, xl, xl + 1)
    y, x = torch.where(ey, yl.to(fm.dtype), y), torch.where(ex, xl.to(fm.dtype), x)
    ly, lx = y - yl.to(fm.dtype), x - xl.to(fm.dtype)
    hy, hx = 1 - ly, 1 - lx
    flat = fm.reshape(c, -1)

    def at(yy, xx):
        return flat[:, (yy * w + xx).reshape(-1)].reshape((c,) + tuple(yy.shape))
    val = hy * hx * at(yl, xl) + hy * lx * at(yl, xh) + ly * hx * at(yh, xl) + ly * lx * at(yh, xh)
    return val * valid


def _rroi_align(p, data, rois):
    if data.dim() != 4 or rois.dim() != 2 or rois.shape[1] != 6:
        raise MXNetError('RROIAlign: data must be (N, C, H, W) and rois (R, 6), got %s and %s'
                         % (fmt_shape(data.shape), fmt_shape(rois.shape)))
    ph_n, pw_n = _pooled(p)
    n, c, h, w = data.shape
    if data.device.type == 'meta':
        return torch.empty(rois.shape[0], c, ph_n, pw_n, dtype=data.dtype, device='meta')
    dt, dev = data.dtype, data.device
    boxes = rois.detach().to(dt)
    outs = []
    for r in range(rois.shape[0]):
        b = int(boxes[r, 0])
        cx, cy, rw, rh = (boxes[r, 1:5] * torch.tensor(p.spatial_scale, dtype=dt)).tolist()
        theta = torch.tensor(float(boxes[r, 5]) * math.pi / 180.0, dtype=dt)
        rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph_n, rw / pw_n
        gh = p.sampling_ratio if p.sampling_ratio > 0 else max(int(math.ceil(rh / ph_n)), 1)
        gw = p.sampling_ratio if p.sampling_ratio > 0 else max(int(math.ceil(rw / pw_n)), 1)
        ky = torch.arange(ph_n * gh, dtype=dt, device=dev)
        kx = torch.arange(pw_n * gw, dtype=dt, device=dev)
        yy = -rh / 2.0 + torch.div(ky, gh, rounding_mode='floor') * bh + (torch.remainder(ky, gh) + 0.5) * bh / gh
        xx = -rw / 2.0 + torch.div(kx, gw, rounding_mode='floor') * bw + (torch.remainder(kx, gw) + 0.5) * bw / gw
        yy, xx = yy.unsqueeze(1), xx.unsqueeze(0)
        cos, sin = torch.cos(theta), torch.sin(theta)
        x = xx * cos + yy * sin + cx
        y = yy * cos - xx * sin + cy
        samples = _bilinear_at(data[b], y, x)  # (C, PH*gh, PW*gw)
        outs.append(samples.reshape(c, ph_n, gh, pw_n, gw).mean((2, 4)))
    if not outs:
        return data.new_zeros(0, c, ph_n, pw_n)
    return torch.stack(outs)


register(OpDef('_contrib_RROIAlign', _rroi_align, inputs=('data', 'rois'),
               infer_shape=lambda p, s: (s, [None if s[0] is None or s[1] is None else
                                             (s[1][0], s[0][1]) + _pooled(p)], []), params={
    'pooled_size': Shape(doc='(height, width) of the pooled output'),
    'spatial_scale': Float(doc='scale from roi coordinates to the input'),
    'sampling_ratio': Int(-1, 'sample points per bin and axis; <= 0: ceil(bin size)')},
    doc='ROIAlign of rotated regions: rois rows are [batch index, centre x, centre y, width, height, angle '
        'in degrees].'))
