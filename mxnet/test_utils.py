"""Testing helpers with MXNet's signatures (``mx.test_utils``)."""
import numpy as np

from .context import Context, current_context
from .ndarray import NDArray

_default_ctx = [None]


def default_context():
    """The context tests run on: the one set by set_default_context, else the current context."""
    return _default_ctx[0] or current_context()


def set_default_context(ctx):
    _default_ctx[0] = ctx


def _np(a):
    return a.asnumpy() if isinstance(a, NDArray) else np.asarray(a)


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """Whether ``|a - b| <= atol + rtol * |b|`` everywhere."""
    a, b = _np(a), _np(b)
    rtol = 1e-5 if rtol is None else rtol
    atol = 1e-20 if atol is None else atol
    return np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal(a, b, rtol=None, atol=None, names=('a', 'b'), equal_nan=False, use_broadcast=True,
                        mismatches=(10, 10)):
    """Raise AssertionError where ``a`` and ``b`` differ by more than ``atol + rtol * |b|``."""
    a, b = _np(a), _np(b)
    rtol = 1e-5 if rtol is None else rtol
    atol = 1e-20 if atol is None else atol
    if not use_broadcast and a.shape != b.shape:
        raise AssertionError('shape mismatch: %s %s vs %s %s' % (names[0], a.shape, names[1], b.shape))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan,
                               err_msg='%s and %s differ' % names)


def same(a, b):
    """Whether two arrays are exactly equal."""
    return np.array_equal(_np(a), _np(b))
