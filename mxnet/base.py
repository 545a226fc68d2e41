"""Errors and small shared helpers (MXNet's ``mxnet.base``)."""
import numpy as np

__all__ = ['MXNetError', 'NotImplementedForSymbol', 'string_types', 'numeric_types', 'data_dir', '_as_list',
           'integer_types', 'py_str', 'mx_real_t']


py_slice = slice  # MXNet's alias of the builtin, imported by code that indexes NDArrays


class MXNetError(RuntimeError):
    """The error MXNet raises for bad operator input, bad files and failed checks."""


class NotImplementedForSymbol(MXNetError):
    """Raised when an NDArray-only function is called on a Symbol."""

    def __init__(self, function, alias, *args):
        super().__init__()
        self.function = function.__name__ if callable(function) else str(function)
        self.alias = alias
        self.args = [str(type(a)) for a in args]

    def __str__(self):
        msg = 'Function {}'.format(self.function)
        if self.alias:
            msg += ' (namely operator "{}")'.format(self.alias)
        if self.args:
            msg += ' with arguments ({})'.format(', '.join(self.args))
        return msg + ' is not implemented for Symbol and only available in NDArray.'


string_types = (str,)
numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)
mx_real_t = np.float32


def py_str(x):
    return x.decode('utf-8') if isinstance(x, bytes) else x


def _as_list(obj):
    """``obj`` as a list: lists and tuples become lists, anything else a one-element list."""
    return list(obj) if isinstance(obj, (list, tuple)) else [obj]


def data_dir_default():
    """Where MXNet keeps downloaded data when MXNET_HOME is unset: %APPDATA%/mxnet on Windows, else ~/.mxnet."""
    import os
    import platform
    if platform.system() == 'Windows':
        return os.path.join(os.environ.get('APPDATA'), 'mxnet')
    return os.path.join(os.path.expanduser('~'), '.mxnet')


def data_dir():
    """MXNet's data folder: $MXNET_HOME, or :func:`data_dir_default`."""
    import os
    return os.getenv('MXNET_HOME', data_dir_default())


def c_str(string):
    """A C string (bytes) for ``string``, as MXNet's ctypes helpers make."""
    import ctypes
    return ctypes.c_char_p(string.encode('utf-8'))


def c_str_array(strings):
    import ctypes
    arr = (ctypes.c_char_p * len(strings))()
    arr[:] = [s.encode('utf-8') for s in strings]
    return arr


# Handles are opaque pointers in MXNet's C API; here they only exist so that code naming them imports.
import ctypes as _ctypes  # noqa: E402
NDArrayHandle = _ctypes.c_void_p
SymbolHandle = _ctypes.c_void_p
ExecutorHandle = _ctypes.c_void_p
CachedOpHandle = _ctypes.c_void_p
KVStoreHandle = _ctypes.c_void_p
DataIterHandle = _ctypes.c_void_p
mx_uint = _ctypes.c_uint
mx_int = _ctypes.c_int
mx_float = _ctypes.c_float
del _ctypes

_NP_OP_PREFIX = '_np_'
_NP_OP_SUBMODULE_LIST = ['_random_', '_linalg_']
_NP_EXT_OP_PREFIX = '_npx_'
_NP_INTERNAL_OP_PREFIX = '_npi_'


def check_call(ret):
    """Raise MXNetError if a C API call (``_LIB.<name>(...)``) returned non-zero, as MXNet's helper does."""
    if ret != 0:
        raise MXNetError('C API call failed with status %d' % ret)


from ._capi import LIB as _LIB  # noqa: E402  (the few C API entry points; see mxnet/_capi.py)


def class_property_meta(name, get, set_):
    """A metaclass giving its classes a class-level property ``name`` (``Context.default_ctx``,
    ``AttrScope.current``, ``NameManager.current`` are read and assigned on the class in MXNet)."""
    prop = property(lambda cls: get(), lambda cls, value: set_(value))
    return type('_%sMeta' % name, (type,), {name: prop, '__doc__': class_property_meta.__doc__})
