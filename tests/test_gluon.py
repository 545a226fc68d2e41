"""gluon: Parameter/ParameterDict, Block naming and files, HybridBlock (imperative vs hybridized), layers,
losses, Trainer, data -- values checked against numpy."""
import os

import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn


def _np(x):
    return x.asnumpy()


# ---- parameters ---------------------------------------------------------------------------------------
def test_parameter_basics():
    p = gluon.Parameter('weight', shape=(3, 4), init=mx.init.One())
    p.initialize()
    assert p.data().shape == (3, 4) and (_np(p.data()) == 1).all()
    assert p.grad().shape == (3, 4) and (_np(p.grad()) == 0).all()
    assert p.list_ctx() == [mx.cpu()]
    p.set_data(nd.full((3, 4), 2.0))
    assert (_np(p.data()) == 2).all()
    p.grad_req = 'null'
    with pytest.raises(RuntimeError):
        p.grad()
    p.cast('float64')
    assert p.data().dtype == np.float64
    assert repr(p).startswith('Parameter weight (shape=(3, 4)')


def test_parameter_deferred_and_errors():
    p = gluon.Parameter('w', shape=(2, 0), allow_deferred_init=True)
    p.initialize()
    with pytest.raises(gluon.DeferredInitializationError):
        p.data()
    p.shape = (2, 5)
    p._finish_deferred_init()
    assert p.data().shape == (2, 5)
    q = gluon.Parameter('q', shape=(2, 0))
    with pytest.raises(ValueError):
        q.initialize()
    r = gluon.Parameter('r', shape=(2,))
    with pytest.raises(RuntimeError):
        r.data()


def test_constant_and_parameter_dict(tmp_path):
    params = gluon.ParameterDict('net_')
    w = params.get('w', shape=(2, 3))
    assert w.name == 'net_w' and params.get('w') is w
    c = params.get_constant('c', [[1, 2], [3, 4]])
    params.initialize(mx.init.Zero())
    assert (_np(c.data()) == [[1, 2], [3, 4]]).all() and c.grad_req == 'null'
    assert (_np(w.data()) == 0).all()
    w.set_data(nd.ones((2, 3)))
    f = str(tmp_path / 'p.params')
    params.save(f, strip_prefix='net_')
    assert sorted(nd.load(f).keys()) == ['c', 'w']
    other = gluon.ParameterDict('net_')
    other.get('w', shape=(2, 3))
    other.get_constant('c', [[1, 2], [3, 4]])
    other.load(f, restore_prefix='net_')
    assert (_np(other['net_w'].data()) == 1).all()
    params.setattr('lr_mult', 0.5)
    assert w.lr_mult == 0.5
    with pytest.raises(AssertionError):
        params.get('w', shape=(4, 4))


# ---- blocks -------------------------------------------------------------------------------------------
class _Net(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.dense0 = nn.Dense(5, activation='relu')
            self.dense1 = nn.Dense(3, in_units=5)

    def hybrid_forward(self, F, x):
        return self.dense1(self.dense0(x))


def test_naming_scheme():
    with mx.name.NameManager():
        net = nn.Sequential()
        with net.name_scope():
            net.add(nn.Dense(4), nn.Dense(2), nn.Conv2D(3, 3), nn.MaxPool2D())
        names = list(net.collect_params().keys())
        assert names == ['sequential0_dense0_weight', 'sequential0_dense0_bias', 'sequential0_dense1_weight',
                         'sequential0_dense1_bias', 'sequential0_conv0_weight', 'sequential0_conv0_bias']
        assert net[3].prefix == 'sequential0_pool0_'
        assert list(net.collect_params('.*weight').keys()) == [names[0], names[2], names[4]]
        d = nn.Dense(2, prefix='mine_')
        assert d.weight.name == 'mine_weight'
        shared = nn.Dense(2, params=d.params)
        assert shared.weight is d.weight


def test_hybridize_matches_imperative_with_grads():
    net = _Net()
    net.initialize(mx.init.Xavier())
    x = nd.random.uniform(shape=(4, 7))
    with autograd.record():
        y1 = net(x)
    y1.backward()
    g1 = _np(net.dense0.weight.grad()).copy()
    assert net.dense0.weight.shape == (5, 7)
    net.hybridize()
    with autograd.record():
        y2 = net(x)
    y2.backward()
    np.testing.assert_allclose(_np(y1), _np(y2), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g1, _np(net.dense0.weight.grad()), rtol=1e-5, atol=1e-6)
    w0, b0 = _np(net.dense0.weight.data()), _np(net.dense0.bias.data())
    w1, b1 = _np(net.dense1.weight.data()), _np(net.dense1.bias.data())
    ref = np.maximum(_np(x) @ w0.T + b0, 0) @ w1.T + b1
    np.testing.assert_allclose(_np(y2), ref, rtol=1e-5, atol=1e-5)
    sym = net(mx.sym.var('data'))
    assert sym.list_arguments()[0] == 'data'
    assert 'fwd' in sym.name


def test_save_load_parameters_and_export(tmp_path):
    net = _Net()
    net.initialize()
    x = nd.ones((2, 7))
    net.hybridize()
    y = net(x)
    f = str(tmp_path / 'net.params')
    net.save_parameters(f)
    assert sorted(nd.load(f).keys()) == ['dense0.bias', 'dense0.weight', 'dense1.bias', 'dense1.weight']
    net2 = _Net()
    net2.load_parameters(f)
    np.testing.assert_allclose(_np(net2(x)), _np(y), rtol=1e-6)
    prefix = str(tmp_path / 'exported')
    net.export(prefix, epoch=3)
    assert os.path.exists(prefix + '-symbol.json') and os.path.exists(prefix + '-0003.params')
    keys = nd.load(prefix + '-0003.params').keys()
    assert all(k.startswith('arg:') for k in keys)
    imported = gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'], prefix + '-0003.params')
    np.testing.assert_allclose(_np(imported(x)), _np(y), rtol=1e-6)
    mod = mx.mod.Module.load(prefix, 3, data_names=['data'], label_names=None)
    mod.bind(data_shapes=[('data', (2, 7))], for_training=False)
    mod.forward(mx.io.DataBatch([x]), is_train=False)
    np.testing.assert_allclose(_np(mod.get_outputs()[0]), _np(y), rtol=1e-6)


def test_hooks_apply_and_attr_checks():
    net = nn.Dense(2, in_units=3)
    net.initialize()
    seen = []
    h1 = net.register_forward_pre_hook(lambda blk, inp: seen.append('pre'))
    h2 = net.register_forward_hook(lambda blk, inp, out: seen.append(out.shape))
    net(nd.ones((1, 3)))
    h1.detach()
    h2.detach()
    net(nd.ones((1, 3)))
    assert seen == ['pre', (1, 2)]
    names = []
    seq = nn.HybridSequential()
    seq.add(nn.Dense(2), nn.Dense(3))
    seq.apply(lambda b: names.append(type(b).__name__))
    assert names == ['Dense', 'Dense', 'HybridSequential']
    with pytest.raises(ValueError):
        seq.add(nn.Lambda(lambda x: x))
    with pytest.raises(TypeError):
        seq.add_attr = None
        net.weight = nn.Dense(2)


def test_layers_shapes_and_values():
    x = nd.random.uniform(shape=(2, 3, 8, 8))
    for layer, shape in [(nn.Conv2D(4, 3, padding=1), (2, 4, 8, 8)),
                         (nn.Conv2DTranspose(4, 3, strides=2), (2, 4, 17, 17)),
                         (nn.MaxPool2D(), (2, 3, 4, 4)), (nn.AvgPool2D(3, 1, 1), (2, 3, 8, 8)),
                         (nn.GlobalAvgPool2D(), (2, 3, 1, 1)), (nn.BatchNorm(), (2, 3, 8, 8)),
                         (nn.InstanceNorm(), (2, 3, 8, 8)), (nn.LayerNorm(), (2, 3, 8, 8)),
                         (nn.Flatten(), (2, 192)), (nn.Dropout(0.5), (2, 3, 8, 8))]:
        layer.initialize()
        assert layer(x).shape == shape, layer
    c1 = nn.Conv1D(2, 3, in_channels=3)
    c1.initialize()
    assert c1(nd.ones((1, 3, 5))).shape == (1, 2, 3)
    v = nd.array([[-2.0, 0.5]])
    np.testing.assert_allclose(_np(nn.LeakyReLU(0.1)(v)), [[-0.2, 0.5]], rtol=1e-6)
    np.testing.assert_allclose(_np(nn.ELU()(v)), [[np.exp(-2) - 1, 0.5]], rtol=1e-5)
    np.testing.assert_allclose(_np(nn.Swish()(v)), _np(v) / (1 + np.exp(-_np(v))), rtol=1e-5)
    pr = nn.PReLU()
    pr.initialize()
    np.testing.assert_allclose(_np(pr(v)), [[-0.5, 0.5]], rtol=1e-6)
    emb = nn.Embedding(5, 2)
    emb.initialize()
    out = emb(nd.array([0, 4]))
    np.testing.assert_allclose(_np(out), _np(emb.weight.data())[[0, 4]])
    bn = nn.BatchNorm(in_channels=3)
    bn.initialize()
    with autograd.record():
        bn(x)
    np.testing.assert_allclose(_np(bn.running_mean.data()), 0.1 * _np(x).mean(axis=(0, 2, 3)), rtol=1e-4)


# ---- losses -------------------------------------------------------------------------------------------
def test_losses_against_numpy():
    rng = np.random.RandomState(0)
    pred, label = rng.randn(4, 3).astype('float32'), rng.randn(4, 3).astype('float32')
    p, l = nd.array(pred), nd.array(label)
    np.testing.assert_allclose(_np(gluon.loss.L2Loss()(p, l)), (0.5 * (pred - label) ** 2).mean(1), rtol=1e-5)
    np.testing.assert_allclose(_np(gluon.loss.L1Loss()(p, l)), np.abs(pred - label).mean(1), rtol=1e-5)
    sw = nd.array([[1], [0], [2], [1]])
    np.testing.assert_allclose(_np(gluon.loss.L1Loss(weight=2)(p, l, sw)),
                               2 * np.abs(pred - label).mean(1) * [1, 0, 2, 1], rtol=1e-5)
    cls = nd.array([0, 2, 1, 1])
    logp = pred - np.log(np.exp(pred).sum(1, keepdims=True))
    np.testing.assert_allclose(_np(gluon.loss.SoftmaxCrossEntropyLoss()(p, cls)),
                               -logp[np.arange(4), [0, 2, 1, 1]], rtol=1e-5)
    y01 = (label > 0).astype('float32')
    sig = 1 / (1 + np.exp(-pred))
    bce = -(y01 * np.log(sig) + (1 - y01) * np.log(1 - sig))
    np.testing.assert_allclose(_np(gluon.loss.SigmoidBCELoss()(p, nd.array(y01))), bce.mean(1), rtol=1e-5)
    d = np.abs(pred - label)
    huber = np.where(d > 1, d - 0.5, 0.5 * d ** 2)
    np.testing.assert_allclose(_np(gluon.loss.HuberLoss()(p, l)), huber.mean(1), rtol=1e-5)
    sgn = np.sign(label)
    np.testing.assert_allclose(_np(gluon.loss.HingeLoss()(p, nd.array(sgn))),
                               np.maximum(0, 1 - pred * sgn).mean(1), rtol=1e-5)
    np.testing.assert_allclose(_np(gluon.loss.LogisticLoss()(p, nd.array(sgn))),
                               np.log1p(np.exp(-pred * sgn)).mean(1), rtol=1e-5)
    np.testing.assert_allclose(_np(gluon.loss.PoissonNLLLoss()(p, l)), (np.exp(pred) - label * pred).mean(),
                               rtol=1e-5)
    # the same loss traced symbolically
    s = gluon.loss.L2Loss()(mx.sym.var('a'), mx.sym.var('b'))
    out = s.eval(a=p, b=l)[0]
    np.testing.assert_allclose(_np(out), (0.5 * (pred - label) ** 2).mean(1), rtol=1e-5)


# ---- trainer ------------------------------------------------------------------------------------------
def test_trainer_sgd_step_and_states(tmp_path):
    x = gluon.Parameter('x', shape=(3,))
    x.initialize(ctx=[mx.cpu(0), mx.cpu(1)], init='zeros')
    tr = gluon.Trainer([x], 'sgd', {'learning_rate': 1.0})
    with autograd.record():
        for w in x.list_data():
            (w * 2).backward()
    tr.step(1)
    assert (_np(x.data(mx.cpu(1))) == -4).all()   # grads summed over the two contexts
    with pytest.raises(UserWarning):
        tr.step(1)                                 # stale gradients
    tr.step(1, ignore_stale_grad=True)
    f = str(tmp_path / 't.states')
    tr.save_states(f)
    tr.load_states(f)
    tr.set_learning_rate(0.5)
    assert tr.learning_rate == 0.5


def test_training_loop_reduces_loss():
    mx.random.seed(0)
    np.random.seed(0)
    X = np.random.randn(64, 4).astype('float32')
    Y = X @ np.array([[1.0], [-2.0], [0.5], [3.0]], dtype='float32') + 0.1
    data = gluon.data.DataLoader(gluon.data.ArrayDataset(X, Y), batch_size=16, shuffle=True)
    net = nn.HybridSequential()
    net.add(nn.Dense(8, activation='tanh'), nn.Dense(1))
    net.initialize(mx.init.Xavier())
    net.hybridize()
    tr = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.05})
    loss_fn = gluon.loss.L2Loss()
    first = last = None
    for _ in range(30):
        total = 0.0
        for xb, yb in data:
            with autograd.record():
                loss = loss_fn(net(xb), yb)
            loss.backward()
            tr.step(xb.shape[0])
            total += float(loss.mean().asscalar())
        first = total if first is None else first
        last = total
    assert last < 0.1 * first


# ---- utils and data -----------------------------------------------------------------------------------
def test_utils():
    x = nd.arange(10).reshape((5, 2))
    parts = gluon.utils.split_data(x, 2, even_split=False)
    assert [p.shape for p in parts] == [(3, 2), (2, 2)]
    with pytest.raises(ValueError):
        gluon.utils.split_data(x, 2)
    loaded = gluon.utils.split_and_load(nd.ones((4, 2)), [mx.cpu(0), mx.cpu(0)])
    assert len(loaded) == 2 and loaded[0].shape == (2, 2)
    a, b = nd.ones((2, 2)) * 3, nd.ones((1,)) * 4
    norm = gluon.utils.clip_global_norm([a, b], 1.0)
    assert abs(norm - np.sqrt(4 * 9 + 16)) < 1e-4
    assert abs(np.sqrt((_np(a) ** 2).sum() + (_np(b) ** 2).sum()) - 1.0) < 1e-4


def test_data_loader_and_samplers():
    ds = gluon.data.ArrayDataset(np.arange(10), np.arange(10) * 2)
    assert ds[3] == (3, 6)
    batches = list(gluon.data.DataLoader(ds, batch_size=4))
    assert [b[0].shape for b in batches] == [(4,), (4,), (2,)]
    assert (_np(batches[0][1]) == [0, 2, 4, 6]).all()
    assert len(list(gluon.data.DataLoader(ds, batch_size=4, last_batch='discard'))) == 2
    threaded = list(gluon.data.DataLoader(ds, batch_size=3, num_workers=2))
    assert [int(b[0].asnumpy()[0]) for b in threaded] == [0, 3, 6, 9]
    seen = sorted(int(v) for b in gluon.data.DataLoader(ds, batch_size=5, shuffle=True) for v in _np(b[0]))
    assert seen == list(range(10))
    t = gluon.data.SimpleDataset([1, 2, 3]).transform(lambda v: v * 10)
    assert [t[i] for i in range(3)] == [10, 20, 30]
    bs = gluon.data.BatchSampler(gluon.data.SequentialSampler(5), 2, 'rollover')
    assert list(bs) == [[0, 1], [2, 3]] and list(bs) == [[4, 0], [1, 2], [3, 4]]
