"""``mx.sym`` / ``mx.symbol``: Symbol and the symbolic operator functions generated from the registry."""
from .. import _op  # noqa: F401
from .._op import registry as _registry
from .symbol import Symbol, Variable, var, Group  # noqa: F401
from .register import generate as _generate
from . import arith as _arith
from .json_io import load, load_json, fromjson  # noqa: F401

_arith.install()
_generate(globals())


_registry.install_methods(Symbol, globals())
