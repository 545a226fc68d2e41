"""``mx.sym.random``: the ``_random_<name>`` operators under ``<name>``."""
from .._op import namespace as _namespace
from .register import make_function as _make_function

_namespace.attach(globals(), _namespace.SUBMODULES['random'], _make_function)
