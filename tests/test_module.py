"""mx.mod.Module, BucketingModule, SequentialModule and mx.kv: behaviour checked against MXNet 1.9.1.

Numbers compared with the reference come from tests/fixtures/module (scenarios.py run by MXNet);
the other tests assert MXNet's documented contract directly.
"""
import json
import logging
import os

import numpy as np
import pytest

import mxnet as mx
from fixtures.module import scenarios

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, 'fixtures', 'module', 'module_ref.json')) as _f:
    REFERENCE = json.load(_f)


def assert_close_tree(got, want, path=''):
    """Compare JSON-like structures; floats within the fixtures' rounding."""
    if isinstance(want, dict):
        assert sorted(got) == sorted(want), path
        for k in want:
            assert_close_tree(got[k], want[k], '%s.%s' % (path, k))
    elif isinstance(want, list):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), (path, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close_tree(g, w, '%s[%d]' % (path, i))
    elif isinstance(want, float) and not isinstance(want, bool):
        assert got == pytest.approx(want, abs=2e-4, nan_ok=True), (path, got, want)
    else:
        assert got == want, (path, got, want)


@pytest.mark.parametrize('scenario', scenarios.SCENARIOS, ids=lambda s: s.__name__)
def test_matches_mxnet(scenario, tmp_cwd, ctx):
    assert_close_tree(scenario(mx), REFERENCE[scenario.__name__])


# ---- helpers ------------------------------------------------------------------------------------
def mlp(num_hidden=8, num_classes=4):
    net = mx.sym.Variable('data')
    net = mx.sym.FullyConnected(net, name='fc1', num_hidden=num_hidden)
    net = mx.sym.Activation(net, name='relu1', act_type='relu')
    net = mx.sym.FullyConnected(net, name='fc2', num_hidden=num_classes)
    return mx.sym.SoftmaxOutput(net, name='softmax')


def dataset(n=64, dim=6, classes=4, seed=0):
    rs = np.random.RandomState(seed)
    x = rs.randn(n, dim).astype('float32')
    y = (x @ rs.randn(dim, classes)).argmax(axis=1).astype('float32')
    return x, y


def two_contexts(ctx):
    """Two devices of the test's kind: cpu(0)/cpu(1), or the test GPU twice."""
    return [mx.cpu(0), mx.cpu(1)] if ctx.device_type == 'cpu' else [ctx, ctx]


def bound(ctx, batch=8, **kwargs):
    mod = mx.mod.Module(mlp(), context=ctx, **kwargs)
    mod.bind([('data', (batch, 6))], [('softmax_label', (batch,))])
    mod.init_params(mx.init.Xavier())
    return mod


def params_np(mod):
    arg, aux = mod.get_params()
    return {k: v.asnumpy() for k, v in list(arg.items()) + list(aux.items())}


# ---- the state machine --------------------------------------------------------------------------
def test_steps_out_of_order_assert(ctx, caplog):
    x, y = dataset(8)
    batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
    mod = mx.mod.Module(mlp(), context=ctx)
    assert (mod.binded, mod.params_initialized, mod.optimizer_initialized) == (False, False, False)
    with pytest.raises(AssertionError):
        mod.forward(batch)
    with pytest.raises(AssertionError):
        mod.get_params()
    mod.bind([('data', (8, 6))], [('softmax_label', (8,))])
    assert mod.binded
    with pytest.raises(AssertionError):
        mod.forward(batch)  # parameters not initialised
    with caplog.at_level(logging.WARNING):
        mod.bind([('data', (8, 6))], [('softmax_label', (8,))])
    assert 'Already bound, ignoring bind()' in caplog.text
    mod.init_params()
    with pytest.warns(UserWarning, match='Parameters already initialized and force_init=False'):
        mod.init_params()
    mod.forward_backward(batch)
    with pytest.raises(AssertionError):
        mod.update()  # no optimizer yet
    with pytest.raises(AssertionError):
        mod.get_input_grads()  # bound without inputs_need_grad
    mod.init_optimizer()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        mod.init_optimizer()
    assert 'optimizer already initialized, ignoring...' in caplog.text
    mod.update()
    mod.bind([('data', (8, 6))], for_training=False, force_rebind=True)
    mod.forward(batch, is_train=False)
    with pytest.raises(AssertionError, match='re-bind with for_training=True to run backward'):
        mod.backward()


def test_input_names_checked(ctx):
    with pytest.raises(ValueError) as e:
        mx.mod.Module(mlp(), data_names=['x'], context=ctx)
    assert str(e.value).startswith("You created Module with Module(..., data_names=['x']) but input with name "
                                   "'x' is not found in symbol.list_arguments(). Did you mean one of:\n\tdata")
    with pytest.warns(UserWarning, match="label_names=\\['y'\\]"):
        mx.mod.Module(mlp(), label_names=['y'], context=ctx)
    with pytest.raises(ValueError) as e:
        mx.mod.Module(mlp(), context=ctx).bind([('dat', (2, 6))], [('softmax_label', (2,))])
    assert str(e.value) == ("Data provided by data_shapes don't match names specified by data_names "
                            "([DataDesc[dat,(2, 6),<class 'numpy.float32'>,NCHW]] vs. ['data'])")


def test_bind_with_zip_and_batches_without_provide(ctx):
    """The tutorial's SimpleIter: shapes as zips of (name, shape), plain batches with data/label/pad."""
    class SimpleBatch:
        def __init__(self, data, label, pad=0):
            self.data, self.label, self.pad = data, label, pad

    x, y = dataset(8)
    mod = mx.mod.Module(mlp(), context=ctx)
    mod.bind(data_shapes=zip(['data'], [(8, 6)]), label_shapes=zip(['softmax_label'], [(8,)]))
    assert mod.data_shapes == [mx.io.DataDesc('data', (8, 6))]
    assert [(d.name, d.shape) for d in mod.label_shapes] == [('softmax_label', (8,))]
    mod.init_params()
    mod.init_optimizer()
    mod.forward(SimpleBatch([mx.nd.array(x)], [mx.nd.array(y)]), is_train=True)
    mod.backward()
    mod.update()
    assert mod.get_outputs()[0].shape == (8, 4)
    # a smaller batch without provide_data reshapes the executors
    mod.forward(SimpleBatch([mx.nd.array(x[:3])], [mx.nd.array(y[:3])]), is_train=False)
    assert mod.get_outputs()[0].shape == (3, 4)
    assert mod.data_shapes[0].shape == (3, 6)


def test_set_params_missing_and_extra(ctx):
    mod = mx.mod.Module(mlp(), context=ctx)
    mod.bind([('data', (2, 6))], [('softmax_label', (2,))])
    full = {'fc1_weight': mx.nd.ones((8, 6)), 'fc1_bias': mx.nd.ones(8), 'fc2_weight': mx.nd.ones((4, 8)),
            'fc2_bias': mx.nd.ones(4)}
    with pytest.raises(RuntimeError, match='fc1_bias is not presented'):
        mod.set_params({'fc1_weight': mx.nd.ones((8, 6))}, {})
    mod.set_params(dict(full, extra=mx.nd.ones(1)), {})  # extra names are ignored (MXNet does too)
    mod.set_params(dict(full, extra=mx.nd.ones(1)), {}, allow_extra=True)
    mod.set_params({'fc1_weight': 2 * mx.nd.ones((8, 6))}, {}, allow_missing=True)
    got = params_np(mod)
    assert (got['fc1_weight'] == 2).all() and (got['fc2_weight'] == 1).all()
    with pytest.raises(mx.base.MXNetError, match='fc1_weight'):
        mod.set_params(dict(full, fc1_weight=mx.nd.ones((5, 6))), {})


def test_save_load_params(ctx, tmp_cwd):
    mod = bound(ctx)
    mod.save_params('p.params')
    saved = mx.nd.load('p.params')
    assert sorted(saved) == ['arg:fc1_bias', 'arg:fc1_weight', 'arg:fc2_bias', 'arg:fc2_weight']
    other = bound(ctx)
    other.load_params('p.params')
    for k, v in params_np(mod).items():
        np.testing.assert_array_equal(params_np(other)[k], v)


def test_inputs_need_grad(ctx):
    """get_input_grads equals the analytic gradient of softmax cross-entropy through one FC layer."""
    x, y = dataset(5, dim=3, classes=2)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable('data'), name='fc', num_hidden=2),
                               name='softmax')
    mod = mx.mod.Module(net, context=ctx)
    mod.bind([('data', (5, 3))], [('softmax_label', (5,))], inputs_need_grad=True)
    w = np.random.RandomState(3).randn(2, 3).astype('float32')
    mod.set_params({'fc_weight': mx.nd.array(w), 'fc_bias': mx.nd.zeros(2)}, {})
    mod.forward(mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)]), is_train=True)
    mod.backward()
    p = mod.get_outputs()[0].asnumpy()
    onehot = np.eye(2)[y.astype(int)]
    np.testing.assert_allclose(mod.get_input_grads()[0].asnumpy(), (p - onehot) @ w, rtol=1e-5, atol=1e-6)


# ---- devices ------------------------------------------------------------------------------------
def test_data_parallel_matches_one_device(ctx):
    x, y = dataset(16)
    batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
    init = params_np(bound(ctx, batch=16))
    results, outputs = [], []
    for contexts in ([ctx], two_contexts(ctx)):
        mod = mx.mod.Module(mlp(), context=contexts)
        mod.bind([('data', (16, 6))], [('softmax_label', (16,))])
        mod.set_params({k: mx.nd.array(v) for k, v in init.items()}, {})
        mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.5, 'momentum': 0.9})
        for _ in range(3):
            mod.forward_backward(batch)
            mod.update()
        results.append(params_np(mod))
        outputs.append(mod.get_outputs())
        if len(contexts) == 2:
            split = mod.get_outputs(merge_multi_context=False)
            assert len(split) == 1 and [o.shape for o in split[0]] == [(8, 4), (8, 4)]
    assert outputs[1][0].shape == (16, 4)
    np.testing.assert_allclose(outputs[1][0].asnumpy(), outputs[0][0].asnumpy(), rtol=1e-5, atol=1e-6)
    for k in init:
        assert not np.allclose(results[0][k], init[k])
        np.testing.assert_allclose(results[1][k], results[0][k], rtol=1e-5, atol=1e-6)


def test_work_load_list_splits_batch(ctx):
    mod = mx.mod.Module(mlp(), context=two_contexts(ctx), work_load_list=[1, 3])
    mod.bind([('data', (8, 6))], [('softmax_label', (8,))])
    mod.init_params()
    x, y = dataset(8)
    mod.forward(mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)]), is_train=False)
    assert [o.shape for o in mod.get_outputs(merge_multi_context=False)[0]] == [(2, 4), (6, 4)]


def test_kvstore_local():
    kv = mx.kv.create('local')
    assert (kv.type, kv.rank, kv.num_workers) == ('local', 0, 1)
    kv.init(3, mx.nd.ones((2, 3)))
    out = mx.nd.zeros((2, 3))
    kv.pull(3, out=out)
    assert (out.asnumpy() == 1).all()
    kv.push(3, [mx.nd.ones((2, 3)) * 2, mx.nd.ones((2, 3)) * 3])  # values of one key are summed
    kv.pull(3, out=out)
    assert (out.asnumpy() == 5).all()
    outs = [mx.nd.zeros((2, 3)), mx.nd.zeros((2, 3))]
    kv.pushpull(3, mx.nd.ones((2, 3)) * 8, out=outs)
    assert all((o.asnumpy() == 8).all() for o in outs)
    with pytest.raises(mx.base.MXNetError, match='duplicate init of key 3'):
        kv.init(3, mx.nd.ones((2, 3)))
    with pytest.raises(mx.base.MXNetError, match="key 9 doesn't exist"):
        kv.pull(9, out=out)
    with pytest.raises(mx.base.MXNetError, match='Mixed key types'):
        kv.init('a', mx.nd.ones(1))

    kv = mx.kv.create('local')
    kv.init(['a', 'b'], [mx.nd.ones(2), mx.nd.ones(2) * 2])
    o = [mx.nd.zeros(2), mx.nd.zeros(2)]
    kv.pull(['a', 'b'], out=o)
    assert [x.asnumpy().tolist() for x in o] == [[1, 1], [2, 2]]
    seen = []

    def updater(key, grad, weight):
        seen.append(key)
        weight[:] += grad * 2
    kv._set_updater(updater)
    kv.push('a', mx.nd.ones(2))
    kv.pull('a', out=o[0])
    # the updater gets the key as given (MXNet 1.9.1's C callback hands str keys over as bytes, b'a')
    assert o[0].asnumpy().tolist() == [3, 3] and seen == ['a']
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1))
    kv.push('b', mx.nd.ones(2))
    kv.pull('b', out=o[1])
    np.testing.assert_allclose(o[1].asnumpy(), [1.9, 1.9], rtol=1e-6)
    with pytest.raises(mx.base.MXNetError, match='does not match the stored shape'):
        kv.push('b', mx.nd.ones(3))


def test_install_monitor(ctx):
    mod = bound(ctx)
    mon = mx.mon.Monitor(1, pattern='fc1.*')
    mod.install_monitor(mon)
    x, y = dataset(8)
    mon.tic()
    mod.forward(mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)]), is_train=False)
    names = [name for _, name, _ in mon.toc()]
    assert names and all(n.startswith('fc1') for n in names)
    assert 'fc1_output' in names


# ---- fit / score / checkpoints --------------------------------------------------------------------
def test_fit_logs_checkpoints_and_learns(ctx, tmp_cwd, caplog):
    mx.random.seed(0)
    x, y = dataset(128)
    train = mx.io.NDArrayIter(x, y, batch_size=16, shuffle=False)
    val = mx.io.NDArrayIter(x, y, batch_size=16)
    mod = mx.mod.Module(mlp(16), context=ctx)
    with caplog.at_level(logging.INFO):
        mod.fit(train, eval_data=val, optimizer='sgd', optimizer_params={'learning_rate': 0.5},
                eval_metric='acc', num_epoch=3, initializer=mx.init.Xavier(),
                epoch_end_callback=mx.callback.do_checkpoint('mlp'),
                batch_end_callback=mx.callback.Speedometer(16, 4))
    text = caplog.text
    for epoch in range(3):
        for line in ('Epoch[%d] Train-accuracy=' % epoch, 'Epoch[%d] Time cost=' % epoch,
                     'Epoch[%d] Validation-accuracy=' % epoch, 'Epoch[%d] Batch [0-4]\tSpeed: ' % epoch):
            assert line in text, line
    assert sorted(os.listdir('.')) == ['mlp-0001.params', 'mlp-0002.params', 'mlp-0003.params',
                                       'mlp-symbol.json']
    (name, acc), = mod.score(val, 'acc')
    assert name == 'accuracy' and acc > 0.8
    sym, arg, aux = mx.model.load_checkpoint('mlp', 3)
    assert sym.tojson() == mod.symbol.tojson()
    for k, v in params_np(mod).items():
        np.testing.assert_array_equal(arg[k].asnumpy(), v)


def test_fit_begin_epoch_and_fixed_params(ctx, caplog):
    x, y = dataset(32)
    train = mx.io.NDArrayIter(x, y, batch_size=16)
    mod = bound(ctx, batch=16, fixed_param_names=['fc1_weight', 'fc1_bias'])
    before = params_np(mod)
    with caplog.at_level(logging.INFO):
        mod.fit(train, num_epoch=4, begin_epoch=2, optimizer_params={'learning_rate': 0.5})
    assert 'Epoch[2] Train-accuracy' in caplog.text and 'Epoch[3] Train-accuracy' in caplog.text
    assert 'Epoch[1]' not in caplog.text and 'Epoch[4]' not in caplog.text
    after = params_np(mod)
    np.testing.assert_array_equal(after['fc1_weight'], before['fc1_weight'])
    np.testing.assert_array_equal(after['fc1_bias'], before['fc1_bias'])
    assert not np.allclose(after['fc2_weight'], before['fc2_weight'])


def _train(ctx, prefix, begin_epoch, num_epoch, mod=None):
    x, y = dataset(96, seed=5)
    train = mx.io.NDArrayIter(x, y, batch_size=16, shuffle=False)
    if mod is None:
        mx.random.seed(42)
        mod = mx.mod.Module(mlp(16), context=ctx)
    mod.fit(train, num_epoch=num_epoch, begin_epoch=begin_epoch, optimizer='sgd',
            optimizer_params={'learning_rate': 0.2, 'momentum': 0.9}, initializer=mx.init.Xavier(),
            epoch_end_callback=lambda epoch, *_: mod.save_checkpoint(prefix, epoch + 1,
                                                                     save_optimizer_states=True))
    return mod


def test_resume_from_checkpoint_equals_uninterrupted_run(ctx, tmp_cwd):
    """Train 4 epochs; separately train 2, "crash", reload params + momentum and finish: same weights."""
    full = params_np(_train(ctx, 'full', 0, 4))
    _train(ctx, 'part', 0, 2)  # the process stops after epoch 2's checkpoint
    assert os.path.exists('part-0002.states') and not os.path.exists('part-0003.params')
    resumed = mx.mod.Module.load('part', 2, load_optimizer_states=True, context=ctx)
    got = params_np(_train(ctx, 'part', 2, 4, mod=resumed))
    for k in full:
        np.testing.assert_allclose(got[k], full[k], rtol=1e-5, atol=1e-6)
    # without the optimizer states (momentum restarts at zero) the result differs
    plain = mx.mod.Module.load('part', 2, context=ctx)
    other = params_np(_train(ctx, 'plain', 2, 4, mod=plain))
    assert not np.allclose(other['fc2_weight'], full['fc2_weight'], rtol=1e-5, atol=1e-6)


def test_predict_ndarray_and_iter_predict(ctx):
    x, y = dataset(10)
    mod = bound(ctx, batch=4)
    it = mx.io.NDArrayIter(x, y, batch_size=4, last_batch_handle='pad')
    merged = mod.predict(it).asnumpy()
    parts = [p[0].asnumpy() for p, _, _ in mod.iter_predict(it)]
    np.testing.assert_allclose(np.concatenate(parts), merged, rtol=1e-6)
    assert merged.shape == (10, 4)
    np.testing.assert_allclose(merged.sum(axis=1), np.ones(10), rtol=1e-5)


# ---- BucketingModule / SequentialModule -------------------------------------------------------------
class BucketIter(mx.io.DataIter):
    """Batches of sequences of a few lengths, each with its bucket_key and provide_data/provide_label."""

    def __init__(self, lengths, batch_size=4, default=10, seed=0):
        super().__init__(batch_size)
        rs = np.random.RandomState(seed)
        self.batches = []
        for n in lengths:
            x = rs.randn(batch_size, n, 3).astype('float32')
            y = (x.sum(axis=(1, 2)) > 0).astype('float32') * 3
            self.batches.append(mx.io.DataBatch(
                [mx.nd.array(x)], [mx.nd.array(y)], bucket_key=n,
                provide_data=[mx.io.DataDesc('data', (batch_size, n, 3))],
                provide_label=[mx.io.DataDesc('softmax_label', (batch_size,))]))
        self.default_bucket_key = default
        self.provide_data = [mx.io.DataDesc('data', (batch_size, default, 3))]
        self.provide_label = [mx.io.DataDesc('softmax_label', (batch_size,))]
        self.cur = 0

    def reset(self):
        self.cur = 0

    def next(self):
        if self.cur == len(self.batches):
            raise StopIteration
        self.cur += 1
        return self.batches[self.cur - 1]


def test_bucketing_fit_shares_parameters(ctx, caplog):
    it = BucketIter([10, 5, 7, 5, 10, 7])
    mod = mx.mod.BucketingModule(scenarios._bucket_sym_gen(mx), default_bucket_key=10, context=ctx)
    with caplog.at_level(logging.INFO):
        mod.fit(it, num_epoch=2, optimizer_params={'learning_rate': 0.1}, initializer=mx.init.Xavier())
    assert 'Epoch[1] Train-accuracy=' in caplog.text
    assert sorted(mod._buckets) == [5, 7, 10]
    weights = [m.get_params()[0]['emb_weight'].asnumpy() for m in mod._buckets.values()]
    for w in weights[1:]:
        np.testing.assert_array_equal(w, weights[0])
    # switch_bucket binds nothing new for a known key, and the current bucket follows the batches
    mod.switch_bucket(5, it.batches[1].provide_data, it.batches[1].provide_label)
    assert mod.data_shapes[0].shape == (4, 5, 3) and len(mod._buckets) == 3
    scores = mod.score(it, 'acc')
    assert scores[0][0] == 'accuracy'


def test_sequential_module_requires_modules(ctx):
    with pytest.raises(AssertionError, match='empty SequentialModule'):
        mx.mod.SequentialModule().bind([('data', (2, 3))])
    seq = mx.mod.SequentialModule()
    net = mx.sym.FullyConnected(mx.sym.Variable('data'), name='fc', num_hidden=2)
    seq.add(mx.mod.Module(net, label_names=None, context=ctx))
    seq.add(mx.mod.Module(mx.sym.FullyConnected(mx.sym.Variable('data'), name='fc', num_hidden=2),
                          label_names=None, context=ctx), auto_wiring=True)
    seq.bind([('data', (2, 2))], for_training=False)
    with pytest.raises(AssertionError, match='Duplicated parameter names'):
        seq.init_params()


def test_sequential_module_fit(ctx, caplog):
    mx.random.seed(0)
    x, y = dataset(64, classes=2)
    first = mx.sym.Activation(mx.sym.FullyConnected(mx.sym.Variable('data'), name='fc1', num_hidden=16),
                              act_type='relu')
    second = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable('data'), name='fc2', num_hidden=2),
                                  name='softmax')
    seq = mx.mod.SequentialModule()
    seq.add(mx.mod.Module(first, label_names=None, context=ctx))
    seq.add(mx.mod.Module(second, context=ctx), take_labels=True, auto_wiring=True)
    it = mx.io.NDArrayIter(x, y, 16)
    with caplog.at_level(logging.INFO):
        seq.fit(it, num_epoch=8, optimizer_params={'learning_rate': 0.5}, initializer=mx.init.Xavier())
    assert 'Epoch[7] Train-accuracy=' in caplog.text
    assert seq.score(it, 'acc')[0][1] > 0.9
    assert seq.predict(it).shape == (64, 2)
    assert seq.output_shapes == [('softmax_output', (16, 2))]


def test_predict_single_array_and_bad_input(ctx):
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable('data'), name='fc1', num_hidden=4),
                               name='softmax')
    mod = mx.mod.Module(net, context=ctx)
    with pytest.warns(UserWarning, match=r"label_shapes don't match names specified by label_names "
                                         r"\(\[\] vs. \['softmax_label'\]\)"):
        mod.bind([('data', (2, 3))], for_training=False)
    mod.set_params({'fc1_weight': mx.nd.ones((4, 3)), 'fc1_bias': mx.nd.array([0, 1, 2, 3])}, {})
    # an array is one batch; the first output comes back (values from MXNet 1.9.1)
    out = mod.predict(np.ones((2, 3), dtype='float32'))
    np.testing.assert_allclose(out.asnumpy()[0], [0.0321, 0.0871, 0.2369, 0.6439], atol=1e-4)
    assert mod.predict(mx.nd.ones((2, 3))).shape == (2, 4)
    with pytest.raises(ValueError, match='eval_data must be of type NDArray or DataIter'):
        mod.predict([[1, 2, 3]])


def test_string_grad_req_applies_to_inputs_and_params(ctx):
    """A string grad_req covers the parameters and (with inputs_need_grad) the data: 'null' leaves no input
    gradient, 'add' accumulates over backward passes."""
    net = mx.sym.FullyConnected(mx.sym.Variable('data'), name='fc', num_hidden=2)
    for req in ('null', 'add'):
        mod = mx.mod.Module(net, label_names=None, context=ctx)
        mod.bind([('data', (4, 3))], None, inputs_need_grad=True, grad_req=req)
        mod.init_params()
        batch = mx.io.DataBatch([mx.nd.ones((4, 3))])
        grads = []
        for _ in range(2):
            mod.forward(batch, is_train=True)
            mod.backward([mx.nd.ones((4, 2))])
            g = mod.get_input_grads()[0]
            grads.append(None if g is None else g.asnumpy().copy())
        if req == 'null':
            assert grads == [None, None]
        else:
            np.testing.assert_allclose(grads[1], 2 * grads[0], rtol=1e-6)
