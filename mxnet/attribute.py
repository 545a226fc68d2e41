"""``mx.AttrScope``: attributes given to every symbol created inside a ``with`` block."""
import threading

from .base import class_property_meta

__all__ = ['AttrScope']


_AttrScopeMeta = class_property_meta('current', lambda: current(),
                                      lambda scope: setattr(AttrScope._current, 'value', scope))


class AttrScope(metaclass=_AttrScopeMeta):
    """``with AttrScope(ctx_group='dev1'):`` adds these attributes (as strings) to new symbols; each thread
    has its own current scope (``AttrScope.current``)."""
    _current = threading.local()

    def __init__(self, **kwargs):
        for v in kwargs.values():
            if not isinstance(v, str):
                raise ValueError('Attributes need to be string')
        self._attr = kwargs
        self._old_scope = None

    def get(self, attr):
        """The scope's attributes updated with ``attr``."""
        if not self._attr:
            return dict(attr) if attr else {}
        ret = dict(self._attr)
        if attr:
            ret.update(attr)
        return ret

    def __enter__(self):
        self._old_scope = current()
        merged = dict(self._old_scope._attr)
        merged.update(self._attr)
        self._attr = merged
        AttrScope._current.value = self
        return self

    def __exit__(self, *exc):
        AttrScope._current.value = self._old_scope


def current():
    scope = getattr(AttrScope._current, 'value', None)
    if scope is None:
        scope = AttrScope._current.value = AttrScope()
    return scope
