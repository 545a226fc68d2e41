"""Binary operators against numpy: ``broadcast_*``, ``elemwise_*``/``_*`` and the ``_*_scalar`` family.

Behaviour checked against MXNet 1.9.1: the dtype is kept (integers wrap), integer division truncates
towards zero, ``%`` takes the sign of the divisor and ``x % 0`` is 0, power and hypot of integers are
computed in float32 and truncated, comparisons give 0/1 in the input dtype; a scalar is cast to the array's
dtype (``int32 + 1.5`` adds 1, ``int8 + 300`` adds 44), and ``is_int=False`` computes an integer array in
float64. Shape errors read "operands could not be broadcast together with shapes [2,3] [4,3]".
"""
import numpy as np

from opdb import ALL, FLOATS, INTS, Case, ErrorCase

BSHAPES = ((2, 3, 1), (1, 3, 4))
ESHAPES = ((3, 4), (3, 4))
SIGNED = ('int8', 'int32', 'int64')


def _is_int(dt):
    return np.dtype(dt).kind in 'iu'


def pair(shapes, low=-2.0, high=2.0, ilow=-5, ihigh=5, rlow=None, rhigh=None, nonzero=False, small=False):
    """inputs(): two arrays (floats in [low, high), ints in [ilow, ihigh); the rhs in [rlow, rhigh) when
    given); ``nonzero`` keeps the rhs away from 0; ``small`` draws both from {0, 1, 2} (ties for comparisons)."""
    def make(rng, dtype):
        out = []
        for i, s in enumerate(shapes):
            lo = rlow if i and rlow is not None else (ilow if _is_int(dtype) else low)
            hi = rhigh if i and rhigh is not None else (ihigh if _is_int(dtype) else high)
            if small:
                x = rng.randint(0, 3, size=s)
            elif _is_int(dtype):
                lo = max(int(lo), 0) if np.dtype(dtype).kind == 'u' else int(lo)
                x = rng.randint(lo, max(int(hi), lo + 1), size=s)
            else:
                x = rng.uniform(lo, hi, size=s)
            if i and nonzero:
                x = np.where(np.abs(x) < 0.25, 1, x) if not _is_int(dtype) else np.where(x == 0, 1, x)
            out.append(np.asarray(x).astype(dtype))
        return out
    return make


def one(low=-2.0, high=2.0, ilow=-5, ihigh=5, shape=(3, 4)):
    def make(rng, dtype):
        if _is_int(dtype):
            lo = max(ilow, 0) if np.dtype(dtype).kind == 'u' else ilow
            return [rng.randint(lo, ihigh, size=shape).astype(dtype)]
        return [rng.uniform(low, high, size=shape).astype(dtype)]
    return make


def fixed(*arrays, dtype=None):
    def make(rng, dt):
        return [np.array(a, dtype=dtype or dt) for a in arrays]
    return make


def _div(x, y):
    if _is_int(x.dtype):
        q = np.trunc(x.astype(np.float64) / y.astype(np.float64))
        return q.astype(x.dtype)
    return x / y


def _mod(x, y):
    with np.errstate(all='ignore'):
        r = np.mod(x, np.where(y == 0, 1, y).astype(x.dtype))
    return np.where(y == 0, 0, r).astype(x.dtype)


def _via_f32(fn):
    def ref(x, y):
        if _is_int(x.dtype):
            return np.trunc(fn(x.astype(np.float32), np.asarray(y).astype(np.float32))).astype(x.dtype)
        return fn(x, y)
    return ref


def _cmp(fn):
    return lambda x, y: fn(x, y).astype(x.dtype)


def _logic(fn):
    return lambda x, y: fn(x != 0, np.asarray(y) != 0).astype(x.dtype)


# key: (broadcast op, elemwise op, numpy reference, inputs kwargs, dtypes, grad)
BINARY = {
    'add': ('broadcast_add', 'elemwise_add', lambda x, y: x + y, {}, ALL, True),
    'sub': ('broadcast_sub', 'elemwise_sub', lambda x, y: x - y, {}, ALL, True),
    'mul': ('broadcast_mul', 'elemwise_mul', lambda x, y: x * y, {}, ALL, True),
    'div': ('broadcast_div', 'elemwise_div', _div, {'nonzero': True, 'ilow': -9, 'ihigh': 10}, ALL, True),
    'mod': ('broadcast_mod', '_mod', _mod, {'nonzero': True, 'ilow': -9, 'ihigh': 10}, ALL, True),
    'power': ('broadcast_power', '_power', _via_f32(np.power),
              {'low': 0.5, 'high': 2.0, 'ilow': 1, 'ihigh': 5, 'rlow': -2, 'rhigh': 4}, ALL, True),
    'maximum': ('broadcast_maximum', '_maximum', np.maximum, {}, ALL, True),
    'minimum': ('broadcast_minimum', '_minimum', np.minimum, {}, ALL, True),
    'hypot': ('broadcast_hypot', '_hypot', _via_f32(np.hypot), {'nonzero': True}, ALL, True),
    'equal': ('broadcast_equal', '_equal', _cmp(np.equal), {'small': True}, ALL, False),
    'not_equal': ('broadcast_not_equal', '_not_equal', _cmp(np.not_equal), {'small': True}, ALL, False),
    'greater': ('broadcast_greater', '_greater', _cmp(np.greater), {'small': True}, ALL, False),
    'greater_equal': ('broadcast_greater_equal', '_greater_equal', _cmp(np.greater_equal), {'small': True}, ALL,
                      False),
    'lesser': ('broadcast_lesser', '_lesser', _cmp(np.less), {'small': True}, ALL, False),
    'lesser_equal': ('broadcast_lesser_equal', '_lesser_equal', _cmp(np.less_equal), {'small': True}, ALL, False),
    'logical_and': ('broadcast_logical_and', '_logical_and', _logic(np.logical_and), {'small': True}, ALL, False),
    'logical_or': ('broadcast_logical_or', '_logical_or', _logic(np.logical_or), {'small': True}, ALL, False),
    'logical_xor': ('broadcast_logical_xor', '_logical_xor', _logic(np.logical_xor), {'small': True}, ALL, False),
}


def _as_dtype_scalar(s, dtype):
    """The scalar as MXNet casts it for an array of ``dtype`` (is_int=True)."""
    return int(s) if _is_int(dtype) else s


def _scalar_ref(fn, reflected=False):
    def ref(x, scalar=1.0, is_int=True):
        if not is_int and _is_int(x.dtype):
            x = x.astype(np.float64)
        s = np.array(_as_dtype_scalar(scalar, x.dtype), dtype=x.dtype)
        return fn(np.broadcast_to(s, x.shape).copy(), x) if reflected else fn(x, s)
    return ref


# scalar op name: (binary key, scalar, inputs, reflected)
SCALAR = {
    '_plus_scalar': ('add', 1.5, one(), False),
    '_minus_scalar': ('sub', 1.5, one(), False),
    '_rminus_scalar': ('sub', 1.5, one(), True),
    '_mul_scalar': ('mul', 2.5, one(), False),
    '_div_scalar': ('div', 2.5, one(ilow=-9, ihigh=10), False),
    '_rdiv_scalar': ('div', 7.5, one(0.5, 2.0, 1, 10), True),
    '_mod_scalar': ('mod', 2.5, one(-5, 5, -9, 10), False),
    '_rmod_scalar': ('mod', 7.5, one(0.5, 3.0, 1, 10), True),
    '_power_scalar': ('power', 2.0, one(0.5, 2.0, -5, 6), False),
    '_rpower_scalar': ('power', 2.0, one(-2.0, 2.0, -2, 6), True),
    '_maximum_scalar': ('maximum', 0.5, one(), False),
    '_minimum_scalar': ('minimum', 0.5, one(), False),
    '_hypot_scalar': ('hypot', 2.5, one(), False),
    '_equal_scalar': ('equal', 1.0, one(0, 3, 0, 3), False),
    '_not_equal_scalar': ('not_equal', 1.0, one(0, 3, 0, 3), False),
    '_greater_scalar': ('greater', 1.0, one(0, 3, 0, 3), False),
    '_greater_equal_scalar': ('greater_equal', 1.0, one(0, 3, 0, 3), False),
    '_lesser_scalar': ('lesser', 1.0, one(0, 3, 0, 3), False),
    '_lesser_equal_scalar': ('lesser_equal', 1.0, one(0, 3, 0, 3), False),
    '_logical_and_scalar': ('logical_and', 1.0, one(0, 3, 0, 3), False),
    '_logical_or_scalar': ('logical_or', 0.0, one(0, 3, 0, 3), False),
    '_logical_xor_scalar': ('logical_xor', 1.0, one(0, 3, 0, 3), False),
}

CASES = []
for _key, (_bop, _eop, _ref, _kw, _dts, _grad) in BINARY.items():
    CASES.append(Case(_bop, pair(BSHAPES, **_kw), _ref, dtypes=_dts, grad=_grad))
    CASES.append(Case(_eop, pair(ESHAPES, **_kw), _ref, dtypes=_dts, grad=_grad))

for _name, (_key, _s, _inp, _refl) in SCALAR.items():
    _fn = BINARY[_key][2]
    _grad = BINARY[_key][5]
    CASES.append(Case(_name, _inp, _scalar_ref(_fn, _refl), params={'scalar': _s}, dtypes=ALL, grad=_grad))
    CASES.append(Case(_name, _inp, _scalar_ref(_fn, _refl), params={'scalar': _s, 'is_int': False}, dtypes=ALL,
                      out_dtype=lambda dt: 'float64' if _is_int(dt) else dt, grad=False,
                      name=_name + '_not_int'))

CASES += [
    # aliases
    Case('broadcast_plus', pair(BSHAPES), lambda x, y: x + y),
    Case('broadcast_minus', pair(BSHAPES), lambda x, y: x - y),
    Case('_plus', pair(ESHAPES), lambda x, y: x + y, grad=False),
    Case('_Mul', pair(ESHAPES), lambda x, y: x * y, grad=False),
    Case('_PlusScalar', one(), _scalar_ref(lambda x, y: x + y), params={'scalar': 3.0}, grad=False),
    # integer semantics
    Case('broadcast_div', fixed([1, 2, 3, -4, -7, 7], [2, 2, -3, 3, 2, -2]),
         lambda x, y: np.array([0, 1, -1, -1, -3, -3]),
         dtypes=SIGNED, grad=False, name='div_int_truncates'),
    Case('broadcast_mod', fixed([1, 2, 3, -4, 5, -5], [2, 0, -3, 3, 0, 2]),
         lambda x, y: np.array([1, 0, 0, 2, 0, 1]),
         dtypes=SIGNED, grad=False, name='mod_int_sign_of_divisor_and_zero'),
    Case('broadcast_mod', fixed([5.5, -5.5, 5.5, -5.5, 1.0], [2, 2, -2, -2, 0]),
         lambda x, y: np.array([1.5, 0.5, -0.5, -1.5, 0.0]), grad=False, name='mod_float_sign_and_zero'),
    Case('broadcast_power', fixed([3, 3, 7, -3], [16, 15, 11, 19]),
         lambda x, y: np.array([43046720, 14348907, 1977326720, -1162261504]), dtypes=('int32', 'int64'),
         grad=False, name='power_int_in_float32'),
    Case('broadcast_mul', fixed([100, 3], [2, 2]), lambda x, y: np.array([-56, 6]), dtypes=('int8',), grad=False,
         name='mul_int8_wraps'),
    Case('_plus_scalar', fixed([1, 2, 3, -4]), lambda x, scalar: np.array([2, 3, 4, -3]), params={'scalar': 1.5},
         dtypes=SIGNED, grad=False, name='plus_scalar_int_truncates_scalar'),
    Case('_plus_scalar', fixed([1, 2]), lambda x, scalar: np.array([45, 46]), params={'scalar': 300},
         dtypes=('int8',), grad=False, name='plus_scalar_int8_wraps_scalar'),
    Case('_rminus_scalar', fixed([200, 3]), lambda x, scalar: np.array([57, 254]), params={'scalar': 1},
         dtypes=('uint8',), grad=False, name='rminus_scalar_uint8_wraps'),
    Case('_plus_scalar', fixed([1, 2], dtype='int64'), lambda x, scalar: np.array([2 ** 53 + 1, 2 ** 53 + 2]),
         params={'scalar': 2 ** 53 + 1}, dtypes=('int64',), grad=False, name='plus_scalar_is_a_double'),
    Case('_plus_scalar', fixed([2048.0]), lambda x, scalar: np.array([2048.0]), params={'scalar': 1.0},
         dtypes=('float16',), grad=False, name='plus_scalar_float16_rounds'),
    Case('_rpower_scalar', fixed([-1, 3]), lambda x, scalar: np.array([0, 8]), params={'scalar': 2},
         dtypes=SIGNED, grad=False, name='rpower_scalar_int_negative_exponent'),
    Case('_power_scalar', fixed([3, 7]), lambda x, scalar: np.array([9, 49]), params={'scalar': 2.7},
         dtypes=SIGNED, grad=False, name='power_scalar_int_truncates_scalar'),
    Case('_greater_scalar', fixed([1, 2, 3, -4]), lambda x, scalar: np.array([0, 1, 1, 0]), params={'scalar': 1.5},
         dtypes=SIGNED, grad=False, name='greater_scalar_int_truncates_scalar'),
    Case('_greater_equal_scalar', fixed([1, 2, 3, -4]), lambda x, scalar, is_int: np.array([0.0, 1.0, 1.0, 0.0]),
         params={'scalar': 1.5, 'is_int': False}, dtypes=SIGNED, out_dtype='float64', grad=False,
         name='greater_equal_scalar_not_int'),
    Case('_mul_scalar', fixed([1, 0], dtype='bool'), lambda x, scalar: np.array([2, 0]), params={'scalar': 2},
         dtypes=('bool',), out_dtype='int64', grad=False, name='mul_scalar_bool_as_int64'),
    Case('_maximum_scalar', fixed([1.0, np.inf, 3.0]), lambda x, scalar: np.array([2.0, np.inf, 3.0]),
         params={'scalar': 2}, grad=False, name='maximum_scalar_inf'),
]

_F23 = fixed(np.ones((2, 3)), np.ones((4, 3)))
ERROR_CASES = [
    ErrorCase('broadcast_add', _F23, match=r'operands could not be broadcast together with shapes \[2,3\] \[4,3\]'),
    ErrorCase('broadcast_mul', fixed(np.ones((2, 3)), np.ones((2, 3, 4))),
              match=r'operands could not be broadcast together with shapes \[2,3\] \[2,3,4\]'),
    ErrorCase('elemwise_add', fixed(np.ones((2, 3)), np.ones((3, 2))),
              match=r'Incompatible attr at 1-th input: expected \[2,3\], got \[3,2\]'),
    ErrorCase('broadcast_add', lambda rng, dt: [np.ones(2, np.float32), np.ones(2, np.int32)],
              match='expected float32, got int32'),
    ErrorCase('elemwise_sub', lambda rng, dt: [np.ones(2, np.float64), np.ones(2, np.float16)],
              match='expected float64, got float16'),
    ErrorCase('broadcast_equal', fixed([1, 0], [1, 1], dtype='bool'), match='does not support boolean type'),
    ErrorCase('_div_scalar', fixed([1, 2], dtype='int32'), params={'scalar': 0}, match='division by zero'),
    ErrorCase('_plus_scalar', fixed([1.0]), params={'scalar': 'abc'}, match='Invalid Parameter format for scalar'),
    ErrorCase('_plus_scalar', fixed([1.0]), params={'alpha': 1}, match="Cannot find argument 'alpha'"),
]
