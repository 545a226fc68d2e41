"""Statistics: ``moments`` (mean and variance), ``_histogram`` (``mx.nd.histogram``) and ``_contrib_allclose``.

MXNet 1.x contract: ``moments`` reduces ``axes`` (all when None) and, like the reductions, gives shape (1,) for
a full reduction without keepdims; its variance is the biased one (divided by N). ``_histogram`` counts
values in ``bin_cnt`` equal bins over ``range`` (or over the data's min/max), or in the bins whose edges the
second input lists; the last bin includes its right edge, values outside are not counted. It returns the
counts (int64) and the bin edges. ``allclose`` is 1 (int32, shape ()) when |a - b| <= atol + rtol * |b|
everywhere.
"""
import torch

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Bool, Float, FloatTuple, Int, Shape
from .reduce import reduce_axes, reduce_shape


# ---- moments ----------------------------------------------------------------------------------------------------
def _moments(p, x):
    axes = reduce_axes('moments', tuple(x.shape), p.axes)
    out_shape = reduce_shape(tuple(x.shape), axes, p.keepdims)
    if not axes:
        return x.clone(), torch.zeros_like(x)
    mean = x.mean(dim=axes, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=axes, keepdim=True)
    return mean.reshape(out_shape), var.reshape(out_shape)


def _moments_shape(p, shapes):
    s = shapes[0]
    if s is None:
        return shapes, [None, None], []
    out = reduce_shape(tuple(s), reduce_axes('moments', tuple(s), p.axes), p.keepdims)
    return shapes, [out, out], []


register(OpDef('moments', _moments, outputs=('mean', 'var'), infer_shape=_moments_shape, params={
    'axes': Shape(None, 'axes to reduce; None reduces all'),
    'keepdims': Bool(False, 'keep the reduced axes with size 1')},
    doc='Mean and (biased) variance of ``data`` over ``axes``.'))


# ---- histogram --------------------------------------------------------------------------------------------------
def _count(x, edges):
    """Counts of the values of ``x`` in the bins between consecutive ``edges`` (last bin closed)."""
    x = x.reshape(-1).to(torch.float64)
    edges = edges.to(torch.float64)
    n = edges.numel() - 1
    inside = (x >= edges[0]) & (x <= edges[-1])
    idx = torch.bucketize(x[inside], edges, right=True) - 1
    idx = idx.clamp_(0, n - 1)
    return torch.bincount(idx, minlength=n).to(torch.int64)


def _histogram(p, x, *bins):
    if p.bin_cnt is None:
        if not bins:
            raise MXNetError('_histogram: give either bin_cnt or the bins array')
        edges = bins[0].reshape(-1)
        if edges.numel() < 2:
            raise MXNetError('_histogram: the bins array needs at least 2 edges')
        if x.device.type == 'meta':
            return torch.empty(edges.numel() - 1, dtype=torch.int64, device='meta'), edges.clone()
        return _count(x, edges), edges.clone()
    if p.bin_cnt < 1:
        raise MXNetError('_histogram: bin_cnt must be positive, got %d' % p.bin_cnt)
    if x.device.type == 'meta':
        return (torch.empty(p.bin_cnt, dtype=torch.int64, device='meta'),
                torch.empty(p.bin_cnt + 1, dtype=x.dtype, device='meta'))
    if p.range is not None:
        if len(p.range) != 2 or not p.range[0] < p.range[1]:
            raise MXNetError('_histogram: range must be (low, high) with low < high, got %s' % (p.range,))
        lo, hi = float(p.range[0]), float(p.range[1])
    elif x.numel():
        lo, hi = float(x.min()), float(x.max())
    else:
        lo, hi = 0.0, 1.0
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    step = (hi - lo) / p.bin_cnt  # numpy's linspace arithmetic, so the edges match np.histogram's bit for bit
    edges = torch.arange(p.bin_cnt + 1, dtype=torch.float64, device=x.device) * step + lo
    edges[-1] = hi
    return _count(x, edges), edges.to(x.dtype)


def _histogram_shape(p, shapes):
    if p.bin_cnt is not None:
        return shapes, [(p.bin_cnt,), (p.bin_cnt + 1,)], []
    b = shapes[1] if len(shapes) > 1 else None
    if b is None:
        return shapes, [None, None], []
    n = 1
    for d in b:
        n *= d
    return shapes, [(n - 1,), (n,)], []


def _histogram_type(p, types):
    t = next((x for x in types if x is not None), None)
    return types, ['int64', t], []


register(OpDef('_histogram', _histogram, inputs=lambda p: ('data',) if p.bin_cnt is not None else ('data', 'bins'),
               outputs=('output', 'bins'), infer_shape=_histogram_shape, infer_type=_histogram_type,
               same_dtype=False, gradient=None, params={
                   'bin_cnt': Int(None, 'number of equal bins (instead of a bins array)'),
                   'range': FloatTuple(None, '(low, high) of the equal bins; default: the data min and max')},
               doc='Histogram of ``data`` in ``bin_cnt`` equal bins, or in the bins whose edges ``bins`` lists.'))


# ---- allclose ---------------------------------------------------------------------------------------------------
def _allclose(p, a, b):
    if a.shape != b.shape:
        raise MXNetError('_contrib_allclose: the inputs must have the same shape, got %s and %s'
                         % (tuple(a.shape), tuple(b.shape)))
    if a.device.type == 'meta':
        return torch.empty((), dtype=torch.int32, device='meta')
    a64, b64 = a.to(torch.float64), b.to(torch.float64)
    close = (a64 - b64).abs() <= p.atol + p.rtol * b64.abs()
    if p.equal_nan:
        close = close | (torch.isnan(a64) & torch.isnan(b64))
    return close.all().to(torch.int32).reshape(())


register(OpDef('_contrib_allclose', _allclose, inputs=('a', 'b'), same_dtype=False,
               infer_shape=lambda p, s: (s, [()], []), infer_type=lambda p, t: (t, ['int32'], []), params={
                   'rtol': Float(1e-05, 'relative tolerance'), 'atol': Float(1e-08, 'absolute tolerance'),
                   'equal_nan': Bool(True, 'NaNs in the same places count as equal')},
               doc='1 if every |a - b| <= atol + rtol * |b|, else 0.'))
