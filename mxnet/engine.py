"""``mx.engine``: the execution engine's knobs.

MXNet groups consecutive operators into bulks to cut scheduling cost; torch runs eagerly, so the bulk size is
kept (and returned, as MXNet does) but changes no result.
"""
import contextlib

__all__ = ['set_bulk_size', 'bulk']

_bulk_size = [15]  # MXNet's default MXNET_EXEC_BULK_EXEC_MAX_NODE_TRAIN


def set_bulk_size(size):
    """Set the maximum number of operators per bulk; returns the previous value."""
    prev = _bulk_size[0]
    _bulk_size[0] = int(size)
    return prev


@contextlib.contextmanager
def bulk(size):
    """``with mx.engine.bulk(size):`` -- bulk up to ``size`` operators inside the block."""
    prev = set_bulk_size(size)
    try:
        yield
    finally:
        set_bulk_size(prev)
