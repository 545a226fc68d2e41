"""``mx.nd.contrib``: the operators registered as ``_contrib_<name>``, under ``<name>``."""
from .._op import namespace as _namespace
from .register import make_function as _make_function

_namespace.attach(globals(), _namespace.SUBMODULES['contrib'], _make_function)
