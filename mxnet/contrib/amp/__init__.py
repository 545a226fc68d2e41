"""``mx.contrib.amp``: automatic mixed precision."""
from .amp import *  # noqa: F401,F403
from . import amp  # noqa: F401
