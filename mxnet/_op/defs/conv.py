"""Convolution, Deconvolution and Pooling over 1-D, 2-D and 3-D data (NCW/NCHW/NCDHW, or channels-last
layouts, which are transposed to channels-first around the torch kernels)."""
import math

import torch
import torch.nn.functional as F

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Int, Bool, Enum, Shape
from .nn import fmt, check_inputs, register_weighted, one_visible

_LAYOUTS = ('NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC')
_CUDNN_TUNE = ('fastest', 'limited_workspace', 'off')


def _per_dim(v, n, fill):
    return tuple(v) if len(v) else (fill,) * n


def _channels_last(p):
    return p.layout is not None and p.layout.endswith('C')


def _check_rank(op, p, d, n):
    if len(d) != n + 2:
        raise MXNetError('%s: a %d-D kernel needs %d-D data, got data of shape %s' % (op, n, n + 2, fmt(d)))


def _to_cf(p, x):
    return x.movedim(-1, 1) if _channels_last(p) else x


def _from_cf(p, x):
    return x.movedim(1, -1) if _channels_last(p) else x


def _weight_shape(p, lead, per_group):
    if _channels_last(p):
        return (lead,) + tuple(p.kernel) + (per_group,)
    return (lead, per_group) + tuple(p.kernel)


def _geometry(p):
    n = len(p.kernel)
    return _per_dim(p.stride, n, 1), _per_dim(p.dilate, n, 1), _per_dim(p.pad, n, 0)


def _conv_params(workspace, no_bias, deconv=False):
    """MXNet's parameters, in its order (Deconvolution adds adj and target_shape after pad)."""
    params = {'kernel': Shape(low=1), 'stride': Shape((), low=1), 'dilate': Shape((), low=1), 'pad': Shape((), low=0)}
    if deconv:
        params.update({'adj': Shape(()), 'target_shape': Shape(())})
    params.update({'num_filter': Int(low=0), 'num_group': Int(1, low=1), 'workspace': Int(workspace, low=0),
                   'no_bias': Bool(no_bias), 'cudnn_tune': Enum(_CUDNN_TUNE, None), 'cudnn_off': Bool(False),
                   'layout': Enum(_LAYOUTS, None)})
    return params


def _bias_inputs(p):
    return ('data', 'weight') if p.no_bias else ('data', 'weight', 'bias')


# ---- Convolution --------------------------------------------------------------------------------------
def _conv_shapes(p, d):
    _check_rank('Convolution', p, d, len(p.kernel))
    c = d[-1] if _channels_last(p) else d[1]
    if c % p.num_group or p.num_filter % p.num_group:
        raise MXNetError('Convolution: num_group=%d must divide the %d input channels and num_filter=%d'
                         % (p.num_group, c, p.num_filter))
    return {'weight': _weight_shape(p, p.num_filter, c // p.num_group), 'bias': (p.num_filter,)}


def _conv(p, data, weight, bias=None):
    check_inputs('Convolution', _conv_shapes(p, tuple(data.shape)), weight=weight, bias=bias)
    stride, dilate, pad = _geometry(p)
    fn = (F.conv1d, F.conv2d, F.conv3d)[len(p.kernel) - 1]
    out = fn(_to_cf(p, data), _to_cf(p, weight), bias, stride, pad, dilate, p.num_group)
    return _from_cf(p, out)


def _conv_out(p, shapes):
    """Output shape by MXNet's rule: (size + 2*pad - dilate*(kernel-1) - 1) // stride + 1 per spatial axis."""
    d = shapes[0]
    stride, dilate, pad = _geometry(p)
    spatial = d[1:-1] if _channels_last(p) else d[2:]
    out = []
    for x, k, s, dl, pd in zip(spatial, p.kernel, stride, dilate, pad):
        span = dl * (k - 1) + 1
        if x + 2 * pd < span:
            raise MXNetError('Convolution: kernel size %s (dilate %s) exceeds the padded input of shape %s'
                             % (fmt(p.kernel), fmt(dilate), fmt(d)))
        out.append((x + 2 * pd - span) // s + 1)
    out = tuple(out)
    return [(d[0],) + (out + (p.num_filter,) if _channels_last(p) else (p.num_filter,) + out)]


register_weighted('Convolution', _conv, _conv_shapes, out_shapes=_conv_out, inputs=_bias_inputs,
                  params=_conv_params(1024, False),
                  doc='Cross-correlation of ``data`` with ``num_filter`` kernels of shape ``kernel`` '
                      '(grouped by ``num_group``) plus bias; weight is (num_filter, C/num_group, *kernel).')


# ---- Deconvolution ------------------------------------------------------------------------------------
def _deconv_pad_adj(p, spatial):
    """(pad, adj) per spatial axis; a ``target_shape`` overrides both as MXNet computes them."""
    stride, dilate, pad = _geometry(p)
    n = len(p.kernel)
    adj = _per_dim(p.adj, n, 0)
    if not (p.target_shape and any(p.target_shape)):
        return pad, adj
    pads, adjs = [], []
    for i in range(n):
        total = stride[i] * (spatial[i] - 1) + dilate[i] * (p.kernel[i] - 1) + 1 - p.target_shape[i]
        adjs.append(total % 2)
        pads.append((total + 1) // 2)
    return tuple(pads), tuple(adjs)


def _deconv_shapes(p, d):
    _check_rank('Deconvolution', p, d, len(p.kernel))
    c = d[-1] if _channels_last(p) else d[1]
    if c % p.num_group or p.num_filter % p.num_group:
        raise MXNetError('Deconvolution: num_group=%d must divide the %d input channels and num_filter=%d'
                         % (p.num_group, c, p.num_filter))
    return {'weight': _weight_shape(p, c, p.num_filter // p.num_group), 'bias': (p.num_filter,)}


def _deconv(p, data, weight, bias=None):
    check_inputs('Deconvolution', _deconv_shapes(p, tuple(data.shape)), weight=weight, bias=bias)
    stride, dilate, _ = _geometry(p)
    x = _to_cf(p, data)
    pad, adj = _deconv_pad_adj(p, tuple(x.shape[2:]))
    for a, s, dl in zip(adj, stride, dilate):
        if a >= max(s, dl):
            raise MXNetError('Deconvolution: adj %s must be smaller than stride %s' % (fmt(adj), fmt(stride)))
    fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[len(p.kernel) - 1]
    out = fn(x, _to_cf(p, weight), bias, stride, pad, adj, p.num_group, dilate)
    return _from_cf(p, out)


register_weighted('Deconvolution', _deconv, _deconv_shapes, inputs=_bias_inputs,
                  params=_conv_params(512, True, deconv=True),
                  doc='Transposed convolution (the gradient of Convolution); weight is '
                      '(C, num_filter/num_group, *kernel). ``target_shape`` sets pad and adj so the output has '
                      'that spatial shape.')


# ---- Pooling ------------------------------------------------------------------------------------------
def _pool_plan(p, spatial):
    """(kernel, stride, left pad, right pad, output size, pad counted by count_include_pad) per axis."""
    n = len(spatial)
    if p.global_pool:
        return tuple(spatial), (1,) * n, (0,) * n, (0,) * n, (1,) * n, (0,) * n
    if len(p.kernel) != n:
        raise MXNetError('Pooling: kernel %s does not match %d-D data' % (fmt(p.kernel), n + 2))
    kernel = tuple(p.kernel)
    stride = _per_dim(p.stride, n, 1)
    pad = _per_dim(p.pad, n, 0)
    left, right, out, counted = [], [], [], []
    for x, k, s, pd in zip(spatial, kernel, stride, pad):
        if p.pooling_convention == 'same':
            if pd:
                raise MXNetError('Pooling: the same pooling convention disables the use of pad (pad=%s)'
                                 % fmt(pad))
            o = -(-x // s)
            total = max((o - 1) * s + k - x, 0)
            lp, rp, cnt = total // 2, total - total // 2, total - total // 2
        else:
            if x + 2 * pd < k:
                raise MXNetError('Pooling: kernel %s is larger than the padded input %s'
                                 % (fmt(kernel), fmt(spatial)))
            span = x + 2 * pd - k
            o = (span // s if p.pooling_convention == 'valid' else -(-span // s)) + 1
            lp, rp, cnt = pd, max(pd, (o - 1) * s + k - x - pd), pd
        left.append(lp)
        right.append(rp)
        out.append(o)
        counted.append(cnt)
    return kernel, stride, tuple(left), tuple(right), tuple(out), tuple(counted)


def _pad_spatial(x, left, right, value):
    widths = []
    for lp, rp in zip(reversed(left), reversed(right)):
        widths += [lp, rp]
    return F.pad(x, widths, value=value) if any(widths) else x


def _sum_pool(x, kernel, stride):
    fn = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[len(kernel) - 1]
    return fn(x, kernel, stride) * math.prod(kernel)


def _has_workspace(p):
    # MXNet's oneDNN build gives max pooling a hidden workspace output, which counts in its symbol JSON
    return (p.pool_type == 'max' and 1 <= len(p.kernel) <= 3
            and (p.layout is None or p.layout.startswith('NC')))


def _pooling(p, data):
    out = _pool(p, data)
    return (out, out.detach()) if _has_workspace(p) else out


def _pool(p, data):
    if data.dim() not in (3, 4, 5):
        raise MXNetError('Pooling: data must be 3-D, 4-D or 5-D, got shape %s' % fmt(data.shape))
    x = _to_cf(p, data)
    spatial = tuple(x.shape[2:])
    kernel, stride, left, right, out, counted = _pool_plan(p, spatial)
    crop = (slice(None), slice(None)) + tuple(slice(0, o) for o in out)
    if p.pool_type == 'max':
        low = torch.finfo(x.dtype).min if x.dtype.is_floating_point else torch.iinfo(x.dtype).min
        fn = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[len(kernel) - 1]
        res = fn(_pad_spatial(x, left, right, low), kernel, stride)
        # a crop that keeps everything would still cost a slice (and its backward) per call
        return _from_cf(p, res if tuple(res.shape[2:]) == out else res[crop])
    if p.pool_type == 'lp':
        pv = p.p_value if p.p_value is not None else 2
        s = _sum_pool(_pad_spatial(x ** pv, left, right, 0), kernel, stride)[crop]
        res = s if pv == 1 else torch.sign(s) * s.abs() ** (1.0 / pv)
        return _from_cf(p, res)
    s = _sum_pool(_pad_spatial(x, left, right, 0), kernel, stride)[crop]
    if p.pool_type == 'sum':
        return _from_cf(p, s)
    include = p.count_include_pad is None or p.count_include_pad
    ones = torch.ones((1, 1) + spatial, dtype=x.dtype, device=x.device)
    if include:  # the declared padding counts, the extra right padding of 'full' does not
        ones = _pad_spatial(ones, left, counted, 1)
        ones = _pad_spatial(ones, (0,) * len(left), tuple(r - c for r, c in zip(right, counted)), 0)
    else:
        ones = _pad_spatial(ones, left, right, 0)
    return _from_cf(p, s / _sum_pool(ones, kernel, stride)[crop])


def _pooling_shapes(p, shapes):
    """Pooling's shape rule (no compute on shape-only tensors): the output size per axis of ``_pool_plan``."""
    d = shapes[0]
    n_out = 2 if _has_workspace(p) else 1
    if d is None:
        return list(shapes), [None] * n_out, []
    d = tuple(d)
    if len(d) not in (3, 4, 5):
        raise MXNetError('Pooling: data must be 3-D, 4-D or 5-D, got shape %s' % fmt(d))
    last = _channels_last(p)
    cf = (d[0], d[-1]) + d[1:-1] if last else d
    o = cf[:2] + _pool_plan(p, cf[2:])[4]
    if last:
        o = (o[0],) + o[2:] + (o[1],)
    return [d], [o] * n_out, []


register(OpDef('Pooling', _pooling, num_visible=one_visible, infer_shape=_pooling_shapes,
               outputs=lambda p: ('output', 'workspace') if _has_workspace(p) else ('output',), params={
    'kernel': Shape(()), 'pool_type': Enum(('avg', 'lp', 'max', 'sum'), 'max'), 'global_pool': Bool(False),
    'cudnn_off': Bool(False), 'pooling_convention': Enum(('full', 'same', 'valid'), 'valid'),
    'stride': Shape((), low=1), 'pad': Shape((), low=0), 'p_value': Int(None, low=1), 'count_include_pad': Bool(None),
    'layout': Enum(_LAYOUTS + ('NWC',), None)},
    doc='Max, average, sum or Lp pooling over the spatial axes; ``global_pool`` pools each whole map. The '
        'output size is floor (valid) or ceil (full) of (x + 2*pad - kernel)/stride, plus one.'))
