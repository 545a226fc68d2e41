"""NDArray's infix operators, as a mixin class that NDArray inherits: ``+ - * / % **`` (and reflected and
in-place forms), comparisons, ``-x`` and ``abs(x)``.

As in MXNet 1.x, array-array forms are the ``broadcast_*`` operators and array-scalar forms the ``_*_scalar``
ones (see :mod:`mxnet.ndarray.arith`, which computes every case); in-place forms (``+= -= *= /= %=``) write
into the left array's storage, so its identity and views see the result; there is no ``**=``, ``//`` or
unary ``+``. The common cases (two arrays of one dtype; a float array and a Python number) call the torch
kernel directly: dispatch cost is the point of this module's shape.
"""
import torch

from ..base import MXNetError, numeric_types
from .._op import registry
from .._op.defs.binary import OPS
from ..autograd import _state as _ag_state
from .. import engine as _engine
from .ndarray import kept_contexts as _kept, keep_context  # defined before ndarray.py imports this module

__all__ = ['NDArrayArithmetic']

NDArray = None  # the array class results are made of: the first class to inherit the mixin (see below)
_new = object.__new__
_BOOL = torch.bool
_pending = _engine.pending
_no_grad = torch.no_grad

# Torch kernels that give MXNet's result for two float arrays of one dtype (others go through OPS' fn).
FLOAT_KERNEL = {'div': torch.div, 'power': torch.pow}
FLOATS = frozenset((torch.float16, torch.float32, torch.float64, torch.bfloat16))
# Torch kernels that give MXNet's result for a float32/float64 array and a Python number.
FAST_SCALAR_DTYPES = frozenset((torch.float32, torch.float64))
_SCALAR_KERNEL = {'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div, 'power': torch.pow}
_RSCALAR_KERNEL = {'add': torch.add, 'mul': torch.mul, 'sub': lambda x, s: torch.rsub(x, s),
                   'div': lambda x, s: torch.div(s, x), 'power': lambda x, s: torch.pow(s, x)}
# In-place torch kernels that give MXNet's result (key: kernel, whether integer arrays may use it).
_INPLACE_KERNEL = {'add': (torch.Tensor.add_, True), 'sub': (torch.Tensor.sub_, True),
                   'mul': (torch.Tensor.mul_, True), 'div': (torch.Tensor.div_, False)}

_ARITH = []


def _general(key):
    """The function of :mod:`mxnet.ndarray.arith` computing ``key`` for every operand kind (loaded on first use:
    that module needs the generated operator front-end, which needs NDArray)."""
    if not _ARITH:
        from . import arith
        _ARITH.append(arith)
    return _ARITH[0].UFUNCS[key]


def after(a, *operands):
    """Result ``a`` on its first NDArray operand's context, failed with a failed operand's asynchronous error
    (call only when ``_pending or _kept``)."""
    if _kept:
        for x in operands:
            if isinstance(x, NDArray):
                keep_context(x, a)
                break
    if _pending:
        _engine.propagate([x._data for x in operands if isinstance(x, NDArray)], [a._data])
    return a


def _tape(key, lhs, rhs, r):
    """Put the result on autograd.get_symbol's tape (see arith._note)."""
    _general(key)
    _ARITH[0]._note(key, lhs, rhs, r)


def _unsupported(x):
    return TypeError('type %s not supported' % str(type(x)))


def _binary(key, reflected=False):
    """``self <op> other`` (or ``other <op> self``) with the common cases inlined."""
    fn = OPS[key]['fn']
    ffn = FLOAT_KERNEL.get(key, fn)
    floats = FLOATS
    skernel = (_RSCALAR_KERNEL if reflected else _SCALAR_KERNEL).get(key)
    fast_scalars = FAST_SCALAR_DTYPES

    def scalar(self, other, operands):
        """``self <op> scalar`` by the scalar kernel, or None when the fast path does not apply."""
        x = self._data
        if x.dtype in fast_scalars and not (x.requires_grad and not _ag_state.recording):
            a = _new(NDArray)
            a._data = skernel(x, other)
            if _ag_state.recording:
                _tape(key, *operands, a._data)
            return after(a, self) if _pending or _kept else a
        return None

    if reflected:
        def method(self, other):
            t = type(other)
            if (t is float or t is int) and skernel is not None:
                a = scalar(self, other, (other, self))
                if a is not None:
                    return a
            return _general(key)(other, self)
        return method

    def method(self, other):
        t = type(other)
        x = self._data
        if t is NDArray:
            y = other._data
            dt = x.dtype
            if dt is y.dtype and dt is not _BOOL and not ((x.requires_grad or y.requires_grad)
                                                          and not _ag_state.recording):
                try:
                    r = ffn(x, y) if dt in floats else fn(x, y)
                except (RuntimeError, MXNetError):
                    return _general(key)(self, other)
                a = _new(NDArray)
                a._data = r
                if _ag_state.recording:
                    _tape(key, self, other, r)
                return after(a, self, other) if _pending or _kept else a
        elif (t is float or t is int) and skernel is not None:
            a = scalar(self, other, (self, other))
            if a is not None:
                return a
        return _general(key)(self, other)
    return method


def _compare(key):
    fn = OPS[key]['fn']
    fast_scalars = FAST_SCALAR_DTYPES

    def method(self, other):
        t = type(other)
        x = self._data
        if t is NDArray:
            y = other._data
            if x.dtype is y.dtype and x.dtype is not _BOOL:
                try:
                    r = fn(x, y)
                except RuntimeError:
                    return _general(key)(self, other)
                a = _new(NDArray)
                a._data = r
                return after(a, self, other) if _pending or _kept else a
        elif (t is float or t is int) and x.dtype in fast_scalars:
            a = _new(NDArray)
            a._data = fn(x, other)
            return after(a, self) if _pending or _kept else a
        return _general(key)(self, other)
    return method


def assign(dst, r):
    """Write tensor ``r`` into NDArray ``dst``'s storage (MXNet's ``out=``): shapes must match."""
    from .._op.defs.binary import fmt_shape
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


def _inplace(key):
    """``self <op>= other``: MXNet's ``op(self, other, out=self)``, computed in place where torch can."""
    forward = _binary(key)
    ikernel, ints_ok = _INPLACE_KERNEL.get(key, (None, False))
    floats, fast_scalars = FLOATS, FAST_SCALAR_DTYPES

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
        if not isinstance(other, (NDArray,) + tuple(numeric_types)):
            raise _unsupported(other)
        assign(self, forward(self, other)._data)
        return self
    return method


def _absolute():
    compute = registry.get('abs').compute

    def __abs__(self):
        a = _new(NDArray)
        if self._data.requires_grad and not _ag_state.recording:
            with _no_grad():  # not recording
                a._data = compute(None, self._data)
        else:
            a._data = compute(None, self._data)
        return after(a, self) if _pending or _kept else a
    return __abs__


class NDArrayArithmetic:
    """The infix operators of NDArray. The first class inheriting this mixin (NDArray) is the type of the
    results and of the array operands that take the fast paths."""
    __slots__ = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        global NDArray
        if NDArray is None:
            NDArray = cls

    __add__, __radd__, __iadd__ = _binary('add'), _binary('add', True), _inplace('add')
    __sub__, __rsub__, __isub__ = _binary('sub'), _binary('sub', True), _inplace('sub')
    __mul__, __rmul__, __imul__ = _binary('mul'), _binary('mul', True), _inplace('mul')
    __truediv__, __rtruediv__, __itruediv__ = _binary('div'), _binary('div', True), _inplace('div')
    __div__, __rdiv__, __idiv__ = __truediv__, __rtruediv__, __itruediv__
    __mod__, __rmod__, __imod__ = _binary('mod'), _binary('mod', True), _inplace('mod')
    __pow__, __rpow__ = _binary('power'), _binary('power', True)
    __eq__, __ne__ = _compare('equal'), _compare('not_equal')
    __gt__, __ge__ = _compare('greater'), _compare('greater_equal')
    __lt__, __le__ = _compare('lesser'), _compare('lesser_equal')
    __abs__ = _absolute()
    __hash__ = object.__hash__  # defining __eq__ would otherwise unset it

    def __neg__(self):
        """``-x``: MXNet multiplies by -1.0 (so a bool array gives int64)."""
        x = self._data
        if x.dtype is _BOOL or (x.requires_grad and not _ag_state.recording):
            return _general('mul')(self, -1.0)
        a = _new(NDArray)
        a._data = torch.neg(x)
        return after(a, self) if _pending or _kept else a
