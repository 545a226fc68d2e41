"""Python-level shape helpers of ``mx.nd``: ``concatenate``, ``split_v2``, ``moveaxis`` and
``onehot_encode``."""
from .._op import registry
from .ndarray import NDArray
from .register import invoke

__all__ = ['concatenate', 'split_v2', 'moveaxis', 'onehot_encode']


def concatenate(arrays, axis=0, always_copy=True):
    """Join a list of NDArrays along ``axis`` (default 0); a single array is returned as is unless
    ``always_copy``."""
    arrays = list(arrays)
    if not arrays:
        raise ValueError('concatenate needs at least one array')
    for a in arrays:
        if not isinstance(a, NDArray):
            raise TypeError('concatenate expects NDArrays, got %s' % type(a).__name__)
    if len(arrays) == 1 and not always_copy:
        return arrays[0]
    return invoke(registry.get('Concat'), arrays, {'dim': axis, 'num_args': len(arrays)})


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split ``ary`` along ``axis`` into ``indices_or_sections`` equal parts (an int) or at the sorted split
    points it lists (a tuple); returns a list of NDArrays (one NDArray when there is a single part)."""
    if isinstance(indices_or_sections, int):
        n = ary.shape[axis]
        if indices_or_sections <= 0 or n % indices_or_sections:
            raise ValueError('array split does not result in an equal division')
        size = n // indices_or_sections
        indices = tuple(i * size for i in range(indices_or_sections))
    elif isinstance(indices_or_sections, tuple):
        indices = (0,) + tuple(indices_or_sections)
    else:
        raise ValueError('indices_or_sections must either int or tuple of ints')
    return invoke(registry.get('_split_v2'), [ary], {'indices': indices, 'axis': axis,
                                                      'squeeze_axis': squeeze_axis})


def moveaxis(tensor, source, destination):
    """``tensor`` with axes ``source`` (an int or a sequence) moved to ``destination``; other axes keep their
    order (as ``numpy.moveaxis``; a copy)."""
    from .ndarray import wrap
    nd = tensor.ndim

    def axes(v, what):
        v = [int(v)] if isinstance(v, int) or not hasattr(v, '__iter__') else [int(a) for a in v]
        for a in v:
            if not -nd <= a < nd:
                raise ValueError('moveaxis: %s axis %d is out of bounds for an array of %d dimensions'
                                 % (what, a, nd))
        v = [a % nd for a in v]
        if len(set(v)) != len(v):
            raise ValueError('moveaxis: repeated axis in %s %s' % (what, v))
        return v
    src, dst = axes(source, 'source'), axes(destination, 'destination')
    if len(src) != len(dst):
        raise ValueError('moveaxis: source and destination must have the same number of elements')
    return wrap(tensor._data.movedim(tuple(src), tuple(dst)).contiguous())


def onehot_encode(indices, out):
    """Write the one-hot rows of ``indices`` (N,) into ``out`` (N, K) and return ``out``."""
    import torch
    idx = indices._data.to(torch.int64)
    out._data.zero_()
    out._data.scatter_(1, idx.reshape(-1, 1), 1)
    return out
