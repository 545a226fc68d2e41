"""Operator definitions, one module per family; importing this registers them all."""
from . import binary, elemwise, reduce, shape, indexing, linalg, sort, init, random, nn, conv, norm, loss, rnn, vision  # noqa: F401,E501
