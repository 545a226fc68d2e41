"""``mx.util``: global switches (NumPy shape/array semantics), environment access and small helpers.

``np_shape`` semantics: with it on, a 0 in a shape is a zero-size dimension and -1 marks an unknown one (off, the
1.x default, 0 marks unknown). ``np_array`` semantics switch the front-ends to ``mx.np``; this project keeps the
flags with MXNet's thread-local scoping so that code toggling them runs, and reads ``is_np_shape()`` where the
difference is visible (shape inference, saved files, JSON attributes).
"""
import functools
import inspect
import os
import threading

__all__ = ['makedirs', 'get_gpu_count', 'get_gpu_memory', 'set_np_shape', 'is_np_shape', 'np_shape',
           'use_np_shape', 'set_np_array', 'is_np_array', 'np_array', 'use_np_array', 'use_np', 'set_np',
           'reset_np', 'set_np_default_dtype', 'is_np_default_dtype', 'np_default_dtype', 'use_np_default_dtype',
           'getenv', 'setenv', 'set_module', 'default_array', 'get_cuda_compute_capability']


def makedirs(d):
    """Create ``d`` and its parents; no error when it exists."""
    os.makedirs(os.path.expanduser(d), exist_ok=True)


def get_gpu_count():
    from .context import num_gpus
    return num_gpus()


def get_gpu_memory(gpu_dev_id):
    """(free, total) memory of a GPU in bytes."""
    import torch
    from .base import MXNetError
    if not torch.cuda.is_available() or gpu_dev_id >= torch.cuda.device_count():
        raise MXNetError('get_gpu_memory: no GPU %d (this machine has %d)' % (gpu_dev_id, get_gpu_count()))
    return torch.cuda.mem_get_info(gpu_dev_id)


def get_cuda_compute_capability(ctx):
    """The compute capability of ``ctx``'s GPU as an int (e.g. 80 for 8.0)."""
    import torch
    from .base import MXNetError
    if ctx.device_type != 'gpu':
        raise ValueError('Expecting a gpu context to get cuda compute capability, while received ctx %s' % ctx)
    if not torch.cuda.is_available():
        raise MXNetError('get_cuda_compute_capability: CUDA is not available')
    major, minor = torch.cuda.get_device_capability(ctx.device_id)
    return major * 10 + minor


class _FlagScope:
    """A thread-local boolean with MXNet's ``with``-scope semantics (each thread starts from the default).

    ``set(2)`` turns it on for every thread (MXNet's "global on"), until ``set(0)`` turns it off again."""

    def __init__(self, default=False):
        self._local = threading.local()
        self._default = default
        self._global = False

    def get(self):
        return self._global or getattr(self._local, 'value', self._default)

    def set(self, value):
        prev = self.get()
        if value == 2:
            self._global = True
        elif not value:
            self._global = False
        self._local.value = bool(value)
        return prev


_NP_SHAPE = _FlagScope()
_NP_ARRAY = _FlagScope()
_NP_DEFAULT_DTYPE = _FlagScope()


def set_np_shape(active):
    """Turn NumPy shape semantics on or off for this thread (``2``: on for every thread, until turned off);
    returns the previous state."""
    if not active and is_np_array():
        raise ValueError('NumPy Shape semantics is required in using NumPy array semantics')
    return _NP_SHAPE.set(active)


def is_np_shape():
    return _NP_SHAPE.get()


def is_np_shape_global():
    """Whether NumPy shape semantics were turned on for every thread (``set_np_shape(2)``)."""
    return _NP_SHAPE._global


def set_np_array(active):
    return _NP_ARRAY.set(active)


def is_np_array():
    return _NP_ARRAY.get()


def set_np_default_dtype(is_np_default_dtype=True):
    return _NP_DEFAULT_DTYPE.set(is_np_default_dtype)


def is_np_default_dtype():
    return _NP_DEFAULT_DTYPE.get()


class _Scope:
    """``with`` scope that sets a flag on entry and restores it on exit; also usable as a decorator."""

    def __init__(self, setter, active=True):
        self._setter = setter
        self._active = active
        self._prev = []

    def __enter__(self):
        self._prev.append(self._setter(self._active))
        return self

    def __exit__(self, *exc):
        self._setter(self._prev.pop())

    def __call__(self, func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            with self.__class__(self._setter, self._active):
                return func(*args, **kwargs)
        return wrapped


class _NumpyShapeScope(_Scope):
    def __init__(self, is_np_shape=True):  # noqa: F811  (MXNet's parameter name)
        super().__init__(set_np_shape, is_np_shape)
        self._is_np_shape = is_np_shape


class _NumpyArrayScope(_Scope):
    """The NumPy-array scope; ``_NumpyArrayScope._current`` is kept for code that assigns it."""
    _current = None

    def __init__(self, is_np_array=True):  # noqa: F811
        super().__init__(set_np_array, is_np_array)
        self._is_np_array = is_np_array


class _NumpyDefaultDtypeScope(_Scope):
    def __init__(self, is_np_default_dtype=True):  # noqa: F811
        super().__init__(set_np_default_dtype, is_np_default_dtype)


def np_shape(active=True):
    """Scope (``with mx.np_shape():``) in which NumPy shape semantics are ``active``."""
    return _NumpyShapeScope(active)


def np_array(active=True):
    return _NumpyArrayScope(active)


def np_default_dtype(active=True):
    return _NumpyDefaultDtypeScope(active)


def _wrap_in(scopes):
    def decorate(func_or_cls):
        if inspect.isclass(func_or_cls):
            for name, member in list(vars(func_or_cls).items()):
                if inspect.isfunction(member):
                    setattr(func_or_cls, name, decorate(member))
            return func_or_cls
        if not callable(func_or_cls):
            raise TypeError('expected a function or a class, got %r' % (func_or_cls,))

        @functools.wraps(func_or_cls)
        def wrapped(*args, **kwargs):
            entered = [s() for s in scopes]
            for s in entered:
                s.__enter__()
            try:
                return func_or_cls(*args, **kwargs)
            finally:
                for s in reversed(entered):
                    s.__exit__(None, None, None)
        return wrapped
    return decorate


def use_np_shape(func):
    """Decorator: run ``func`` (or every method of a class) with NumPy shape semantics."""
    return _wrap_in([_NumpyShapeScope])(func)


def use_np_array(func):
    return _wrap_in([_NumpyArrayScope])(func)


def use_np(func):
    """Decorator: NumPy shape and array semantics (``use_np_shape(use_np_array(func))``)."""
    return _wrap_in([_NumpyShapeScope, _NumpyArrayScope])(func)


def use_np_default_dtype(func):
    return _wrap_in([_NumpyDefaultDtypeScope])(func)


def set_np(shape=True, array=True, dtype=False):
    """Set the NumPy shape/array/default-dtype semantics at once."""
    if not shape and array:
        raise ValueError('NumPy Shape semantics is required in using NumPy array semantics')
    _NP_ARRAY.set(array)
    _NP_SHAPE.set(shape)
    _NP_DEFAULT_DTYPE.set(dtype)


def reset_np():
    """Back to MXNet 1.x semantics."""
    set_np(shape=False, array=False, dtype=False)


def getenv(name):
    """The value of environment variable ``name`` as the engine sees it (None when unset)."""
    return os.environ.get(name)


def setenv(name, value):
    """Set (or with ``value=None`` unset) an environment variable for Python and the engine alike."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


def set_module(module):
    """Decorator that sets ``__module__`` of a function or class (for the printed name)."""
    def decorate(obj):
        if module is not None:
            obj.__module__ = module
        return obj
    return decorate


def default_array(source_array, ctx=None, dtype=None):
    from . import ndarray
    return ndarray.array(source_array, ctx=ctx, dtype=dtype)
