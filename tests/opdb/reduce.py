"""Reductions: sum/mean/prod/nansum/nanprod/max/min (axis, keepdims, exclude), norm, argmax/argmin.

Behaviour checked against MXNet 1.9.1: the dtype is kept (integer sums wrap, an integer mean truncates),
a full reduction gives shape (1,), ``axis=()`` reduces everything, argmax returns indices in the input dtype.
"""
import numpy as np

from opdb import ALL, FLOATS, INTS, Case, ErrorCase, rand


def np_axes(ndim, axis, exclude=False):
    """numpy's axis tuple for MXNet's (axis, exclude)."""
    if axis is None or axis == ():
        return tuple(range(ndim))
    axes = tuple(sorted(a % ndim for a in ((axis,) if isinstance(axis, int) else axis)))
    return tuple(i for i in range(ndim) if i not in axes) if exclude else axes


def _finish(y, keepdims):
    y = np.asarray(y)
    return y.reshape(1) if y.ndim == 0 and not keepdims else y


def _acc(x):
    return x.astype(np.float64 if x.dtype.kind == 'f' else np.int64)


def _reducer(fn):
    """numpy reference of a reduction: ``fn(x64, axes, keepdims)`` then MXNet's shape and dtype."""
    def ref(x, axis=None, keepdims=False, exclude=False):
        axes = np_axes(x.ndim, axis, exclude)
        return _finish(fn(_acc(x), axes, keepdims), keepdims).astype(x.dtype)
    return ref


def _int_mean(x, axes, keepdims, dtype):
    s = np.sum(x, axis=axes, keepdims=keepdims).astype(dtype)  # MXNet sums in the dtype (wrapping) first
    n = int(np.prod([x.shape[a] for a in axes]))
    return np.trunc(s.astype(np.float64) / n)


def _mean_ref(x, axis=None, keepdims=False, exclude=False):
    axes = np_axes(x.ndim, axis, exclude)
    if x.dtype.kind == 'f':
        y = np.mean(_acc(x), axis=axes, keepdims=keepdims)
    else:
        y = _int_mean(_acc(x), axes, keepdims, x.dtype)
    return _finish(y, keepdims).astype(x.dtype)


REF = {
    'sum': _reducer(lambda x, a, k: np.sum(x, axis=a, keepdims=k)),
    'mean': _mean_ref,
    'prod': _reducer(lambda x, a, k: np.prod(x, axis=a, keepdims=k)),
    'nansum': _reducer(lambda x, a, k: np.nansum(x, axis=a, keepdims=k)),
    'nanprod': _reducer(lambda x, a, k: np.nanprod(x, axis=a, keepdims=k)),
    'max': _reducer(lambda x, a, k: np.max(x, axis=a, keepdims=k)),
    'min': _reducer(lambda x, a, k: np.min(x, axis=a, keepdims=k)),
}


def with_nans(*shape):
    """Float inputs with a few NaN entries (ints unchanged)."""
    base = rand(*shape, low=0.5, high=1.5)

    def make(rng, dtype):
        xs = base(rng, dtype)
        for x in xs:
            if x.dtype.kind == 'f':
                x.ravel()[::5] = np.nan
        return xs
    return make


# (label, params): the axis forms MXNet accepts
AXES = [
    ('all', {}),
    ('axis1', {'axis': 1}),
    ('neg', {'axis': -1}),
    ('tuple_keep', {'axis': (0, 2), 'keepdims': True}),
    ('exclude', {'axis': 1, 'exclude': True}),
    ('exclude_keep', {'axis': (0, -1), 'exclude': True, 'keepdims': True}),
    ('empty_tuple', {'axis': ()}),
    ('keep_all', {'keepdims': True}),
    ('exclude_all', {'axis': (0, 1, 2), 'exclude': True}),
]

CASES = []
for _op in ('sum', 'mean', 'prod', 'max', 'min'):
    for _label, _params in AXES:
        CASES.append(Case(_op, rand((2, 3, 4), low=0.5 if _op == 'prod' else -1.0, high=1.5), REF[_op],
                          params=_params, dtypes=ALL, name='%s_%s' % (_op, _label)))
for _op in ('nansum', 'nanprod'):
    for _label, _params in AXES[:5]:
        CASES.append(Case(_op, with_nans((2, 3, 4)), REF[_op], params=_params, dtypes=ALL,
                          name='%s_%s' % (_op, _label)))
CASES += [
    Case('_square_sum', rand((3, 4)), _reducer(lambda x, a, k: np.sum(x * x, axis=a, keepdims=k)),
         params={'axis': 1, 'keepdims': True}, dtypes=FLOATS),
    Case('sum_axis', rand((3, 4)), REF['sum'], params={'axis': 0}, dtypes=ALL),
    Case('max_axis', rand((3, 4)), REF['max'], params={'axis': 1}, dtypes=ALL),
    Case('min_axis', rand((3, 4)), REF['min'], params={'axis': (0, 1), 'keepdims': True}, dtypes=ALL),
    Case('sum', lambda rng, dt: [np.array([200, 100, 7]).astype(dt)], REF['sum'], dtypes=('uint8', 'int8'),
         grad=False, name='sum_wraps'),
    Case('mean', lambda rng, dt: [np.array([[200, 200], [-3, -4]], dtype=np.int64).astype(dt)], REF['mean'],
         params={'axis': 1}, dtypes=INTS, grad=False, name='mean_int_truncates'),
    Case('sum', lambda rng, dt: [np.full(3000, 0.1, dtype=dt)], REF['sum'], dtypes=FLOATS,
         tol={'float16': (2e-3, 0)}, grad=False, name='sum_accurate'),
]


# ---- norm ------------------------------------------------------------------------------------------------
def _norm_ref(x, ord=2, axis=None, keepdims=False, out_dtype=None):
    axes = np_axes(x.ndim, axis)
    if ord == 1:
        y = np.sum(np.abs(_acc(x)), axis=axes, keepdims=keepdims)
    elif x.dtype.kind == 'f':
        y = np.sqrt(np.sum(_acc(x) ** 2, axis=axes, keepdims=keepdims))
    else:  # MXNet's scaled integer algorithm counts only the elements of largest magnitude
        a = np.abs(_acc(x))
        top = np.max(a, axis=axes, keepdims=True)
        y = top * np.sqrt(np.sum(a == top, axis=axes, keepdims=True))
        y = y if keepdims else np.squeeze(y, axis=axes)
    return _finish(np.trunc(y) if x.dtype.kind != 'f' else y, keepdims).astype(out_dtype or x.dtype)


CASES += [
    Case('norm', rand((2, 3, 4)), _norm_ref, dtypes=ALL, name='norm_l2_all'),
    Case('norm', rand((2, 3, 4)), _norm_ref, params={'ord': 1}, dtypes=ALL, name='norm_l1_all'),
    Case('norm', rand((2, 3, 4)), _norm_ref, params={'axis': 1}, dtypes=ALL, name='norm_l2_axis'),
    Case('norm', rand((2, 3, 4)), _norm_ref, params={'ord': 1, 'axis': (-1, 0), 'keepdims': True}, dtypes=ALL,
         name='norm_l1_axes_keep'),
    Case('norm', rand((2, 3, 4)), _norm_ref, params={'axis': (1, 2), 'keepdims': True}, name='norm_l2_keep'),
    Case('norm', rand((2, 3)), _norm_ref, params={'out_dtype': 'float64'}, out_dtype='float64',
         name='norm_out_dtype'),
    Case('norm', lambda rng, dt: [np.array([[4, 4, 1], [3, -4, 4], [0, 0, 0]], dtype=dt)], _norm_ref,
         params={'axis': 1}, dtypes=('int8', 'int32', 'int64'), grad=False, name='norm_int_scaled'),
]


# ---- argmax / argmin -----------------------------------------------------------------------------------
def _arg_ref(fn):
    def ref(x, axis=None, keepdims=False):
        if axis is None:
            y = np.asarray(fn(x.ravel()))
            return y.reshape((1,) * x.ndim if keepdims else (1,)).astype(x.dtype)
        y = fn(x, axis=axis)
        return (np.expand_dims(y, axis) if keepdims else y).astype(x.dtype)
    return ref


for _op, _fn in (('argmax', np.argmax), ('argmin', np.argmin)):
    CASES += [
        Case(_op, rand((3, 5)), _arg_ref(_fn), dtypes=ALL, grad=False, name=_op + '_flat'),
        Case(_op, rand((3, 5)), _arg_ref(_fn), params={'keepdims': True}, dtypes=ALL, grad=False,
             name=_op + '_flat_keep'),
        Case(_op, rand((3, 5, 2)), _arg_ref(_fn), params={'axis': 1}, dtypes=ALL, grad=False, name=_op + '_axis'),
        Case(_op, rand((3, 5)), _arg_ref(_fn), params={'axis': -1, 'keepdims': True}, dtypes=ALL, grad=False,
             name=_op + '_neg_keep'),
    ]
CASES += [
    Case('argmax', lambda rng, dt: [np.array([[1, 3, 3], [2, 2, 0]], dtype=dt)], _arg_ref(np.argmax),
         params={'axis': 1}, dtypes=ALL, grad=False, name='argmax_ties_first'),
    Case('argmax_channel', rand((3, 4, 2)), lambda x: np.argmax(x, axis=1).astype(x.dtype), dtypes=ALL,
         grad=False),
    Case('argmax_channel', rand((3, 4)), lambda x: np.argmax(x, axis=1).astype(x.dtype), dtypes=FLOATS,
         grad=False, name='argmax_channel_2d'),
]

ERROR_CASES = [
    ErrorCase('sum', rand((2, 3, 4)), {'axis': 3}, match=r'sum: Reduction axis 3 Exceeds input dimensions \[2,3,4\]'),
    ErrorCase('mean', rand((2, 3, 4)), {'axis': -4}, match=r'mean: Reduction axis -4 Exceeds'),
    ErrorCase('max', rand((2, 3, 4)), {'axis': (0, -3)}, match=r'max: Reduction axes have duplicates \[0,0\]'),
    ErrorCase('sum', rand((2, 3)), {'axis': 2, 'exclude': True}, match='Reduction axis 2', name='sum_exclude_error'),
    ErrorCase('sum', rand((2, 3)), {'axis': 'x'}, match='axis', name='sum_bad_axis_string'),
    ErrorCase('norm', rand((2, 3)), {'ord': 3}, match='norm: only ord=1 and ord=2'),
    ErrorCase('norm', rand((2, 3)), {'axis': 2}, match='norm: Reduction axis 2', name='norm_axis_error'),
    ErrorCase('argmax', rand((2, 3)), {'axis': 2}, match='argmax: axis 2 exceeds the input dimension of 2'),
    ErrorCase('argmin', rand((2, 3)), {'axis': -3}, match='argmin: axis -3 exceeds'),
    ErrorCase('argmax', rand((2, 3)), {'axis': (0, 1)}, match='axis', name='argmax_tuple_axis'),
    ErrorCase('argmax_channel', rand((4,)), match='argmax_channel: axis 1 exceeds the input dimension of 1'),
]
