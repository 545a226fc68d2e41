"""Python-level shape helpers of ``mx.nd``: ``concatenate`` and ``split_v2``."""
from .._op import registry
from .ndarray import NDArray
from .register import invoke

__all__ = ['concatenate', 'split_v2']


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
