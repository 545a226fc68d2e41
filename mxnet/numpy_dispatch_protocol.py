"""NumPy's dispatch protocols for ``mx.np.ndarray``: ``onp.sum(x)`` or ``onp.add(x, y)`` on mx.np arrays run
the ``mx.np`` function of that name (``__array_function__`` / ``__array_ufunc__``); a NumPy function that
``mx.np`` lacks runs in NumPy on copies and its array results come back as mx.np arrays."""
import functools

import numpy as _onp

from .numpy import functions as _functions
from .numpy.multiarray import ndarray, array as _array

__all__ = ['with_array_function_protocol', 'with_array_ufunc_protocol']

_NUMPY_ARRAY_UFUNC_LIST = sorted(n for n in set(_functions.UNARY) | set(_functions.BINARY)
                                 if isinstance(getattr(_onp, n, None), _onp.ufunc))
_NUMPY_ARRAY_FUNCTION_LIST = sorted(n for n in _functions.FUNCTIONS
                                    if n not in _NUMPY_ARRAY_UFUNC_LIST and callable(getattr(_onp, n, None)))


def with_array_function_protocol(func):
    """Decorator for code that needs ``__array_function__`` (NumPy >= 1.17: always true here)."""
    return func


def with_array_ufunc_protocol(func):
    """Decorator for code that needs ``__array_ufunc__`` (NumPy >= 1.15: always true here)."""
    return func


def _to_onp(x):
    if isinstance(x, ndarray):
        return x.asnumpy()
    if isinstance(x, (list, tuple)):
        return type(x)(_to_onp(v) for v in x)
    if isinstance(x, dict):
        return {k: _to_onp(v) for k, v in x.items()}
    return x


def _to_mx(x):
    if isinstance(x, _onp.ndarray):
        return _array(x, dtype=x.dtype)
    if isinstance(x, (list, tuple)):
        return type(x)(_to_mx(v) for v in x)
    return x


def _fallback(func, args, kwargs):
    return _to_mx(func(*_to_onp(args), **_to_onp(kwargs)))


def _mx_function(func):
    module = getattr(func, '__module__', '') or ''
    name = getattr(func, '__name__', None)
    if module.endswith('linalg'):
        from .numpy import linalg
        return getattr(linalg, name, None)
    return _functions.FUNCTIONS.get(name)


def _array_function(self, func, types, args, kwargs):
    fn = _mx_function(func)
    if fn is None:
        return _fallback(func, args, kwargs)
    return fn(*args, **kwargs)


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    fn = _functions.FUNCTIONS.get(ufunc.__name__) if method == '__call__' else None
    if fn is None:
        return _fallback(getattr(ufunc, method), inputs, kwargs)
    return fn(*inputs, **kwargs)


ndarray.__array_function__ = _array_function
ndarray.__array_ufunc__ = _array_ufunc
