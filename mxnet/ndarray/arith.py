"""Infix arithmetic of NDArray and MXNet's scalar-or-array functions (``mx.nd.add``, ``maximum``, ...).

As in MXNet 1.x, array-array forms run the ``broadcast_*`` operators and array-scalar forms the
``_*_scalar`` ones (the scalar is cast to the array's dtype: ``int32 + 1.5`` adds 1); two Python numbers
give a Python number. In-place forms (``+= -= *= /= %=``) write into the left array's storage, so its
identity and its views see the result; there is no ``**=``, ``//`` or unary ``+``, as in MXNet.

The common cases (two arrays of one dtype; a float array and a Python number) call the torch kernel
directly: dispatch cost is the point of this module's shape.
"""
import torch

from ..base import MXNetError, numeric_types
from .._op import registry
from .._op.defs.binary import OPS, REFLECT, fmt_shape, scalar_apply
from .ndarray import NDArray, kept_contexts as _kept, keep_context
from .register import run
from .. import autograd as _autograd
from .. import engine as _engine

__all__ = ['add', 'subtract', 'multiply', 'divide', 'true_divide', 'modulo', 'power', 'maximum', 'minimum',
           'equal', 'not_equal', 'greater', 'greater_equal', 'lesser', 'lesser_equal',
           'logical_and', 'logical_or', 'logical_xor']

_new = object.__new__
_BOOL = torch.bool
_FAST_SCALAR_DTYPES = frozenset((torch.float32, torch.float64))
_NAMES = ['lhs', 'rhs']
_ag_state = _autograd._state
_grad_enabled = torch.is_grad_enabled
_no_grad = torch.no_grad


_pending = _engine.pending


def _inherit(a, *operands):
    """Result ``a`` fails with a failed operand's asynchronous error (call only when ``_pending``)."""
    _engine.propagate([x._data for x in operands if isinstance(x, NDArray)], [a._data])
    return a


def _after(a, *operands):
    """Result ``a`` on its first NDArray operand's context, failed with a failed operand's asynchronous error
    (call only when ``_pending or _kept``)."""
    if _kept:
        for x in operands:
            if isinstance(x, NDArray):
                keep_context(x, a)
                break
    return _inherit(a, *operands) if _pending else a


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


# Torch kernels that give MXNet's result for two float arrays of one dtype (others go through OPS' fn).
_FLOAT_KERNEL = {'div': torch.div, 'power': torch.pow}
_FLOATS = frozenset((torch.float16, torch.float32, torch.float64, torch.bfloat16))


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

_UFUNCS = {'add': add, 'sub': subtract, 'mul': multiply, 'div': divide, 'mod': modulo, 'power': power,
           'equal': equal, 'not_equal': not_equal, 'greater': greater, 'greater_equal': greater_equal,
           'lesser': lesser, 'lesser_equal': lesser_equal}

# Torch kernels that give MXNet's result for a float32/float64 array and a Python number.
_SCALAR_KERNEL = {'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div, 'power': torch.pow}
_RSCALAR_KERNEL = {'add': torch.add, 'mul': torch.mul, 'sub': lambda x, s: torch.rsub(x, s),
                   'div': lambda x, s: torch.div(s, x), 'power': lambda x, s: torch.pow(s, x)}


def _fast_method(key, reflected=False):
    """``self <op> other`` (or ``other <op> self``) with the common cases inlined."""
    fn = OPS[key]['fn']
    ffn = _FLOAT_KERNEL.get(key, fn)
    floats = _FLOATS
    skernel = (_RSCALAR_KERNEL if reflected else _SCALAR_KERNEL).get(key)
    slow = _UFUNCS[key]
    fast_scalars = _FAST_SCALAR_DTYPES

    if reflected:
        def method(self, other):
            t = type(other)
            if (t is float or t is int) and skernel is not None and self._data.dtype in fast_scalars and not (
                    self._data.requires_grad and not _ag_state.recording):
                a = _new(NDArray)
                a._data = skernel(self._data, other)
                return _after(a, self) if _pending or _kept else a
            return slow(other, self)
        return method

    def method(self, other):
        t = type(other)
        if t is NDArray:
            x = self._data
            y = other._data
            dt = x.dtype
            if dt is y.dtype and dt is not _BOOL and not ((x.requires_grad or y.requires_grad)
                                                          and not _ag_state.recording):
                try:
                    r = ffn(x, y) if dt in floats else fn(x, y)
                except (RuntimeError, MXNetError):
                    return slow(self, other)
                a = _new(NDArray)
                a._data = r
                return _after(a, self, other) if _pending or _kept else a
        elif (t is float or t is int) and skernel is not None and self._data.dtype in fast_scalars and not (
                self._data.requires_grad and not _ag_state.recording):
            a = _new(NDArray)
            a._data = skernel(self._data, other)
            return _after(a, self) if _pending or _kept else a
        return slow(self, other)
    return method


def _cmp_method(key):
    fn = OPS[key]['fn']
    slow = _UFUNCS[key]
    fast_scalars = _FAST_SCALAR_DTYPES

    def method(self, other):
        t = type(other)
        if t is NDArray:
            x = self._data
            y = other._data
            if x.dtype is y.dtype and x.dtype is not _BOOL:
                try:
                    r = fn(x, y)
                except RuntimeError:
                    return slow(self, other)
                a = _new(NDArray)
                a._data = r
                return _after(a, self, other) if _pending or _kept else a
        elif (t is float or t is int) and self._data.dtype in fast_scalars:
            a = _new(NDArray)
            a._data = fn(self._data, other)
            return _after(a, self) if _pending or _kept else a
        return slow(self, other)
    return method


def assign(dst, r):
    """Write tensor ``r`` into NDArray ``dst``'s storage (MXNet's ``out=``): shapes must match."""
    t = dst._data
    if t.shape != r.shape:
        raise MXNetError('Shape inconsistent, Provided = %s, inferred shape=%s' % (fmt_shape(t.shape),
                                                                                    fmt_shape(r.shape)))
    if t.requires_grad and t.is_leaf:
        with torch.no_grad():  # updating a variable's value (``w -= lr * g``), not a recorded operation
            t.copy_(r)
    else:
        t.copy_(r)
    return dst


# In-place torch kernels that give MXNet's result (key: kernel, whether integer arrays may use it).
_INPLACE_KERNEL = {'add': (torch.Tensor.add_, True), 'sub': (torch.Tensor.sub_, True),
                   'mul': (torch.Tensor.mul_, True), 'div': (torch.Tensor.div_, False)}
_OPERANDS = (NDArray,) + tuple(numeric_types)


def _inplace(key):
    """``self <op>= other``: MXNet's ``op(self, other, out=self)``, computed in place where torch can."""
    fwd = _fast_method(key)
    ikernel, ints_ok = _INPLACE_KERNEL.get(key, (None, False))
    floats, fast_scalars = _FLOATS, _FAST_SCALAR_DTYPES

    def method(self, other):
        x = self._data
        if ikernel is not None and not x.requires_grad:
            t = type(other)
            dt = x.dtype
            if t is NDArray:
                if other._data.dtype is dt and (dt in floats or (ints_ok and dt is not _BOOL)):
                    try:
                        ikernel(x, other._data)
                        return self
                    except RuntimeError:  # shapes that do not broadcast into self, overlapping memory
                        pass
            elif (t is float or t is int) and dt in fast_scalars:
                ikernel(x, other)
                return self
        if not isinstance(other, _OPERANDS):
            raise _unsupported(other)
        assign(self, fwd(self, other)._data)
        return self
    return method


def install():
    """Attach the infix operators to NDArray."""
    for name, key in [('add', 'add'), ('sub', 'sub'), ('mul', 'mul'), ('truediv', 'div'), ('div', 'div'),
                      ('mod', 'mod'), ('pow', 'power')]:
        setattr(NDArray, '__%s__' % name, _fast_method(key))
        setattr(NDArray, '__r%s__' % name, _fast_method(key, reflected=True))
    for name, key in [('add', 'add'), ('sub', 'sub'), ('mul', 'mul'), ('truediv', 'div'), ('div', 'div'),
                      ('mod', 'mod')]:
        setattr(NDArray, '__i%s__' % name, _inplace(key))
    for name, key in [('eq', 'equal'), ('ne', 'not_equal'), ('gt', 'greater'), ('ge', 'greater_equal'),
                      ('lt', 'lesser'), ('le', 'lesser_equal')]:
        setattr(NDArray, '__%s__' % name, _cmp_method(key))
    NDArray.__neg__ = _negative
    NDArray.__abs__ = _abs_method()
    if '__pos__' in NDArray.__dict__:  # MXNet's NDArray has no unary plus
        del NDArray.__pos__


def _negative(self):
    """``-x``: MXNet multiplies by -1.0 (so a bool array gives int64)."""
    x = self._data
    if x.dtype is _BOOL or (x.requires_grad and not _ag_state.recording):
        return multiply(self, -1.0)
    a = _new(NDArray)
    a._data = torch.neg(x)
    return _after(a, self) if _pending or _kept else a


def _abs_method():
    compute = registry.get('abs').compute

    def __abs__(self):
        a = _new(NDArray)
        if self._data.requires_grad and not _ag_state.recording:
            with _no_grad():  # not recording
                a._data = compute(None, self._data)
            return _after(a, self) if _pending or _kept else a
        a._data = compute(None, self._data)
        return _after(a, self) if _pending or _kept else a
    return __abs__
