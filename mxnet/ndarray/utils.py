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
           'from_torch', 'from_dlpack', 'waitall']


def _device(ctx):
    return (ctx or current_context()).torch_device


def array(source_array, ctx=None, dtype=None):
    """A new NDArray holding a copy of ``source_array`` (list, numpy array, NDArray, torch tensor).

    dtype defaults to float32 unless the source is an NDArray, whose dtype is kept (MXNet's rule).
    """
    if isinstance(source_array, NDArray):
        t = source_array._data
        tdt = t.dtype if dtype is None else _dtype.to_torch(dtype)
        return wrap(t.to(device=_device(ctx), dtype=tdt, copy=True))
    tdt = _dtype.to_torch(mx_real_t if dtype is None else dtype)
    if isinstance(source_array, torch.Tensor):
        return wrap(source_array.detach().to(device=_device(ctx), dtype=tdt, copy=True))
    if tdt is torch.bfloat16:
        src = np.asarray(source_array, dtype=np.float32)
    else:
        try:
            src = np.asarray(source_array, dtype=_dtype.TORCH2NP[tdt])
        except (TypeError, ValueError) as e:
            raise TypeError('source_array must be array like object: %s' % e) from None
    if src.ndim == 0:
        src = src.reshape(1)
    t = torch.from_numpy(np.array(src, copy=True, order='C'))
    return wrap(t.to(device=_device(ctx), dtype=tdt))


def _shape(shape):
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)


def _create(opname, shape, ctx, dtype, **kw):
    return invoke(registry.get(opname), [], dict(shape=_shape(shape), ctx=ctx or current_context(),
                                                 dtype=mx_real_t if dtype is None else dtype, **kw))


def empty(shape, ctx=None, dtype=None, stype=None):
    """An array of the given shape with uninitialised contents (float32 unless ``dtype``)."""
    return _create('_empty', shape, ctx, dtype)


def zeros(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """An array of zeros (float32 unless ``dtype``)."""
    return _create('_zeros', shape, ctx, dtype)


def ones(shape, ctx=None, dtype=None, stype=None, **kwargs):
    """An array of ones (float32 unless ``dtype``)."""
    return _create('_ones', shape, ctx, dtype)


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


def from_numpy(ndarray, zero_copy=True):
    """An NDArray over a numpy array's memory (``zero_copy``) or over a copy."""
    if not zero_copy:
        return array(ndarray, dtype=ndarray.dtype)
    if not ndarray.flags['C_CONTIGUOUS']:
        raise MXNetError('from_numpy with zero_copy needs a C-contiguous array')
    return wrap(torch.from_numpy(ndarray))


def from_torch(tensor):
    """An NDArray over ``tensor``'s memory (no copy)."""
    return wrap(tensor)


def from_dlpack(dlpack):
    """An NDArray over the memory of a DLPack capsule or of any object with ``__dlpack__``."""
    return wrap(torch.utils.dlpack.from_dlpack(dlpack))


def waitall():
    """Wait for all pending device work."""
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()
