"""Reductions: ``sum``, ``mean``, ``prod``, ``nansum``, ``nanprod``, ``max``, ``min``, ``norm``, ``argmax``,
``argmin`` and ``argmax_channel``.

MXNet 1.x contract: ``axis`` None or ``()`` reduces every axis; ``exclude`` reduces the axes *not* listed; a
full reduction without ``keepdims`` gives shape ``(1,)`` (never 0-d). The result keeps the input dtype:
integer sums and products wrap around, an integer mean is the wrapped sum divided with truncation, and
argmax/argmin return indices in the input dtype. The gradient of max/min goes in full to every element equal
to the extreme value.
"""
import torch

from ...base import MXNetError
from ... import _dtype
from ..registry import OpDef, register
from .. import gradients as _grad
from ..params import Bool, Enum, Int, Shape

__all__ = ['fmt_shape', 'reduce_axes', 'check_axis', 'reduce_shape']


def fmt_shape(shape):
    """MXNet's way of printing a shape: ``[2,3,4]``."""
    return '[' + ','.join(str(int(d)) for d in shape) + ']'


def reduce_axes(name, shape, axis, exclude=False):
    """The sorted non-negative axes ``name`` reduces, after MXNet's checks (every axis when axis is None/())."""
    ndim = len(shape)
    if not axis:
        return tuple(range(ndim))
    axes = sorted(a + ndim if a < 0 else a for a in axis)
    for a, b in zip(axes, axes[1:]):
        if a == b:
            raise MXNetError('%s: Reduction axes have duplicates %s' % (name, fmt_shape(axes)))
    if axes[-1] >= ndim or axes[0] < 0:
        bad = axes[-1] if axes[-1] >= ndim else axes[0] - ndim
        raise MXNetError('%s: Reduction axis %d Exceeds input dimensions %s (axis=%s)'
                         % (name, bad, fmt_shape(shape), tuple(axis)))
    if exclude:
        return tuple(i for i in range(ndim) if i not in axes)
    return tuple(axes)


def reduce_shape(shape, axes, keepdims):
    """Output shape of reducing ``axes`` of ``shape`` (``(1,)`` for a full reduction without keepdims)."""
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes) or (1,)


def check_axis(name, ndim, axis):
    """``axis`` made non-negative; MXNetError unless -ndim <= axis < ndim."""
    if not -ndim <= axis < ndim:
        raise MXNetError('%s: axis %d exceeds the input dimension of %d' % (name, axis, ndim))
    return axis % ndim


def _flat_last(fn, x, dims):
    """``fn(t, dim)`` over several dims at once: move them last and flatten them (for single-dim torch ops)."""
    if len(dims) == 1:
        return fn(x, dims[0])
    kept = [i for i in range(x.dim()) if i not in dims]
    y = x.permute(kept + list(dims)).reshape([x.shape[i] for i in kept] + [-1])
    return fn(y, -1)


def _sum(x, dims):
    return torch.sum(x, dims, keepdim=True).to(x.dtype)


def _mean(x, dims):
    if x.is_floating_point():
        return torch.mean(x, dims, keepdim=True)
    n = 1
    for d in dims:
        n *= x.shape[d]
    return torch.div(_sum(x, dims), n, rounding_mode='trunc').to(x.dtype)


def _prod(x, dims):
    return _flat_last(lambda t, d: torch.prod(t, d), x, dims).to(x.dtype)


def _nansum(x, dims):
    return torch.nansum(x, dims, keepdim=True) if x.is_floating_point() else _sum(x, dims)


def _nanprod(x, dims):
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.ones((), dtype=x.dtype, device=x.device), x)
    return _prod(x, dims)


_extreme = _grad.full_to_ties  # MXNet's max/min backward


def _reduce(name, fn, x, axis, keepdims, exclude=False):
    axes = reduce_axes(name, x.shape, axis, exclude)
    if axes:
        y = fn(x, axes)
    else:  # nothing to reduce (exclude listed every axis): reduce a new size-1 axis
        y = fn(x.unsqueeze(-1), (x.dim(),)).squeeze(-1)
    shape = reduce_shape(x.shape, axes, keepdims)
    return y if tuple(y.shape) == shape else y.reshape(shape)


def _axis_params():
    return {'axis': Shape(None, 'axes to reduce; None or () reduces all'),
            'keepdims': Bool(False, 'keep reduced axes with size 1'),
            'exclude': Bool(False, 'reduce the axes not in axis')}


_REDUCERS = [
    ('sum', ('sum_axis',), _sum, 'Sum of array elements over the given axes.'),
    ('mean', (), _mean, 'Mean of array elements over the given axes.'),
    ('prod', (), _prod, 'Product of array elements over the given axes.'),
    ('nansum', (), _nansum, 'Sum over the given axes, treating NaN as zero.'),
    ('nanprod', (), _nanprod, 'Product over the given axes, treating NaN as one.'),
    ('max', ('max_axis',), _extreme(torch.amax), 'Maximum over the given axes.'),
    ('min', ('min_axis',), _extreme(torch.amin), 'Minimum over the given axes.'),
]


def _make_reducer(name, fn):
    return lambda p, data: _reduce(name, fn, data, p.axis, p.keepdims, p.exclude)


for _name, _aliases, _fn, _doc in _REDUCERS:
    register(OpDef(_name, _make_reducer(_name, _fn), aliases=_aliases, params=_axis_params(), method=True,
                   doc=_doc))

# MXNet's sparse-aware ``sum(square(x))`` (``mx.nd._internal._square_sum``); storage is dense here
register(OpDef('_square_sum', lambda p, data: _reduce('_square_sum', _sum, data * data, p.axis, p.keepdims,
                                                      p.exclude),
               params=_axis_params(), doc='Sum of squares over the given axes.'))


# ---- norm -------------------------------------------------------------------------------------------
_NORM_DTYPES = ('float16', 'float32', 'float64', 'int32', 'int64', 'int8')


def _lp(ord_):
    def compute(x, dims):
        if ord_ == 1:
            return torch.sum(torch.abs(x), dims, keepdim=True).to(x.dtype)
        if x.is_floating_point():
            return torch.linalg.vector_norm(x, 2, dim=dims, keepdim=True)
        # MXNet's scaled L2 (scale * sqrt(sum((|x| / scale)^2))) divides integers, so only the elements
        # equal to the largest magnitude count: the result is trunc(max|x| * sqrt(their number)).
        a = torch.abs(x)
        top = torch.amax(a, dims, keepdim=True)
        count = (a == top).sum(dims, keepdim=True)
        return (top.double() * torch.sqrt(count.double())).to(x.dtype)
    return compute


def _norm(p, data):
    if p.ord not in (1, 2):
        raise MXNetError('norm: only ord=1 and ord=2 are supported, got ord=%d' % p.ord)
    y = _reduce('norm', _lp(p.ord), data, p.axis, p.keepdims)
    return y if p.out_dtype is None else y.to(_dtype.to_torch(p.out_dtype))


register(OpDef('norm', _norm, method=True, params={
    'ord': Int(2, 'order of the norm: 1 or 2'),
    'axis': Shape(None, 'axes to reduce; None reduces all'),
    'out_dtype': Enum(_NORM_DTYPES, None, 'dtype of the output (default: the input dtype)'),
    'keepdims': Bool(False, 'keep reduced axes with size 1')},
    infer_type=lambda p, t: (t, [p.out_dtype or t[0]], []),
    doc='The L1 (ord=1) or L2 (ord=2) norm over the given axes (all by default), flattening them into one '
        'vector.'))


# ---- argmax / argmin ----------------------------------------------------------------------------------
def _arg(name, fn, x, axis, keepdims):
    if axis is None:
        idx = fn(x.reshape(-1), 0)
        return idx.reshape((1,) * x.dim() if keepdims else (1,)).to(x.dtype)
    axis = check_axis(name, x.dim(), axis)
    idx = fn(x, axis, keepdim=keepdims)
    return (idx if idx.dim() else idx.reshape(1)).to(x.dtype)


def _make_arg(name, fn):
    return lambda p, data: _arg(name, fn, data, p.axis, p.keepdims)


for _name, _fn, _what in (('argmax', torch.argmax, 'largest'), ('argmin', torch.argmin, 'smallest')):
    register(OpDef(_name, _make_arg(_name, _fn), method=True, params={
        'axis': Int(None, 'the axis to search; None searches the flattened array'),
        'keepdims': Bool(False, 'keep the reduced axis with size 1')},
        doc='Index of the %s element along an axis (the first one on ties), in the input dtype.' % _what))

register(OpDef('argmax_channel', lambda p, data: _arg('argmax_channel', torch.argmax, data, 1, False),
               method=True, gradient=None,
               doc='Index of the largest element along axis 1, in the input dtype (no gradient, as in MXNet).'))
