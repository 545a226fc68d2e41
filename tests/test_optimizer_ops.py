"""The fused optimizer update ops: states written in place, out=, lazy row_sparse updates, mixed precision and
multi-tensor forms, against numpy (MXNet 1.9.1's kernels)."""
import numpy as np
import pytest

import mxnet as mx


def _arrays(rng, n, shape=(4, 3), pos=()):
    return [rng.uniform(0.1, 1.1, shape).astype('f4') if i in pos else rng.uniform(-1, 1, shape).astype('f4')
            for i in range(n)]


def test_sgd_mom_update_writes_mom_and_out():
    rng = np.random.RandomState(0)
    w, g, m = _arrays(rng, 3)
    W, G, M = (mx.nd.array(a) for a in (w, g, m))
    res = mx.nd.sgd_mom_update(W, G, M, lr=0.1, momentum=0.9, wd=0.05, rescale_grad=0.5, clip_gradient=0.2, out=W)
    mom = 0.9 * m - 0.1 * 0.05 * w - 0.1 * np.clip(0.5 * g, -0.2, 0.2)
    assert res is W
    np.testing.assert_allclose(M.asnumpy(), mom, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(W.asnumpy(), w + mom, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(G.asnumpy(), g)


def test_update_without_out_leaves_weight():
    rng = np.random.RandomState(1)
    w, g, mean, var = _arrays(rng, 4, pos=(3,))
    W = mx.nd.array(w)
    new = mx.nd.adam_update(W, mx.nd.array(g), mx.nd.array(mean), mx.nd.array(var), lr=0.01)
    np.testing.assert_array_equal(W.asnumpy(), w)
    assert not np.allclose(new.asnumpy(), w)


def test_ftml_and_rmspropalex_states():
    rng = np.random.RandomState(2)
    w, g, d, v, z = _arrays(rng, 5, pos=(1, 2, 3))
    D, V, Z = mx.nd.array(d), mx.nd.array(v), mx.nd.array(z)
    out = mx.nd.ftml_update(mx.nd.array(w), mx.nd.array(g), D, V, Z, lr=0.1, t=2, beta1=0.6, beta2=0.9, wd=0.01)
    gg = g + 0.01 * w
    v2 = 0.9 * v + 0.1 * gg * gg
    d_t = (1 - 0.6 ** 2) / 0.1 * (np.sqrt(v2 / (1 - 0.9 ** 2)) + 1e-8)
    z2 = 0.6 * z + 0.4 * gg - (d_t - 0.6 * d) * w
    for got, want in ((V, v2), (D, d_t), (Z, z2), (out, -z2 / d_t)):
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('stype', ['default', 'row_sparse'])
def test_lazy_sgd_mom_touches_only_gradient_rows(stype):
    rng = np.random.RandomState(3)
    w, g, m = _arrays(rng, 3)
    g[1] = 0
    W = mx.nd.array(w).tostype(stype)
    M = mx.nd.array(m).tostype(stype)
    G = mx.nd.array(g).tostype('row_sparse')
    mx.nd.sgd_mom_update(W, G, M, lr=0.1, momentum=0.9, wd=0.1, out=W)
    np.testing.assert_array_equal(W.asnumpy()[1], w[1])
    np.testing.assert_array_equal(M.asnumpy()[1], m[1])
    mom = 0.9 * m - 0.01 * w - 0.1 * g
    np.testing.assert_allclose(M.asnumpy()[[0, 2, 3]], mom[[0, 2, 3]], rtol=1e-6)
    # a dense gradient, or lazy_update=False, updates every row
    W2, M2 = mx.nd.array(w), mx.nd.array(m)
    mx.nd.sgd_mom_update(W2, mx.nd.array(g).tostype('row_sparse'), M2, lr=0.1, momentum=0.9, wd=0.1,
                         lazy_update=False, out=W2)
    np.testing.assert_allclose(M2.asnumpy(), mom, rtol=1e-6)


def test_ftrl_lazy_only_when_all_row_sparse():
    rng = np.random.RandomState(4)
    w, g, z, n = _arrays(rng, 4, pos=(3,))
    g[0] = 0
    G = mx.nd.array(g).tostype('row_sparse')
    Wd = mx.nd.array(w)
    mx.nd.ftrl_update(Wd, G, mx.nd.array(z), mx.nd.array(n), lr=0.1, wd=0.1, out=Wd)
    assert not np.allclose(Wd.asnumpy()[0], w[0])
    Ws = mx.nd.array(w).tostype('row_sparse')
    mx.nd.ftrl_update(Ws, G, mx.nd.array(z).tostype('row_sparse'), mx.nd.array(n).tostype('row_sparse'),
                      lr=0.1, wd=0.1, out=Ws)
    np.testing.assert_array_equal(Ws.asnumpy()[0], w[0])


def test_mp_sgd_mom_update_keeps_float32_master():
    rng = np.random.RandomState(5)
    w32, g, m = _arrays(rng, 3)
    W = mx.nd.array(w32, dtype='float16')
    W32, M = mx.nd.array(w32), mx.nd.array(m)
    mx.nd.mp_sgd_mom_update(W, mx.nd.array(g, dtype='float16'), M, W32, lr=0.1, momentum=0.9, out=W)
    mom = 0.9 * m - 0.1 * g.astype('f2').astype('f4')
    np.testing.assert_allclose(W32.asnumpy(), w32 + mom, rtol=1e-6, atol=1e-6)
    assert W.dtype == np.float16
    np.testing.assert_array_equal(W.asnumpy(), (w32 + mom).astype('f2'))


def test_multi_sgd_mom_update():
    rng = np.random.RandomState(6)
    arrs = _arrays(rng, 6)
    nds = [mx.nd.array(a) for a in arrs]
    outs = [nds[0], nds[3]]
    mx.nd.multi_sgd_mom_update(*nds, lrs=(0.1, 0.2), wds=(0.0, 0.1), momentum=0.5, num_weights=2, out=outs)
    for k, (lr, wd) in enumerate(((0.1, 0.0), (0.2, 0.1))):
        w, g, m = arrs[3 * k:3 * k + 3]
        mom = 0.5 * m - lr * wd * w - lr * g
        np.testing.assert_allclose(nds[3 * k + 2].asnumpy(), mom, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(nds[3 * k].asnumpy(), w + mom, rtol=1e-6, atol=1e-7)


def test_preloaded_multi_sgd_update_reads_lrs_from_arrays():
    rng = np.random.RandomState(7)
    w0, g0, w1, g1 = _arrays(rng, 4)
    out = mx.nd.preloaded_multi_sgd_update(*[mx.nd.array(a) for a in (w0, g0, w1, g1)],
                                           mx.nd.array([0.1, 0.3]), mx.nd.array([0.0, 0.5]), num_weights=2)
    np.testing.assert_allclose(out[0].asnumpy(), w0 - 0.1 * g0, rtol=1e-6)
    np.testing.assert_allclose(out[1].asnumpy(), (1 - 0.15) * w1 - 0.3 * g1, rtol=1e-6)


def test_multi_lamb_matches_two_phases():
    rng = np.random.RandomState(8)
    w, g, mean, var = _arrays(rng, 4, pos=(3,))
    M1, V1, M2, V2 = (mx.nd.array(a) for a in (mean, var, mean, var))
    W = mx.nd.array(w)
    d = mx.nd.lamb_update_phase1(W, mx.nd.array(g), M1, V1, t=2, wd=0.01, rescale_grad=0.5)
    r1, r2 = mx.nd.norm(W).reshape((1,)), mx.nd.norm(d).reshape((1,))
    want = mx.nd.lamb_update_phase2(W, d, r1, r2, lr=0.05)
    got = mx.nd._internal._multi_lamb_update(mx.nd.array(w), mx.nd.array(g), M2, V2, learning_rates=(0.05,),
                                             wds=(0.01,), step_count=(2,), rescale_grad=0.5, num_tensors=1)
    got = got[0] if isinstance(got, list) else got
    np.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(M2.asnumpy(), M1.asnumpy(), rtol=1e-6)


def test_adamw_skips_update_on_nonfinite_rescale():
    rng = np.random.RandomState(9)
    w, g, mean, var = _arrays(rng, 4, pos=(3,))
    M = mx.nd.array(mean)
    out = mx.nd._internal._adamw_update(mx.nd.array(w), mx.nd.array(g), M, mx.nd.array(var),
                                        mx.nd.array([np.inf]), lr=0.1, eta=1.0)
    np.testing.assert_array_equal(out.asnumpy(), w)
    np.testing.assert_array_equal(M.asnumpy(), mean)


def test_multi_sum_sq_and_lars():
    a, b = np.arange(6, dtype='f4').reshape(2, 3), np.ones(4, 'f4')
    ss = mx.nd.multi_sum_sq(mx.nd.array(a), mx.nd.array(b), num_arrays=2)
    np.testing.assert_allclose(ss.asnumpy(), [55.0, 4.0])
    lrs = mx.nd.multi_lars(mx.nd.array([0.1, 0.1]), ss, mx.nd.array([4.0, 0.0]), mx.nd.array([0.0, 0.0]),
                           eta=1.0, eps=0.0)
    np.testing.assert_allclose(lrs.asnumpy(), [0.1 * np.sqrt(55.0) / 2.0, 0.1], rtol=1e-6)


def test_sgd_optimizer_lazy_row_sparse():
    rng = np.random.RandomState(10)
    w, g = _arrays(rng, 2)
    g[2] = 0
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, wd=0.1)
    W = mx.nd.array(w).tostype('row_sparse')
    state = opt.create_state(0, W)
    assert state.stype == 'row_sparse'
    opt.update(0, W, mx.nd.array(g).tostype('row_sparse'), state)
    np.testing.assert_array_equal(W.asnumpy()[2], w[2])
    np.testing.assert_allclose(W.asnumpy()[0], w[0] - 0.01 * w[0] - 0.1 * g[0], rtol=1e-6)


def test_lamb_optimizer_multi_tensor_matches_single():
    rng = np.random.RandomState(11)
    shapes = [(5, 3), (7,)]
    ws = [rng.uniform(-1, 1, s).astype('f4') for s in shapes]
    gs = [rng.uniform(-1, 1, s).astype('f4') for s in shapes]
    kw = dict(learning_rate=0.01, wd=0.01, clip_gradient=0.5, lower_bound=0.1, upper_bound=5.0)
    one = mx.optimizer.LAMB(**kw)
    many = mx.optimizer.LAMB(**kw)
    singles = []
    for i, (w, g) in enumerate(zip(ws, gs)):
        W = mx.nd.array(w)
        one.update(i, W, mx.nd.array(g), one.create_state(i, W))
        singles.append(W.asnumpy())
    Ws = [mx.nd.array(w) for w in ws]
    many.update([0, 1], Ws, [mx.nd.array(g) for g in gs], [many.create_state(i, W) for i, W in enumerate(Ws)])
    for a, b in zip(singles, Ws):
        np.testing.assert_allclose(b.asnumpy(), a, rtol=1e-6, atol=1e-7)
