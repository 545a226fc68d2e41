"""Array creation with MXNet's Python signatures: ``array``, ``zeros``, ``ones``, ``full``, ``empty``,
``arange``, ``linspace``, ``eye``, and conversions from numpy, torch and DLPack."""
import numpy as np
import torch

from ..base import MXNetError, mx_real_t
from ..context import current_context
from .. import _dtype
from .._op import registry
from .ndarray import NDArray, wrap
from .register import invoke

__all__ = ['array', 'empty', 'zeros', 'ones', 'full', 'arange', 'linspace', 'eye', 'from_numpy',
           'from_torch', 'from_dlpack', 'to_dlpack_for_read', 'to_dlpack_for_write', 'waitall']


def array(source_array, ctx=None, dtype=None):
    """A new NDArray holding a copy of ``source_array`` (list, numpy array, NDArray, torch tensor).

    dtype defaults to float32 unless the source is an NDArray, whose dtype is kept (MXNet's rule). As in
    MXNet 1.9.1, a scalar or 0-d source gives a 0-d array (shape ``()``).
    """
    ctx = ctx or current_context()
    if isinstance(source_array, NDArray):
        t = source_array._data
        tdt = t.dtype if dtype is None else _dtype.to_torch(dtype)
        return wrap(t.to(device=ctx.torch_device, dtype=tdt, copy=True), ctx)
    tdt = _dtype.to_torch(mx_real_t if dtype is None else dtype)
    if isinstance(source_array, torch.Tensor):
        return wrap(source_array.detach().to(device=ctx.torch_device, dtype=tdt, copy=True), ctx)
    if tdt is torch.bfloat16:
        src = np.asarray(source_array, dtype=np.float32)
    else:
        try:
            src = np.asarray(source_array, dtype=_dtype.TORCH2NP[tdt])
        except (TypeError, ValueError) as e:
            raise TypeError('source_array must be array like object: %s' % e) from None
    t = torch.from_numpy(np.array(src, copy=True, order='C'))
    return wrap(t.to(device=ctx.torch_device, dtype=tdt), ctx)


def _shape(shape):
    # numbers go to the Shape parameter as they are, so that 2.5 is rejected as MXNet does
    return shape if isinstance(shape, (int, float, np.number)) else tuple(shape)


def _create(opname, shape, ctx, dtype, **kw):
    return invoke(registry.get(opname), [], dict(shape=_shape(shape), ctx=ctx or current_context(),
                                                 dtype=mx_real_t if dtype is None else dtype, **kw))


def empty(shape, ctx=None, dtype=None, stype=None):
    """An array of the given shape with uninitialised contents (float32 unless ``dtype``)."""
    if stype not in (None, 'default'):
        from . import sparse
        return sparse.empty(stype, shape, ctx, dtype)
    return _create('_empty', shape, ctx, dtype)


def zeros(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """An array of zeros (float32 unless ``dtype``); ``stype`` 'row_sparse'/'csr' gives a sparse array; with
    ``out=`` written into that array (returned)."""
    if stype not in (None, 'default'):
        from . import sparse
        return sparse.zeros(stype, shape, ctx, dtype)
    return _fill_out(_create('_zeros', shape, ctx, dtype), kwargs.get('out'))


def ones(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """An array of ones (float32 unless ``dtype``); with ``out=`` written into that array (returned)."""
    return _fill_out(_create('_ones', shape, ctx, dtype), kwargs.get('out'))


def _fill_out(arr, out):
    if out is None:
        return arr
    out[:] = arr
    return out


def full(shape, val, ctx=None, dtype=mx_real_t, out=None):
    """An array filled with ``val``; with ``out`` the fill is written there instead."""
    if out is not None:
        out[:] = val
        return out
    return _create('_full', shape, ctx, dtype, value=float(val))


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=mx_real_t):
    """Values in [start, stop) spaced by ``step``, each repeated ``repeat`` times (one argument: [0, start))."""
    return invoke(registry.get('_arange'), [], dict(start=start, stop=stop, step=step, repeat=repeat,
                                                   ctx=ctx or current_context(), dtype=dtype))


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=mx_real_t):
    """``num`` evenly spaced values over [start, stop] (stop excluded unless ``endpoint``)."""
    return invoke(registry.get('_linspace'), [], dict(start=start, stop=stop, num=num, endpoint=endpoint,
                                                     ctx=ctx or current_context(), dtype=dtype))


def eye(N, M=0, k=0, ctx=None, dtype=None, **kwargs):
    """An N x M array with ones on diagonal ``k``."""
    return invoke(registry.get('_eye'), [], dict(N=N, M=M, k=k, ctx=ctx or current_context(),
                                                 dtype=mx_real_t if dtype is None else dtype))


def _supported(tensor, source):
    """``tensor`` (detached) if its dtype and device are ones an NDArray can hold, else ValueError."""
    if tensor.dtype not in _dtype.TORCH2NAME:
        raise ValueError('%s is not supported.' % str(tensor.dtype).replace('torch.', ''))
    if tensor.device.type not in ('cpu', 'cuda'):
        raise ValueError('%s: arrays on device %s are not supported' % (source, tensor.device))
    t = tensor.detach()
    return t.reshape(1) if t.dim() == 0 else t  # MXNet 1.x arrays are never 0-d; reshape keeps sharing


def from_numpy(ndarray, zero_copy=True):
    """An NDArray over a numpy array's memory (``zero_copy``) or over a copy.

    As in MXNet, zero-copy needs a C-contiguous array and marks the numpy array read-only: the NDArray now
    owns the memory (its writes show through the numpy array).
    """
    if not zero_copy:
        return array(ndarray, dtype=ndarray.dtype)
    if not ndarray.flags['C_CONTIGUOUS']:
        raise ValueError('Only c-contiguous arrays are supported for zero-copy')
    if ndarray.dtype.name not in _dtype.NAME2TORCH:
        raise ValueError('%s is not supported.' % ndarray.dtype)
    t = _supported(torch.from_numpy(ndarray), 'from_numpy')
    ndarray.flags['WRITEABLE'] = False
    return wrap(t)


def from_torch(tensor):
    """An NDArray over ``tensor``'s memory (no copy; the autograd history is dropped)."""
    if not isinstance(tensor, torch.Tensor):
        raise TypeError('from_torch expects a torch.Tensor, got %s' % type(tensor).__name__)
    return wrap(_supported(tensor, 'from_torch'))


def from_dlpack(dlpack):
    """An NDArray over the memory of a DLPack capsule (consumed: usable once) or of an object with
    ``__dlpack__`` (a torch tensor, a numpy array ...)."""
    try:
        t = torch.utils.dlpack.from_dlpack(dlpack)
    except (RuntimeError, BufferError, TypeError) as e:
        raise ValueError('Invalid DLPack Tensor. DLTensor capsules can be consumed only once. (%s)' % e) from None
    return wrap(_supported(t, 'from_dlpack'))


def to_dlpack_for_read(data):
    """``data.to_dlpack_for_read()``: a DLPack capsule viewing NDArray ``data``."""
    return data.to_dlpack_for_read()


def to_dlpack_for_write(data):
    """``data.to_dlpack_for_write()``: a writable DLPack capsule viewing NDArray ``data``."""
    return data.to_dlpack_for_write()


def waitall():
    """Wait for all pending device work; raises (and clears) the asynchronous errors of failed operators."""
    from .. import engine
    engine.rethrow_all()
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()
