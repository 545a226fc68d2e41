"""``_contrib_index_copy``: rows of a tensor replaced by the rows of another at given indices.

MXNet contract: ``out = old.copy(); out[index[i]] = new[i]`` along axis 0; ``new`` has shape
``(len(index),) + old.shape[1:]``; the gradient of ``old`` is zero in the replaced rows, that of ``new`` the
output gradient's replaced rows.
"""
import torch

from ...base import MXNetError
from ..registry import OpDef, register


def _index_copy(p, old, index, new):
    if index.dim() != 1 or new.dim() != old.dim() or tuple(new.shape) != (index.shape[0],) + tuple(old.shape[1:]):
        raise MXNetError('index_copy: new_tensor must have shape (len(index),) + old_tensor.shape[1:], got '
                         'old %s, index %s, new %s' % (tuple(old.shape), tuple(index.shape), tuple(new.shape)))
    return torch.index_copy(old, 0, index.long(), new.to(old.dtype))


register(OpDef('_contrib_index_copy', _index_copy, inputs=('old_tensor', 'index_vector', 'new_tensor'),
               same_dtype=False, infer_shape=lambda p, s: (s, [s[0]], []),
               infer_type=lambda p, t: (t, [t[0]], []),
               doc='A copy of old_tensor whose rows index_vector[i] are new_tensor[i].'))
