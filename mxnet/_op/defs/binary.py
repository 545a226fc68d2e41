"""Binary arithmetic, comparison and logic: ``broadcast_*`` (numpy broadcasting), ``elemwise_*``/``_*``
(equal shapes) and ``_*_scalar`` (array with a Python number).

MXNet 1.x keeps the input dtype: integer division truncates, ``%`` takes the sign of the divisor and
``x % 0`` is 0, comparisons give 0/1 in the input dtype, and power/hypot of integers are computed in
float32 and truncated back. The scalar ops take ``scalar`` (a double) and ``is_int`` (default True): with
``is_int`` the scalar is first cast to the array's dtype (``int32 + 1.5`` adds 1); with ``is_int=False`` an
integer array is computed in float64 and gives float64. Boolean arrays are rejected by the array-array ops;
the scalar ops compute them as int64.
"""
import math

import numpy as np
import torch

from ...base import MXNetError
from ..registry import OpDef, register, same_shape
from ..params import Float, Bool

__all__ = ['TABLE', 'OPS', 'scalar_as', 'scalar_apply', 'fmt_shape', 'REFLECT', 'float_to']

_BOOL = torch.bool
_INT64 = torch.int64
_EXACT_FLOATS = (torch.float32, torch.float64)


def fmt_shape(s):
    """A shape as MXNet prints it in messages: ``[2,3]``."""
    return '[' + ','.join(str(d) for d in s) + ']'


def _c_int(v, dtype):
    """C's ``static_cast<dtype>(double)`` as x86 does it: out-of-range and NaN give INT_MIN; 8-bit types
    take the low byte of the int32 conversion."""
    if math.isnan(v) or math.isinf(v):
        i = None
    else:
        i = int(v)
    if dtype is _INT64:
        return i if i is not None and -2 ** 63 <= i < 2 ** 63 else -2 ** 63
    if i is None or not -2 ** 31 <= i < 2 ** 31:
        i = -2 ** 31
    if dtype is torch.uint8:
        return i & 0xFF
    if dtype is torch.int8:
        return ((i + 128) & 0xFF) - 128
    return i


def x86_int_cast(t, dtype):
    """Floating tensor ``t`` converted to integer ``dtype`` the way MXNet's x86 build converts (see
    :func:`_c_int`), on any device: torch's CPU cast already does this, CUDA's saturates instead."""
    lim = 2.0 ** 63 if dtype is _INT64 else 2.0 ** 31
    bad = torch.isnan(t) | (t >= lim) | (t < -lim)
    i = torch.where(bad, torch.zeros_like(t), t).to(_INT64).masked_fill_(bad, -int(lim))
    return i if dtype is _INT64 else i.to(dtype)  # narrowing integers keeps the low bits


def float_to(t, dtype):
    """``t.to(dtype)``; float-to-integer conversions truncate with MXNet's (x86) out-of-range rules."""
    if t.device.type != 'cuda' or dtype.is_floating_point or dtype is _BOOL or not t.is_floating_point():
        return t.to(dtype)
    return x86_int_cast(t, dtype)


def scalar_as(s, dtype):
    """The Python number ``s`` as MXNet's ``DType(scalar)`` for an array of torch ``dtype``."""
    if dtype in _EXACT_FLOATS:
        return s
    if dtype is torch.float16:
        return float(np.float16(s))
    if dtype is torch.bfloat16:
        return torch.tensor(float(s), dtype=torch.bfloat16).item()
    return _c_int(float(s), dtype)


def scalar_apply(fn, data, s, is_int=True, reflected=False):
    """``fn(data, s)`` (or ``fn(s, data)``) with MXNet's scalar-op casting rules."""
    if data.dtype is _BOOL:
        data = data.to(_INT64)
    elif not is_int and not data.is_floating_point():
        data = data.to(torch.float64)
    s = scalar_as(s, data.dtype)
    if reflected:
        return fn(torch.full_like(data, s), data)
    return fn(data, s)


def _int_in_float32(fn):
    """``fn`` for float arrays; integer arrays are computed in float32 and truncated back, as MXNet does."""
    def compute(a, b):
        if a.is_floating_point():
            return fn(a, b)
        return float_to(fn(a.float(), b.float() if isinstance(b, torch.Tensor) else float(b)), a.dtype)
    return compute


def _div(a, b):
    if a.is_floating_point():
        return torch.div(a, b)
    if isinstance(b, torch.Tensor) or b != 0:
        return torch.div(a, b, rounding_mode='trunc')
    raise MXNetError('integer division by zero')


def _mod(a, b):
    # MXNet: the result takes the sign of the divisor, and x % 0 is 0.
    if isinstance(b, torch.Tensor):
        zero = b == 0
        if a.is_floating_point():
            return torch.where(zero, torch.zeros((), dtype=a.dtype, device=a.device), torch.remainder(a, b))
        r = torch.remainder(a, torch.where(zero, torch.ones((), dtype=b.dtype, device=b.device), b))
        return r.masked_fill_(zero, 0)
    return torch.zeros_like(a) if b == 0 else torch.remainder(a, b)


def _hypot(a, b):
    if not isinstance(b, torch.Tensor):
        b = torch.tensor(b, dtype=a.dtype, device=a.device)
    return torch.hypot(a, b)


def _maximum(a, b):
    return torch.maximum(a, b) if isinstance(b, torch.Tensor) else torch.clamp(a, min=b)


def _minimum(a, b):
    return torch.minimum(a, b) if isinstance(b, torch.Tensor) else torch.clamp(a, max=b)


def _cmp(fn):
    def compute(a, b):
        return fn(a, b).to(a.dtype)
    return compute


def _logic(fn):
    def compute(a, b):
        return fn(a != 0, b != 0 if isinstance(b, torch.Tensor) else torch.tensor(b != 0, device=a.device)) \
            .to(a.dtype)
    return compute


# key: (broadcast name and aliases, elemwise name and aliases, scalar names, reflected-scalar names, fn)
TABLE = {
    'add': (('broadcast_add', 'broadcast_plus'), ('elemwise_add', '_sparse_elemwise_add', '_add', '_plus', '_Plus'),
            ('_plus_scalar', '_PlusScalar'), None, torch.add),
    'sub': (('broadcast_sub', 'broadcast_minus'), ('elemwise_sub', '_sparse_elemwise_sub', '_sub', '_minus', '_Minus'),
            ('_minus_scalar', '_MinusScalar'), ('_rminus_scalar', '_RMinusScalar'), torch.sub),
    'mul': (('broadcast_mul',), ('elemwise_mul', '_sparse_elemwise_mul', '_mul', '_Mul'), ('_mul_scalar', '_MulScalar'), None, torch.mul),
    'div': (('broadcast_div',), ('elemwise_div', '_sparse_elemwise_div', '_div', '_Div'), ('_div_scalar', '_DivScalar'),
            ('_rdiv_scalar', '_RDivScalar'), _div),
    'mod': (('broadcast_mod',), ('_mod', '_Mod'), ('_mod_scalar', '_ModScalar'), ('_rmod_scalar', '_RModScalar'),
            _mod),
    'power': (('broadcast_power',), ('_power', '_Power'), ('_power_scalar', '_PowerScalar'),
              ('_rpower_scalar', '_RPowerScalar'), _int_in_float32(torch.pow)),
    'maximum': (('broadcast_maximum',), ('_maximum', '_Maximum'), ('_maximum_scalar', '_MaximumScalar'), None,
                _maximum),
    'minimum': (('broadcast_minimum',), ('_minimum', '_Minimum'), ('_minimum_scalar', '_MinimumScalar'), None,
                _minimum),
    'hypot': (('broadcast_hypot',), ('_hypot', '_Hypot'), ('_hypot_scalar', '_HypotScalar'), None,
              _int_in_float32(_hypot)),
    'equal': (('broadcast_equal',), ('_equal', '_Equal'), ('_equal_scalar', '_EqualScalar'), None, _cmp(torch.eq)),
    'not_equal': (('broadcast_not_equal',), ('_not_equal', '_Not_Equal'), ('_not_equal_scalar', '_NotEqualScalar'),
                  None, _cmp(torch.ne)),
    'greater': (('broadcast_greater',), ('_greater', '_Greater'), ('_greater_scalar', '_GreaterScalar'), None,
                _cmp(torch.gt)),
    'greater_equal': (('broadcast_greater_equal',), ('_greater_equal', '_Greater_Equal'),
                      ('_greater_equal_scalar', '_GreaterEqualScalar'), None, _cmp(torch.ge)),
    'lesser': (('broadcast_lesser',), ('_lesser', '_Lesser'), ('_lesser_scalar', '_LesserScalar'), None,
               _cmp(torch.lt)),
    'lesser_equal': (('broadcast_lesser_equal',), ('_lesser_equal', '_Lesser_Equal'),
                     ('_lesser_equal_scalar', '_LesserEqualScalar'), None, _cmp(torch.le)),
    'logical_and': (('broadcast_logical_and',), ('_logical_and', '_Logical_And'),
                    ('_logical_and_scalar', '_LogicalAndScalar'), None, _logic(torch.logical_and)),
    'logical_or': (('broadcast_logical_or',), ('_logical_or', '_Logical_Or'),
                   ('_logical_or_scalar', '_LogicalOrScalar'), None, _logic(torch.logical_or)),
    'logical_xor': (('broadcast_logical_xor',), ('_logical_xor', '_Logical_Xor'),
                    ('_logical_xor_scalar', '_LogicalXorScalar'), None, _logic(torch.logical_xor)),
}

# ``scalar OP array`` for ops without a reflected scalar op: the mirrored op on (array, scalar).
REFLECT = {'greater': 'lesser', 'lesser': 'greater', 'greater_equal': 'lesser_equal',
           'lesser_equal': 'greater_equal'}


def broadcast_error(p, tensors):
    a, b = tensors[0].shape, tensors[1].shape
    for x, y in zip(reversed(a), reversed(b)):
        if x != y and x != 1 and y != 1:
            return 'operands could not be broadcast together with shapes %s %s' % (fmt_shape(a), fmt_shape(b))
    return None


def _no_bool(name, t):
    if t.dtype is _BOOL:
        raise MXNetError('Operator %s does not support boolean type' % name)


def _scalar_type(p, in_types):
    t = in_types[0]
    if t is None:
        return in_types, [None], []
    if t == 'bool':
        out = 'float64' if not p.is_int else 'int64'
    elif not p.is_int and not t.startswith(('float', 'bfloat')):
        out = 'float64'
    else:
        out = t
    return in_types, [out], []


def _make(key, bnames, enames, snames, rnames, fn):
    out = {}
    bname, ename = bnames[0], enames[0]

    def bcompute(p, lhs, rhs):
        if lhs.dtype is _BOOL:
            _no_bool(bname, lhs)
        return fn(lhs, rhs)

    out['broadcast'] = register(OpDef(
        bname, bcompute, inputs=('lhs', 'rhs'), aliases=bnames[1:], explain_error=broadcast_error,
        doc='Elementwise %s of two arrays with numpy broadcasting.' % key))

    def ecompute(p, lhs, rhs):
        if lhs.shape != rhs.shape:
            raise MXNetError('%s: Incompatible attr at 1-th input: expected %s, got %s'
                             % (ename, fmt_shape(lhs.shape), fmt_shape(rhs.shape)))
        if lhs.dtype is _BOOL:
            _no_bool(ename, lhs)
        return fn(lhs, rhs)

    def eshape(p, shapes):
        known = [s for s in shapes if s is not None]
        if not known:
            return shapes, [None], []
        for i, s in enumerate(shapes):
            if s is not None and s != known[0]:
                raise MXNetError('Incompatible attr at %d-th input: expected %s, got %s'
                                 % (i, fmt_shape(known[0]), fmt_shape(s)))
        return [known[0]] * 2, [known[0]], []

    out['elemwise'] = register(OpDef(ename, ecompute, inputs=('lhs', 'rhs'), aliases=enames[1:],
                                     infer_shape=eshape,
                                     doc='Elementwise %s of two arrays of the same shape.' % key))
    sparams = {'scalar': Float(1.0, 'Scalar input value'),
               'is_int': Bool(True, 'Indicate whether scalar input is int type')}

    def scompute(p, data):
        return scalar_apply(fn, data, p.scalar, p.is_int)

    out['scalar'] = register(OpDef(snames[0], scompute, aliases=snames[1:], params=sparams, infer_shape=same_shape(),
                                   infer_type=_scalar_type,
                                   doc='Elementwise %s of an array and a scalar.' % key))
    if rnames:
        def rcompute(p, data):
            return scalar_apply(fn, data, p.scalar, p.is_int, reflected=True)

        out['rscalar'] = register(OpDef(rnames[0], rcompute, aliases=rnames[1:], params=sparams,
                                        infer_shape=same_shape(),
                                        infer_type=_scalar_type,
                                        doc='Elementwise %s of a scalar and an array (reflected).' % key))
    out['fn'] = fn
    return out


OPS = {key: _make(key, *row) for key, row in TABLE.items()}
