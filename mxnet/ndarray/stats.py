"""Python-level statistics of ``mx.nd``: ``histogram``."""
from .._op import registry
from .ndarray import NDArray
from .register import invoke

__all__ = ['histogram']


def histogram(a, bins=10, range=None):  # noqa: A002  (MXNet's parameter name)
    """Histogram of ``a``: ``bins`` equal bins over ``range`` (default: a's min and max) when ``bins`` is an
    int, else the bins whose edges the NDArray ``bins`` lists. Returns (counts, bin edges)."""
    op = registry.get('_histogram')
    if isinstance(bins, NDArray):
        return invoke(op, [a, bins], {})
    if isinstance(bins, int):
        return invoke(op, [a], {'bin_cnt': bins, 'range': range})
    raise ValueError('bins argument should be either an integer or an NDArray')
