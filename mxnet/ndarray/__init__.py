"""``mx.nd``: NDArray and the imperative operator functions generated from the registry."""
from .. import _op  # noqa: F401  (registers every operator)
from .._op import registry as _registry
from .ndarray import NDArray, wrap
from . import arith as _arith
from .arith import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
from .shape_utils import *  # noqa: F401,F403
from .serialization import save, load, load_frombuffer  # noqa: F401
from .register import generate as _generate
from . import register as _register
from . import random  # noqa: F401

_arith.install()
_generate(globals())


_registry.install_methods(NDArray, globals())

from .. import autograd as _autograd  # noqa: E402
_autograd.install()
