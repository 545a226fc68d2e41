"""Neural-network operators against values recorded from MXNet 1.9.1 (tests/fixtures/nn/make_nn.py), plus
shape inference, training-mode behaviour and error messages."""
import json
import os

import numpy as np
import pytest
import torch

import mxnet as mx
from mxnet.base import MXNetError
from mxnet._op import registry
from mxnet.test_utils import assert_almost_equal

_DIR = os.path.join(os.path.dirname(__file__), 'fixtures', 'nn')
_REF = {}
for _f in ('nn_ref.npz', 'nn_rnn_ref.npz'):
    with np.load(os.path.join(_DIR, _f)) as _z:
        _REF.update({k: _z[k] for k in _z.files})
_KEYS = sorted({k.split('/')[0] for k in _REF})


def _run_fixture(key, ctx):
    """Outputs and (for grad cases) input gradients; autograd through the torch tensors behind the NDArrays."""
    meta = json.loads(str(_REF[key + '/meta']))
    ins = [mx.nd.array(_REF['%s/in%d' % (key, i)], ctx=ctx) for i in range(meta['n_in'])]
    ts = [a._data.requires_grad_(meta['grad']) for a in ins]
    with mx.autograd.record(train_mode=bool(meta['train'])):  # recorded, so torch keeps the graph
        res = getattr(mx.nd, meta['op'])(*ins, **meta['params'])
    res = res if isinstance(res, list) else [res]
    grads = None
    if meta['grad']:
        head = torch.linspace(-1, 1, res[0].size, device=ts[0].device).reshape(res[0].shape)
        grads = torch.autograd.grad(res[0]._data, ts, head, allow_unused=True)
        grads = [np.zeros(t.shape, 'f') if g is None else g.cpu().numpy() for t, g in zip(ts, grads)]
    return meta, ins, res, grads


@pytest.mark.parametrize('key', _KEYS)
def test_against_reference(key, ctx):
    meta, ins, res, grads = _run_fixture(key, ctx)
    assert len(res) == meta['n_out']
    for i, o in enumerate(res):
        want = _REF['%s/out%d' % (key, i)]
        assert o.shape == want.shape
        assert_almost_equal(o._data.detach().cpu().numpy(), want, rtol=1e-4, atol=1e-5)
    if meta['grad']:
        for i, g in enumerate(grads):
            assert_almost_equal(g, _REF['%s/grad%d' % (key, i)], rtol=1e-4, atol=1e-5)
    if meta['train'] and meta['grad'] and meta['op'] == 'BatchNorm':  # MXNet updates them in backward
        assert_almost_equal(ins[3]._data.detach().cpu().numpy(), _REF[key + '/aux0'], rtol=1e-5, atol=1e-6)
        assert_almost_equal(ins[4]._data.detach().cpu().numpy(), _REF[key + '/aux1'], rtol=1e-5, atol=1e-6)


# ---- shape inference ----------------------------------------------------------------------------------
def _infer(name, shapes, **params):
    op = registry.get(name)
    return op.infer_shape(op.parse(params), shapes)


@pytest.mark.parametrize('name,params,shapes,want_in,want_out', [
    ('FullyConnected', dict(num_hidden=4), [(2, 3, 5), None, None], [(2, 3, 5), (4, 15), (4,)], [(2, 4)]),
    ('FullyConnected', dict(num_hidden=4, flatten=False, no_bias=True), [(2, 3, 5), None],
     [(2, 3, 5), (4, 5)], [(2, 3, 4)]),
    ('Convolution', dict(num_filter=6, kernel=(3, 3), num_group=2, pad=(1, 1)), [(2, 4, 7, 7), None, None],
     [(2, 4, 7, 7), (6, 2, 3, 3), (6,)], [(2, 6, 7, 7)]),
    ('Convolution', dict(num_filter=6, kernel=(3, 3), layout='NHWC'), [(2, 7, 7, 4), None, None],
     [(2, 7, 7, 4), (6, 3, 3, 4), (6,)], [(2, 5, 5, 6)]),
    ('Deconvolution', dict(num_filter=6, kernel=(2, 2), stride=(2, 2)), [(2, 4, 3, 3), None],
     [(2, 4, 3, 3), (4, 6, 2, 2)], [(2, 6, 6, 6)]),
    ('LeakyReLU', dict(act_type='prelu'), [(2, 5, 3), None], [(2, 5, 3), (5,)], [(2, 5, 3)]),
    ('LayerNorm', dict(axis=1), [(2, 5, 3), None, None], [(2, 5, 3), (5,), (5,)], [(2, 5, 3), (2, 1, 3),
                                                                                    (2, 1, 3)]),
    ('GroupNorm', dict(num_groups=2), [(2, 4, 3), None, None], [(2, 4, 3), (2,), (2,)], [(2, 4, 3), (2, 2),
                                                                                         (2, 2)]),
    ('SoftmaxOutput', {}, [(4, 3), None], [(4, 3), (4,)], [(4, 3)]),
    ('SoftmaxOutput', dict(multi_output=True), [(4, 3, 5, 2), None], [(4, 3, 5, 2), (4, 10)], [(4, 3, 5, 2)]),
    ('SoftmaxOutput', dict(multi_output=True), [(4, 3, 5, 2), (4, 5, 2)], [(4, 3, 5, 2), (4, 5, 2)], [(4, 3, 5, 2)]),
    ('SoftmaxOutput', dict(multi_output=True), [(4, 3, 5, 2), (4, 1, 5, 2)], [(4, 3, 5, 2), (4, 1, 5, 2)],
     [(4, 3, 5, 2)]),
    ('LinearRegressionOutput', {}, [(4, 3), None], [(4, 3), (4, 3)], [(4, 3)]),
    ('UpSampling', dict(scale=2, sample_type='bilinear', num_filter=3, num_args=2), [(1, 3, 4, 4), None],
     [(1, 3, 4, 4), (3, 1, 4, 4)], [(1, 3, 8, 8)]),
])
def test_infer_shape_fills_inputs(name, params, shapes, want_in, want_out):
    ins, outs, _ = _infer(name, shapes, **params)
    assert [tuple(s) for s in ins] == want_in
    assert [tuple(s) for s in outs] == want_out


def test_batchnorm_infer_shape_and_aux():
    ins, outs, aux = _infer('BatchNorm', [(2, 3, 4), None, None, None, None], output_mean_var=True)
    assert ins[1:] == [(3,)] * 4 and aux == [(3,), (3,)]
    assert outs == [(2, 3, 4), (3,), (3,)]
    op = registry.get('BatchNorm')
    p = op.parse({})
    assert op.input_names(p) == ['data', 'gamma', 'beta'] and op.aux_names(p) == ['moving_mean', 'moving_var']
    assert op.visible_outputs(p) == 1


def test_infer_shape_mismatch_names_argument():
    with pytest.raises(MXNetError, match=r'Convolution.*weight.*\[3,5,2,2\].*\[3,4,2,2\]'):
        _infer('Convolution', [(2, 4, 5, 5), (3, 5, 2, 2), None], num_filter=3, kernel=(2, 2))
    with pytest.raises(MXNetError, match=r'BatchNorm.*gamma'):
        _infer('BatchNorm', [(2, 3, 4), (4,), None, None, None])


def test_input_names():
    fc = registry.get('FullyConnected')
    assert fc.input_names(fc.parse({'num_hidden': 2})) == ['data', 'weight', 'bias']
    assert fc.input_names(fc.parse({'num_hidden': 2, 'no_bias': True})) == ['data', 'weight']
    dc = registry.get('Deconvolution')
    assert dc.input_names(dc.parse({'num_filter': 2, 'kernel': (2, 2)})) == ['data', 'weight']
    seq = registry.get('SequenceMask')
    assert seq.input_names(seq.parse({'use_sequence_length': 'True'})) == ['data', 'sequence_length']


# ---- training-mode behaviour --------------------------------------------------------------------------
def test_dropout_train_and_predict(ctx):
    x = mx.nd.ones((200, 50), ctx=ctx)
    assert (mx.nd.Dropout(x, p=0.5).asnumpy() == 1).all()
    with mx.autograd.train_mode():
        y = mx.nd.Dropout(x, p=0.5).asnumpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6
    y = mx.nd.Dropout(x, p=0.3, mode='always', axes=(1,)).asnumpy()
    assert (y == y[:, :1]).all()


def test_batchnorm_inference_and_global_stats(ctx):
    x = mx.nd.array(np.arange(12).reshape(2, 3, 2), ctx=ctx)
    g, b = mx.nd.ones(3, ctx=ctx) * 2, mx.nd.zeros(3, ctx=ctx)
    mm, mv = mx.nd.ones(3, ctx=ctx), mx.nd.ones(3, ctx=ctx) * 4
    with mx.autograd.train_mode():
        y = mx.nd.BatchNorm(x, g, b, mm, mv, use_global_stats=True, eps=0.0)
    assert_almost_equal(y.asnumpy(), (x.asnumpy() - 1) / 2)  # fix_gamma: gamma is 1
    assert (g.asnumpy() == 1).all()  # and MXNet writes it back
    assert (mm.asnumpy() == 1).all() and (mv.asnumpy() == 4).all()


def test_rrelu_train_slope_in_bounds(ctx):
    x = -mx.nd.ones((1000,), ctx=ctx)
    with mx.autograd.train_mode():
        y = mx.nd.LeakyReLU(x, act_type='rrelu', lower_bound=0.1, upper_bound=0.3)
    y = (y[0] if isinstance(y, list) else y).asnumpy()
    assert ((-y >= 0.1) & (-y <= 0.3)).all() and y.std() > 0


def test_loss_output_ignores_head_gradient(ctx):
    x = mx.nd.array([[1.0, 2.0, 3.0]], ctx=ctx)
    t = x._data.requires_grad_()
    with mx.autograd.record():
        y = mx.nd.SoftmaxOutput(x, mx.nd.array([2.0], ctx=ctx))
    (g,) = torch.autograd.grad(y._data, [t], torch.full_like(y._data, 5.0))
    sm = np.exp([1.0, 2, 3]) / np.exp([1.0, 2, 3]).sum()
    assert_almost_equal(g.cpu().numpy()[0], sm - [0, 0, 1], rtol=1e-5, atol=1e-6)


def test_softmax_length(ctx):
    x = mx.nd.array([[1, 2, 3], [1, 2, 3]], ctx=ctx)
    y = mx.nd.softmax(x, mx.nd.array([2, 0], dtype='int32', ctx=ctx), use_length=True)
    e = np.exp([1.0, 2.0])
    assert_almost_equal(y.asnumpy(), [[e[0] / e.sum(), e[1] / e.sum(), 0], [0, 0, 0]], rtol=1e-5, atol=1e-7)
    assert mx.nd.softmax(x, dtype='float64').dtype == np.float64


def test_fc_shape_error(ctx):
    with pytest.raises(MXNetError, match=r'FullyConnected.*weight.*\[3,5\].*\[3,4\]'):
        mx.nd.FullyConnected(mx.nd.ones((2, 4), ctx=ctx), mx.nd.ones((3, 5), ctx=ctx), mx.nd.ones((3,), ctx=ctx),
                             num_hidden=3)


def test_float16_conv_and_bn(ctx):
    x = mx.nd.array(np.random.RandomState(0).uniform(-1, 1, (2, 3, 5, 5)), dtype='float16', ctx=ctx)
    w = mx.nd.ones((4, 3, 3, 3), dtype='float16', ctx=ctx)
    y = mx.nd.Convolution(x, w, num_filter=4, kernel=(3, 3), no_bias=True)
    assert y.dtype == np.float16 and y.shape == (2, 4, 3, 3)
    g = mx.nd.ones(3, ctx=ctx)
    z = mx.nd.BatchNorm(x, g, g * 0, g * 0, g)
    assert z.dtype == np.float16


def test_batchnorm_training_updates_moving_stats_in_place(ctx):
    rs = np.random.RandomState(3)
    xn = rs.uniform(-1, 1, (4, 3, 2)).astype('float32')
    x = mx.nd.array(xn, ctx=ctx)
    g, b = mx.nd.ones(3, ctx=ctx), mx.nd.zeros(3, ctx=ctx)
    mm, mv = mx.nd.zeros(3, ctx=ctx), mx.nd.ones(3, ctx=ctx)
    with mx.autograd.train_mode():
        y, mean, invstd = mx.nd.BatchNorm(x, g, b, mm, mv, momentum=0.75, output_mean_var=True)
    bm, bv = xn.mean((0, 2)), xn.var((0, 2))
    assert_almost_equal(mm.asnumpy(), 0.25 * bm, rtol=1e-5, atol=1e-6)
    assert_almost_equal(mv.asnumpy(), 0.75 + 0.25 * bv, rtol=1e-5, atol=1e-6)
    assert_almost_equal(mean.asnumpy(), bm, rtol=1e-5, atol=1e-6)
    assert_almost_equal(invstd.asnumpy(), 1 / np.sqrt(bv + 1e-3), rtol=1e-5, atol=1e-6)
    assert_almost_equal(y.asnumpy(), (xn - bm.reshape(1, 3, 1)) / np.sqrt(bv.reshape(1, 3, 1) + 1e-3),
                        rtol=1e-4, atol=1e-5)


def test_rnn_param_errors(ctx):
    x = mx.nd.ones((3, 2, 4), ctx=ctx)
    with pytest.raises(MXNetError, match=r'RNN.*parameters'):
        mx.nd.RNN(x, mx.nd.ones((10,), ctx=ctx), mx.nd.zeros((1, 2, 3), ctx=ctx), mode='gru', state_size=3,
                  num_layers=1)


def test_deconvolution_target_shape(ctx):
    y = mx.nd.Deconvolution(mx.nd.ones((1, 2, 3, 4), ctx=ctx), mx.nd.ones((2, 2, 4, 4), ctx=ctx), kernel=(4, 4),
                            num_filter=2, stride=(2, 2), target_shape=(7, 9))
    assert y.shape == (1, 2, 7, 9)


@pytest.mark.parametrize('layout,shape', [('NHWC', (2, 5, 6, 3)), ('NWC', (2, 6, 3))])
def test_pooling_channels_last(layout, shape, ctx):
    x = np.random.RandomState(0).uniform(-1, 1, shape).astype('float32')
    first = mx.nd.array(np.moveaxis(x, -1, 1), ctx=ctx)
    kernel = (2,) * (len(shape) - 2)
    want = np.moveaxis(mx.nd.Pooling(first, kernel=kernel, pool_type='avg').asnumpy(), 1, -1)
    got = mx.nd.Pooling(mx.nd.array(x, ctx=ctx), kernel=kernel, pool_type='avg', layout=layout)
    assert_almost_equal(got.asnumpy(), want, rtol=1e-5, atol=1e-6)
