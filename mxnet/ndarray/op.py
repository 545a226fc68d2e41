"""``op``: every registered operator under its full name (MXNet's generated op module)."""
from .._op import namespace as _namespace
from .register import make_function as _make_function

_namespace.attach(globals(), '', _make_function)
