"""``mx.nd``: NDArray and the imperative operator functions generated from the registry."""
from .. import _op  # noqa: F401  (registers every operator)
from .._op import registry as _registry
from .._op import namespace as _namespace
from .ndarray import NDArray, wrap
from .arith import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
from .shape_utils import *  # noqa: F401,F403
from .stats import *  # noqa: F401,F403
from .serialization import save, load, load_frombuffer  # noqa: F401
from .cached_op import CachedOp  # noqa: F401
from . import register as _register
from . import random  # noqa: F401

_namespace.attach(globals(), '', _register.make_function)
from . import contrib, linalg, image, sparse, random, op, _internal  # noqa: E402,F401


_registry.install_methods(NDArray, globals())
NDArray.split_v2 = split_v2  # noqa: F405  (a Python function in MXNet too)
