"""``mxnet.base._LIB``: the few entry points of MXNet's C API that MXNet-era Python code calls through ctypes.

There is no C library: handles are integers naming Python objects held here, and each entry point is a
Python function taking the ctypes arguments MXNet's code passes and returning 0 (success), as C functions do.
"""
import ctypes
import itertools

import torch

__all__ = ['LIB', 'take_handle', 'remember_dlpack']

_objects = {}  # handle value -> object (a torch tensor), until an NDArray takes it
_next = itertools.count(1)
_exported = {}  # low 32 bits -> DLManagedTensor address, of the DLPack capsules this package made
_MAX_EXPORTED = 4096

_capsule_new = ctypes.PYFUNCTYPE(ctypes.py_object, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p)(
    ('PyCapsule_New', ctypes.pythonapi))
_capsule_pointer = ctypes.PYFUNCTYPE(ctypes.c_void_p, ctypes.py_object, ctypes.c_char_p)(
    ('PyCapsule_GetPointer', ctypes.pythonapi))


def remember_dlpack(capsule):
    """Note the address inside a "dltensor" capsule this package hands out (returned unchanged), so that a
    caller reading it through ``ctypes.pythonapi`` -- whose default ``int`` result keeps only 32 bits, as in
    MXNet's own tests -- still names it."""
    addr = _capsule_pointer(capsule, b'dltensor')
    if len(_exported) >= _MAX_EXPORTED:
        _exported.pop(next(iter(_exported)))
    _exported[addr & 0xFFFFFFFF] = addr
    return capsule


def _address(ptr):
    value = ptr.value if isinstance(ptr, ctypes.c_void_p) else int(ptr)
    value = (value or 0) & 0xFFFFFFFFFFFFFFFF
    return _exported.get(value & 0xFFFFFFFF, value) if value >> 32 in (0, 0xFFFFFFFF) else value


def take_handle(handle):
    """The object a handle names (the handle is used up)."""
    value = handle.value if isinstance(handle, ctypes.c_void_p) else handle
    try:
        return _objects.pop(value)
    except KeyError:
        raise ValueError('unknown or used NDArray handle %r' % (value,)) from None


def lend_handle(obj):
    """A new handle (int) naming ``obj``, as a C callback receives an ``NDArrayHandle``; see ``release``."""
    h = next(_next)
    _objects[h] = obj
    return h


def release(handle):
    """Forget ``handle`` if no NDArray took it."""
    _objects.pop(handle, None)


def _store(obj, out):
    """Write a new handle for ``obj`` into the ``c_void_p`` that ``out`` (``ctypes.byref(h)``) refers to."""
    h = next(_next)
    _objects[h] = obj
    target = getattr(out, '_obj', out)
    target.value = h


class _Lib:
    """The C API entry points (``_LIB.<name>(...)`` -> 0)."""

    @staticmethod
    def MXNDArrayFromDLPack(dlpack, out):
        """An array over the DLManagedTensor at address ``dlpack`` (ownership passes to the array)."""
        capsule = _capsule_new(_address(dlpack), b'dltensor', None)
        _store(torch.utils.dlpack.from_dlpack(capsule), out)
        return 0

    MXNDArrayFromDLPackEx = staticmethod(lambda dlpack, transient, out: _Lib.MXNDArrayFromDLPack(dlpack, out))

    @staticmethod
    def MXGetVersion(out):
        getattr(out, '_obj', out).value = 10901
        return 0

    def __getattr__(self, name):
        raise AttributeError('MXNet C API function %s is not available: this package has no C library' % name)


LIB = _Lib()
