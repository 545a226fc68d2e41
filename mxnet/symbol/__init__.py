"""``mx.sym`` / ``mx.symbol``: Symbol and the symbolic operator functions generated from the registry."""
from .. import _op  # noqa: F401
from .._op import registry as _registry
from .symbol import Symbol, Variable, var, Group  # noqa: F401
from .register import generate as _generate
from . import arith as _arith
from .json_io import load, load_json, fromjson  # noqa: F401

_arith.install()
_generate(globals())


def _install_methods(ns):
    """Operators declared with ``method=`` are also Symbol methods (``s.sum(axis=1)``)."""
    def make(fn):
        def method(self, *args, **kwargs):
            return fn(self, *args, **kwargs)
        method.__name__ = fn.__name__
        method.__doc__ = fn.__doc__
        return method
    for name, op in _registry.all_ops().items():
        if op.method and name == op.name:
            mname = op.method if isinstance(op.method, str) else name
            if not hasattr(Symbol, mname):
                setattr(Symbol, mname, make(ns[name]))


_install_methods(globals())
