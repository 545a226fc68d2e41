"""``mx.nd.contrib``: the operators registered as ``_contrib_<name>``, under ``<name>``, and MXNet's Python
helpers ``isinf``, ``isfinite``, ``isnan`` (1 where true, 0 elsewhere, in the input's dtype)."""
from .._op import namespace as _namespace
from .register import make_function as _make_function


def isinf(data):
    """1 where ``data`` is +inf or -inf, else 0."""
    return data.abs() == float('inf')


def isfinite(data):
    """1 where ``data`` is neither infinite nor NaN, else 0."""
    return (data.abs() != float('inf')) * (data == data)


def isnan(data):
    """1 where ``data`` is NaN, else 0."""
    return data != data


_namespace.attach(globals(), _namespace.SUBMODULES['contrib'], _make_function)
