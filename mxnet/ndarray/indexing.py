"""``NDArray[key]`` reading and writing.

MXNet 1.x rules: an integer index on a 1-D array gives shape (1,), never a 0-d array; a selection that is
contiguous in memory (``a[i]``, ``a[i:j]``, ``a[i, j:k]``) is a view that writes through, any other one a copy.
Beyond MXNet 1.x's legacy mode this also takes negative steps (read via flip, written in place), integer
arrays (NDArray, numpy, list) and boolean masks, ``None`` and ``Ellipsis``, with numpy's meaning.
"""
import numpy as np
import torch

from ..base import numeric_types, integer_types
from .ndarray import NDArray

__all__ = ['read', 'write', 'slice_is_contiguous']


def _bad_key(k):
    return ValueError('NDArray does not support slicing with key %r of type %s.' % (k, type(k)))


def _as_tensor_key(k, device):
    """An array-like index as a torch tensor: bool masks stay bool, everything else becomes int64."""
    if isinstance(k, NDArray):
        t = k._data
    elif isinstance(k, torch.Tensor):
        t = k
    else:
        a = np.asarray(k)
        if a.dtype == object or a.dtype.kind not in 'biuf':
            raise _bad_key(k)
        t = torch.from_numpy(a if a.dtype == np.bool_ else a.astype(np.int64))
    if t.device != device:
        t = t.to(device)
    return t if t.dtype is torch.bool else t.long()


def _check_tensor(t, axis, shape):
    if t.dtype is torch.bool:
        want = tuple(shape[axis:axis + t.dim()])
        if tuple(t.shape) != want:
            raise IndexError('boolean index of shape %s does not match the indexed axes %d.. of size %s'
                             % (tuple(t.shape), axis, want))
        return
    n = shape[axis]
    if t.numel():
        lo, hi = int(t.min()), int(t.max())
        if lo < -n or hi >= n:
            raise IndexError('index %d is out of bounds for axis %d with size %d' % (hi if hi >= n else lo, axis, n))


def _prepare(key, shape, device):
    """(axes to flip, torch key) for an MXNet/numpy key on an array of ``shape``; negative-step slices
    become positive slices of the flipped axes."""
    if not isinstance(key, tuple):
        key = (key,)
    items = []
    used = 0
    ellipsis = False
    for k in key:
        if k is None or isinstance(k, slice):
            pass
        elif k is Ellipsis:
            if ellipsis:
                raise IndexError('an index can only have a single ellipsis (...)')
            ellipsis = True
        elif isinstance(k, (bool, np.bool_)):
            raise _bad_key(k)
        elif isinstance(k, integer_types):
            k = int(k)
        elif isinstance(k, (NDArray, np.ndarray, list, tuple, torch.Tensor)):  # a tuple inside the key: a sequence
            k = _as_tensor_key(k, device)
        else:
            raise _bad_key(k)
        items.append(k)
        if k is not None and k is not Ellipsis:
            used += k.dim() if isinstance(k, torch.Tensor) and k.dtype is torch.bool else 1
    ndim = len(shape)
    if used > ndim:
        raise IndexError('too many indices (%d) for array with %d dimensions' % (used, ndim))
    out, flips, axis = [], [], 0
    for k in items:
        if k is Ellipsis:
            out.extend([slice(None)] * (ndim - used))
            axis += ndim - used
            continue
        if k is None:
            out.append(None)
            continue
        if isinstance(k, int):
            n = shape[axis]
            if not -n <= k < n:
                raise IndexError('index %d is out of bounds for axis %d with size %d' % (k, axis, n))
        elif isinstance(k, slice):
            if k.step is not None and int(k.step) == 0:
                raise ValueError('slice step cannot be zero')
            if k.step is not None and int(k.step) < 0:
                n = shape[axis]
                start, _, step, length = _slice_range(k, n)
                flips.append(axis)
                f = n - 1 - start
                k = slice(f, f + (length - 1) * -step + 1, -step) if length else slice(0, 0)
        else:
            _check_tensor(k, axis, shape)
            if k.dtype is torch.bool:
                out.append(k)
                axis += k.dim()
                continue
        out.append(k)
        axis += 1
    return flips, tuple(out)


def _slice_range(s, n):
    r = range(*s.indices(n))
    return r.start, r.stop, r.step, len(r)


def read(t, key):
    """The tensor ``t[key]`` with MXNet's result rules (see the module docstring)."""
    flips, k = _prepare(key, t.shape, t.device)
    r = (t.flip(flips) if flips else t)[k]
    if r.dim() == 0:
        return r.reshape(1)
    if not r.is_contiguous():
        r = r.contiguous()
    return r


def _value(t, value):
    if isinstance(value, NDArray):
        v = value._data
        if v.device != t.device or v.dtype is not t.dtype:
            v = v.to(device=t.device, dtype=t.dtype)
        elif v.untyped_storage().data_ptr() == t.untyped_storage().data_ptr():
            v = v.clone()  # source and target overlap (x[1:] = x[:-1])
        return v
    if isinstance(value, numeric_types):
        return value.item() if isinstance(value, np.generic) else value
    if isinstance(value, torch.Tensor):
        return value.to(device=t.device, dtype=t.dtype)
    a = np.asarray(value)
    if a.dtype == object or a.dtype.kind not in 'biuf':
        raise TypeError('NDArray does not support assignment with %s of type %s' % (value, type(value)))
    return torch.as_tensor(a, device=t.device).to(t.dtype)


def slice_is_contiguous(key, shape):
    """Whether ``a[key]`` (``key``: one slice per axis of ``shape``) selects one contiguous block of a
    C-ordered array, as numpy's ``flags.contiguous`` of the result says (axes of length 1 do not count)."""
    if len(key) != len(shape):
        raise ValueError('one slice per axis expected: %d slices for shape %s' % (len(key), tuple(shape)))
    lengths, steps = [], []
    for k, n in zip(key, shape):
        r = range(*k.indices(n))
        lengths.append(len(r))
        steps.append(r.step)
    if 0 in lengths:
        return True
    want = 1  # the stride (in elements) a C-contiguous result needs on the current axis
    stride = 1  # the source array's stride on the current axis
    for n, length, step in zip(reversed(shape), reversed(lengths), reversed(steps)):
        if length > 1:
            if stride * step != want:
                return False
            want *= length
        stride *= n
    return True


def _fit(v, region):
    """Tensor value ``v`` broadcast to the indexed ``region``; as MXNet does, leading axes of length 1 beyond
    the region's rank are dropped first (``a[0] = ones((1, 1, 3))`` on a (3, 3) array)."""
    region = tuple(region)
    if v.dim() > len(region):
        extra = 0
        while extra < v.dim() - len(region) and v.shape[extra] == 1:
            extra += 1
        if extra:
            v = v.reshape(v.shape[extra:])
    if tuple(v.shape) == region:
        return v
    if v.numel() == 0 and v.dim() == len(region):
        return v.reshape(region)
    try:
        return v.broadcast_to(region)
    except RuntimeError:
        raise _broadcast_error(v, region) from None


def _broadcast_error(v, shape):
    return ValueError('cannot assign a value of shape %s to the indexed region of shape %s: operands could not '
                      'be broadcast together' % (tuple(v.shape), tuple(shape)))


def write(t, key, value):
    """``t[key] = value`` in place: value is a number, NDArray, numpy array or list broadcast to the region."""
    v = _value(t, value)
    if isinstance(key, slice) and key == slice(None):
        if isinstance(v, torch.Tensor):
            t.copy_(_fit(v, t.shape))
        else:
            t.fill_(v)
        return
    flips, k = _prepare(key, t.shape, t.device)
    if not flips:
        region = None
        if isinstance(v, torch.Tensor):
            v = _fit(v, t[k].shape)
        t[k] = v
        return
    # negative steps: write through the flat positions the (flipped) key selects
    pos = torch.arange(t.numel(), device=t.device).reshape(t.shape).flip(flips)[k]
    if isinstance(v, torch.Tensor):
        v = _fit(v, pos.shape)
    else:
        v = torch.full(pos.shape, v, dtype=t.dtype, device=t.device)
    t.index_put_(torch.unravel_index(pos.reshape(-1), t.shape), v.reshape(-1))
