"""``mx.np.ndarray``: an NDArray with NumPy semantics, and the array-creation functions of ``mx.np``.

An ``mx.np.ndarray`` wraps a ``torch.Tensor`` as ``mx.nd.NDArray`` does (it is a subclass), but follows
NumPy: zero-dim (``()``) and zero-size shapes are ordinary, reductions and full integer indexing give 0-d
arrays, basic slicing gives views, binary operators broadcast with NumPy's type promotion, ``reshape``
takes NumPy shapes (one ``-1``, no MXNet special codes) and the default dtype is float32 (float64 under
``npx.set_np(dtype=True)``). ``as_nd_ndarray()`` / ``NDArray.as_np_ndarray()`` convert without copying.
"""
import numbers

import numpy as _np
import torch

from ..base import MXNetError
from ..context import Context, current_context
from .. import _dtype
from .. import autograd as _autograd
from ..ndarray.ndarray import NDArray, kept_contexts, keep_context, with_context
from ..ndarray import indexing as _indexing
from ..util import is_np_default_dtype

__all__ = ['ndarray', 'array', 'empty', 'zeros', 'ones', 'full', 'empty_like', 'zeros_like', 'ones_like',
           'full_like', 'arange', 'linspace', 'logspace', 'eye', 'identity', 'asarray', 'tensor_of']

_new = object.__new__
_no_grad = torch.no_grad


# ---- wrapping tensors ---------------------------------------------------------------------------------
def wrap(tensor, ctx=None):
    """An ``mx.np.ndarray`` over ``tensor`` (no copy), reporting Context ``ctx`` (default: its device's)."""
    a = _new(ndarray)
    a._data = tensor
    if ctx is not None:
        with_context(a, ctx)
    return a


def derived(src, tensor):
    """An ``mx.np.ndarray`` over ``tensor`` computed from array ``src``: on ``src``'s context."""
    a = _new(ndarray)
    a._data = tensor
    if kept_contexts and isinstance(src, NDArray):
        keep_context(src, a)
    return a


def default_float():
    """torch dtype of floating results without an explicit dtype (float32; float64 with np_default_dtype)."""
    return torch.float64 if is_np_default_dtype() else torch.float32


def torch_dtype(dtype, default=None):
    """torch dtype for ``dtype`` (``None``: ``default``, else the default float dtype)."""
    if dtype is None:
        return default if default is not None else default_float()
    return _dtype.to_torch(dtype)


def tensor_of(x, device=None):
    """``x`` (array, numpy array, tensor, number or nested list) as a torch tensor; numbers and lists of
    floats get the default float dtype, as ``mx.np.array`` gives them."""
    if isinstance(x, NDArray):
        t = x._data
    elif isinstance(x, torch.Tensor):
        t = x
    elif isinstance(x, _np.ndarray) or isinstance(x, _np.generic):
        a = _np.asarray(x)
        if a.dtype not in _NP_OK:
            a = a.astype(_np.float32 if a.dtype.kind == 'f' else _np.int64)
        t = torch.from_numpy(_np.array(a, copy=True, order='C'))
    elif isinstance(x, bool):
        t = torch.tensor(x)
    elif isinstance(x, numbers.Integral):
        t = torch.tensor(x, dtype=torch.int64)
    elif isinstance(x, numbers.Real):
        t = torch.tensor(x, dtype=default_float())
    else:
        a = _np.asarray(x)
        if a.dtype == object:
            raise TypeError('cannot convert %r to an mx.np.ndarray' % (x,))
        t = torch.from_numpy(a.astype(_np.float32 if a.dtype.kind == 'f' else a.dtype))
    if device is not None and t.device != device:
        t = t.to(device)
    return t


_NP_OK = frozenset(_np.dtype(n) for n in ('float32', 'float64', 'float16', 'uint8', 'int8', 'int32', 'int64',
                                          'bool'))


def compute(fn, tensors, *args, **kwargs):
    """``fn(*tensors, *args, **kwargs)`` with MXNet's autograd rule (inputs in a graph are tracked only while
    recording) and torch's errors turned into MXNetError."""
    if _autograd.unrecorded(_flat_tensors(tensors)):
        with _no_grad():
            return compute(fn, tensors, *args, **kwargs)
    try:
        return fn(*tensors, *args, **kwargs)
    except MXNetError:
        raise
    except (RuntimeError, IndexError) as e:
        name = getattr(fn, '__name__', str(fn))
        shapes = ', '.join(str(tuple(t.shape)) for t in tensors if isinstance(t, torch.Tensor))
        raise MXNetError('%s failed on inputs of shape %s: %s' % (name, shapes, e)) from None


def _flat_tensors(args):
    out = []
    for a in args:
        if isinstance(a, torch.Tensor):
            out.append(a)
        elif isinstance(a, (list, tuple)):
            out.extend(_flat_tensors(a))
    return out


def np_shape(shape):
    """``shape`` (an int or a sequence of ints) as a tuple."""
    if shape is None:
        return ()
    if isinstance(shape, (numbers.Integral, _np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def infer_np_reshape(shape, new, size):
    """The target shape of a NumPy reshape of an array of ``shape`` (``size`` elements) to ``new``."""
    new = np_shape(new)
    unknown = [i for i, d in enumerate(new) if d == -1]
    if len(unknown) > 1 or any(d < -1 for d in new):
        raise MXNetError('Cannot reshape array of shape %s into shape %s: only one -1 allowed and no other '
                         'negative dimension' % (tuple(shape), new))
    known = 1
    for d in new:
        if d != -1:
            known *= d
    if unknown:
        if known == 0 or size % known:
            raise MXNetError('Cannot reshape array of size %d into shape %s' % (size, new))
        new = new[:unknown[0]] + (size // known,) + new[unknown[0] + 1:]
    elif known != size:
        raise MXNetError('Cannot reshape array of size %d into shape %s' % (size, new))
    return new


def _np_repr_dtype(s, dtype):
    """numpy's repr ``s`` of an array with MXNet's dtype suffix: float32 and bool are not named, others are."""
    if dtype == _np.float32:
        return s.replace(', dtype=float32)', ')')
    if dtype != _np.bool_ and 'dtype=' not in s:
        return s[:-1] + ', dtype=%s)' % _np.dtype(dtype).name
    return s


# ---- the array class ------------------------------------------------------------------------------------
class ndarray(NDArray):
    """An array with NumPy semantics (``mx.np.ndarray``), on one context, of one dtype."""
    __slots__ = ()
    __module__ = 'mxnet.numpy'

    def __init__(self, shape=None, dtype=None, ctx=None, data=None):
        if isinstance(shape, (torch.Tensor, NDArray)):  # ndarray(tensor) / ndarray(handle)
            super().__init__(shape)
            return
        if data is not None:
            super().__init__(data)
            return
        ctx = ctx or current_context()
        self._data = torch.empty(np_shape(shape or ()), dtype=torch_dtype(dtype), device=ctx.torch_device)

    # ---- attributes --------------------------------------------------------------------------------
    @property
    def dtype(self):
        """The element type as a ``numpy.dtype`` (``dtype('float32')``), as NumPy's arrays report it."""
        return _np.dtype(_dtype.TORCH2NP[self._data.dtype])

    @property
    def T(self):
        """The array with its axes reversed."""
        return derived(self, self._data.permute(*reversed(range(self._data.dim()))))

    def __len__(self):
        if self._data.dim() == 0:
            raise TypeError('len() of unsized object')
        return self._data.shape[0]

    def __iter__(self):
        if self._data.dim() == 0:
            raise TypeError('iteration over a 0-d array')
        for i in range(self._data.shape[0]):
            yield self[i]

    def __bool__(self):
        n = self._data.numel()
        if n == 1:
            return bool(self._data.item())
        if n == 0:
            return False
        raise ValueError('The truth value of an ndarray with more than one element is ambiguous.')

    def __index__(self):
        if self._data.numel() != 1 or self._data.dtype.is_floating_point or self._data.dtype is torch.bool:
            raise TypeError('only integer scalar arrays can be converted to a scalar index')
        return int(self._data.item())

    __hash__ = None  # mutable, as numpy's arrays

    # ---- printing ----------------------------------------------------------------------------------
    def _ctx_suffix(self):
        ctx = self.context
        return '' if ctx.device_type.startswith('cpu') else str(ctx)

    def __repr__(self):
        """numpy's repr; float32 is not named, int64 is, and a non-CPU context is appended."""
        s = _np_repr_dtype(repr(self.asnumpy()), self.dtype)
        suffix = self._ctx_suffix()
        return s[:-1] + ', ctx=%s)' % suffix if suffix else s

    def __str__(self):
        suffix = self._ctx_suffix()
        s = str(self.asnumpy())
        return s + ' @' + suffix if suffix else s

    def __format__(self, spec):
        if self._data.dim() == 0:
            return format(self.asnumpy()[()], spec)
        if spec:
            raise TypeError('unsupported format string passed to mx.np.ndarray.__format__')
        return str(self)

    # ---- conversion --------------------------------------------------------------------------------
    def as_nd_ndarray(self):
        """This array as an ``mx.nd.NDArray`` (same memory)."""
        a = _new(NDArray)
        a._data = self._data
        if kept_contexts:
            keep_context(self, a)
        return a

    def as_np_ndarray(self):
        return self

    def asscalar(self):
        if self._data.numel() != 1:
            raise ValueError('The current array is not a scalar')
        return self.asnumpy().reshape(-1)[0]

    def item(self, *args):
        """The element (the only one, or the one at ``args``) as a Python number."""
        if args:
            return self.asnumpy().item(*args)
        if self._data.numel() != 1:
            raise ValueError('can only convert an array of size 1 to a Python scalar')
        return self._data.item()

    def astype(self, dtype, order='K', casting='unsafe', subok=True, copy=True):  # noqa: ARG002
        """A copy cast to ``dtype``; with ``copy=False`` this array when it already has that dtype."""
        tdt = torch_dtype(dtype)
        if not copy and tdt is self._data.dtype:
            return self
        return derived(self, self._data.to(tdt, copy=True))

    def copy(self, order='C'):
        if order != 'C':
            raise NotImplementedError('ndarray.copy only supports order=\'C\', got %r' % (order,))
        return derived(self, self._data.clone())

    def copyto(self, other):
        if isinstance(other, Context):
            return wrap(self._data.to(other.torch_device, copy=True), other)
        return super().copyto(other)

    def as_in_context(self, context):
        if self.context == context:
            return self
        return self.copyto(context)

    as_in_ctx = as_in_context

    def __deepcopy__(self, memo):
        return derived(self, self._data.detach().clone())

    def __reduce__(self):
        return _rebuild, (self.as_nd_ndarray(),)

    # ---- autograd ----------------------------------------------------------------------------------
    def attach_grad(self, grad_req='write', stype=None):
        """Make this array a variable with a zero gradient buffer ``self.grad`` (an mx.np.ndarray)."""
        if stype not in (None, 'default'):
            raise ValueError('mx.np.ndarray only has default storage, got stype=%r' % (stype,))
        _autograd._make_variable(self, wrap(torch.zeros_like(self._data)), grad_req)

    def detach(self):
        return derived(self, self._data.detach())

    # ---- shape -------------------------------------------------------------------------------------
    def reshape(self, *args, **kwargs):
        """A view (when possible) in NumPy shape ``args`` (ints or one tuple; one dimension may be -1)."""
        order = kwargs.pop('order', 'C')
        if 'newshape' in kwargs or 'shape' in kwargs:
            args = (kwargs.pop('newshape', None) or kwargs.pop('shape'),)
        if kwargs:
            raise TypeError('reshape() got unexpected keyword arguments %s' % ', '.join(kwargs))
        if order != 'C':
            raise NotImplementedError('reshape only supports order=\'C\'')
        shape = args[0] if len(args) == 1 and not isinstance(args[0], numbers.Integral) else args
        new = infer_np_reshape(self.shape, shape, self._data.numel())
        return derived(self, self._data.reshape(new))

    def reshape_view(self, *shape, **kwargs):
        return self.reshape(*shape, **kwargs)

    def flatten(self, order='C'):
        if order != 'C':
            raise NotImplementedError('flatten only supports order=\'C\'')
        return derived(self, self._data.reshape(-1).clone())

    # ---- indexing ----------------------------------------------------------------------------------
    def __getitem__(self, key):
        """NumPy indexing: integers and slices give views (0-d for a full integer index); integer arrays and
        boolean masks give copies."""
        t = self._data
        if isinstance(key, ndarray) and key._data.dim() == 0 and not key._data.dtype.is_floating_point \
                and key._data.dtype is not torch.bool:
            key = int(key)
        if isinstance(key, tuple) and key == ():
            return derived(self, t)
        if isinstance(key, (bool, _np.bool_)):  # a scalar mask: a new axis of length 1 (True) or 0 (False)
            return derived(self, t.unsqueeze(0) if key else t.unsqueeze(0)[:0])
        if _has_bool_scalar(key):
            return derived(self, t[_torch_key(key, t.device)])
        flips, k = _indexing._prepare(key, t.shape, t.device)
        return derived(self, (t.flip(flips) if flips else t)[k])

    def __setitem__(self, key, value):
        check_inplace(self, value)
        if isinstance(key, tuple) and key == ():
            key = Ellipsis
        if isinstance(key, (bool, _np.bool_)):
            if not key:
                return
            key = Ellipsis
        if _has_bool_scalar(key):
            t = self._data
            v = value._data if isinstance(value, NDArray) else torch.as_tensor(_np.asarray(value))
            t[_torch_key(key, t.device)] = v.to(device=t.device, dtype=t.dtype)
            return
        _indexing.write(self._data, key, value)


def _has_bool_scalar(key):
    return isinstance(key, tuple) and any(isinstance(k, (bool, _np.bool_)) for k in key)


def _torch_key(key, device):
    """A NumPy index tuple for torch's own indexing (which takes scalar booleans as NumPy does)."""
    out = []
    for k in key:
        if isinstance(k, _np.bool_):
            k = bool(k)
        elif isinstance(k, NDArray):
            k = k._data.to(device)
        elif isinstance(k, (list, _np.ndarray)):
            k = torch.as_tensor(_np.asarray(k), device=device)
        out.append(k)
    return tuple(out)


def check_inplace(target, *values):
    """MXNet's error for writing into an array while recording when the write involves the graph."""
    if _autograd.is_recording() and (target._data.requires_grad or any(
            isinstance(v, NDArray) and v._data.requires_grad for v in values)):
        raise MXNetError('Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with '
                         'autograd: the array is already in a computational graph')


def _rebuild(nd):
    return nd.as_np_ndarray()


def _as_np_ndarray(self):
    """This array as an ``mx.np.ndarray`` (same memory)."""
    a = _new(ndarray)
    a._data = self._data
    if kept_contexts:
        keep_context(self, a)
    return a


NDArray.as_np_ndarray = _as_np_ndarray
NDArray.as_nd_ndarray = lambda self: self


# ---- creation -------------------------------------------------------------------------------------------
def _device(ctx):
    return (ctx or current_context()).torch_device


def _made(tensor, ctx):
    return wrap(tensor, ctx or current_context())


def _check_order(order, name):
    if order != 'C':
        raise NotImplementedError('%s only supports order=\'C\', got %r' % (name, order))


def array(object, dtype=None, ctx=None):  # noqa: A002  (numpy's parameter name)
    """A new array holding a copy of ``object``: an mx.np.ndarray or numpy array keeps its dtype, any other
    source (lists, numbers) gets the default float dtype unless ``dtype`` is given."""
    if isinstance(object, NDArray) and not isinstance(object, ndarray):
        raise ValueError('mx.np.array does not take an mx.nd.NDArray; use its zero-copy as_np_ndarray()')
    ctx = ctx or current_context()
    if isinstance(object, NDArray):
        t = object._data.detach()
    elif isinstance(object, torch.Tensor):
        t = object.detach()
    elif isinstance(object, (_np.ndarray, _np.generic)):
        t = tensor_of(object)
    else:
        src = _np.asarray(object, dtype=None if dtype is None else _dtype.TORCH2NP.get(torch_dtype(dtype)))
        if src.dtype == object:
            raise TypeError('mx.np.array: cannot convert %r' % (object,))
        if dtype is None and not isinstance(object, (_np.ndarray, _np.generic)):
            src = src.astype(_dtype.TORCH2NP[default_float()])
        t = tensor_of(src)
    tdt = t.dtype if dtype is None else torch_dtype(dtype)
    return wrap(t.to(device=ctx.torch_device, dtype=tdt, copy=True), ctx)


def asarray(a, dtype=None, ctx=None):
    """``a`` itself when it is an mx.np.ndarray of ``dtype`` (and on ``ctx``), else ``array(a, dtype, ctx)``."""
    if isinstance(a, ndarray) and (dtype is None or torch_dtype(dtype) is a._data.dtype) \
            and (ctx is None or a.context == ctx):
        return a
    return array(a, dtype, ctx)


def empty(shape, dtype=None, order='C', ctx=None):
    """An uninitialised array of ``shape`` (default dtype float32)."""
    _check_order(order, 'empty')
    return _made(torch.empty(np_shape(shape), dtype=torch_dtype(dtype), device=_device(ctx)), ctx)


def zeros(shape, dtype=None, order='C', ctx=None):
    """An array of zeros of ``shape`` (default dtype float32)."""
    _check_order(order, 'zeros')
    return _made(torch.zeros(np_shape(shape), dtype=torch_dtype(dtype), device=_device(ctx)), ctx)


def ones(shape, dtype=None, order='C', ctx=None):
    """An array of ones of ``shape`` (default dtype float32)."""
    _check_order(order, 'ones')
    return _made(torch.ones(np_shape(shape), dtype=torch_dtype(dtype), device=_device(ctx)), ctx)


def full(shape, fill_value, dtype=None, order='C', ctx=None, out=None):
    """An array of ``shape`` filled with ``fill_value`` (a number or an array broadcast to ``shape``)."""
    _check_order(order, 'full')
    if isinstance(fill_value, NDArray):
        tdt = fill_value._data.dtype if dtype is None else torch_dtype(dtype)
        t = fill_value._data.to(device=_device(ctx), dtype=tdt).broadcast_to(np_shape(shape)).clone()
    else:
        tdt = torch_dtype(dtype, torch.bool if isinstance(fill_value, bool) else None)
        t = torch.full(np_shape(shape), fill_value, dtype=tdt, device=_device(ctx))
    res = _made(t, ctx)
    if out is not None:
        out[...] = res
        return out
    return res


def _like(a, dtype, ctx):
    t = tensor_of(a)
    return t.dtype if dtype is None else torch_dtype(dtype), (ctx.torch_device if ctx else t.device), t


def _like_ctx(a, ctx):
    return ctx or (a.context if isinstance(a, NDArray) else current_context())


def empty_like(prototype, dtype=None, order='C', subok=False, shape=None, ctx=None):  # noqa: ARG001
    tdt, dev, t = _like(prototype, dtype, ctx)
    return _made(torch.empty(t.shape if shape is None else np_shape(shape), dtype=tdt, device=dev),
                 _like_ctx(prototype, ctx))


def zeros_like(a, dtype=None, order='C', ctx=None, out=None):
    """Zeros of ``a``'s shape and (unless ``dtype``) dtype."""
    tdt, dev, t = _like(a, dtype, ctx)
    res = _made(torch.zeros(t.shape, dtype=tdt, device=dev), _like_ctx(a, ctx))
    return _to_out(res, out)


def ones_like(a, dtype=None, order='C', ctx=None, out=None):
    """Ones of ``a``'s shape and (unless ``dtype``) dtype."""
    tdt, dev, t = _like(a, dtype, ctx)
    res = _made(torch.ones(t.shape, dtype=tdt, device=dev), _like_ctx(a, ctx))
    return _to_out(res, out)


def full_like(a, fill_value, dtype=None, order='C', ctx=None, out=None):
    tdt, dev, t = _like(a, dtype, ctx)
    res = _made(torch.full(t.shape, fill_value, dtype=tdt, device=dev), _like_ctx(a, ctx))
    return _to_out(res, out)


def _to_out(res, out):
    if out is None:
        return res
    out[...] = res
    return out


def arange(start, stop=None, step=1, dtype=None, ctx=None):
    """Evenly spaced values in [start, stop) (default dtype float32, as MXNet's)."""
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise MXNetError('arange: step must not be 0')
    tdt = torch_dtype(dtype, torch.float32)
    n = max(0, int(_np.ceil((stop - start) / step)))
    t = torch.arange(n, dtype=torch.float64, device=_device(ctx)) * step + start
    return _made(t.to(tdt), ctx)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, ctx=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` (inclusive unless ``endpoint=False``)."""
    if num < 0:
        raise ValueError('Number of samples, %d, must be non-negative.' % num)
    div = (num - 1) if endpoint else num
    step = (stop - start) / div if div > 0 else float('nan')
    t = torch.arange(num, dtype=torch.float64, device=_device(ctx))
    t = t * step + start if div > 0 else t * (stop - start) + start
    if endpoint and num > 1:
        t[-1] = stop
    res = _made(t.to(torch_dtype(dtype)), ctx)
    return (res, step) if retstep else res


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0, ctx=None):
    y = linspace(start, stop, num, endpoint, dtype='float64', ctx=ctx)
    return wrap(torch.pow(base, y._data).to(torch_dtype(dtype)), ctx or current_context())


def eye(N, M=None, k=0, dtype=None, ctx=None, **kwargs):  # noqa: N803  (numpy's parameter names)
    """A 2-D array with ones on the ``k``-th diagonal and zeros elsewhere."""
    if kwargs:
        raise TypeError('eye() got unexpected keyword arguments %s' % ', '.join(kwargs))
    M = N if M is None else M
    t = torch.zeros((N, M), dtype=torch_dtype(dtype), device=_device(ctx))
    if N and M:
        t.diagonal(k).fill_(1)
    return _made(t, ctx)


def identity(n, dtype=None, ctx=None):
    """The ``n`` x ``n`` identity matrix."""
    return eye(n, dtype=dtype, ctx=ctx)
