"""``mx.sym.image``: the operators registered as ``_image_<name>``, under ``<name>``."""
from .._op import namespace as _namespace
from .register import make_function as _make_function

_namespace.attach(globals(), _namespace.SUBMODULES['image'], _make_function)
