"""``mx.gluon.contrib.rnn``: extra recurrent cells (LSTMPCell, VariationalDropoutCell)."""
from .rnn_cell import *  # noqa: F401,F403
