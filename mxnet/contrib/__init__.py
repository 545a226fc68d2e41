"""``mx.contrib``: experimental APIs (``mx.contrib.nd`` / ``mx.contrib.sym`` are ``mx.nd.contrib`` / ``mx.sym.contrib``)."""
from ..ndarray import contrib as ndarray  # noqa: F401
from ..ndarray import contrib as nd  # noqa: F401
from ..symbol import contrib as symbol  # noqa: F401
from ..symbol import contrib as sym  # noqa: F401
from . import amp  # noqa: F401
