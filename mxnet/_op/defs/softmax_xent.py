"""``softmax_cross_entropy``: the summed cross entropy of softmax(data) against integer labels, shape (1,).

MXNet 1.x contract: data is (batch, classes), label (batch,) holds class indices (in data's dtype); the
result is sum_i -log(softmax(data_i)[label_i]). The gradient is softmax(data) - one_hot(label) for data and
zero for label.
"""
import torch

from ...base import MXNetError
from ..registry import OpDef, register
from .reduce import fmt_shape


def _softmax_cross_entropy(p, data, label):
    if data.dim() != 2 or label.dim() != 1 or label.shape[0] != data.shape[0]:
        raise MXNetError('softmax_cross_entropy: data must be (batch, classes) and label (batch,), got %s and %s'
                         % (fmt_shape(data.shape), fmt_shape(label.shape)))
    logp = torch.log_softmax(data, dim=-1)
    idx = label.detach().to(torch.int64).clamp(0, data.shape[1] - 1).unsqueeze(1)
    return (-logp.gather(1, idx)).sum().reshape(1)


register(OpDef('softmax_cross_entropy', _softmax_cross_entropy, inputs=('data', 'label'),
               infer_shape=lambda p, s: (s, [(1,)], []),
               doc='Sum over the batch of -log(softmax(data)[label]).'))
