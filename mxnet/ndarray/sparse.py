"""``mx.nd.sparse``: the operators registered as ``_sparse_<name>``, under ``<name>``."""
from .._op import namespace as _namespace
from .register import make_function as _make_function

_namespace.attach(globals(), _namespace.SUBMODULES['sparse'], _make_function)
