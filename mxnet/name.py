"""Automatic naming of symbols (``mx.name.NameManager``, ``mx.name.Prefix``)."""
import threading

from .base import class_property_meta

__all__ = ['NameManager', 'Prefix']


_NameManagerMeta = class_property_meta('current', lambda: current(),
                                        lambda manager: setattr(NameManager._current, 'value', manager))


class NameManager(metaclass=_NameManagerMeta):
    """Gives unnamed symbols the name ``<hint><n>`` (``fullyconnected0``, ``_plus1``), counting per hint.

    Used as ``with NameManager():`` to start a fresh count; each thread has its own current manager
    (``NameManager.current``).
    """
    _current = threading.local()

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name, hint):
        if name:
            return name
        n = self._counter.get(hint, 0)
        self._counter[hint] = n + 1
        return '%s%d' % (hint, n)

    def __enter__(self):
        self._old_manager = current()
        NameManager._current.value = self
        return self

    def __exit__(self, *exc):
        NameManager._current.value = self._old_manager


class Prefix(NameManager):
    """A NameManager that puts ``prefix`` before every name, given or automatic."""

    def __init__(self, prefix):
        super().__init__()
        self._prefix = prefix

    def get(self, name, hint):
        return self._prefix + super().get(name, hint)


def current():
    mgr = getattr(NameManager._current, 'value', None)
    if mgr is None:
        mgr = NameManager._current.value = NameManager()
    return mgr
