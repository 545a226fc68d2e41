"""Attention helpers of MXNet's contrib transformer ops: ``_contrib_div_sqrt_dim``."""
import math

from ..registry import OpDef, register, same_shape


def _div_sqrt_dim(p, data):
    return data / math.sqrt(data.shape[-1])


register(OpDef('_contrib_div_sqrt_dim', _div_sqrt_dim, infer_shape=same_shape(),
               doc='data / sqrt(data.shape[-1]), the scaling of dot-product attention.'))
