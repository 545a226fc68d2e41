"""Unary elementwise operators against numpy.

Behaviour checked against MXNet 1.9.1: the dtype is kept; on integer arrays the math functions are computed
in float32 and truncated back (``sqrt`` of int32 ``[2, 5]`` is ``[1, 2]``, ``square`` too), while the
rounding family, abs/sign/negative/relu/logical_not work on the integers; ``round`` rounds halves away from
zero, ``rint`` to even, ``fix`` towards zero; ``clip`` casts its bounds to the dtype and with
``a_min > a_max`` gives a_max above a_max and a_min elsewhere; ``hard_sigmoid`` rejects integers and the
math functions reject booleans.
"""
import math

import numpy as np

from opdb import ALL, FLOATS, INTS, Case, ErrorCase

SHAPE = (3, 4)


def uni(low, high, ilow=-5, ihigh=5, shape=SHAPE, away=0.0):
    """inputs(): floats uniform in [low, high) (at least ``away`` from 0), ints uniform in [ilow, ihigh)."""
    def make(rng, dtype):
        if np.dtype(dtype).kind in 'iu':
            lo = max(ilow, 0) if np.dtype(dtype).kind == 'u' else ilow
            return [rng.randint(lo, max(ihigh, lo + 1), size=shape).astype(dtype)]
        x = rng.uniform(low, high, size=shape)
        if away:
            x = np.where(np.abs(x) < away, np.copysign(away, x), x)
        return [x.astype(dtype)]
    return make


def fixed(values, dtype_override=None):
    def make(rng, dtype):
        return [np.array(values, dtype=dtype_override or dtype)]
    return make


def via_f32(fn):
    """numpy reference: floats directly, integers in float32 then truncated (the test casts to the dtype)."""
    def ref(x, **params):
        if x.dtype.kind in 'iu':
            with np.errstate(all='ignore'):
                return np.trunc(fn(x.astype(np.float32), **params))
        return fn(x, **params)
    return ref


def vec(f):
    def ref(x):
        return np.vectorize(lambda v: f(float(v)), otypes=[np.float64])(x).astype(x.dtype)
    return ref


def _erfinv(y):
    x = np.zeros_like(y, dtype=np.float64)
    for _ in range(60):  # Newton on erf(x) = y
        x = x - (np.vectorize(math.erf)(x) - y) / (2 / math.sqrt(math.pi) * np.exp(-x * x))
    return x


def _round_half_away(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def _cbrt(x):
    return np.cbrt(x)


def _smooth_l1(x, scalar=1.0):
    s2 = scalar * scalar
    return np.where(np.abs(x) < 1 / s2, 0.5 * s2 * x * x, np.abs(x) - 0.5 / s2)


def _hard_sigmoid(x, alpha=0.2, beta=0.5):
    return np.clip(alpha * x + beta, 0, 1)


def _clip(x, a_min, a_max):
    if x.dtype.kind in 'iu':
        a_min, a_max = int(a_min), int(a_max)
    return np.where(x > a_max, a_max, np.where(x < a_min, a_min, x)).astype(x.dtype)


# (op, float inputs, reference, ints: None or (ilow, ihigh), grad)
_MATH = [
    ('square', uni(-2, 2), np.square, (-5, 5), True),
    ('sqrt', uni(0.1, 4), np.sqrt, (0, 10), True),
    ('rsqrt', uni(0.1, 4), lambda x: 1 / np.sqrt(x), (1, 10), True),
    ('cbrt', uni(-4, 4, away=0.2), _cbrt, (-9, 10), True),
    ('rcbrt', uni(-4, 4, away=0.2), lambda x: 1 / np.cbrt(x), (1, 10), True),
    ('exp', uni(-2, 2), np.exp, (-3, 5), True),
    ('expm1', uni(-2, 2), np.expm1, (-3, 5), True),
    ('log', uni(0.1, 4), np.log, (1, 10), True),
    ('log10', uni(0.1, 4), np.log10, (1, 10), True),
    ('log2', uni(0.1, 4), np.log2, (1, 10), True),
    ('log1p', uni(-0.5, 3), np.log1p, (0, 10), True),
    ('sin', uni(-3, 3), np.sin, (-5, 5), True),
    ('cos', uni(-3, 3), np.cos, (-5, 5), True),
    ('tan', uni(-1.2, 1.2), np.tan, (-5, 5), True),
    ('arcsin', uni(-0.9, 0.9), np.arcsin, (-1, 2), True),
    ('arccos', uni(-0.9, 0.9), np.arccos, (-1, 2), True),
    ('arctan', uni(-3, 3), np.arctan, (-5, 5), True),
    ('sinh', uni(-2, 2), np.sinh, (-4, 5), True),
    ('cosh', uni(-2, 2), np.cosh, (-4, 5), True),
    ('tanh', uni(-2, 2), np.tanh, (-5, 5), True),
    ('arcsinh', uni(-3, 3), np.arcsinh, (-5, 5), True),
    ('arccosh', uni(1.1, 4), np.arccosh, (1, 10), True),
    ('arctanh', uni(-0.9, 0.9), np.arctanh, (0, 1), True),
    ('degrees', uni(-3, 3), np.degrees, (-2, 3), True),
    ('radians', uni(-180, 180), np.radians, (-100, 100), True),
    ('reciprocal', uni(-3, 3, away=0.3), np.reciprocal, (1, 10), True),
    ('sigmoid', uni(-3, 3), lambda x: 1 / (1 + np.exp(-x)), (-5, 5), True),
    ('softsign', uni(-3, 3), lambda x: x / (1 + np.abs(x)), (-5, 5), True),
    ('erf', uni(-2, 2), vec(math.erf), (-1, 2), True),
    ('erfinv', uni(-0.9, 0.9), lambda x: _erfinv(x.astype(np.float64)).astype(x.dtype), (0, 1), True),
    ('gamma', uni(0.2, 4), vec(math.gamma), (1, 6), True),
    ('gammaln', uni(0.2, 5), vec(math.lgamma), (1, 10), True),
]

# (op, reference) working on integers natively
_NATIVE = [
    ('abs', np.abs), ('sign', np.sign), ('negative', np.negative), ('relu', lambda x: np.maximum(x, 0)),
    ('round', _round_half_away), ('rint', np.rint), ('ceil', np.ceil), ('floor', np.floor), ('trunc', np.trunc),
    ('fix', np.fix),
]

CASES = []
for _op, _inp, _ref, _ints, _grad in _MATH:
    CASES.append(Case(_op, _inp, via_f32(_ref), dtypes=FLOATS, grad=_grad))
    CASES.append(Case(_op, uni(0, 1, *_ints), via_f32(_ref), dtypes=INTS, grad=False, name=_op + '_int'))

for _op, _ref in _NATIVE:
    CASES.append(Case(_op, uni(-3, 3, away=0.05), _ref, dtypes=ALL))

CASES += [
    # halves: round away from zero, rint to even, fix/trunc towards zero
    Case('round', fixed([-2.5, -1.5, -0.5, -0.4, 0.4, 0.5, 1.5, 2.5, -2.7, 2.7]),
         lambda x: np.array([-3, -2, -1, 0, 0, 1, 2, 3, -3, 3]), grad=False, name='round_halves'),
    Case('rint', fixed([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]), lambda x: np.array([-2, -2, 0, 0, 2, 2]),
         grad=False, name='rint_halves'),
    Case('fix', fixed([-2.7, -0.5, 0.5, 2.7]), lambda x: np.array([-2, 0, 0, 2]), grad=False, name='fix_halves'),
    Case('sign', fixed([np.nan, -0.0, 0.0, -3.0, 2.0]), lambda x: np.array([0, 0, 0, -1, 1]),
         grad=False, name='sign_nan'),
    # integers through float32: out-of-domain values are not checked (C casts of NaN are undefined)
    Case('sqrt', fixed([4, 5, 9, 10, 99]), lambda x: np.array([2, 2, 3, 3, 9]), dtypes=INTS, grad=False,
         name='sqrt_int_truncates'),
    Case('square', fixed([16777217, 3], 'int64'), lambda x: np.array([2 ** 48, 9]),
         dtypes=('int64',), grad=False, name='square_int64_in_float32'),
    Case('reciprocal', fixed([1, 2, -1, 4]), lambda x: np.array([1, 0, -1, 0]), dtypes=('int8', 'int32', 'int64'),
         grad=False, name='reciprocal_int'),
    Case('gamma', fixed([-0.5, -1.5, -2.5, -3.3, 0.5, 5.0]), vec(math.gamma), dtypes=('float32', 'float64'),
         name='gamma_negative'),
    Case('gammaln', fixed([-0.5, -1.5, -2.5, 0.5]), vec(math.lgamma), dtypes=('float32', 'float64'),
         name='gammaln_negative'),
    Case('degrees', fixed([1, 4]), lambda x: np.array([57, 229]), dtypes=('int32', 'int64'), grad=False,
         name='degrees_int'),
    Case('logical_not', lambda rng, dt: [rng.randint(-2, 3, size=SHAPE).astype(dt)],
         lambda x: (x == 0).astype(x.dtype), dtypes=ALL, grad=False),
    Case('logical_not', fixed([0.0, np.nan, -0.0, 2.0]), lambda x: np.array([1, 0, 1, 0]), grad=False,
         name='logical_not_nan'),
    Case('hard_sigmoid', uni(-4, 4), _hard_sigmoid),
    Case('hard_sigmoid', uni(-4, 4), _hard_sigmoid, params={'alpha': 0.5, 'beta': 0.1}, name='hard_sigmoid_ab'),
    Case('clip', uni(-2, 2), _clip, params={'a_min': -0.5, 'a_max': 0.8}, dtypes=ALL),
    Case('clip', uni(-2, 2, -5, 10), _clip, params={'a_min': 2.7, 'a_max': 6.5}, dtypes=INTS,
         name='clip_int_bounds_truncate'),
    Case('clip', fixed([-4, -1, 0, 1, 4]), lambda x, a_min, a_max: np.array([2.5, 2.5, 2.5, 0.5, 0.5]),
         params={'a_min': 2.5, 'a_max': 0.5}, grad=False, name='clip_min_above_max'),
    Case('smooth_l1', uni(-3, 3), _smooth_l1),
    Case('smooth_l1', uni(-3, 3), _smooth_l1, params={'scalar': 2.0}, name='smooth_l1_sigma2'),
    Case('smooth_l1', fixed([-3, 0, 2]), lambda x: np.array([2, 0, 1]), dtypes=('int32', 'int64'), grad=False,
         name='smooth_l1_int'),
    Case('identity', uni(-2, 2), lambda x: x, dtypes=ALL),
    Case('_copy', uni(-2, 2), lambda x: x, dtypes=ALL),
    Case('BlockGrad', uni(-2, 2), lambda x: x, dtypes=ALL, grad=False),
    Case('stop_gradient', uni(-2, 2), lambda x: x, dtypes=ALL, grad=False),
    Case('make_loss', uni(-2, 2), lambda x: x, dtypes=ALL, grad=False),
    Case('Cast', uni(-3, 3), lambda x, dtype: x.astype(dtype), params={'dtype': 'float64'}, dtypes=ALL,
         out_dtype='float64', grad=False, name='Cast_float64'),
    Case('Cast', uni(-3, 3), lambda x, dtype: np.trunc(x).astype(dtype), params={'dtype': 'int32'}, dtypes=ALL,
         out_dtype='int32', grad=False, name='Cast_int32'),
    Case('cast', uni(0, 200, 0, 100), lambda x, dtype: x.astype(dtype), params={'dtype': 'uint8'}, dtypes=ALL,
         out_dtype='uint8', grad=False, name='cast_uint8'),
    Case('Cast', fixed([-1.7, 0.0, 2.6, 300.4]), lambda x, dtype: np.array([255, 0, 2, 44]),
         params={'dtype': 'uint8'}, dtypes=('float32',), out_dtype='uint8', grad=False, name='Cast_uint8_wraps'),
    Case('Cast', uni(-3, 3), lambda x, dtype: x.astype(dtype), params={'dtype': 'float32'},
         dtypes=('float64',), out_dtype='float32', grad=False, name='Cast_to_float32'),
    Case('Cast', uni(-3, 3), lambda x, dtype: x != 0, params={'dtype': 'bool'}, dtypes=ALL, out_dtype='bool',
         grad=False, name='Cast_bool'),
]

_INT32 = fixed([1, 2, 3], 'int32')
_BOOL = fixed([1, 0, 1], 'bool')
ERROR_CASES = [
    ErrorCase('hard_sigmoid', _INT32, match='only support floating point types, not int32'),
    ErrorCase('sqrt', _BOOL, match='sqrt does not support boolean type'),
    ErrorCase('abs', _BOOL, match='abs does not support boolean type'),
    ErrorCase('clip', fixed([1.0]), params={'a_min': 0.0}, match='Required parameter a_max'),
    ErrorCase('Cast', fixed([1.0]), params={'dtype': 'complex64'}, match='Invalid Parameter format for dtype'),
    ErrorCase('Cast', fixed([1.0]), match='Required parameter dtype'),
    ErrorCase('relu', fixed([1.0]), params={'alpha': 1}, match="Cannot find argument 'alpha'"),
]
