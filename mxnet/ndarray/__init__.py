"""``mx.nd``: NDArray and the imperative operator functions generated from the registry."""
from .. import _op  # noqa: F401  (registers every operator)
from .._op import registry as _registry
from .ndarray import NDArray, wrap
from . import arith as _arith
from .arith import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
from .shape_utils import *  # noqa: F401,F403
from .serialization import save, load, load_frombuffer  # noqa: F401
from .register import generate as _generate
from . import register as _register
from . import random  # noqa: F401

_arith.install()
_generate(globals())


def _method(fn):
    if type(fn) is type(_method):  # a Python function binds ``self`` as its first input: no wrapper needed
        return fn

    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


def _install_methods(ns):
    """Operators declared with ``method=`` also become NDArray methods (``x.sum(axis=1)``)."""
    for name, op in _registry.all_ops().items():
        if op.method and name == op.name:
            mname = op.method if isinstance(op.method, str) else name
            if not hasattr(NDArray, mname):
                setattr(NDArray, mname, _method(ns[name]))


_install_methods(globals())

from .. import autograd as _autograd  # noqa: E402
_autograd.install()
