"""``mx.gluon.contrib``: experimental Gluon blocks (recurrent cells for now)."""
from . import rnn  # noqa: F401
