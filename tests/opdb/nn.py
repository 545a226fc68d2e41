"""Neural-network operators: numpy references (forward) and numerical gradient checks of the torch computes.

Loss outputs have MXNet's hand-written gradients, not their forward's derivative, so they are checked against
the reference MXNet in test_nn_ops.py instead (grad=False here).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view as _windows

from opdb import Case, ErrorCase, rand

_F16 = {'float16': (2e-2, 2e-2)}


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _fc(x, w, b=None, num_hidden=None, flatten=True, no_bias=False):
    x2 = x.reshape(x.shape[0], -1) if flatten else x
    y = x2 @ w.T
    return y + b if b is not None else y


def _conv2d(x, w, b=None, stride=(1, 1), pad=(0, 0), num_group=1, **_):
    x = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    win = _windows(x, w.shape[2:], axis=(2, 3))[:, :, ::stride[0], ::stride[1]]  # N C H W kh kw
    cg, fg = x.shape[1] // num_group, w.shape[0] // num_group
    outs = [np.einsum('nchwij,fcij->nfhw', win[:, g * cg:(g + 1) * cg], w[g * fg:(g + 1) * fg])
            for g in range(num_group)]
    y = np.concatenate(outs, 1)
    return y + b.reshape(1, -1, 1, 1) if b is not None else y


def _pool2d(x, kernel, stride, pool_type='max', **_):
    win = _windows(x, kernel, axis=(2, 3))[:, :, ::stride[0], ::stride[1]]
    if pool_type == 'max':
        return win.max((-2, -1))
    s = win.sum((-2, -1))
    return s if pool_type == 'sum' else s / (kernel[0] * kernel[1])


def _act(x, act_type):
    return {'relu': lambda v: np.maximum(v, 0), 'sigmoid': lambda v: 1 / (1 + np.exp(-v)), 'tanh': np.tanh,
            'softrelu': lambda v: np.log1p(np.exp(v)), 'softsign': lambda v: v / (1 + np.abs(v))}[act_type](x)


def _leaky(x, g=None, act_type='leaky', slope=0.25):
    if act_type == 'prelu':  # gamma's axes line up with data's first two
        return np.where(x > 0, x, x * g.reshape(g.shape + (1,) * (x.ndim - 2) if g.ndim == 2 else
                                                (1, -1) + (1,) * (x.ndim - 2)))
    if act_type == 'elu':
        return np.where(x > 0, x, slope * np.expm1(x))
    return np.where(x > 0, x, x * slope)


def _bn(x, g, b, mm, mv, eps=1e-3, fix_gamma=True, **_):
    g = np.ones_like(g) if fix_gamma else g
    v = lambda a: a.reshape(1, -1, *([1] * (x.ndim - 2)))  # noqa: E731
    return (x - v(mm)) / np.sqrt(v(mv) + eps) * v(g) + v(b)


def _positive_var(rng, dtype):
    x, g, b, mm = rand((2, 3, 4), (3,), (3,), (3,))(rng, dtype)
    return [x, g, b, mm, (rng.uniform(0.5, 2, 3)).astype(dtype)]


def _layernorm(x, g, b, axis=-1, eps=1e-5):
    m = x.mean(axis, keepdims=True)
    v = x.var(axis, keepdims=True)
    shape = [1] * x.ndim
    shape[axis] = -1
    return (x - m) / np.sqrt(v + eps) * g.reshape(shape) + b.reshape(shape)


def _instnorm(x, g, b, eps=1e-3):
    axes = tuple(range(2, x.ndim))
    m, v = x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * g.reshape(1, -1, 1) + b.reshape(1, -1, 1)


def _seqmask(x, lens, use_sequence_length=True, value=0.0, axis=0):
    out = x.copy()
    for i, n in enumerate(lens.astype(int)):
        out[n:, i] = value
    return out


def _lens(rng, dtype):
    return [rng.uniform(-1, 1, (4, 3, 2)).astype(dtype), np.array([1, 4, 2], 'int32')]


CASES = [
    Case('FullyConnected', rand((2, 3, 4), (5, 12), (5,)), _fc, dict(num_hidden=5), tol=_F16),
    Case('FullyConnected', rand((2, 3, 4), (5, 4)), _fc, dict(num_hidden=5, flatten=False, no_bias=True),
         name='FullyConnected_noflatten', tol=_F16),
    Case('Convolution', rand((2, 3, 6, 5), (4, 3, 3, 2), (4,)), _conv2d,
         dict(kernel=(3, 2), num_filter=4, stride=(2, 1), pad=(1, 1)), tol=_F16),
    Case('Convolution', rand((1, 4, 5, 5), (6, 2, 2, 2)), _conv2d,
         dict(kernel=(2, 2), num_filter=6, num_group=2, no_bias=True), name='Convolution_group', tol=_F16),
    Case('Pooling', rand((2, 2, 6, 6)), _pool2d, dict(kernel=(2, 2), stride=(2, 2)), name='Pooling_max'),
    Case('Pooling', rand((2, 2, 5, 6)), _pool2d, dict(kernel=(3, 2), stride=(1, 2), pool_type='avg'),
         name='Pooling_avg'),
    Case('Pooling', rand((1, 2, 5, 5)), _pool2d, dict(kernel=(2, 2), stride=(1, 1), pool_type='sum'),
         name='Pooling_sum', tol=_F16),
] + [
    Case('Activation', rand((3, 4)), _act, dict(act_type=a), name='Activation_' + a)
    for a in ('relu', 'sigmoid', 'tanh', 'softrelu', 'softsign')
] + [
    Case('LeakyReLU', rand((3, 4)), _leaky, dict(act_type='leaky', slope=0.1), name='LeakyReLU_leaky'),
    Case('LeakyReLU', rand((2, 3, 4), (3,)), _leaky, dict(act_type='prelu'), name='LeakyReLU_prelu'),
    Case('LeakyReLU', rand((3, 4)), _leaky, dict(act_type='elu', slope=0.5), name='LeakyReLU_elu'),
    Case('LeakyReLU', rand((3, 4, 4, 2), (3, 4)), _leaky, dict(act_type='prelu'), name='LeakyReLU_prelu_full'),
    Case('LeakyReLU', rand((3, 4, 2), (1,)), _leaky, dict(act_type='prelu'), name='LeakyReLU_prelu_scalar'),
    Case('BatchNorm_v1', _positive_var, _bn, dict(fix_gamma=False, use_global_stats=True), tol=_F16,
         dtypes=('float32', 'float64')),
    Case('_contrib_SyncBatchNorm', _positive_var, _bn, dict(fix_gamma=False, use_global_stats=True, key='k'),
         tol=_F16, dtypes=('float32', 'float64')),
    Case('Dropout', rand((3, 4)), lambda x, **_: x, dict(p=0.5), name='Dropout_predict'),
    Case('BatchNorm', _positive_var, _bn, dict(fix_gamma=False), name='BatchNorm_global', tol=_F16,
         dtypes=('float32', 'float64')),
    Case('BatchNorm', _positive_var, _bn, dict(), name='BatchNorm_fixgamma', dtypes=('float32', 'float64')),
    Case('LayerNorm', rand((2, 3, 4), (4,), (4,)), _layernorm, dict(), tol=_F16),
    Case('LayerNorm', rand((2, 3, 4), (3,), (3,)), _layernorm, dict(axis=1), name='LayerNorm_axis1', tol=_F16),
    Case('InstanceNorm', rand((2, 3, 5), (3,), (3,)), _instnorm, dict(), tol=_F16),
    Case('L2Normalization', rand((2, 3, 4)),
         lambda x, **_: x / np.sqrt((x * x).sum((1, 2), keepdims=True) + 1e-10), dict()),
    Case('softmax', rand((3, 4)), lambda x, axis=-1: _softmax(x, axis), dict(axis=0)),
    Case('softmax', rand((3, 4)), lambda x, temperature: _softmax(x / temperature), dict(temperature=3.0),
         name='softmax_temperature'),
    Case('log_softmax', rand((3, 4)), lambda x: np.log(_softmax(x)), tol=_F16),
    Case('softmin', rand((3, 4)), lambda x: _softmax(-x)),
    Case('SoftmaxActivation', rand((2, 3, 2)), lambda x, mode: _softmax(x, 1), dict(mode='channel')),
    Case('SoftmaxOutput', lambda rng, dt: [rng.uniform(-1, 1, (4, 3)).astype(dt), np.array([0, 2, 1, 1], dt)],
         lambda x, lab, **_: _softmax(x), grad=False),
    Case('LogisticRegressionOutput', rand((4, 2), (4, 2)), lambda x, lab: 1 / (1 + np.exp(-x)), grad=False),
    Case('UpSampling', rand((1, 2, 2, 3)), lambda x, **_: x.repeat(2, 2).repeat(2, 3),
         dict(scale=2, sample_type='nearest')),
    Case('SequenceMask', _lens, _seqmask, dict(use_sequence_length=True, value=-2.0), grad=False),  # lengths
    Case('SequenceLast', _lens, lambda x, lens, **_: x[lens.astype(int) - 1, np.arange(3)],
         dict(use_sequence_length=True), grad=False),
    Case('SequenceReverse', rand((4, 3, 2)), lambda x: x[::-1]),
]

ERROR_CASES = [
    ErrorCase('FullyConnected', rand((2, 4), (3, 5), (3,)), dict(num_hidden=3), match=r'weight'),
    ErrorCase('Convolution', rand((2, 4, 5), (3, 4, 2)), dict(kernel=(2, 2), num_filter=3, no_bias=True),
              match=r'Convolution.*4-D data'),
    ErrorCase('BatchNorm', rand((2, 3), (2,), (3,), (3,), (3,)), match=r'BatchNorm.*gamma'),
    ErrorCase('LeakyReLU', rand((2, 3, 4), (4,)), dict(act_type='prelu'), match=r'broadcast gamma'),
    ErrorCase('Pooling', rand((1, 1, 2, 2)), dict(kernel=(3, 3)), match=r'Pooling.*kernel'),
    ErrorCase('Activation', rand((2,)), dict(act_type='gelu'), match=r'act_type'),
    ErrorCase('SoftmaxOutput', rand((4, 3), (5,)), match=r'SoftmaxOutput.*label'),
]
