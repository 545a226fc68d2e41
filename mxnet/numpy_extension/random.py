"""``mx.npx.random``: the seed of the random samplers, and MXNet's extra samplers."""
from ..numpy.random import seed  # noqa: F401
from ..numpy.random import *  # noqa: F401,F403
