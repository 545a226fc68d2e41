"""MXNet's scalar-or-array functions (``mx.nd.add``, ``maximum``, ``equal``, ...), which NDArray's infix
operators (:mod:`mxnet.ndarray.infix`) fall back to for the cases they do not inline.

As in MXNet 1.x, array-array forms run the ``broadcast_*`` operators and array-scalar forms the
``_*_scalar`` ones (the scalar is cast to the array's dtype: ``int32 + 1.5`` adds 1); two Python numbers
give a Python number.
"""
import torch

from ..base import MXNetError, numeric_types
from .._op.defs.binary import OPS, REFLECT, fmt_shape, scalar_apply
from .ndarray import NDArray, kept_contexts as _kept
from .infix import after as _after, FLOAT_KERNEL as _FLOAT_KERNEL, FLOATS as _FLOATS
from .register import run
from .. import autograd as _autograd
from .. import engine as _engine

__all__ = ['add', 'subtract', 'multiply', 'divide', 'true_divide', 'modulo', 'power', 'maximum', 'minimum',
           'equal', 'not_equal', 'greater', 'greater_equal', 'lesser', 'lesser_equal',
           'logical_and', 'logical_or', 'logical_xor']

_new = object.__new__
_BOOL = torch.bool
_NAMES = ['lhs', 'rhs']
_ag_state = _autograd._state
_grad_enabled = torch.is_grad_enabled
_no_grad = torch.no_grad


_pending = _engine.pending


def _note(key, lhs, rhs, r):
    """Put ``lhs <key> rhs`` on the tape of autograd.get_symbol as MXNet's operator of it."""
    ops = OPS[key]
    if isinstance(lhs, NDArray) and isinstance(rhs, NDArray):
        _autograd.note(ops['broadcast'], {}, [lhs._data, rhs._data], [r])
    elif isinstance(lhs, NDArray):
        _autograd.note(ops['scalar'], {'scalar': float(rhs)}, [lhs._data], [r])
    else:
        op = ops.get('rscalar') or OPS[REFLECT.get(key, key)]['scalar']
        _autograd.note(op, {'scalar': float(lhs)}, [rhs._data], [r])


def _unsupported(x):
    return TypeError('type %s not supported' % str(type(x)))


def _array_op(key):
    op = OPS[key]['broadcast']

    def apply(x, y):
        return run(op, None, [x, y], _NAMES)[0]
    return apply


def _scalar_op(key, reflected=False):
    """(tensor, number) -> tensor through the scalar operator's compute (is_int=True, as MXNet's frontend)."""
    ops = OPS[key]
    fn = ops['fn']
    if reflected and 'rscalar' not in ops:
        mirror = OPS[REFLECT.get(key, key)]['fn']
        reflected = False
    else:
        mirror = fn
    op = ops['rscalar' if reflected else 'scalar']

    def apply(x, s):
        try:
            return scalar_apply(mirror, x, float(s), True, reflected)
        except MXNetError:
            raise
        except (RuntimeError, ValueError, TypeError) as e:
            raise MXNetError('Operator %s failed on an input of shape %s with scalar %s: %s'
                             % (op.name, fmt_shape(x.shape), s, e)) from None
    return apply


def _py(key):
    cmp = {'equal': lambda a, b: a == b, 'not_equal': lambda a, b: a != b, 'greater': lambda a, b: a > b,
           'greater_equal': lambda a, b: a >= b, 'lesser': lambda a, b: a < b, 'lesser_equal': lambda a, b: a <= b,
           'logical_and': lambda a, b: a and b, 'logical_or': lambda a, b: a or b,
           'logical_xor': lambda a, b: bool(a) != bool(b)}
    if key in cmp:  # MXNet answers 1 or 0
        f = cmp[key]
        return lambda a, b: 1 if f(a, b) else 0
    return {'add': lambda a, b: a + b, 'sub': lambda a, b: a - b, 'mul': lambda a, b: a * b,
            'div': lambda a, b: a / b, 'mod': lambda a, b: a % b, 'power': lambda a, b: a ** b,
            'maximum': lambda a, b: a if a > b else b, 'minimum': lambda a, b: a if a < b else b}[key]


def _array_kernel(key):
    """``f(x, y)`` for two tensors of one dtype, the result of the broadcast operator (RuntimeError or
    MXNetError if not computable directly); None for booleans, which go through the operator."""
    fn = OPS[key]['fn']
    ffn = _FLOAT_KERNEL.get(key, fn)
    floats = _FLOATS

    def kernel(x, y):
        dt = x.dtype
        if dt in floats:
            return ffn(x, y)
        if dt is _BOOL:
            return None
        return fn(x, y)
    return kernel if ffn is not fn else (lambda x, y: None if x.dtype is _BOOL else fn(x, y))


def _ufunc(key, name):
    """``f(lhs, rhs)`` for arrays and numbers in either order, dispatched as MXNet's ``_ufunc_helper``."""
    arr, sca, rsca, py = _array_op(key), _scalar_op(key), _scalar_op(key, True), _py(key)
    kernel = _array_kernel(key)

    def fn(lhs, rhs):
        if ((isinstance(lhs, NDArray) and lhs._data.requires_grad) or (isinstance(rhs, NDArray) and
                rhs._data.requires_grad)) and not _ag_state.recording and _grad_enabled():
            with _no_grad():  # an input in an autograd graph, but not recording: MXNet records nothing
                return fn(lhs, rhs)
        if isinstance(lhs, NDArray):
            if isinstance(rhs, NDArray):
                x, y = lhs._data, rhs._data
                r = None
                if x.dtype is y.dtype:
                    try:
                        r = kernel(x, y)
                    except (RuntimeError, MXNetError):
                        pass
                if r is None:
                    r = arr(x, y)
            elif isinstance(rhs, numeric_types):
                r = sca(lhs._data, rhs)
            else:
                raise _unsupported(rhs)
        elif isinstance(lhs, numeric_types):
            if isinstance(rhs, NDArray):
                r = rsca(rhs._data, lhs)
            elif isinstance(rhs, numeric_types):
                return py(lhs, rhs)
            else:
                raise _unsupported(rhs)
        else:
            raise _unsupported(lhs)
        if _ag_state.recording:
            _note(key, lhs, rhs, r)
        a = _new(NDArray)
        a._data = r
        if _pending or _kept:
            _after(a, lhs, rhs)
        return a
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = ('Elementwise %s of arrays and/or scalars: two arrays broadcast as ``broadcast_%s``; an array '
                  'and a number use the scalar operator (the number is cast to the array\'s dtype); two numbers '
                  'give a Python number.' % (name, key))
    return fn


add = _ufunc('add', 'add')
subtract = _ufunc('sub', 'subtract')
multiply = _ufunc('mul', 'multiply')
divide = _ufunc('div', 'divide')
true_divide = _ufunc('div', 'true_divide')
modulo = _ufunc('mod', 'modulo')
power = _ufunc('power', 'power')
maximum = _ufunc('maximum', 'maximum')
minimum = _ufunc('minimum', 'minimum')
equal = _ufunc('equal', 'equal')
not_equal = _ufunc('not_equal', 'not_equal')
greater = _ufunc('greater', 'greater')
greater_equal = _ufunc('greater_equal', 'greater_equal')
lesser = _ufunc('lesser', 'lesser')
lesser_equal = _ufunc('lesser_equal', 'lesser_equal')
logical_and = _ufunc('logical_and', 'logical_and')
logical_or = _ufunc('logical_or', 'logical_or')
logical_xor = _ufunc('logical_xor', 'logical_xor')

# the function of each infix operator key (see infix.py)
UFUNCS = {'add': add, 'sub': subtract, 'mul': multiply, 'div': divide, 'mod': modulo, 'power': power,
          'equal': equal, 'not_equal': not_equal, 'greater': greater, 'greater_equal': greater_equal,
          'lesser': lesser, 'lesser_equal': lesser_equal}
