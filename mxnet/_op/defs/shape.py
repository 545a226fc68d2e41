"""Shape operators (to be completed)."""
from ...base import MXNetError


def infer_reshape(shape, target, reverse=False):
    """Output shape of MXNet's reshape of ``shape`` to ``target`` with the special codes 0, -1, -2, -3, -4."""
    # placeholder: plain -1 only; the full rules are in the shape operator module.
    import numpy as np
    size = int(np.prod(shape))
    t = list(target)
    if -1 in t:
        known = int(np.prod([d for d in t if d != -1]))
        t[t.index(-1)] = size // known if known else 0
    if int(np.prod(t)) != size:
        raise MXNetError('Reshape: target shape %s is incompatible with input shape %s' % (tuple(target), shape))
    return tuple(t)
