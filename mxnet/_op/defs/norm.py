"""Normalisation layers: BatchNorm, InstanceNorm, LayerNorm, GroupNorm, L2Normalization and LRN.

Variances are the biased (population) ones, as MXNet computes them.
"""
import torch
import torch.nn.functional as F

from ...base import MXNetError
from ..params import Int, Float, Bool, Enum, Str
from ..registry import OpDef, register
from .nn import fmt, check_inputs, register_weighted, channel_view, one_visible


def _moments(x, dims):
    var, mean = torch.var_mean(x, dims, correction=0, keepdim=True)
    return mean, var


# ---- BatchNorm ----------------------------------------------------------------------------------------
def _bn_axis(p, ndim):
    axis = getattr(p, 'axis', 1)  # BatchNorm_v1 and SyncBatchNorm normalise along axis 1
    if not -ndim <= axis < ndim:
        raise MXNetError('BatchNorm: axis %d is out of range for %d-D data' % (axis, ndim))
    return axis % ndim


def _bn_shapes(p, d):
    c = (d[_bn_axis(p, len(d))],)
    return {'gamma': c, 'beta': c, 'moving_mean': c, 'moving_var': c}


def _bn_out(p, shapes):
    """(output, mean, var): the data's shape, then the channel count twice."""
    d = tuple(shapes[0])
    c = (d[_bn_axis(p, len(d))],)
    return [d, c, c]


def _batchnorm(p, data, gamma, beta, moving_mean, moving_var, is_train=False):
    check_inputs('BatchNorm', _bn_shapes(p, tuple(data.shape)), gamma=gamma, beta=beta, moving_mean=moving_mean,
                 moving_var=moving_var)
    axis = _bn_axis(p, data.dim())
    x = data.to(gamma.dtype)
    if p.fix_gamma:
        if not gamma.is_meta and (gamma.is_leaf or not gamma.requires_grad):
            with torch.no_grad():  # MXNet writes the 1s into gamma itself
                gamma.fill_(1)
        gamma = torch.ones_like(gamma)
    if axis != 1:
        x = x.movedim(axis, 1)
    if is_train and not p.use_global_stats:
        # torch's fused kernel (and its backward); the running averages are MXNet's, with the biased variance
        out, mean, invstd = torch.native_batch_norm(x, gamma, beta, None, None, True, 0.0, p.eps)
        if not x.is_meta:
            with torch.no_grad():  # the executor calls forward once per step
                var = invstd.detach().pow(-2).sub_(p.eps)
                moving_mean.mul_(p.momentum).add_(mean.detach() * (1 - p.momentum))
                moving_var.mul_(p.momentum).add_(var * (1 - p.momentum))
    else:
        mean = moving_mean * 1
        invstd = torch.rsqrt(moving_var + p.eps)
        shape = [1, -1] + [1] * (x.dim() - 2)
        out = torch.addcmul(beta.view(shape), x - mean.view(shape), (invstd * gamma).view(shape))
    if axis != 1:
        out = out.movedim(1, axis)
    return out.to(data.dtype), mean, invstd


def _param_type(t):
    return 'float32' if t == 'float16' else t


def _bn_type(p, in_types):
    t = in_types[0]
    if t is None:
        return in_types, [None] * 3, [None] * 2
    pt = _param_type(t)
    for i, u in enumerate(in_types[1:], 1):
        if u is not None and u != pt:
            raise MXNetError('BatchNorm: input %d has dtype %s, expected %s' % (i, u, pt))
    return [t] + [pt] * 4, [t, pt, pt], [pt, pt]


register_weighted(
    'BatchNorm', _batchnorm, _bn_shapes, inputs=('data', 'gamma', 'beta'), aux=('moving_mean', 'moving_var'),
    outputs=('output', 'mean', 'var'), num_visible=lambda p: 3 if p.output_mean_var else 1, train_aware=True,
    same_dtype=False, infer_type=_bn_type, out_shapes=_bn_out,
    var_attrs={'moving_mean': {'__init__': '["zero", {}]'}, 'moving_var': {'__init__': '["one", {}]'}},
    params={'eps': Float(1e-3), 'momentum': Float(0.9), 'fix_gamma': Bool(True), 'use_global_stats': Bool(False),
            'output_mean_var': Bool(False), 'axis': Int(1), 'cudnn_off': Bool(False),
            'min_calib_range': Float(None), 'max_calib_range': Float(None)},
    doc='Batch normalisation along channel ``axis``. Training (unless use_global_stats) uses the batch mean '
        'and variance and updates moving_mean/moving_var in place (m = m*momentum + batch*(1-momentum)); '
        'otherwise the moving statistics are used. fix_gamma treats gamma as 1. The hidden outputs are the '
        'mean and the inverse standard deviation used.')


_BN_V1_PARAMS = {'eps': Float(1e-3), 'momentum': Float(0.9), 'fix_gamma': Bool(True),
                 'use_global_stats': Bool(False), 'output_mean_var': Bool(False)}
_BN_AUX_INIT = {'moving_mean': {'__init__': '["zero", {}]'}, 'moving_var': {'__init__': '["one", {}]'}}

register_weighted(
    'BatchNorm_v1', _batchnorm, _bn_shapes, inputs=('data', 'gamma', 'beta'), aux=('moving_mean', 'moving_var'),
    outputs=('output', 'mean', 'var'), num_visible=lambda p: 3 if p.output_mean_var else 1, train_aware=True,
    same_dtype=False, infer_type=_bn_type, out_shapes=_bn_out, var_attrs=_BN_AUX_INIT,
    params=dict(_BN_V1_PARAMS),
    doc='The first BatchNorm: batch normalisation along axis 1, otherwise as BatchNorm.')


def _sync_batchnorm(p, data, gamma, beta, moving_mean, moving_var, is_train=False):
    out, mean, invstd = _batchnorm(p, data, gamma, beta, moving_mean, moving_var, is_train=is_train)
    return out, mean, invstd.pow(-2) - p.eps


register_weighted(
    '_contrib_SyncBatchNorm', _sync_batchnorm, _bn_shapes, inputs=('data', 'gamma', 'beta'),
    aux=('moving_mean', 'moving_var'), outputs=('output', 'mean', 'var'),
    num_visible=lambda p: 3 if p.output_mean_var else 1, train_aware=True, same_dtype=False, infer_type=_bn_type,
    out_shapes=_bn_out,
    var_attrs=_BN_AUX_INIT,
    params=dict(_BN_V1_PARAMS, ndev=Int(1, doc='The count of GPU devices'),
                key=Str(doc='Hash key for synchronization, please set the same hash key for same layer')),
    doc='Batch normalisation along axis 1 whose statistics MXNet shares across the ``ndev`` devices of one '
        '``key``; on one device it is BatchNorm. The hidden outputs are the batch mean and variance.')


# ---- InstanceNorm, LayerNorm, GroupNorm ---------------------------------------------------------------
def _channel_shapes(p, d):
    return {'gamma': (d[1],), 'beta': (d[1],)}


def _instancenorm(p, data, gamma, beta):
    check_inputs('InstanceNorm', _channel_shapes(p, tuple(data.shape)), gamma=gamma, beta=beta)
    mean, var = _moments(data, list(range(2, data.dim())))
    out = (data - mean) * torch.rsqrt(var + p.eps)
    out = out * channel_view(gamma, data.dim()) + channel_view(beta, data.dim())
    return out, mean.reshape(data.shape[:2]), var.reshape(data.shape[:2])


register_weighted('InstanceNorm', _instancenorm, _channel_shapes, inputs=('data', 'gamma', 'beta'),
                  outputs=('output', 'mean', 'var'), num_visible=one_visible,
                  params={'eps': Float(1e-3)},
                  doc='Normalises each (sample, channel) over the spatial axes, then scales by gamma and '
                      'shifts by beta per channel.')


def _ln_axis(p, ndim):
    if not -ndim <= p.axis < ndim:
        raise MXNetError('LayerNorm: axis %d is out of range for %d-D data' % (p.axis, ndim))
    return p.axis % ndim


def _ln_shapes(p, d):
    c = (d[_ln_axis(p, len(d))],)
    return {'gamma': c, 'beta': c}


def _layernorm(p, data, gamma, beta):
    check_inputs('LayerNorm', _ln_shapes(p, tuple(data.shape)), gamma=gamma, beta=beta)
    axis = _ln_axis(p, data.dim())
    mean, var = _moments(data, [axis])
    std = torch.sqrt(var + p.eps)
    out = (data - mean) / std * channel_view(gamma, data.dim(), axis) + channel_view(beta, data.dim(), axis)
    return out, mean, std


register_weighted('LayerNorm', _layernorm, _ln_shapes, inputs=('data', 'gamma', 'beta'),
                  outputs=('output', 'mean', 'std'), num_visible=lambda p: 3 if p.output_mean_var else 1,
                  params={'axis': Int(-1), 'eps': Float(1e-5), 'output_mean_var': Bool(False)},
                  doc='Normalises along ``axis`` then scales by gamma and shifts by beta; the hidden outputs '
                      'are the mean and sqrt(var + eps), with ``axis`` kept as size 1.')


def _gn_shapes(p, d):
    return {'gamma': (p.num_groups,), 'beta': (p.num_groups,)}


def _groupnorm(p, data, gamma, beta):
    check_inputs('GroupNorm', _gn_shapes(p, tuple(data.shape)), gamma=gamma, beta=beta)
    n, c = data.shape[0], data.shape[1]
    g = p.num_groups
    if c % g:
        raise MXNetError('GroupNorm: num_groups=%d must divide the %d channels of data %s' % (g, c, fmt(data.shape)))
    x = data.reshape((n, g, -1))
    mean, var = _moments(x, [2])
    std = torch.sqrt(var + p.eps)
    y = ((x - mean) / std).reshape((n, g, -1))
    y = (y * gamma.reshape(1, g, 1) + beta.reshape(1, g, 1)).reshape(data.shape)
    return y, mean.reshape(n, g), std.reshape(n, g)


register_weighted('GroupNorm', _groupnorm, _gn_shapes, inputs=('data', 'gamma', 'beta'),
                  outputs=('output', 'mean', 'std'), num_visible=lambda p: 3 if p.output_mean_var else 1,
                  params={'num_groups': Int(1, low=1), 'eps': Float(1e-5), 'output_mean_var': Bool(False)},
                  doc='Normalises each group of channels of each sample; gamma and beta have one entry per '
                      'group (MXNet 1.x).')


# ---- L2Normalization and LRN --------------------------------------------------------------------------
def _l2norm(p, data):
    if p.mode == 'instance':
        dims = list(range(1, data.dim()))
    elif p.mode == 'channel':
        dims = [1]
    else:
        dims = list(range(2, data.dim()))
    if not dims:
        raise MXNetError('L2Normalization: mode %s needs more dimensions than data %s' % (p.mode, fmt(data.shape)))
    norm = torch.sqrt((data * data).sum(dims, keepdim=True) + p.eps)
    return data / norm, norm.squeeze(dims)


register(OpDef('L2Normalization', _l2norm, outputs=('output', 'norm'), num_visible=one_visible,
               params={'eps': Float(1e-10), 'mode': Enum(('channel', 'instance', 'spatial'), 'instance')},
               doc='x / sqrt(sum(x^2) + eps), summed over all but axis 0 (instance), over axis 1 (channel) or '
                   'over the spatial axes (spatial).'))


def _lrn(p, data):
    out = F.local_response_norm(data, p.nsize, alpha=p.alpha, beta=p.beta, k=p.knorm)
    return out, out.detach()


register(OpDef('LRN', _lrn, outputs=('output', 'tmp_norm'), num_visible=one_visible,
               params={'alpha': Float(1e-4), 'beta': Float(0.75), 'knorm': Float(2.0), 'nsize': Int(low=1)},
               doc='Local response normalisation across channels: '
                   'x / (knorm + alpha/nsize * sum of x^2 over nsize neighbouring channels)^beta.'))

