"""``mx.library``: loading MXNet extension libraries.

Extension libraries are native code compiled against MXNet's C ABI; this implementation has no such ABI, so
``load`` reports that clearly instead of failing later in an unrelated place.
"""
import os

from .base import MXNetError

__all__ = ['load']


def load(path, verbose=True):
    """Load an MXNet extension library (``lib*.so``) -- not possible on the torch engine: raises MXNetError."""
    if not os.path.exists(path):
        raise MXNetError('load path %s does NOT exist' % path)
    if not os.path.isfile(path):
        raise MXNetError('load path %s is NOT a library file' % path)
    raise MXNetError('library.load(%r): MXNet extension libraries are native code built against MXNet\'s C '
                     'API and cannot be loaded on this PyTorch-based implementation; register custom '
                     'operators with mx.operator.CustomOp instead' % path)
