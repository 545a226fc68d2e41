"""The math, reduction and array-manipulation functions of ``mx.np`` (and the ndarray operators built on them).

Elementwise functions are tables (NumPy name -> torch callable); everything runs on the arrays' tensors, so
torch autograd records it inside ``autograd.record()``. Results follow MXNet's numpy rules: 0-d results of
reductions, float32 as the default float dtype (``mean`` of integers is float32; ``sum`` keeps an integer
dtype), and NumPy broadcasting and type promotion for binary functions.
"""
import builtins
import numbers

import numpy as _np
import torch

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .multiarray import (ndarray, wrap, derived, tensor_of, compute, np_shape, default_float,
                         torch_dtype, infer_np_reshape, check_inplace)

_py_sum = builtins.sum
_F = torch.nn.functional


# ---- plumbing ---------------------------------------------------------------------------------------------
def _first_array(args):
    for a in args:
        if isinstance(a, NDArray):
            return a
        if isinstance(a, (list, tuple)):
            found = _first_array(a)
            if found is not None:
                return found
    return None


def _tensors(*xs):
    """Tensors of the operands, on the device of the first array among them."""
    ref = _first_array(xs)
    dev = ref._data.device if ref is not None else None
    return [tensor_of(x, dev) for x in xs]


def _ret(res, ref, out=None):
    """``res`` (tensor or tuple of tensors) as mx.np arrays on ``ref``'s context; copied into ``out`` if given."""
    if isinstance(res, (tuple, list)):
        return type(res)(_ret(r, ref) for r in res) if out is None else [
            _ret(r, ref, o) for r, o in zip(res, out)]
    if out is not None:
        if not isinstance(out, NDArray):
            raise TypeError('out must be an mx.np.ndarray, got %s' % type(out).__name__)
        if tuple(out._data.shape) != tuple(res.shape):
            raise MXNetError('out has shape %s but the result has shape %s' % (out.shape, tuple(res.shape)))
        with torch.no_grad():
            out._data.copy_(res)
        return out
    return derived(ref, res) if ref is not None else wrap(res)


def _axes(axis, ndim):
    """``axis`` (None, int or tuple) as a tuple of non-negative axes of an array of ``ndim`` dimensions."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (numbers.Integral, _np.integer)) else tuple(axis)
    out = []
    for ax in axes:
        ax = int(ax)
        if not -builtins.max(ndim, 1) <= ax < builtins.max(ndim, 1):
            raise MXNetError('axis %d is out of bounds for array of dimension %d' % (ax, ndim))
        out.append(ax % builtins.max(ndim, 1))
    return tuple(out)


# ---- elementwise: tables of NumPy name -> torch callable --------------------------------------------------
def _cbrt(x):
    return torch.sign(x) * torch.abs(x).pow(1.0 / 3)


def _floatify(fn):
    """``fn`` on a float view of integer/bool inputs (torch's integer kernels differ from numpy's)."""
    def apply(x):
        return fn(x if x.is_floating_point() else x.to(default_float()))
    apply.__name__ = getattr(fn, '__name__', 'fn')
    return apply


UNARY = {
    'negative': torch.neg, 'positive': torch.positive, 'absolute': torch.abs, 'abs': torch.abs,
    'fabs': _floatify(torch.abs), 'sign': torch.sign, 'rint': torch.round, 'fix': torch.trunc,
    'floor': torch.floor, 'ceil': torch.ceil, 'trunc': torch.trunc,
    'sqrt': torch.sqrt, 'cbrt': _floatify(_cbrt), 'square': torch.square, 'reciprocal': _floatify(torch.reciprocal),
    'exp': torch.exp, 'expm1': torch.expm1, 'log': torch.log, 'log2': torch.log2, 'log10': torch.log10,
    'log1p': torch.log1p,
    'sin': torch.sin, 'cos': torch.cos, 'tan': torch.tan, 'arcsin': torch.asin, 'arccos': torch.acos,
    'arctan': torch.atan, 'sinh': torch.sinh, 'cosh': torch.cosh, 'tanh': torch.tanh, 'arcsinh': torch.asinh,
    'arccosh': torch.acosh, 'arctanh': torch.atanh,
    'degrees': _floatify(torch.rad2deg), 'radians': _floatify(torch.deg2rad),
    'rad2deg': _floatify(torch.rad2deg), 'deg2rad': _floatify(torch.deg2rad),
    'isnan': torch.isnan, 'isinf': torch.isinf, 'isfinite': torch.isfinite, 'isposinf': torch.isposinf,
    'isneginf': torch.isneginf, 'signbit': torch.signbit,
    'logical_not': torch.logical_not, 'bitwise_not': torch.bitwise_not, 'invert': torch.bitwise_not,
}


def _true_divide(a, b):
    if not (a.is_floating_point() or b.is_floating_point()):
        a = a.to(default_float())
    return torch.true_divide(a, b)


def _power(a, b):
    return torch.pow(a, b)


BINARY = {
    'add': torch.add, 'subtract': torch.sub, 'multiply': torch.mul, 'divide': _true_divide,
    'true_divide': _true_divide, 'floor_divide': torch.floor_divide, 'mod': torch.remainder,
    'remainder': torch.remainder, 'fmod': torch.fmod, 'power': _power, 'float_power': torch.float_power,
    'maximum': torch.maximum, 'minimum': torch.minimum, 'fmax': torch.fmax, 'fmin': torch.fmin,
    'hypot': torch.hypot, 'arctan2': torch.atan2, 'copysign': torch.copysign,
    'ldexp': torch.ldexp, 'lcm': torch.lcm, 'gcd': torch.gcd, 'heaviside': torch.heaviside,
    'equal': torch.eq, 'not_equal': torch.ne, 'greater': torch.gt, 'greater_equal': torch.ge,
    'less': torch.lt, 'less_equal': torch.le,
    'logical_and': torch.logical_and, 'logical_or': torch.logical_or, 'logical_xor': torch.logical_xor,
    'bitwise_and': torch.bitwise_and, 'bitwise_or': torch.bitwise_or, 'bitwise_xor': torch.bitwise_xor,
    'bitwise_left_shift': torch.bitwise_left_shift, 'bitwise_right_shift': torch.bitwise_right_shift,
}

# binary functions torch defines only for floats: ints are promoted first
for _n in ('hypot', 'arctan2', 'copysign', 'ldexp', 'heaviside'):
    _fn = BINARY[_n]
    BINARY[_n] = (lambda fn: lambda a, b: fn(a if a.is_floating_point() or b.is_floating_point()
                                              else a.to(default_float()), b))(_fn)
    BINARY[_n].__name__ = _n


def _make_unary(name, fn):
    def f(x, out=None, **kwargs):
        _ufunc_kwargs(name, kwargs)
        (t,) = _tensors(x)
        return _ret(compute(fn, [t]), _first_array((x,)), out)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = 'NumPy ``%s`` elementwise (``out=`` takes the result).' % name
    return f


def _make_binary(name, fn):
    def f(x1, x2, out=None, **kwargs):
        _ufunc_kwargs(name, kwargs)
        a, b = _tensors(x1, x2)
        return _ret(compute(fn, [a, b]), _first_array((x1, x2)), out)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = 'NumPy ``%s`` elementwise with broadcasting (``out=`` takes the result).' % name
    return f


def _ufunc_kwargs(name, kwargs):
    for k, v in kwargs.items():
        if k in ('where', 'casting', 'order', 'dtype', 'subok') and v in (True, None, 'same_kind', 'K', 'C'):
            continue
        raise TypeError('%s() got an unsupported keyword argument %r' % (name, k))


FUNCTIONS = {}
for _n, _fn in UNARY.items():
    FUNCTIONS[_n] = _make_unary(_n, _fn)
for _n, _fn in BINARY.items():
    FUNCTIONS[_n] = _make_binary(_n, _fn)


def _export(fn):
    FUNCTIONS[fn.__name__] = fn
    return fn


# ---- reductions -------------------------------------------------------------------------------------------
def _sum_dtype(t, dtype):
    if dtype is not None:
        return torch_dtype(dtype)
    if t.dtype is torch.bool:
        return torch.int64
    return t.dtype


def _reduce_dims(fn, t, axes, keepdims):
    """``fn(t, dim)`` applied axis by axis (for torch reductions that take one dim)."""
    for ax in sorted(axes, reverse=True):
        t = fn(t, ax, keepdims)
    return t


@_export
def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """Sum over ``axis`` (all axes by default); integers keep their dtype, bools sum as int64."""
    (t,) = _tensors(a)
    axes = _axes(axis, t.dim())
    r = compute(lambda x: torch.sum(x, dim=axes, keepdim=keepdims, dtype=_sum_dtype(x, dtype))
                if axes else x.to(_sum_dtype(x, dtype)), [t])
    if initial is not None:
        r = r + initial
    return _ret(r, a, out)


@_export
def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None):
    (t,) = _tensors(a)
    axes = _axes(axis, t.dim())
    tdt = _sum_dtype(t, dtype)
    r = compute(lambda x: _reduce_dims(lambda y, d, k: torch.prod(y, d, keepdim=k), x.to(tdt), axes, keepdims),
                [t])
    if initial is not None:
        r = r * initial
    return _ret(r, a, out)


@_export
def mean(a, axis=None, dtype=None, out=None, keepdims=False):
    """Mean over ``axis``; integer inputs give float32 (the default float dtype)."""
    (t,) = _tensors(a)
    axes = _axes(axis, t.dim())
    tdt = torch_dtype(dtype, t.dtype if t.is_floating_point() else None)
    r = compute(lambda x: torch.mean(x.to(tdt), dim=axes, keepdim=keepdims) if axes else x.to(tdt), [t])
    return _ret(r, a, out)


def _make_var(name, fn):
    def f(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        (t,) = _tensors(a)
        axes = _axes(axis, t.dim())
        tdt = torch_dtype(dtype, t.dtype if t.is_floating_point() else None)
        r = compute(lambda x: fn(x.to(tdt), dim=axes, correction=ddof, keepdim=keepdims), [t])
        return _ret(r, a, out)
    f.__name__ = name
    f.__doc__ = 'NumPy ``%s`` over ``axis`` with ``ddof`` delta degrees of freedom.' % name
    return _export(f)


std = _make_var('std', torch.std)
var = _make_var('var', torch.var)


def _make_extremum(name, fn):
    def f(a, axis=None, out=None, keepdims=False):
        (t,) = _tensors(a)
        axes = _axes(axis, t.dim())
        if t.numel() == 0 and builtins.any(t.shape[ax] == 0 for ax in axes) or t.numel() == 0 and not axes:
            raise MXNetError('zero-size array to reduction operation %s which has no identity' % name)
        r = compute(lambda x: fn(x, dim=axes, keepdim=keepdims) if axes else x.clone(), [t])
        return _ret(r, a, out)
    f.__name__ = name
    f.__doc__ = 'NumPy ``%s`` over ``axis`` (all axes by default).' % name
    return f


for _n, _fn in (('max', torch.amax), ('amax', torch.amax), ('min', torch.amin), ('amin', torch.amin)):
    FUNCTIONS[_n] = _make_extremum(_n, _fn)


def _make_logical_reduce(name, fn):
    def f(a, axis=None, out=None, keepdims=False):
        (t,) = _tensors(a)
        axes = _axes(axis, t.dim())
        r = compute(lambda x: _reduce_dims(lambda y, d, k: fn(y, d, keepdim=k), x.bool(), axes, keepdims)
                    if axes else x.bool(), [t])
        return _ret(r, a, out)
    f.__name__ = name
    return f


FUNCTIONS['all'] = _make_logical_reduce('all', torch.all)
FUNCTIONS['any'] = _make_logical_reduce('any', torch.any)


def _make_arg(name, fn):
    def f(a, axis=None, out=None, keepdims=False):
        (t,) = _tensors(a)
        if t.numel() == 0:
            raise MXNetError('attempt to get %s of an empty sequence' % name)
        if axis is None:
            r = fn(t.reshape(-1))
            if keepdims:
                r = r.reshape((1,) * t.dim())
        else:
            r = fn(t, dim=_axes(axis, t.dim())[0], keepdim=keepdims)
        return _ret(r, a, out)
    f.__name__ = name
    return f


FUNCTIONS['argmax'] = _make_arg('argmax', torch.argmax)
FUNCTIONS['argmin'] = _make_arg('argmin', torch.argmin)


@_export
def cumsum(a, axis=None, dtype=None, out=None):
    (t,) = _tensors(a)
    if axis is None:
        t, axis = t.reshape(-1), 0
    return _ret(compute(lambda x: torch.cumsum(x, dim=axis, dtype=_sum_dtype(x, dtype)), [t]), a, out)


@_export
def cumprod(a, axis=None, dtype=None, out=None):
    (t,) = _tensors(a)
    if axis is None:
        t, axis = t.reshape(-1), 0
    return _ret(compute(lambda x: torch.cumprod(x, dim=axis, dtype=_sum_dtype(x, dtype)), [t]), a, out)


@_export
def nansum(a, axis=None, dtype=None, out=None, keepdims=False):
    (t,) = _tensors(a)
    return sum(wrap(torch.nan_to_num(t, nan=0.0) if t.is_floating_point() else t), axis, dtype, out, keepdims)


@_export
def nanprod(a, axis=None, dtype=None, out=None, keepdims=False):
    (t,) = _tensors(a)
    return prod(wrap(torch.nan_to_num(t, nan=1.0) if t.is_floating_point() else t), axis, dtype, out, keepdims)


@_export
def count_nonzero(a, axis=None, keepdims=False):
    (t,) = _tensors(a)
    return sum(wrap(t != 0), axis, 'int64', None, keepdims)


@_export
def average(a, axis=None, weights=None, returned=False, out=None):
    (t,) = _tensors(a)
    if weights is None:
        res = mean(a, axis, out=out)
        scl = wrap(torch.tensor(t.numel() / builtins.max(res.size, 1), dtype=res._data.dtype))
    else:
        (w,) = _tensors(weights)
        if w.shape != t.shape:
            shape = [1] * t.dim()
            shape[_axes(axis, t.dim())[0]] = w.shape[0]
            w = w.reshape(shape)
        scl = sum(wrap(w.broadcast_to(t.shape).to(torch.promote_types(t.dtype, w.dtype))), axis)
        res = _ret(sum(wrap(t * w), axis)._data / scl._data, a, out)
    return (res, scl) if returned else res


@_export
def ptp(a, axis=None, out=None, keepdims=False):
    return subtract(FUNCTIONS['max'](a, axis, keepdims=keepdims), FUNCTIONS['min'](a, axis, keepdims=keepdims),
                    out=out)


def _quantile_impl(name, scale):
    def f(a, q, axis=None, out=None, overwrite_input=None, interpolation='linear', keepdims=False):
        t, qt = _tensors(a, q)
        tdt = t.dtype if t.is_floating_point() else default_float()
        qt = qt.to(tdt) / scale
        if axis is None:
            r = torch.quantile(t.to(tdt).reshape(-1), qt, interpolation=interpolation)
            if keepdims:
                r = r.reshape(qt.shape + (1,) * t.dim())
        else:
            r = torch.quantile(t.to(tdt), qt, dim=_axes(axis, t.dim())[0], keepdim=keepdims,
                               interpolation=interpolation)
        return _ret(r, a, out)
    f.__name__ = name
    return _export(f)


quantile = _quantile_impl('quantile', 1.0)
percentile = _quantile_impl('percentile', 100.0)


@_export
def median(a, axis=None, out=None, overwrite_input=None, keepdims=False):
    return quantile(a, 0.5, axis=axis, out=out, keepdims=keepdims)


# ---- shape manipulation -----------------------------------------------------------------------------------
@_export
def reshape(a, newshape, order='C'):
    """``a`` in NumPy shape ``newshape`` (one dimension may be -1); MXNetError when the sizes differ."""
    if order != 'C':
        raise NotImplementedError('reshape only supports order=\'C\'')
    (t,) = _tensors(a)
    return _ret(t.reshape(infer_np_reshape(t.shape, newshape, t.numel())), a)


@_export
def ravel(x, order='C'):
    return reshape(x, (-1,), order)


@_export
def transpose(a, axes=None):
    (t,) = _tensors(a)
    axes = tuple(reversed(range(t.dim()))) if axes is None else _axes(axes, t.dim())
    if sorted(axes) != list(range(t.dim())):
        raise MXNetError('transpose: axes %s do not match an array of dimension %d' % (axes, t.dim()))
    return _ret(t.permute(*axes), a)


@_export
def swapaxes(a, axis1, axis2):
    (t,) = _tensors(a)
    return _ret(t.transpose(_axes(axis1, t.dim())[0], _axes(axis2, t.dim())[0]), a)


@_export
def moveaxis(a, source, destination):
    (t,) = _tensors(a)
    return _ret(torch.movedim(t, _axes(source, t.dim()), _axes(destination, t.dim())), a)


@_export
def rollaxis(a, axis, start=0):
    (t,) = _tensors(a)
    axis = _axes(axis, t.dim())[0]
    start = start + t.dim() if start < 0 else start
    if axis < start:
        start -= 1
    return moveaxis(a, axis, start)


@_export
def squeeze(a, axis=None):
    (t,) = _tensors(a)
    if axis is None:
        return _ret(t.squeeze(), a)
    axes = _axes(axis, t.dim())
    for ax in axes:
        if t.shape[ax] != 1:
            raise MXNetError('cannot select an axis to squeeze out which has size not equal to one')
    return _ret(t.reshape([d for i, d in enumerate(t.shape) if i not in axes]), a)


@_export
def expand_dims(a, axis):
    (t,) = _tensors(a)
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    nd = t.dim() + len(axes)
    axes = sorted(ax % nd for ax in axes)
    shape = list(t.shape)
    for ax in axes:
        shape.insert(ax, 1)
    return _ret(t.reshape(shape), a)


@_export
def broadcast_to(array, shape):
    (t,) = _tensors(array)
    try:
        return _ret(t.broadcast_to(np_shape(shape)), array)
    except RuntimeError:
        raise MXNetError('operands could not be broadcast together with remapped shapes [original->remapped]: '
                         '%s and requested shape %s' % (tuple(t.shape), np_shape(shape))) from None


@_export
def broadcast_arrays(*args):
    ts = _tensors(*args)
    return [_ret(t, args[0]) for t in torch.broadcast_tensors(*ts)]


def _seq(seq):
    return _tensors(*seq)


@_export
def concatenate(seq, axis=0, out=None):
    """Join arrays along an existing ``axis`` (``None``: flattened first)."""
    ts = _seq(seq)
    if axis is None:
        ts, axis = [t.reshape(-1) for t in ts], 0
    dt = ts[0].dtype
    for t in ts[1:]:
        dt = torch.promote_types(dt, t.dtype)
    return _ret(compute(torch.cat, [[t.to(dt) for t in ts]], dim=axis), _first_array(seq), out)


FUNCTIONS['append'] = lambda arr, values, axis=None: concatenate([arr, values], axis)


@_export
def stack(arrays, axis=0, out=None):
    ts = _seq(arrays)
    return _ret(compute(torch.stack, [ts], dim=axis), _first_array(arrays), out)


def _make_stack(name, fn, pre=None):
    def f(tup):
        ts = _seq(tup)
        if pre is not None:
            ts = pre(ts)
        return _ret(compute(fn, [ts]), _first_array(tup))
    f.__name__ = name
    return _export(f)


vstack = _make_stack('vstack', torch.vstack)
row_stack = _make_stack('row_stack', torch.vstack)
hstack = _make_stack('hstack', torch.hstack)
dstack = _make_stack('dstack', torch.dstack)
column_stack = _make_stack('column_stack', torch.column_stack)


def _split(name, equal):
    def f(ary, indices_or_sections, axis=0):
        (t,) = _tensors(ary)
        ax = _axes(axis, t.dim())[0]
        if isinstance(indices_or_sections, (numbers.Integral, _np.integer)):
            n = int(indices_or_sections)
            if n <= 0:
                raise ValueError('number sections must be larger than 0.')
            if equal and t.shape[ax] % n:
                raise ValueError('array split does not result in an equal division')
            parts = torch.tensor_split(t, n, dim=ax)
        else:
            parts = torch.tensor_split(t, [int(i) for i in indices_or_sections], dim=ax)
        return [_ret(p, ary) for p in parts]
    f.__name__ = name
    return _export(f)


split = _split('split', True)
array_split = _split('array_split', False)
FUNCTIONS['hsplit'] = lambda ary, ios: split(ary, ios, 1 if ary.ndim > 1 else 0)
FUNCTIONS['vsplit'] = lambda ary, ios: split(ary, ios, 0)
FUNCTIONS['dsplit'] = lambda ary, ios: split(ary, ios, 2)


def _atleast(name, n):
    def f(*arys):
        res = []
        for a in arys:
            (t,) = _tensors(a)
            if t.dim() < n:
                shape = {0: [1] * n, 1: ([1, t.shape[0]] + [1] * (n - 2))[:n], 2: list(t.shape) + [1]}[t.dim()]
                t = t.reshape(shape)
            res.append(_ret(t, a))
        return res[0] if len(res) == 1 else res
    f.__name__ = name
    return _export(f)


atleast_1d, atleast_2d, atleast_3d = _atleast('atleast_1d', 1), _atleast('atleast_2d', 2), _atleast('atleast_3d', 3)


@_export
def tile(A, reps):  # noqa: N803
    (t,) = _tensors(A)
    reps = np_shape(reps)
    return _ret(torch.tile(t, reps), A)


@_export
def repeat(a, repeats, axis=None):
    (t,) = _tensors(a)
    if axis is None:
        t, axis = t.reshape(-1), 0
    r = torch.as_tensor(repeats, device=t.device) if not isinstance(repeats, int) else repeats
    return _ret(torch.repeat_interleave(t, r, dim=axis), a)


@_export
def flip(m, axis=None):
    (t,) = _tensors(m)
    return _ret(torch.flip(t, _axes(axis, t.dim())), m)


FUNCTIONS['fliplr'] = lambda m: flip(m, 1)
FUNCTIONS['flipud'] = lambda m: flip(m, 0)


@_export
def roll(a, shift, axis=None):
    (t,) = _tensors(a)
    if axis is None:
        return _ret(torch.roll(t.reshape(-1), shift).reshape(t.shape), a)
    return _ret(torch.roll(t, shift, _axes(axis, t.dim())), a)


@_export
def rot90(m, k=1, axes=(0, 1)):
    (t,) = _tensors(m)
    return _ret(torch.rot90(t, k, list(axes)), m)


# ---- selection, sorting -----------------------------------------------------------------------------------
@_export
def where(condition, x=None, y=None):
    """Elements of ``x`` where ``condition`` holds, else of ``y``; with one argument, ``nonzero(condition)``."""
    if x is None and y is None:
        return nonzero(condition)
    c, a, b = _tensors(condition, x, y)
    return _ret(compute(torch.where, [c.bool(), a, b]), _first_array((condition, x, y)))


@_export
def nonzero(a):
    (t,) = _tensors(a)
    return tuple(_ret(i, a) for i in torch.nonzero(t.reshape(1) if t.dim() == 0 else t, as_tuple=True))


@_export
def argwhere(a):
    (t,) = _tensors(a)
    return _ret(torch.argwhere(t), a)


@_export
def flatnonzero(a):
    (t,) = _tensors(a)
    return _ret(torch.nonzero(t.reshape(-1)).reshape(-1), a)


@_export
def clip(a, a_min, a_max, out=None):
    """``a`` limited to [a_min, a_max] (either bound may be None)."""
    if a_min is None and a_max is None:
        raise ValueError('array_clip: must set either max or min')
    (t,) = _tensors(a)
    lo = a_min._data if isinstance(a_min, NDArray) else a_min
    hi = a_max._data if isinstance(a_max, NDArray) else a_max
    return _ret(compute(torch.clamp, [t], lo, hi), a, out)


@_export
def around(a, decimals=0, out=None):
    (t,) = _tensors(a)
    if not t.is_floating_point():
        return _ret(t.clone(), a, out)
    return _ret(torch.round(t, decimals=decimals), a, out)


FUNCTIONS['round'] = FUNCTIONS['round_'] = around


@_export
def sort(a, axis=-1, kind=None, order=None):
    (t,) = _tensors(a)
    if axis is None:
        t, axis = t.reshape(-1), 0
    return _ret(torch.sort(t, dim=axis, stable=True).values, a)


@_export
def argsort(a, axis=-1, kind=None, order=None):
    (t,) = _tensors(a)
    if axis is None:
        t, axis = t.reshape(-1), 0
    return _ret(torch.argsort(t, dim=axis, stable=True), a)


@_export
def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
    (t,) = _tensors(ar)
    res = _np.unique(t.detach().cpu().numpy(), return_index, return_inverse, return_counts, axis)
    if isinstance(res, tuple):
        return tuple(_ret(torch.from_numpy(_np.ascontiguousarray(r)).to(t.device), ar) for r in res)
    return _ret(torch.from_numpy(res).to(t.device), ar)


@_export
def take(a, indices, axis=None, mode='raise', out=None):
    """Elements of ``a`` at ``indices`` along ``axis`` (flattened ``a`` when None); mode raise, clip or wrap."""
    t, idx = _tensors(a, indices)
    if axis is None:
        t, axis = t.reshape(-1), 0
    axis = _axes(axis, t.dim())[0]
    n = t.shape[axis]
    idx = idx.long()
    if mode == 'clip':
        idx = idx.clamp(0, n - 1)
    elif mode == 'wrap':
        idx = idx.remainder(n)
    elif idx.numel() and (int(idx.min()) < -n or int(idx.max()) >= n):
        raise IndexError('index out of bounds for axis %d with size %d' % (axis, n))
    else:
        idx = idx.remainder(n) if n else idx
    r = compute(torch.index_select, [t], axis, idx.reshape(-1))
    return _ret(r.reshape(tuple(t.shape[:axis]) + tuple(idx.shape) + tuple(t.shape[axis + 1:])), a, out)


@_export
def take_along_axis(arr, indices, axis):
    t, idx = _tensors(arr, indices)
    if axis is None:
        return _ret(torch.take_along_dim(t.reshape(-1), idx.reshape(-1).long()), arr)
    return _ret(compute(torch.take_along_dim, [t, idx.long()], dim=axis), arr)


# ---- linear algebra ---------------------------------------------------------------------------------------
def _dot(a, b):
    if a.dim() == 0 or b.dim() == 0:
        return a * b
    if b.dim() == 1:
        return torch.tensordot(a, b, dims=([a.dim() - 1], [0]))
    return torch.tensordot(a, b, dims=([a.dim() - 1], [b.dim() - 2]))


def _promoted(fn):
    def apply(a, b, *args, **kwargs):
        dt = torch.promote_types(a.dtype, b.dtype)
        return fn(a.to(dt), b.to(dt), *args, **kwargs)
    apply.__name__ = fn.__name__
    return apply


@_export
def dot(a, b, out=None):
    """NumPy's dot: products of scalars, inner product of vectors, matrix product, and sum-products over the
    last axis of ``a`` and the second-to-last of ``b``."""
    x, y = _tensors(a, b)
    return _ret(compute(_promoted(_dot), [x, y]), _first_array((a, b)), out)


@_export
def matmul(a, b, out=None, **kwargs):
    x, y = _tensors(a, b)
    if x.dim() == 0 or y.dim() == 0:
        raise MXNetError('matmul: Input operand does not have enough dimensions')
    return _ret(compute(_promoted(torch.matmul), [x, y]), _first_array((a, b)), out)


@_export
def tensordot(a, b, axes=2):
    x, y = _tensors(a, b)
    if not isinstance(axes, int):
        axes = [list(np_shape(ax)) for ax in axes]
    return _ret(compute(_promoted(torch.tensordot), [x, y], dims=axes), _first_array((a, b)))


@_export
def inner(a, b):
    x, y = _tensors(a, b)
    return _ret(compute(_promoted(torch.inner), [x, y]), _first_array((a, b)))


@_export
def outer(a, b):
    x, y = _tensors(a, b)
    return _ret(compute(_promoted(torch.outer), [x.reshape(-1), y.reshape(-1)]), _first_array((a, b)))


@_export
def vdot(a, b):
    x, y = _tensors(a, b)
    return _ret(compute(_promoted(torch.dot), [x.reshape(-1), y.reshape(-1)]), _first_array((a, b)))


@_export
def kron(a, b):
    x, y = _tensors(a, b)
    return _ret(compute(_promoted(torch.kron), [x, y]), _first_array((a, b)))


@_export
def einsum(*operands, **kwargs):
    """Einstein summation (``einsum('ij,jk->ik', a, b)``); ``optimize`` is accepted and ignored."""
    out = kwargs.pop('out', None)
    kwargs.pop('optimize', None)
    subscripts, arrays = operands[0], operands[1:]
    ts = _tensors(*arrays)
    return _ret(compute(torch.einsum, [subscripts] + ts), _first_array(arrays), out)


@_export
def trace(a, offset=0, axis1=0, axis2=1, out=None):
    (t,) = _tensors(a)
    return _ret(torch.diagonal(t, offset, axis1, axis2).sum(-1), a, out)


@_export
def diagonal(a, offset=0, axis1=0, axis2=1):
    (t,) = _tensors(a)
    return _ret(torch.diagonal(t, offset, axis1, axis2), a)


@_export
def diag(v, k=0):
    (t,) = _tensors(v)
    if t.dim() not in (1, 2):
        raise ValueError('Input must be 1- or 2-d.')
    return _ret(torch.diag(t, k), v)


@_export
def diagflat(v, k=0):
    (t,) = _tensors(v)
    return _ret(torch.diag(t.reshape(-1), k), v)


@_export
def tril(m, k=0):
    (t,) = _tensors(m)
    return _ret(torch.tril(t, k), m)


@_export
def triu(m, k=0):
    (t,) = _tensors(m)
    return _ret(torch.triu(t, k), m)


# ---- misc -------------------------------------------------------------------------------------------------
@_export
def copy(a):
    (t,) = _tensors(a)
    return _ret(t.clone(), a)


@_export
def shape(a):
    return tuple(tensor_of(a).shape)


@_export
def size(a, axis=None):
    t = tensor_of(a)
    return t.numel() if axis is None else t.shape[axis]


@_export
def ndim(a):
    return tensor_of(a).dim()


@_export
def diff(a, n=1, axis=-1, prepend=None, append=None):
    (t,) = _tensors(a)
    pre = None if prepend is None else tensor_of(prepend, t.device)
    app = None if append is None else tensor_of(append, t.device)
    return _ret(torch.diff(t, n, axis, pre, app), a)


@_export
def ediff1d(ary, to_end=None, to_begin=None):
    (t,) = _tensors(ary)
    r = torch.diff(t.reshape(-1))
    parts = [tensor_of(x, t.device).reshape(-1).to(r.dtype) for x in (to_begin,) if x is not None] + [r] + \
        [tensor_of(x, t.device).reshape(-1).to(r.dtype) for x in (to_end,) if x is not None]
    return _ret(torch.cat(parts), ary)


@_export
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    (t,) = _tensors(x)
    if not t.is_floating_point():
        return x if not copy else _ret(t.clone(), x)
    r = torch.nan_to_num(t, nan, posinf, neginf)
    if not copy:
        with torch.no_grad():
            t.copy_(r)
        return x
    return _ret(r, x)


@_export
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    x, y = _tensors(a, b)
    dt = torch.promote_types(torch.promote_types(x.dtype, y.dtype), torch.float32)
    return _ret(torch.isclose(x.to(dt), y.to(dt), rtol, atol, equal_nan), _first_array((a, b)))


@_export
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _ret(torch.tensor(bool(isclose(a, b, rtol, atol, equal_nan)._data.all())), _first_array((a, b)))


@_export
def array_equal(a1, a2, equal_nan=False):
    x, y = _tensors(a1, a2)
    if x.shape != y.shape:
        return False
    return bool(torch.equal(x, y.to(x.dtype)) if x.dtype == y.dtype else (x == y).all())


@_export
def meshgrid(*xi, **kwargs):
    indexing = kwargs.pop('indexing', 'xy')
    ts = [t.reshape(-1) for t in _tensors(*xi)]
    return [_ret(g, xi[0]) for g in torch.meshgrid(*ts, indexing=indexing)]


@_export
def pad(x, pad_width, mode='constant', **kwargs):
    """``x`` padded by ``pad_width`` ((before, after) per axis); modes as numpy's (constant: ``constant_values``)."""
    (t,) = _tensors(x)
    widths = _np.broadcast_to(_np.asarray(pad_width, dtype=_np.int64), (t.dim(), 2))
    if mode == 'constant':
        flat = [int(v) for pair in reversed(widths.tolist()) for v in pair]
        return _ret(compute(_F.pad, [t], flat, value=kwargs.get('constant_values', 0)), x)
    res = _np.pad(t.detach().cpu().numpy(), widths, mode=mode, **kwargs)
    return _ret(torch.from_numpy(res).to(t.device), x)


@_export
def tril_indices(n, k=0, m=None):
    r = torch.tril_indices(n, n if m is None else m, k)
    return wrap(r[0]), wrap(r[1])


@_export
def triu_indices(n, k=0, m=None):
    r = torch.triu_indices(n, n if m is None else m, k)
    return wrap(r[0]), wrap(r[1])


@_export
def bincount(x, weights=None, minlength=0):
    (t,) = _tensors(x)
    w = None if weights is None else tensor_of(weights, t.device)
    return _ret(torch.bincount(t, w, minlength), x)


def _byte_range(t):
    if t.numel() == 0:
        return None
    extent = 1 + _py_sum((d - 1) * s for d, s in zip(t.shape, t.stride()))
    start = t.data_ptr()
    return start, start + extent * t.element_size()


@_export
def may_share_memory(a, b, max_work=None):
    """Whether the memory spans of ``a`` and ``b`` overlap."""
    ra, rb = _byte_range(tensor_of(a)), _byte_range(tensor_of(b))
    return ra is not None and rb is not None and ra[0] < rb[1] and rb[0] < ra[1]


FUNCTIONS['shares_memory'] = may_share_memory

# names under which some functions are also known
for _alias, _n in (('alltrue', 'all'), ('sometrue', 'any'), ('product', 'prod')):
    FUNCTIONS[_alias] = FUNCTIONS[_n]

globals().update({n: f for n, f in FUNCTIONS.items() if n not in globals() or n in UNARY or n in BINARY})
add, subtract, multiply, true_divide = (FUNCTIONS[n] for n in ('add', 'subtract', 'multiply', 'true_divide'))


# ---- ndarray methods and operators ------------------------------------------------------------------------
METHODS = '''sum prod mean std var max min all any argmax argmin cumsum nansum nanprod clip round sort argsort
    repeat tile take dot nonzero squeeze swapaxes diagonal trace ptp
    abs sign sqrt cbrt square reciprocal exp expm1 log log2 log10 log1p sin cos tan arcsin arccos arctan sinh cosh
    tanh arcsinh arccosh arctanh degrees radians rint fix floor ceil trunc'''.split()


def _transpose_method(self, *axes):
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    return transpose(self, axes or None)


def _expand_dims_method(self, axis):
    return expand_dims(self, axis)


def _broadcast_to_method(self, shape):
    return broadcast_to(self, shape)


def _reflected(fn):
    return lambda self, other: fn(other, self)


def _operator(fn):
    def method(self, other):
        try:
            return fn(self, other)
        except TypeError:
            if isinstance(other, (NDArray, numbers.Number, _np.ndarray, _np.generic, list, tuple)):
                raise
            return NotImplemented
    return method


def _inplace(fn):
    def method(self, other):
        check_inplace(self, other)
        r = fn(self, other)
        with torch.no_grad():
            self._data.copy_(r._data)
        return self
    return method


def _logical_or_bitwise(bitwise, logical):
    def fn(a, b):
        x, y = _tensors(a, b)
        return (logical if x.dtype is torch.bool and y.dtype is torch.bool else bitwise)(a, b)
    return fn


def _eq(name):
    cmp_ = FUNCTIONS[name]

    def method(self, other):
        if other is None:
            return name == 'not_equal'
        return _operator(cmp_)(self, other)
    return method


def install():
    """The NumPy methods and operators of ``mx.np.ndarray``."""
    F = FUNCTIONS
    for name in METHODS:
        setattr(ndarray, name, F[name])
    ndarray.transpose = _transpose_method
    ndarray.expand_dims = _expand_dims_method
    ndarray.broadcast_to = _broadcast_to_method
    and_ = _logical_or_bitwise(F['bitwise_and'], F['logical_and'])
    or_ = _logical_or_bitwise(F['bitwise_or'], F['logical_or'])
    xor_ = _logical_or_bitwise(F['bitwise_xor'], F['logical_xor'])
    for dunder, fn in (('add', F['add']), ('sub', F['subtract']), ('mul', F['multiply']),
                       ('truediv', F['true_divide']), ('div', F['true_divide']), ('floordiv', F['floor_divide']),
                       ('mod', F['mod']), ('pow', F['power']), ('matmul', F['matmul']), ('and', and_),
                       ('or', or_), ('xor', xor_), ('lshift', F['bitwise_left_shift']),
                       ('rshift', F['bitwise_right_shift'])):
        setattr(ndarray, '__%s__' % dunder, _operator(fn))
        setattr(ndarray, '__r%s__' % dunder, _operator(_reflected(fn)))
        setattr(ndarray, '__i%s__' % dunder, _inplace(fn))
    for dunder, name in (('gt', 'greater'), ('ge', 'greater_equal'), ('lt', 'less'), ('le', 'less_equal')):
        setattr(ndarray, '__%s__' % dunder, _operator(F[name]))
    ndarray.__eq__ = _eq('equal')
    ndarray.__ne__ = _eq('not_equal')
    ndarray.__neg__ = F['negative']
    ndarray.__pos__ = F['positive']
    ndarray.__abs__ = F['absolute']
    ndarray.__invert__ = lambda self: (F['logical_not'] if self._data.dtype is torch.bool
                                       else F['bitwise_not'])(self)
