"""Python-level wrappers of ``mx.sym`` over internal operators, as MXNet's symbol module defines them:
``split_v2`` and ``histogram``."""
from . import _internal

__all__ = ['split_v2', 'histogram']

def _op(name):
    """The generated ``mx.sym`` function of operator ``name`` (cached in ``_internal``)."""
    return getattr(_internal, name)


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split ``ary`` along ``axis`` into ``indices_or_sections`` equal parts (an int) or at the split points it
    lists (a tuple); a grouped symbol with one output per part."""
    if isinstance(indices_or_sections, int):
        indices, sections = (), indices_or_sections
    elif isinstance(indices_or_sections, tuple):
        indices, sections = (0,) + tuple(indices_or_sections), 0
    else:
        raise ValueError('indices_or_sections must either int or tuple of ints')
    return _op('_split_v2')(ary, indices=indices, axis=axis, squeeze_axis=squeeze_axis, sections=sections)


def histogram(a, bins=10, range=None, **kwargs):  # noqa: A002  (MXNet's parameter name)
    """Histogram of symbol ``a``: ``bins`` equal bins over ``range`` (an int), or the bins whose edges the
    symbol ``bins`` holds; outputs the counts and the bin edges."""
    if isinstance(bins, int):
        if range is None:
            raise ValueError('null range is not supported in symbol mode')
        return _op('_histogram')(data=a, bin_cnt=bins, range=range, **kwargs)
    return _op('_histogram')(data=a, bins=bins, **kwargs)
