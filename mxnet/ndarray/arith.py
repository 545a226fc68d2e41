"""Infix arithmetic of NDArray and MXNet's scalar-or-array functions (``mx.nd.add``, ``maximum``, ...).

Array-array forms run the ``broadcast_*`` operators, array-scalar forms the ``_*_scalar`` ones, exactly as
MXNet 1.x dispatches them; the common case calls the registered compute directly to keep dispatch cheap.
"""
import torch

from ..base import numeric_types
from .._op.defs.binary import OPS
from .ndarray import NDArray
from .register import run

_new = object.__new__

__all__ = ['add', 'subtract', 'multiply', 'divide', 'true_divide', 'modulo', 'power', 'maximum', 'minimum',
           'hypot', 'equal', 'not_equal', 'greater', 'greater_equal', 'lesser', 'lesser_equal',
           'logical_and', 'logical_or', 'logical_xor']


def _result(t):
    a = _new(NDArray)
    a._data = t
    return a


def _array_op(op):
    compute = op.compute
    names = ['lhs', 'rhs']

    def apply(x, y):
        if x.dtype is y.dtype:
            try:
                return compute(None, x, y)
            except RuntimeError:
                pass
        return run(op, None, [x, y], names)[0]
    return apply


def _scalar_op(op):
    def apply(x, s):
        return run(op, op.parse({'scalar': s}), [x])[0]
    return apply


def _ufunc(key, reflected_key=None):
    """(lhs, rhs) -> NDArray for arrays and scalars in either order."""
    ops = OPS[key]
    arr, sca = _array_op(ops['broadcast']), _scalar_op(ops['scalar'])
    rsca = _scalar_op(ops['rscalar']) if 'rscalar' in ops else sca

    def fn(lhs, rhs, out=None):
        if isinstance(lhs, NDArray):
            if isinstance(rhs, NDArray):
                r = arr(lhs._data, rhs._data)
            elif isinstance(rhs, numeric_types):
                r = sca(lhs._data, rhs)
            else:
                raise TypeError('type %s not supported' % str(type(rhs)))
        elif isinstance(rhs, NDArray) and isinstance(lhs, numeric_types):
            r = rsca(rhs._data, lhs)
        elif isinstance(lhs, numeric_types) and isinstance(rhs, numeric_types):
            return _PY[key](lhs, rhs)
        else:
            raise TypeError('type %s not supported' % str(type(lhs if not isinstance(lhs, NDArray) else rhs)))
        if out is not None:
            out._data.copy_(r)
            return out
        return _result(r)
    fn.__name__ = key
    fn.__doc__ = ('Elementwise %s of arrays and/or scalars, broadcasting arrays as MXNet\'s '
                  'broadcast_%s does.' % (key, key))
    return fn


_PY = {
    'add': lambda a, b: a + b, 'sub': lambda a, b: a - b, 'mul': lambda a, b: a * b,
    'div': lambda a, b: a / b, 'mod': lambda a, b: a % b, 'power': lambda a, b: a ** b,
    'maximum': max, 'minimum': min, 'hypot': lambda a, b: (a * a + b * b) ** 0.5,
    'equal': lambda a, b: a == b, 'not_equal': lambda a, b: a != b, 'greater': lambda a, b: a > b,
    'greater_equal': lambda a, b: a >= b, 'lesser': lambda a, b: a < b, 'lesser_equal': lambda a, b: a <= b,
    'logical_and': lambda a, b: bool(a) and bool(b), 'logical_or': lambda a, b: bool(a) or bool(b),
    'logical_xor': lambda a, b: bool(a) != bool(b),
}

add = _ufunc('add')
subtract = _ufunc('sub')
multiply = _ufunc('mul')
divide = true_divide = _ufunc('div')
modulo = _ufunc('mod')
power = _ufunc('power')
maximum = _ufunc('maximum')
minimum = _ufunc('minimum')
hypot = _ufunc('hypot')
equal = _ufunc('equal')
not_equal = _ufunc('not_equal')
greater = _ufunc('greater')
greater_equal = _ufunc('greater_equal')
lesser = _ufunc('lesser')
lesser_equal = _ufunc('lesser_equal')
logical_and = _ufunc('logical_and')
logical_or = _ufunc('logical_or')
logical_xor = _ufunc('logical_xor')


def _fast_method(key):
    """``self <op> other`` with the array-array case inlined: the per-op dispatch cost is paid here."""
    op = OPS[key]['broadcast']
    compute = op.compute
    slow = _ufunc(key)

    def method(self, other):
        if type(other) is NDArray:
            x = self._data
            y = other._data
            if x.dtype is y.dtype:
                try:
                    r = compute(None, x, y)
                except RuntimeError:
                    return slow(self, other)
                a = _new(NDArray)
                a._data = r
                return a
        return slow(self, other)
    return method


def _reflected(fn):
    def method(self, other):
        return fn(other, self)
    return method


def _inplace(fn):
    def method(self, other):
        r = fn(self, other)
        if r.shape != self.shape:
            from ..base import MXNetError
            raise MXNetError('in-place operation would change the shape from %s to %s' % (self.shape, r.shape))
        self._data.copy_(r._data)
        return self
    return method


def _negative(self):
    return _result(torch.neg(self._data))


def install():
    """Attach the infix operators to NDArray."""
    for name, key in [('add', 'add'), ('sub', 'sub'), ('mul', 'mul'), ('truediv', 'div'), ('div', 'div'),
                      ('mod', 'mod'), ('pow', 'power')]:
        setattr(NDArray, '__%s__' % name, _fast_method(key))
    for name, fn in [('radd', add), ('rsub', subtract), ('rmul', multiply), ('rtruediv', divide),
                     ('rdiv', divide), ('rmod', modulo), ('rpow', power)]:
        setattr(NDArray, '__%s__' % name, _reflected(fn))
    for name, fn in [('iadd', add), ('isub', subtract), ('imul', multiply), ('itruediv', divide),
                     ('idiv', divide), ('imod', modulo)]:
        setattr(NDArray, '__%s__' % name, _inplace(fn))
    for name, fn in [('eq', equal), ('ne', not_equal), ('gt', greater), ('ge', greater_equal),
                     ('lt', lesser), ('le', lesser_equal)]:
        setattr(NDArray, '__%s__' % name, _cmp_method(fn))
    NDArray.__neg__ = _negative
    NDArray.__pos__ = lambda self: self


def _cmp_method(fn):
    def method(self, other):
        if other is None:
            return NotImplemented if fn is not equal and fn is not not_equal else (fn is not_equal)
        return fn(self, other)
    return method
