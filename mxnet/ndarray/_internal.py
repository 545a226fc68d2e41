"""``_internal``: every registered operator under its full name (MXNet keeps the ``_``-prefixed ones here)."""
from .._op import namespace as _namespace
from .register import make_function as _make_function

_namespace.attach(globals(), '', _make_function)
