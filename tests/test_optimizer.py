"""Optimizers, the Updater and LR schedulers against trajectories made by MXNet 1.9.1
(tests/fixtures/optimizer/make_optimizer_fixtures.py)."""
import json
import os
import pickle
import sys

import numpy as np
import pytest

import mxnet as mx

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'optimizer')
sys.path.insert(0, HERE)
import cases  # noqa: E402

REF = np.load(os.path.join(HERE, 'optimizer.npz'))
with open(os.path.join(HERE, 'lr_scheduler.json')) as f:
    SCHED = json.load(f)


def _make(key):
    name, kwargs, dtype = cases.OPTIMIZERS[key]
    opt = mx.optimizer.create(name, param_idx2name=dict(enumerate(cases.NAMES)),
                              **cases.optimizer_kwargs(mx, kwargs))
    return opt, dtype


def _tol(dtype):
    return dict(rtol=1e-5, atol=1e-6) if dtype == 'float32' else dict(rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize('key', sorted(cases.OPTIMIZERS))
def test_updater_matches_reference(key, ctx):
    opt, dtype = _make(key)
    upd = mx.optimizer.get_updater(opt)
    weights, grads = cases.problem(dtype)
    ws = [mx.nd.array(w, ctx=ctx, dtype=dtype) for w in weights]
    for s in range(cases.STEPS):
        upd(list(range(len(ws))), [mx.nd.array(g, ctx=ctx, dtype=dtype) for g in grads[s]], ws)
        for i, w in enumerate(ws):
            assert w.dtype == np.dtype(dtype)
            np.testing.assert_allclose(w.asnumpy(), REF['%s/w%d_%d' % (key, s, i)], err_msg='%s step %d' % (key, s),
                                       **_tol(dtype))
    assert opt.num_update == REF[key + '/num_update'][0]


@pytest.mark.parametrize('key', ['sgd_mom', 'sgd_mom_clip', 'adam_wd', 'nag_mom', 'sgd_mom_mp', 'rmsprop'])
def test_single_index_path_equals_list_path(key, ctx):
    """update() per index gives bit-identical results to the multi-tensor call over all indices."""
    weights, grads = cases.problem(cases.OPTIMIZERS[key][2])
    out = []
    for per_index in (False, True):
        opt, dtype = _make(key)
        upd = mx.optimizer.get_updater(opt)
        ws = [mx.nd.array(w, ctx=ctx, dtype=dtype) for w in weights]
        for s in range(cases.STEPS):
            gs = [mx.nd.array(g, ctx=ctx, dtype=dtype) for g in grads[s]]
            if per_index:
                for i in range(len(ws)):
                    upd(i, gs[i], ws[i])
            else:
                upd(list(range(len(ws))), gs, ws)
        out.append([w.asnumpy() for w in ws])
    for a, b in zip(*out):
        np.testing.assert_array_equal(a, b)


def test_sgd_does_not_touch_gradients(ctx):
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, wd=0.1, rescale_grad=0.5, clip_gradient=0.1)
    w, g = mx.nd.ones((3,), ctx=ctx), mx.nd.array([1., -2., 3.], ctx=ctx)
    opt.update(0, w, g, opt.create_state(0, w))
    np.testing.assert_array_equal(g.asnumpy(), [1., -2., 3.])
    # mom = -lr * (clip(0.5 * g) + wd * w) = -0.1 * ([0.1, -0.1, 0.1] + 0.1)
    np.testing.assert_allclose(w.asnumpy(), [0.98, 1.0, 0.98], rtol=1e-6)


def test_lr_and_wd_multipliers():
    data = mx.sym.Variable('data')
    w = mx.sym.Variable('fc_weight', lr_mult=2.0, wd_mult=0.5)
    net = mx.sym.FullyConnected(data, weight=w, num_hidden=3, name='fc')
    idx2name = dict(enumerate(net.list_arguments()))
    opt = mx.optimizer.create('sgd', sym=net, param_idx2name=idx2name, learning_rate=0.1, wd=0.01)
    assert opt.lr_mult == {'fc_weight': 2.0}
    assert opt.wd_mult == {'data': 0.0, 'fc_bias': 0.0, 'fc_weight': 0.5}
    assert opt._get_lrs([1, 2]) == pytest.approx([0.2, 0.1])
    assert opt._get_wds([1, 2]) == pytest.approx([0.005, 0.0])
    opt.set_lr_mult({2: 3.0})
    assert opt._get_lr(2) == pytest.approx(0.3)


def test_num_update_counting_and_learning_rate():
    sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
    opt = mx.optimizer.SGD(lr_scheduler=sched, begin_num_update=3)
    assert opt.learning_rate == 0.5 and opt.lr is None
    opt._update_count([0, 1])
    opt._update_count(0)
    assert opt._index_update_count == {0: 5, 1: 4} and opt.num_update == 5
    with pytest.raises(UserWarning):
        opt.set_learning_rate(0.1)
    plain = mx.optimizer.create('SGD', learning_rate=0.3)
    plain.set_learning_rate(0.2)
    assert plain.learning_rate == 0.2
    with pytest.raises(ValueError, match='Cannot find optimizer'):
        mx.optimizer.create('nosuchopt')


def test_register_custom_optimizer_gets_single_updates(ctx):
    calls = []

    @mx.optimizer.register
    class Halve(mx.optimizer.Optimizer):
        def create_state(self, index, weight):
            return None

        def update(self, index, weight, grad, state):
            calls.append(index)
            weight[:] = weight / 2

    upd = mx.optimizer.get_updater(mx.optimizer.create('halve'))
    ws = [mx.nd.ones((2,), ctx=ctx) for _ in range(3)]
    upd([0, 1, 2], [mx.nd.ones((2,), ctx=ctx)] * 3, ws)
    assert calls == [0, 1, 2]
    np.testing.assert_array_equal(ws[2].asnumpy(), [0.5, 0.5])


@pytest.mark.parametrize('dump', [False, True])
def test_updater_states_round_trip(dump, ctx):
    opt = mx.optimizer.Adam(learning_rate=0.1)
    upd = mx.optimizer.get_updater(opt)
    w = mx.nd.array([1., 2.], ctx=ctx)
    upd(0, mx.nd.array([0.5, -0.5], ctx=ctx), w)
    blob = upd.get_states(dump_optimizer=dump)
    states = pickle.loads(blob)
    if dump:
        states, o = states
        assert isinstance(o, mx.optimizer.Adam) and o.num_update == 1
    mean, var = states[0]
    np.testing.assert_allclose(mean.asnumpy(), [0.05, -0.05], rtol=1e-6)
    np.testing.assert_allclose(var.asnumpy(), [0.00025, 0.00025], rtol=1e-5)
    other = mx.optimizer.get_updater(mx.optimizer.Adam(learning_rate=0.1))
    other.set_states(blob)
    assert other.states_synced == {0: False}
    w2 = w.copy()
    g = mx.nd.array([0.1, 0.2], ctx=ctx)
    if dump:
        upd(0, g, w)
        other(0, g, w2)
        np.testing.assert_array_equal(w.asnumpy(), w2.asnumpy())
    assert other.states_synced == ({0: True} if dump else {0: False})


def test_multi_precision_keeps_master_copy(ctx):
    opt = mx.optimizer.SGD(learning_rate=1e-4, multi_precision=True)
    w = mx.nd.ones((4,), ctx=ctx, dtype='float16')
    state = opt.create_state_multi_precision(0, w)
    assert state[0] is None and state[1].dtype == np.float32
    for _ in range(10):
        opt.update_multi_precision(0, w, mx.nd.ones((4,), ctx=ctx, dtype='float16'), state)
    np.testing.assert_allclose(state[1].asnumpy(), 1 - 1e-3, rtol=1e-6)  # float16 alone would stay at 1.0
    assert w.dtype == np.float16
    adam = mx.optimizer.Adam(multi_precision=True)
    st = adam.create_state_multi_precision(0, w)
    assert st[0].dtype == np.float32 and len(st[1]) == 2


def test_sgld_noise_follows_seed(ctx):
    out = []
    for _ in range(2):
        mx.random.seed(7)
        opt = mx.optimizer.SGLD(learning_rate=0.01)
        w = mx.nd.zeros((1000,), ctx=ctx)
        opt.update(0, w, mx.nd.zeros((1000,), ctx=ctx), None)
        out.append(w.asnumpy())
    np.testing.assert_array_equal(out[0], out[1])
    assert abs(out[0].std() - 0.1) < 0.01


@pytest.mark.parametrize('key', sorted(cases.SCHEDULERS))
def test_lr_scheduler_matches_reference(key):
    cls, kwargs = cases.SCHEDULERS[key]
    s = getattr(mx.lr_scheduler, cls)(**kwargs)
    got = [s(n) for n in cases.SCHEDULE_UPDATES]
    np.testing.assert_allclose(got, SCHED[key], rtol=1e-12, atol=0)


def test_lr_scheduler_errors():
    with pytest.raises(ValueError):
        mx.lr_scheduler.FactorScheduler(step=0)
    with pytest.raises(ValueError):
        mx.lr_scheduler.FactorScheduler(step=2, factor=2)
    with pytest.raises(ValueError):
        mx.lr_scheduler.MultiFactorScheduler(step=[3, 2])
    with pytest.raises(ValueError):
        mx.lr_scheduler.PolyScheduler(max_update=0)
    with pytest.raises(ValueError):
        mx.lr_scheduler.CosineScheduler(max_update=5, base_lr=0.1, warmup_begin_lr=0.2)
    with pytest.raises(ValueError):
        mx.lr_scheduler.LRScheduler(warmup_mode='cubic')


def test_custom_update_gets_single_arrays():
    """A subclass overriding only update() gets one weight per call, even under SGD (aggregate_num 4)."""
    calls = []

    class MySGD(mx.optimizer.SGD):
        def update(self, index, weight, grad, state):
            assert isinstance(weight, mx.nd.NDArray) and isinstance(grad, mx.nd.NDArray)
            calls.append(index)
            weight[:] = weight - 0.5 * grad

    upd = mx.optimizer.get_updater(MySGD())
    ws = [mx.nd.ones((2,)) for _ in range(5)]
    upd(list(range(5)), [mx.nd.ones((2,)) for _ in range(5)], ws)
    assert calls == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(ws[4].asnumpy(), [0.5, 0.5])


def test_custom_optimizer_with_own_aggregate_num_gets_chunks():
    seen = []

    class Chunked(mx.optimizer.Optimizer):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.aggregate_num = 2

        def update(self, index, weight, grad, state):
            seen.append(list(index))
            for w, g in zip(weight, grad):
                w[:] = w - g

    upd = mx.optimizer.get_updater(Chunked())
    upd(list(range(3)), [mx.nd.ones((2,)) for _ in range(3)], [mx.nd.ones((2,)) for _ in range(3)])
    assert seen == [[0, 1], [2]]


def test_custom_update_multi_precision_uses_master_copy():
    """multi_precision with a custom update(): update runs on the float32 master, then the fp16 weight copies it."""
    class Plain(mx.optimizer.Optimizer):
        def update(self, index, weight, grad, state):
            assert weight.dtype == np.float32 and grad.dtype == np.float32
            weight[:] = weight - 0.25 * grad

    opt = Plain(multi_precision=True)
    w = mx.nd.ones((3,), dtype='float16')
    st = opt.create_state_multi_precision(0, w)
    opt.update_multi_precision(0, w, mx.nd.ones((3,), dtype='float16'), st)
    assert w.dtype == np.float16
    np.testing.assert_allclose(w.asnumpy(), 0.75)
