"""Device contexts: ``mx.cpu(i)``, ``mx.gpu(i)`` and the default-context stack, mapped to torch devices."""
import threading

from .base import class_property_meta

import torch

from .base import MXNetError

__all__ = ['Context', 'cpu', 'gpu', 'cpu_pinned', 'current_context', 'num_gpus', 'gpu_memory_info']


class InvalidDeviceType(MXNetError, KeyError):
    """An unknown device type name; a KeyError as in MXNet, and an MXNetError."""


_ContextMeta = class_property_meta('default_ctx', lambda: current_context(),
                                    lambda ctx: setattr(Context._default, 'value', ctx))


class Context(metaclass=_ContextMeta):
    """A device: ``Context('cpu', 0)``, ``Context('gpu', 1)`` or another Context.

    Usable as ``with Context(...):`` to set the default context of array creation (per thread).
    """
    devtype2str = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared'}
    devstr2type = {'cpu': 1, 'gpu': 2, 'cpu_pinned': 3, 'cpu_shared': 5}
    _default = threading.local()
    __slots__ = ('device_typeid', 'device_id', '_torch', '_old')

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            if device_type not in Context.devstr2type:
                raise InvalidDeviceType('Invalid device type %r; expected one of %s'
                                        % (device_type, sorted(Context.devstr2type)))
            self.device_typeid = Context.devstr2type[device_type]
            self.device_id = int(device_id)
        self._torch = None
        self._old = None

    @property
    def device_type(self):
        return Context.devtype2str[self.device_typeid]

    @property
    def torch_device(self):
        """The torch device this context computes on (CUDA device ``i`` for ``gpu(i)``)."""
        dev = self._torch
        if dev is None:
            if self.device_typeid == 2:
                if not torch.cuda.is_available() or self.device_id >= torch.cuda.device_count():
                    raise MXNetError('Context %s is not available: this machine has %d GPU(s)'
                                     % (self, num_gpus()))
                dev = torch.device('cuda', self.device_id)
            else:
                dev = torch.device('cpu')
            self._torch = dev
        return dev

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid
                and self.device_id == other.device_id)

    def __str__(self):
        return '%s(%d)' % (self.device_type, self.device_id)

    __repr__ = __str__

    def __enter__(self):
        self._old = current_context()
        Context._default.value = self
        return self

    def __exit__(self, *exc):
        Context._default.value = self._old

    def empty_cache(self):
        if self.device_typeid == 2 and torch.cuda.is_available():
            torch.cuda.empty_cache()


def cpu(device_id=0):
    """The CPU context. ``device_id`` is kept for MXNet compatibility; all CPU ids share memory."""
    return Context('cpu', device_id)


def cpu_pinned(device_id=0):
    return Context('cpu_pinned', device_id)


def gpu(device_id=0):
    """The context of CUDA device ``device_id``."""
    return Context('gpu', device_id)


def num_gpus():
    """The number of visible CUDA devices."""
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def gpu_memory_info(device_id=0):
    """(free, total) bytes of GPU ``device_id``."""
    return torch.cuda.mem_get_info(device_id)


def current_context():
    """The default context: the innermost ``with Context`` block's, else ``cpu(0)``."""
    ctx = getattr(Context._default, 'value', None)
    return _CPU0 if ctx is None else ctx


_CPU0 = Context('cpu', 0)
_BY_DEVICE = {}


def context_of(device):
    """The Context that a torch device stands for."""
    ctx = _BY_DEVICE.get(device)
    if ctx is None:
        if device.type == 'cuda':
            ctx = Context('gpu', device.index or 0)
        else:
            ctx = Context('cpu', 0)
        _BY_DEVICE[device] = ctx
    return ctx
