"""Spatial sampling and region layers: GridGenerator, BilinearSampler, SpatialTransformer and ROIPooling.

Sampling grids hold normalised coordinates in [-1, 1] (-1 is the first pixel centre, 1 the last), channel 0
being x and channel 1 y; samples outside the input read zeros.
"""
import math

import torch
import torch.nn.functional as F

from ...base import MXNetError
from ..params import Float, Bool, Enum, Shape
from .nn import fmt, register_weighted, one_visible


def _with_placeholder(fn):
    """Add MXNet's internal second output (a scratch buffer there; a detached copy of the result here)."""
    def compute(p, *args):
        out = fn(p, *args)
        return out, out.detach()
    return compute


def _affine_grid(theta, h, w):
    """(N, 2, h, w) grid of ``theta`` (N, 6) applied to the target's normalised (x, y, 1)."""
    ys = torch.linspace(-1, 1, h, dtype=theta.dtype, device=theta.device)
    xs = torch.linspace(-1, 1, w, dtype=theta.dtype, device=theta.device)
    gy, gx = torch.meshgrid(ys, xs, indexing='ij')
    src = torch.stack([gx.reshape(-1), gy.reshape(-1), torch.ones_like(gx).reshape(-1)])  # (3, h*w)
    return (theta.reshape(-1, 2, 3) @ src).reshape(-1, 2, h, w)


def _grid_generator(p, data):
    if p.transform_type == 'affine':
        if data.dim() != 2 or data.shape[1] != 6:
            raise MXNetError('GridGenerator: affine data must be (batch, 6), got %s' % fmt(data.shape))
        return _affine_grid(data, *p.target_shape)
    if data.dim() != 4 or data.shape[1] != 2:
        raise MXNetError('GridGenerator: warp data must be a (batch, 2, H, W) flow, got %s' % fmt(data.shape))
    h, w = data.shape[2], data.shape[3]
    ys = torch.arange(h, dtype=data.dtype, device=data.device).reshape(1, h, 1).expand(1, h, w)
    xs = torch.arange(w, dtype=data.dtype, device=data.device).reshape(1, 1, w).expand(1, h, w)
    pix = torch.cat([xs, ys]).unsqueeze(0) + data
    scale = torch.tensor([max(w - 1, 1) / 2.0, max(h - 1, 1) / 2.0], dtype=data.dtype, device=data.device)
    return pix / scale.reshape(1, 2, 1, 1) - 1


register_weighted('GridGenerator', _with_placeholder(_grid_generator), lambda p, d: {},
                  outputs=('output', 'grid_dst'), num_visible=one_visible,
                  params={'transform_type': Enum(('affine', 'warp')), 'target_shape': Shape((0, 0))},
                  doc='A sampling grid (batch, 2, H, W): an affine transform (data (batch, 6)) of the target_shape '
                      'grid, or pixel coordinates plus a flow field (warp), normalised to [-1, 1].')


def _sample(data, grid):
    if data.dim() != 4 or grid.dim() != 4 or grid.shape[1] != 2 or grid.shape[0] != data.shape[0]:
        raise MXNetError('BilinearSampler: data must be (N, C, H, W) and grid (N, 2, H\', W\'), got %s and %s'
                         % (fmt(data.shape), fmt(grid.shape)))
    if data.is_meta:  # torch's meta grid_sample is a slow decomposition: the shape is known
        return data.new_empty((data.shape[0], data.shape[1], grid.shape[2], grid.shape[3]))
    return F.grid_sample(data, grid.permute(0, 2, 3, 1), mode='bilinear', padding_mode='zeros', align_corners=True)


register_weighted('BilinearSampler', _with_placeholder(lambda p, data, grid: _sample(data, grid)),
                  lambda p, d: {}, outputs=('output', 'tmp'), num_visible=one_visible,
                  inputs=('data', 'grid'), params={'cudnn_off': Bool(None)},
                  doc='Bilinear samples of ``data`` at the normalised grid positions; outside reads 0.')


def _st_shapes(p, d):
    return {}  # MXNet checks a given loc but does not infer it


def _spatial_transformer(p, data, loc):
    grid = _affine_grid(loc, *p.target_shape)
    return _sample(data, grid), grid.detach(), grid.detach()


register_weighted('SpatialTransformer', _spatial_transformer, _st_shapes, inputs=('data', 'loc'),
                  outputs=('output', 'grid_dst', 'grid_src'), num_visible=one_visible,
                  params={'target_shape': Shape((0, 0)), 'transform_type': Enum(('affine',)),
                          'sampler_type': Enum(('bilinear',)), 'cudnn_off': Bool(None)},
                  doc='Affine-warps ``data`` by ``loc`` (batch, 6) to target_shape: GridGenerator then '
                      'BilinearSampler.')


def _c_round(v):
    return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)


def _bins(start, end, pooled, size):
    """Boolean (pooled, size) membership of each position in each bin, as MXNet splits a region."""
    length = max(end - start + 1, 1)
    step = length / pooled
    rows = []
    for i in range(pooled):
        lo = min(max(int(math.floor(i * step)) + start, 0), size)
        hi = min(max(int(math.ceil((i + 1) * step)) + start, 0), size)
        rows.append([lo <= j < hi for j in range(size)])
    return rows


def _roi_pooling(p, data, rois):
    if rois.dim() != 2 or rois.shape[1] != 5:
        raise MXNetError('ROIPooling: rois must be (num_rois, 5) [batch, x1, y1, x2, y2], got %s' % fmt(rois.shape))
    ph, pw = p.pooled_size
    n, c, h, w = data.shape
    if data.is_meta:
        return data.new_empty((rois.shape[0], c, ph, pw))
    outs = []
    low = torch.tensor(float('-inf'), dtype=data.dtype, device=data.device)
    for r in rois.detach().cpu().tolist():
        b = int(r[0])
        x1, y1, x2, y2 = (_c_round(v * p.spatial_scale) for v in r[1:])
        mh = torch.tensor(_bins(y1, y2, ph, h), device=data.device)  # (ph, H)
        mw = torch.tensor(_bins(x1, x2, pw, w), device=data.device)  # (pw, W)
        x = data[b]
        t = torch.where(mw.reshape(1, 1, pw, w), x.unsqueeze(2), low).amax(-1)  # (C, H, pw)
        t = torch.where(mh.reshape(1, ph, h, 1), t.unsqueeze(1), low).amax(2)  # (C, ph, pw)
        outs.append(torch.where(torch.isneginf(t), torch.zeros_like(t), t))
    if not outs:
        return data.new_zeros((0, c, ph, pw))
    return torch.stack(outs)


register_weighted('ROIPooling', _with_placeholder(_roi_pooling), lambda p, d: {}, inputs=('data', 'rois'),
                  outputs=('output', 'maxidx'), num_visible=one_visible,
                  params={'pooled_size': Shape(), 'spatial_scale': Float()},
                  doc='Max-pools each region of interest [batch, x1, y1, x2, y2] (scaled by spatial_scale and '
                      'rounded) into a pooled_size grid; empty bins give 0.')
