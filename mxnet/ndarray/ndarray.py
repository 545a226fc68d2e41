"""NDArray: MXNet's n-dimensional array, holding a ``torch.Tensor``.

Infix arithmetic broadcasts as MXNet's ``broadcast_*`` operators do; slicing returns views that write
through; results are never 0-d (MXNet 1.x gives shape ``(1,)`` where numpy gives a scalar).
"""
import ctypes

import numpy as np
import torch

from ..base import MXNetError, numeric_types, integer_types
from ..context import Context, current_context, context_of
from .. import _dtype
from .. import engine as _engine
from .. import _intgrad
from .. import autograd as _autograd  # a leaf module: its state and variable rules

__all__ = ['NDArray', 'wrap']

_pending = _engine.pending  # asynchronous errors, raised where a value is read

_new = object.__new__


def wrap(tensor, ctx=None):
    """An NDArray over ``tensor`` (no copy), reporting Context ``ctx`` (default: the one its device names)."""
    a = _new(NDArray)
    a._data = tensor
    if ctx is not None:
        with_context(a, ctx)
    return a


# Contexts: an array reports the Context it was made on. Only contexts that its torch device does not name
# (cpu(1), cpu_pinned(0), cpu_shared(0): all CPU memory to torch) are stored, in the ``_ctx`` slot; the others
# are read off the device. ``kept_contexts`` is non-empty once any array stores one: until then operators
# skip passing contexts on to their outputs (the common case costs one truth test).
kept_contexts = []


def _device_named(ctx):
    """Whether ``ctx`` is the Context that its torch device stands for (gpu(i), cpu(0))."""
    return ctx.device_typeid == 2 or (ctx.device_typeid == 1 and ctx.device_id == 0)


def with_context(a, ctx):
    """``a`` (an NDArray), made to report Context ``ctx`` (whose torch device it must be on)."""
    if _device_named(ctx):
        if kept_contexts:
            try:
                del a._ctx
            except AttributeError:
                pass
    else:
        a._ctx = ctx
        if not kept_contexts:
            kept_contexts.append(True)
    return a


def keep_context(src, dst):
    """``dst`` reporting NDArray ``src``'s stored Context, if it has one (call only when ``kept_contexts``):
    MXNet's operators put their outputs on the context of their first input."""
    try:
        dst._ctx = src._ctx
    except AttributeError:
        pass
    return dst


def _inherit(src, dst):
    """``dst``, failed with ``src``'s asynchronous error if it has one (a copy of a failed array)."""
    if _pending:
        _engine.propagate((src,), (dst,))
    return dst


def _copy_to(t, dtype):
    return t.to(dtype, copy=True)


def derived(src, tensor):
    """An NDArray over ``tensor``, computed from NDArray ``src``: on ``src``'s context."""
    a = _new(NDArray)
    a._data = tensor
    if kept_contexts:
        keep_context(src, a)
    return a


# MXNet's storage-type ids (the ``__storage_type__`` attribute of symbols stores them as strings)
_STORAGE_TYPE_UNDEFINED, _STORAGE_TYPE_DEFAULT, _STORAGE_TYPE_ROW_SPARSE, _STORAGE_TYPE_CSR = -1, 0, 1, 2
_STORAGE_TYPE_STR_TO_ID = {'undefined': -1, 'default': 0, 'row_sparse': 1, 'csr': 2}
_STORAGE_TYPE_ID_TO_STR = {v: k for k, v in _STORAGE_TYPE_STR_TO_ID.items()}


from .infix import NDArrayArithmetic  # noqa: E402  (uses the context helpers above)


class ReshapeError(MXNetError, ValueError):
    """A target shape that the array's shape cannot be reshaped to."""


class NDArray(NDArrayArithmetic):
    """An array on one device (``context``) with one dtype; arithmetic and methods follow MXNet 1.x (the infix
    operators come from :class:`~mxnet.ndarray.infix.NDArrayArithmetic`; the operator methods, ``x.sum()``
    and the like, are the generated ``mx.nd`` functions of the ops declared with ``method=``)."""
    __slots__ = ('_data', '_ctx', '__weakref__')
    __array_priority__ = 1000.0

    def __init__(self, data=None, writable=True, handle=None):
        if handle is not None:  # MXNet's NDArray(handle=...): a handle from mxnet.base._LIB
            data = handle
        if isinstance(data, ctypes.c_void_p):
            from .._capi import take_handle
            data = take_handle(data)
        if data is None:  # MXNet's "none" handle; unpickling makes one, then __setstate__ fills it
            data = torch.empty(0)
        if isinstance(data, NDArray):
            data = data._data
        if not isinstance(data, torch.Tensor):
            raise TypeError('NDArray wraps a torch.Tensor; use mx.nd.array() to convert %s' % type(data))
        self._data = data

    # ---- attributes -------------------------------------------------------------------------------
    @property
    def shape(self):
        """Tuple of dimensions."""
        return tuple(self._data.shape)

    @property
    def dtype(self):
        """numpy scalar type of the elements (``numpy.float32`` ...)."""
        return _dtype.TORCH2NP[self._data.dtype]

    @property
    def size(self):
        return self._data.numel()

    @property
    def ndim(self):
        return self._data.dim()

    @property
    def context(self):
        """The Context the array was made on (an operator's output: its first input's)."""
        try:
            return self._ctx
        except AttributeError:
            return context_of(self._data.device)

    ctx = context

    @property
    def stype(self):
        return 'default'

    @property
    def T(self):
        """Transpose of an array of at most 2 dimensions."""
        if self._data.dim() > 2:
            raise MXNetError('Only 2D matrix is allowed to be transposed')
        return derived(self, self._data.t().contiguous())

    @property
    def handle(self):
        return self._data

    @property
    def writable(self):
        return True

    def __len__(self):
        return self._data.shape[0]

    def __iter__(self):
        for i in range(self._data.shape[0]):
            yield self[i]

    def __bool__(self):
        n = self._data.numel()
        if n == 0:
            return False
        if n == 1:
            return bool(self._data.item())
        raise ValueError('The truth value of an NDArray with multiple elements is ambiguous.')

    __nonzero__ = __bool__

    def __float__(self):
        return float(self.asscalar())

    def __int__(self):
        return int(self.asscalar())

    def __index__(self):
        if self._data.numel() != 1 or self._data.dtype.is_floating_point:
            raise TypeError('only integer scalar arrays can be converted to a scalar index')
        return int(self._data.item())

    __hash__ = object.__hash__

    # ---- printing ---------------------------------------------------------------------------------
    def __repr__(self):
        shape_info = 'x'.join('%d' % d for d in self.shape)
        return '\n%s\n<%s %s @%s>' % (str(self.asnumpy()), type(self).__name__, shape_info, self.context)

    # ---- conversion -------------------------------------------------------------------------------
    def asnumpy(self):
        """A numpy copy of the data."""
        if _pending:
            _engine.rethrow(self._data)
        t = self._data.detach()
        if t.dtype is torch.bfloat16:
            return t.view(torch.int16).cpu().numpy().view(np.uint16).view(_dtype.TORCH2NP[torch.bfloat16])
        if t.device.type == 'cpu':
            return t.numpy().copy()
        return t.cpu().numpy()

    def asscalar(self):
        """The value of a one-element array as a numpy scalar."""
        if self._data.numel() != 1:
            raise ValueError('The current array is not a scalar')
        return self.asnumpy().reshape(-1)[0]

    def item(self):
        return self.asscalar().item()

    def tolist(self):
        return self.asnumpy().tolist()

    def __array__(self, dtype=None, copy=None):
        """numpy conversion (``np.asarray(x)``): a copy, or with ``copy=False`` a view of CPU memory."""
        t = self._data.detach()
        if copy is False:
            if t.device.type != 'cpu' or t.dtype is torch.bfloat16:
                raise ValueError('cannot convert an array on %s of dtype %s to numpy without a copy'
                                 % (self.context, _dtype.TORCH2NAME[t.dtype]))
            a = t.numpy()
        else:
            a = self.asnumpy()
        return a if dtype is None else a.astype(dtype, copy=False if copy is None else copy)

    def to_torch(self):
        """The underlying ``torch.Tensor`` (shares memory: writes on either side are seen by the other)."""
        return self._data

    def __dlpack__(self, stream=None, **kwargs):
        """DLPack export (``torch.from_dlpack(x)``, ``np.from_dlpack(x)``): shares memory."""
        return self._data.detach().__dlpack__(stream=stream, **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def to_dlpack_for_read(self):
        """A DLPack capsule ("dltensor") viewing this array's memory, once pending writes are done."""
        from .._capi import remember_dlpack
        self.wait_to_read()
        return remember_dlpack(torch.utils.dlpack.to_dlpack(self._data.detach()))

    def to_dlpack_for_write(self):
        """A DLPack capsule viewing this array's memory, for the consumer to write into."""
        from .._capi import remember_dlpack
        self.wait_to_write()
        return remember_dlpack(torch.utils.dlpack.to_dlpack(self._data.detach()))

    def astype(self, dtype, copy=True):
        """A copy with elements cast to ``dtype``; with ``copy=False`` the same array when already of it."""
        tdt = _dtype.to_torch(dtype)
        if not copy and tdt is self._data.dtype:
            return self
        return derived(self, _inherit(self._data, _intgrad.cast(self._data, tdt, _copy_to)))

    def copy(self):
        """A new array with the same values on the same context."""
        if _pending:
            return derived(self, _inherit(self._data, self._data.clone()))
        return derived(self, self._data.clone())

    def copyto(self, other):
        """Copy into NDArray ``other`` (returned), or into a new array on Context ``other``."""
        if isinstance(other, NDArray):
            if other is self:
                return other
            if other.shape != self.shape:
                raise MXNetError('copyto: shape mismatch, source %s vs target %s' % (self.shape, other.shape))
            other._data.copy_(self._data)
            if _pending:
                _inherit(self._data, other._data)
            return other
        if isinstance(other, Context):
            return wrap(_inherit(self._data, self._data.to(other.torch_device, copy=True)), other)
        raise TypeError('copyto does not support type ' + str(type(other)))

    def as_in_context(self, context):
        """This array if already on ``context``, else a copy there."""
        if self.context == context:
            return self
        return self.copyto(context)

    as_in_ctx = as_in_context

    def tostype(self, stype):
        """A copy with storage type ``stype`` ('default', 'row_sparse', 'csr'; see ``mx.nd.sparse``)."""
        from .sparse import tostype
        return tostype(self, stype)

    def wait_to_read(self):
        """Block until pending writes finish (CUDA work is synchronised; CPU work is already done); raises the
        asynchronous error of an operator that failed computing this array."""
        if _pending:
            _engine.rethrow(self._data)
        if self._data.is_cuda:
            torch.cuda.current_stream(self._data.device).synchronize()

    wait_to_write = wait_to_read

    # ---- pickling ---------------------------------------------------------------------------------
    def __reduce__(self):
        """Pickle as MXNet does: ``NDArray(None)`` then ``__setstate__({'handle': bytearray(record)})``, where
        the record is the array's binary file record; MXNet and this package read each other's pickles."""
        from .serialization import dumps_record
        return NDArray, (None,), {'handle': dumps_record(self)}

    def __setstate__(self, state):
        from .serialization import loads_record
        handle = state['handle']
        self._data = torch.empty(0) if handle is None else loads_record(handle)

    def __deepcopy__(self, memo):
        return derived(self, self._data.detach().clone())

    # ---- shape views ------------------------------------------------------------------------------
    def reshape(self, *shape, **kwargs):
        """A view with a new shape; MXNet's special codes (0, -1, -2, -3, -4) and ``reverse`` apply."""
        from .._op.defs.shape import infer_reshape
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])
        shape = kwargs.pop('shape', shape)
        reverse = kwargs.pop('reverse', False)
        if kwargs:
            raise TypeError('reshape got unexpected keyword arguments %s' % list(kwargs))
        try:
            new = infer_reshape(self.shape, tuple(shape), reverse)
        except MXNetError as e:  # MXNet 1.9.1 raises this as a ValueError
            raise ReshapeError(str(e)) from None
        t = self._data
        return derived(self, t.view(new) if t.is_contiguous() else t.reshape(new))

    def _shape_op(self, opname, inplace, kwargs):
        """The operator ``opname`` on this array; with ``inplace`` a view of this array's memory in the
        operator's output shape instead of a copy (MXNet's ``inplace=True`` of flatten/squeeze/expand_dims)."""
        from .._op import registry
        from .register import invoke
        op = registry.get(opname)
        if not inplace:
            return invoke(op, [self], kwargs)
        (shape,) = op.infer_shape(op.parse(kwargs), [self.shape])[1]
        return self.reshape(shape)

    def flatten(self, inplace=False):
        """``mx.nd.flatten(self)``: shape (d0, d1*...*dk); ``inplace`` gives a view sharing this array's memory."""
        return self._shape_op('Flatten', inplace, {})

    def expand_dims(self, axis, inplace=False):
        """``mx.nd.expand_dims(self, axis)``; ``inplace`` gives a view sharing this array's memory."""
        return self._shape_op('expand_dims', inplace, {'axis': axis})

    def squeeze(self, axis=None, inplace=False):
        """``mx.nd.squeeze(self, axis)``; ``inplace`` gives a view sharing this array's memory."""
        return self._shape_op('squeeze', inplace, {'axis': axis})

    # ---- indexing ----------------------------------------------------------------------------------
    def __getitem__(self, key):
        """``a[key]``: views for contiguous selections (``a[i]``, ``a[i:j]``), copies otherwise; never 0-d."""
        t = self._data
        if type(key) is int:
            n = t.shape[0] if t.dim() else 0
            if not -n <= key < n:
                raise IndexError('index %d is out of bounds for axis 0 with size %d' % (key, n))
            r = t[key]
            return derived(self, r.reshape(1) if r.dim() == 0 else r)
        return derived(self, _indexing.read(t, key))

    @staticmethod
    def _basic_indexing_slice_is_contiguous(slc_key, shape):
        """Whether slicing an array of ``shape`` with ``slc_key`` (one slice per axis) gives a contiguous
        block (so ``a[slc_key]`` is a view that writes through)."""
        return _indexing.slice_is_contiguous(slc_key, shape)

    def __setitem__(self, key, value):
        """``a[key] = value`` in place; value is a number, NDArray, numpy array or list broadcast to the region."""
        if _autograd_state.recording:
            _check_recorded_write(self, key, value)
        _indexing.write(self._data, key, value)

    # ---- autograd: variables and gradients (mx.autograd) -------------------------------------------
    def attach_grad(self, grad_req='write', stype=None):
        """Allocate a zero gradient buffer (``self.grad``, of storage ``stype``, by default this array's) and
        make this array a variable."""
        from .sparse import tostype
        g = tostype(wrap(torch.zeros_like(self._data)), stype or self.stype)
        _autograd._make_variable(self, g, grad_req)

    @property
    def grad(self):
        """The gradient buffer of a variable (see ``attach_grad``); None for other arrays."""
        return getattr(self._data, '_mx_grad', None)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        """Write (or add, per grad_req) the gradients of this array into the variables' buffers."""
        _autograd.backward(self, out_grad, retain_graph, train_mode)

    def detach(self):
        """The same values outside any autograd graph (same storage type)."""
        from .sparse import like
        return like(self, self._data.detach())

    _fresh_grad = property(_autograd._fresh_grad, _autograd._set_fresh_grad,
                           doc='Whether a backward pass wrote this variable\'s gradient since the flag was cleared.')


from . import indexing as _indexing  # noqa: E402  (needs NDArray defined above)
from ..autograd import _state as _autograd_state  # noqa: E402  (autograd is loaded before ndarray)


def _check_recorded_write(dst, key, value):
    """MXNet's rules for ``dst[key] = value`` while recording: an array in a graph cannot be written, and a
    recorded value cannot be written into part of an array (only a whole-array copy is recorded)."""
    if _intgrad.in_graph(dst._data):
        raise MXNetError('Assigning to NDArrays that are already in a computational graph will cause undefined '
                         'behavior when evaluating gradients. Please call backward first to clear the graph or do '
                         'this out of a record section.')
    whole = key is None or key is Ellipsis or (type(key) is tuple and not key) or (
        type(key) is slice and key.start is None and key.stop is None and key.step is None)
    if not whole and isinstance(value, NDArray) and _intgrad.in_graph(value._data):
        raise MXNetError('Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with '
                         'autograd: a[%r] = <recorded array>' % (key,))
from ..base import py_slice  # noqa: E402,F401
