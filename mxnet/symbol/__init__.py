"""``mx.sym`` / ``mx.symbol``: Symbol and the symbolic operator functions generated from the registry."""
from .. import _op  # noqa: F401
from .._op import registry as _registry
from .._op import namespace as _namespace
from .symbol import Symbol, Variable, var, Group  # noqa: F401
from . import register as _register
from . import arith as _arith
from .arith import maximum, minimum, power, pow, hypot  # noqa: F401,A004
from .json_io import load, load_json, fromjson  # noqa: F401
from .creation import zeros, ones, full, arange, linspace  # noqa: F401
from .wrappers import split_v2, histogram  # noqa: F401

_arith.install()
_namespace.attach(globals(), '', _register.make_function)
from . import contrib, linalg, image, sparse, random, op, _internal  # noqa: E402,F401


_registry.install_methods(Symbol, globals())
Symbol.split_v2 = split_v2  # a Python function in MXNet too
