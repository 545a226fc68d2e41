"""Neural-network layers: FullyConnected, Activation, LeakyReLU, Dropout, the softmax family, UpSampling, Crop
and the Sequence* operators; plus the shape-checking helpers the other nn families share.

Operators with weights fill in their unknown weight shapes from ``data`` (as MXNet's shape inference does) and
reject a weight of the wrong shape with MXNet's "Shape inconsistent" message naming the op and argument.
"""
import math

import torch
import torch.nn.functional as F

from ...base import MXNetError
from ... import _dtype
from ..registry import OpDef, register, same_shape, unnamed_inputs
from ..params import Int, Float, Bool, Enum, Shape, DType

__all__ = ['fmt', 'expect', 'register_weighted', 'channel_view', 'one_visible']


def fmt(shape):
    return '[' + ','.join(str(int(d)) for d in shape) + ']'


def expect(op, arg, got, want):
    """MXNetError unless shape ``got`` of input ``arg`` equals the shape ``want`` inferred from data."""
    if want is not None and tuple(got) != tuple(want):
        raise MXNetError('%s: Shape inconsistent for argument %s, Provided = %s, inferred shape=%s'
                         % (op, arg, fmt(got), fmt(want)))


def check_inputs(op, want, **tensors):
    """Check each given tensor (None: absent) against ``want[name]``."""
    for n, t in tensors.items():
        if t is not None:
            expect(op, n, t.shape, want.get(n))


def register_weighted(name, compute, expected, out_shapes=None, **kw):
    """Register an op whose shape inference fills in every input after ``data`` from ``expected(p, dshape)``
    (``{input name: shape}``, or a list of accepted shapes, the first one inferred), checks the provided ones, then gives the output shapes by ``out_shapes(p,
    in_shapes)`` or, without it, by running the compute on meta tensors."""
    op = OpDef(name, compute, **kw)

    def infer(p, shapes):
        names = op.input_names(p) + op.aux_names(p)
        n_aux, n_out = len(op.aux_names(p)), len(op.output_names(p))
        shapes = [None if s is None else tuple(s) for s in shapes]
        if shapes and shapes[0] is not None:
            want = expected(p, shapes[0])
            for i, n in enumerate(names[1:], 1):
                w = want.get(n)
                if w is None:
                    continue
                if isinstance(w, list):  # accepted layouts, the first one inferred
                    if shapes[i] is None or shapes[i] not in [tuple(a) for a in w]:
                        w = w[0]
                    else:
                        continue
                if shapes[i] is None:
                    shapes[i] = tuple(w)
                else:
                    expect(name, n, shapes[i], w)
        aux = shapes[len(shapes) - n_aux:] if n_aux else []
        if any(s is None for s in shapes):
            return shapes, [None] * n_out, aux
        if out_shapes is not None:
            return shapes, out_shapes(p, shapes), aux
        outs = op.run_meta(p, shapes)
        return shapes, [tuple(o.shape) for o in outs], aux

    op._infer_shape = infer
    return register(op)


def one_visible(p):
    """num_visible rule of ops whose extra outputs are internal (MXNet's workspaces, masks, norms)."""
    return 1


def channel_view(v, ndim, axis=1):
    """Reshape a per-channel vector so it broadcasts along ``axis`` of an ``ndim``-d array."""
    shape = [1] * ndim
    shape[axis] = -1
    return v.reshape(shape)


# ---- FullyConnected -----------------------------------------------------------------------------------
def _fc_shapes(p, d):
    k = int(math.prod(d[1:])) if p.flatten else d[-1]
    return {'weight': (p.num_hidden, k), 'bias': (p.num_hidden,)}


def _fc(p, data, weight, bias=None):
    x = data.reshape(data.shape[0], -1) if p.flatten and data.dim() != 2 else data
    n = p.num_hidden
    # cheap test first: this runs once per layer per batch
    if weight.shape != (n, x.shape[-1]) or (bias is not None and bias.shape != (n,)):
        check_inputs('FullyConnected', _fc_shapes(p, tuple(data.shape)), weight=weight, bias=bias)
    return F.linear(x, weight, bias)


register_weighted('FullyConnected', _fc, _fc_shapes,
                  out_shapes=lambda p, s: [(s[0][0], p.num_hidden) if p.flatten else s[0][:-1] + (p.num_hidden,)],
                  inputs=lambda p: ('data', 'weight') if p.no_bias else ('data', 'weight', 'bias'),
                  params={'num_hidden': Int(low=1), 'no_bias': Bool(False), 'flatten': Bool(True)},
                  doc='``data @ weight.T + bias``; with ``flatten`` the data is first reshaped to '
                      '(batch, -1), otherwise the last axis is transformed.')


# ---- Activation and LeakyReLU -------------------------------------------------------------------------
_ACT = {'relu': torch.relu, 'sigmoid': torch.sigmoid, 'tanh': torch.tanh, 'softrelu': F.softplus,
        'softsign': F.softsign}

register(OpDef('Activation', lambda p, data: _ACT[p.act_type](data), infer_shape=same_shape(), monitor_inputs=unnamed_inputs,
               params={'act_type': Enum(('relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'))},
               doc='Elementwise activation: relu, sigmoid, tanh, softrelu (log(1+exp(x))), softsign '
                   '(x/(1+|x|)).'))


def _leaky(p, data, gamma=None, is_train=False):
    t = p.act_type
    neg = None
    if t == 'leaky':
        neg = data * p.slope
    elif t == 'prelu':
        neg = data * _prelu_gamma(gamma, tuple(data.shape))
    elif t == 'rrelu':
        if is_train and not data.is_meta:
            slope = torch.empty_like(data).uniform_(p.lower_bound, p.upper_bound)
        else:
            slope = torch.full_like(data, (p.lower_bound + p.upper_bound) / 2)
        return torch.where(data > 0, data, data * slope), slope
    elif t == 'elu':
        neg = torch.expm1(data) * p.slope
    elif t == 'selu':
        return F.selu(data)
    else:  # gelu, erf form
        return F.gelu(data)
    return torch.where(data > 0, data, neg)


def _prelu_gamma(gamma, dshape):
    """gamma viewed to broadcast against data: its axes line up, from the right, with data's first two axes
    (per-channel (C,) for (N, C, ...) data; (N, C) gives one slope per sample and channel)."""
    g = tuple(gamma.shape)
    shape, s = [1] * len(dshape), len(g) - 1
    for i in range(min(1, len(dshape) - 1), -1, -1):
        if s >= 0 and (dshape[i] == g[s] or g[s] == 1):
            shape[i] = g[s]
            s -= 1
    if s != -1:
        raise MXNetError('LeakyReLU: cannot broadcast gamma to data. gamma: %s, data: %s'
                         % (fmt(g), fmt(dshape)))
    return gamma.reshape(shape)


def _leaky_infer(p, shapes):
    """Output(s) shaped like data; an unknown prelu gamma is inferred per channel, (data.shape[1],)."""
    shapes = [None if s is None else tuple(s) for s in shapes]
    d = shapes[0]
    n_out = 2 if p.act_type == 'rrelu' else 1
    if d is None:
        return shapes, [None] * n_out, []
    if p.act_type == 'prelu' and shapes[1] is None:
        shapes[1] = (d[1] if len(d) > 1 else 1,)
    return shapes, [d] * n_out, []


register(OpDef('LeakyReLU', _leaky, infer_shape=_leaky_infer, train_aware=True, num_visible=one_visible,
               inputs=lambda p: ('data', 'gamma') if p.act_type == 'prelu' else ('data',),
               var_attrs={'gamma': {'__init__': '["Constant", {"value": 0.25}]'}},
               outputs=lambda p: ('output', 'mask') if p.act_type == 'rrelu' else ('output',),
               params={'act_type': Enum(('elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu'), 'leaky'),
                       'slope': Float(0.25), 'lower_bound': Float(0.125), 'upper_bound': Float(0.334)},
               doc='Leaky rectifiers: leaky (slope*x for x<0), prelu (learned gamma, broadcast along the '
                   'first two data axes: per channel by default), rrelu (random slope in [lower_bound, '
                   'upper_bound] when training, their mean otherwise), elu, selu and gelu.'))


# ---- Dropout ------------------------------------------------------------------------------------------
def _dropout(p, data, is_train=False):
    """(output, mask): the mask is the data-shaped 0 or 1/(1-p) multiplier (hidden output)."""
    if not (is_train or p.mode == 'always') or p.p <= 0 or data.is_meta:
        return data * 1, torch.ones((), dtype=data.dtype, device=data.device).expand(data.shape)
    mshape = list(data.shape)
    for a in p.axes:
        mshape[a] = 1
    if p.p >= 1:  # MXNet's mask is bernoulli(0) * (1/0) = 0 * inf: NaN everywhere
        mask = torch.full(mshape, float('nan'), dtype=data.dtype, device=data.device)
    else:
        keep = 1.0 - p.p
        mask = torch.empty(mshape, dtype=data.dtype, device=data.device).bernoulli_(keep) / keep
    return data * mask, mask.expand(data.shape)


register(OpDef('Dropout', _dropout, train_aware=True, outputs=('output', 'mask'), num_visible=one_visible,
               infer_shape=same_shape(2),
               params={'p': Float(0.5, low=0, high=1), 'mode': Enum(('always', 'training'), 'training'), 'axes': Shape(()),
                       'cudnn_off': Bool(False, optional=True)},
               doc='Zeroes elements with probability ``p`` and scales the rest by 1/(1-p) while training (always '
                   'with mode="always"); identity otherwise. ``axes`` share one mask along those axes.'))


# ---- softmax family -----------------------------------------------------------------------------------
def _softmax_type(p, in_types):
    t = in_types[0]
    if len(in_types) > 1 and in_types[1] is None:
        in_types[1] = 'int32'  # the length input is integral
    return in_types, [p.dtype or t], []


def _length_mask(data, length, axis):
    axis = axis % data.dim()
    pos = torch.arange(data.shape[axis], device=data.device)
    pos = pos.reshape([-1] + [1] * (data.dim() - axis - 1))
    return pos < length.unsqueeze(axis).to(pos.dtype)


def _softmax_family(kind):
    def compute(p, data, length=None):
        x = data.to(_dtype.to_torch(p.dtype)) if p.dtype else data
        if p.temperature is not None and p.temperature != 1.0:
            x = x / p.temperature
        if kind == 'softmin':
            x = -x
        if length is not None:
            if length.dtype.is_floating_point and not length.is_meta:
                raise MXNetError('softmax: the length input must have an integer dtype, got %s'
                                 % str(length.dtype).replace('torch.', ''))
            keep = _length_mask(x, length, p.axis)
            y = torch.softmax(x.masked_fill(~keep, float('-inf')), p.axis)
            return torch.where(keep, y, torch.zeros((), dtype=y.dtype, device=y.device))
        return torch.log_softmax(x, p.axis) if kind == 'log_softmax' else torch.softmax(x, p.axis)
    return compute


def _softmax_params():
    return {'axis': Int(-1), 'temperature': Float(None), 'dtype': DType(None, optional=True),
            'use_length': Bool(False, optional=True)}


register(OpDef('softmax', _softmax_family('softmax'), params=_softmax_params(), method=True, infer_type=_softmax_type,
               inputs=lambda p: ('data', 'length') if p.use_length else ('data',), same_dtype=False,
               doc='exp(x/t) normalised along ``axis``; with ``use_length`` only the first length[i] entries '
                   'take part and the rest are 0.'))
register(OpDef('log_softmax', _softmax_family('log_softmax'), params=_softmax_params(), method=True, infer_shape=same_shape(),
               infer_type=_softmax_type, doc='log of softmax along ``axis``.'))
register(OpDef('softmin', _softmax_family('softmin'), params=_softmax_params(), method=True, infer_type=_softmax_type,
               infer_shape=same_shape(),
               doc='softmax of -x along ``axis``.'))


def _softmax_act(p, data):
    if p.mode == 'channel':
        return torch.softmax(data, 1)
    return torch.softmax(data, -1)  # 'instance' flattens the leading axes, as MXNet's FlatTo2D does


register(OpDef('SoftmaxActivation', _softmax_act, params={'mode': Enum(('channel', 'instance'), 'instance')},
               infer_shape=same_shape(), monitor_inputs=unnamed_inputs,
               doc='softmax over the last axis (instance) or over axis 1 (channel).'))


# ---- UpSampling ---------------------------------------------------------------------------------------
def _bilinear_geometry(scale):
    return 2 * scale - scale % 2, int(math.ceil((scale - 1) / 2.0))


def _upsampling(p, *xs):
    if p.sample_type == 'bilinear':
        data, weight = xs
        k, pad = _bilinear_geometry(p.scale)
        c = data.shape[1]
        check_inputs('UpSampling', {'weight': (c, 1, k, k)}, weight=weight)
        return F.conv_transpose2d(data, weight, stride=p.scale, padding=pad, groups=c)
    oh, ow = xs[0].shape[2] * p.scale, xs[0].shape[3] * p.scale
    outs = []
    for i, x in enumerate(xs):
        if oh % x.shape[2] or ow % x.shape[3]:
            raise MXNetError('UpSampling: input %d of shape %s cannot be scaled to %dx%d by an integer factor'
                             % (i, fmt(x.shape), oh, ow))
        outs.append(x.repeat_interleave(oh // x.shape[2], 2).repeat_interleave(ow // x.shape[3], 3))
    if len(outs) == 1:
        return outs[0]
    if p.multi_input_mode == 'sum':
        return sum(outs[1:], outs[0])
    return torch.cat(outs, 1)


def _up_shapes(p, d):
    if p.sample_type != 'bilinear':
        return {}
    k, _ = _bilinear_geometry(p.scale)
    return {'weight': (d[1], 1, k, k)}


register_weighted('UpSampling', _upsampling, _up_shapes, variadic='num_args',
                  monitor_inputs=lambda p, n: (['data', 'weight'] if p.sample_type == 'bilinear' else
                                               ['arg%d' % i for i in range(n)]),
                  inputs=lambda p: ('data', 'weight') if p.sample_type == 'bilinear' else
                  (('data',) if p.num_args == 1 else tuple('arg%d' % i for i in range(p.num_args))),
                  params={'scale': Int(low=1), 'num_filter': Int(0), 'sample_type': Enum(('bilinear', 'nearest')),
                          'multi_input_mode': Enum(('concat', 'sum'), 'concat'), 'num_args': Int(1, low=1),
                          'workspace': Int(512)},
                  doc='Upsamples NCHW data by ``scale``: nearest (several inputs are scaled to the first one\'s '
                      'output size, then concatenated or summed) or bilinear (a grouped deconvolution with '
                      'the ``weight`` input).')


# ---- Crop ---------------------------------------------------------------------------------------------
def _crop(p, data, like=None):
    h, w = (like.shape[2], like.shape[3]) if like is not None else p.h_w
    H, W = data.shape[2], data.shape[3]
    if p.center_crop:
        y, x = (H - h) // 2, (W - w) // 2
    else:
        y, x = p.offset
    if h <= 0 or w <= 0 or y < 0 or x < 0 or y + h > H or x + w > W:
        raise MXNetError('Crop: cannot crop %dx%d at offset (%d,%d) from data of shape %s'
                         % (h, w, y, x, fmt(data.shape)))
    return data[:, :, y:y + h, x:x + w]


register(OpDef('Crop', _crop, variadic='num_args',
               inputs=lambda p: ('data',) if p.num_args == 1 else ('arg0', 'arg1'),
               params={'num_args': Int(1, low=1, high=2), 'offset': Shape((0, 0)), 'h_w': Shape((0, 0)),
                       'center_crop': Bool(False)},
               doc='Crops the last two axes of NCHW data to ``h_w`` (or to the second input\'s height and '
                   'width) at ``offset``, or centred with ``center_crop``.'))


# ---- Sequence operators -------------------------------------------------------------------------------
def _seq_inputs(p):
    return ('data', 'sequence_length') if p.use_sequence_length else ('data',)


def _seq_lengths(p, data, length):
    """(time-major data, lengths as int64 or None)."""
    x = data if p.axis == 0 else data.transpose(0, 1)
    if length is None:
        return x, None
    return x, length.to(torch.int64)


def _seq_mask(p, data, sequence_length=None):
    x, lens = _seq_lengths(p, data, sequence_length)
    if lens is None:
        return data * 1
    keep = torch.arange(x.shape[0], device=x.device).unsqueeze(1) < lens.unsqueeze(0)
    keep = keep.reshape(keep.shape + (1,) * (x.dim() - 2))
    out = torch.where(keep, x, torch.full((), p.value, dtype=x.dtype, device=x.device))
    return out if p.axis == 0 else out.transpose(0, 1)


def _seq_last(p, data, sequence_length=None):
    x, lens = _seq_lengths(p, data, sequence_length)
    if lens is None:
        return x[-1] * 1
    idx = (lens - 1).clamp(min=0)
    return x[idx, torch.arange(x.shape[1], device=x.device)]


def _seq_reverse(p, data, sequence_length=None):
    if p.axis != 0:
        raise MXNetError('SequenceReverse: only axis=0 is supported, got axis=%d' % p.axis)
    x, lens = _seq_lengths(p, data, sequence_length)
    if lens is None:
        return torch.flip(x, (0,))
    t = torch.arange(x.shape[0], device=x.device).unsqueeze(1)
    src = torch.where(t < lens.unsqueeze(0), lens.unsqueeze(0) - 1 - t, t)  # (T, N)
    idx = src.reshape(src.shape + (1,) * (x.dim() - 2)).expand(x.shape)
    return torch.gather(x, 0, idx)


def _seq_shapes(p, d):
    return {'sequence_length': (d[1] if p.axis == 0 else d[0],)}


def _seq_params(with_value):
    extra = {'value': Float(0.0)} if with_value else {}
    return dict({'use_sequence_length': Bool(False)}, **extra, axis=Int(0, low=0, high=1))


for _name, _fn, _doc in (
        ('SequenceMask', _seq_mask, 'Sets the steps at or after each sequence\'s length to ``value``.'),
        ('SequenceLast', _seq_last, 'The last valid step of each sequence (the time axis is removed).'),
        ('SequenceReverse', _seq_reverse, 'Reverses the first length[i] steps of each sequence.')):
    register_weighted(_name, _fn, _seq_shapes, inputs=_seq_inputs, params=_seq_params(_name == 'SequenceMask'),
                      same_dtype=False,
                      doc=_doc + ' Time is ``axis`` (0: (T, N, ...), 1: (N, T, ...)); without '
                                 '``use_sequence_length`` every sequence is full length.')
