"""mx.gluon.rnn: recurrent cells against numpy, fused layers against the unfused cells, parameter names,
state semantics, variable lengths, hybridization and export."""
import os

import numpy as np
import pytest

import mxnet as mx
from mxnet import gluon, nd, autograd
from mxnet.gluon import rnn


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _set_random(params, seed=0):
    rs = np.random.RandomState(seed)
    for p in params.values():
        p.set_data(nd.array(rs.uniform(-0.5, 0.5, p.shape)))


def _lstm_step(x, h, c, wi, wh, bi, bh):
    g = x @ wi.T + bi + h @ wh.T + bh
    i, f, gg, o = np.split(g, 4, axis=1)
    c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(gg)
    return _sigmoid(o) * np.tanh(c), c


def test_param_names_and_shapes():
    cell = rnn.LSTMCell(8, input_size=5, prefix='lstm0_')
    assert sorted(cell.collect_params().keys()) == ['lstm0_h2h_bias', 'lstm0_h2h_weight', 'lstm0_i2h_bias',
                                                    'lstm0_i2h_weight']
    assert cell.i2h_weight.shape == (32, 5) and cell.h2h_weight.shape == (32, 8)
    assert rnn.GRUCell(4).i2h_weight.shape == (12, 0)
    layer = rnn.LSTM(6, num_layers=2, bidirectional=True, prefix='lstm_')
    names = sorted(layer.collect_params().keys())
    assert 'lstm_l0_i2h_weight' in names and 'lstm_r1_h2h_bias' in names and len(names) == 16
    assert layer.l1_i2h_weight.shape == (24, 12)
    assert rnn.LSTM(6, projection_size=3).l0_h2r_weight.shape == (3, 6)


def test_lstm_cell_matches_numpy():
    cell = rnn.LSTMCell(4, input_size=3)
    cell.initialize()
    _set_random(cell.collect_params())
    x = np.random.RandomState(1).uniform(-1, 1, (2, 5, 3)).astype(np.float32)
    out, (h, c) = cell.unroll(5, nd.array(x), layout='NTC', merge_outputs=True)
    p = {k.split('_', 1)[1]: v.data().asnumpy() for k, v in cell.collect_params().items()}
    hn, cn = np.zeros((2, 4)), np.zeros((2, 4))
    outs = []
    for t in range(5):
        hn, cn = _lstm_step(x[:, t], hn, cn, p['i2h_weight'], p['h2h_weight'], p['i2h_bias'], p['h2h_bias'])
        outs.append(hn)
    np.testing.assert_allclose(out.asnumpy(), np.stack(outs, 1), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(h.asnumpy(), hn, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(c.asnumpy(), cn, rtol=1e-5, atol=1e-5)


def test_gru_and_rnn_cell_match_numpy():
    x = np.random.RandomState(2).uniform(-1, 1, (3, 4)).astype(np.float32)
    h = np.random.RandomState(3).uniform(-1, 1, (3, 5)).astype(np.float32)
    gru = rnn.GRUCell(5, input_size=4)
    gru.initialize()
    _set_random(gru.collect_params())
    p = {k.split('_', 1)[1]: v.data().asnumpy() for k, v in gru.collect_params().items()}
    out, _ = gru(nd.array(x), [nd.array(h)])
    xi = x @ p['i2h_weight'].T + p['i2h_bias']
    hh = h @ p['h2h_weight'].T + p['h2h_bias']
    r = _sigmoid(xi[:, :5] + hh[:, :5])
    z = _sigmoid(xi[:, 5:10] + hh[:, 5:10])
    n = np.tanh(xi[:, 10:] + r * hh[:, 10:])
    np.testing.assert_allclose(out.asnumpy(), (1 - z) * n + z * h, rtol=1e-5, atol=1e-5)

    cell = rnn.RNNCell(5, activation='relu', input_size=4)
    cell.initialize()
    p = {k.split('_', 1)[1]: v.data().asnumpy() for k, v in cell.collect_params().items()}
    out, states = cell(nd.array(x), [nd.array(h)])
    want = np.maximum(x @ p['i2h_weight'].T + p['i2h_bias'] + h @ p['h2h_weight'].T + p['h2h_bias'], 0)
    np.testing.assert_allclose(out.asnumpy(), want, rtol=1e-5, atol=1e-5)
    assert states[0] is out


@pytest.mark.parametrize('mode', ['lstm', 'gru', 'rnn_tanh'])
def test_fused_layer_matches_unfused_cells(mode):
    make = {'lstm': rnn.LSTM, 'gru': rnn.GRU, 'rnn_tanh': lambda *a, **k: rnn.RNN(*a, activation='tanh', **k)}
    layer = make[mode](5, num_layers=2, bidirectional=True, layout='NTC', input_size=3)
    layer.initialize()
    _set_random(layer.collect_params())
    cells = layer._unfuse()
    x = nd.array(np.random.RandomState(4).uniform(-1, 1, (2, 6, 3)))
    states = layer.begin_state(2)
    out, new_states = layer(x, states)
    assert out.shape == (2, 6, 10) and len(new_states) == len(states)
    assert new_states[0].shape == (4, 2, 5)
    ref, ref_states = cells.unroll(6, x, layout='NTC', merge_outputs=True)
    np.testing.assert_allclose(out.asnumpy(), ref.asnumpy(), rtol=1e-4, atol=1e-5)
    n_state = len(states)
    for k in range(n_state):  # cell states come per layer and direction: h, c, h, c ...
        stacked = np.stack([s.asnumpy() for s in ref_states[k::n_state]])
        np.testing.assert_allclose(new_states[k].asnumpy(), stacked, rtol=1e-4, atol=1e-5)
    assert isinstance(layer(x), nd.NDArray)  # without states only the output comes back


def test_fused_gradients_match_cells():
    layer = rnn.LSTM(4, num_layers=1, input_size=3)
    layer.initialize()
    cells = layer._unfuse()
    x = nd.array(np.random.RandomState(5).uniform(-1, 1, (5, 2, 3)))
    with autograd.record():
        layer(x).sum().backward()
    g_fused = {k: v.grad().asnumpy().copy() for k, v in layer.collect_params().items()}
    with autograd.record():
        cells.unroll(5, x, layout='TNC', merge_outputs=True)[0].sum().backward()
    for k, v in layer.collect_params().items():
        np.testing.assert_allclose(g_fused[k], v.grad().asnumpy(), rtol=1e-4, atol=1e-5)


def test_lstm_projection_matches_lstmp_cell():
    layer = rnn.LSTM(6, projection_size=3, num_layers=2, prefix='lstm0_')
    stack = rnn.HybridSequentialRNNCell(prefix='lstm0_')
    with stack.name_scope():
        for i in range(2):
            stack.add(gluon.contrib.rnn.LSTMPCell(6, projection_size=3, prefix='l%d_' % i))
    layer.initialize()
    stack.initialize()
    x = nd.array(np.random.RandomState(6).uniform(-1, 1, (4, 2, 5)))
    layer.infer_shape(x, layer.begin_state(2))
    for name, p in layer.collect_params().items():
        w = nd.random.uniform(-0.5, 0.5, shape=p.shape)
        p.set_data(w)
        stack.collect_params()[name].set_data(w)
    out, (h, c) = layer(x, layer.begin_state(2))
    ref, ref_states = stack.unroll(4, x, layout='TNC', merge_outputs=True)
    assert out.shape == (4, 2, 3) and h.shape == (2, 2, 3) and c.shape == (2, 2, 6)
    np.testing.assert_allclose(out.asnumpy(), ref.asnumpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(c.asnumpy()[1], ref_states[3].asnumpy(), rtol=1e-4, atol=1e-5)


def test_use_sequence_length():
    layer = rnn.GRU(4, input_size=3, use_sequence_length=True, bidirectional=True)
    layer.initialize()
    x = nd.array(np.random.RandomState(7).uniform(-1, 1, (5, 3, 3)))
    lengths = [2, 5, 3]
    states = layer.begin_state(3)
    out, (h,) = layer(x, states, nd.array(lengths))
    ref = rnn.GRU(4, input_size=3, bidirectional=True, params=layer.collect_params(), prefix=layer.prefix)
    for i, n in enumerate(lengths):
        o, (hi,) = ref(x[:n, i:i + 1], ref.begin_state(1))
        np.testing.assert_allclose(out[:n, i:i + 1].asnumpy(), o.asnumpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(h[:, i:i + 1].asnumpy(), hi.asnumpy(), rtol=1e-4, atol=1e-5)
        assert not out[n:, i].asnumpy().any()


def test_unroll_valid_length_and_layouts():
    cell = rnn.BidirectionalCell(rnn.LSTMCell(3, input_size=2), rnn.LSTMCell(3, input_size=2))
    cell.initialize()
    x = nd.array(np.random.RandomState(8).uniform(-1, 1, (2, 4, 2)))
    out, states = cell.unroll(4, x, layout='NTC', merge_outputs=True, valid_length=nd.array([2, 4]))
    assert out.shape == (2, 4, 6) and len(states) == 4
    assert not out[0, 2:].asnumpy().any()
    short, _ = cell.unroll(2, x[0:1, :2], layout='NTC', merge_outputs=True)
    np.testing.assert_allclose(out[0:1, :2].asnumpy(), short.asnumpy(), rtol=1e-5, atol=1e-6)
    steps, _ = cell.unroll(4, [x[:, t] for t in range(4)], layout='TNC', merge_outputs=False)
    assert len(steps) == 4 and steps[0].shape == (2, 6)


def test_modifier_cells():
    base = rnn.GRUCell(4, input_size=4)
    res = rnn.ResidualCell(base)
    res.initialize()
    x = nd.ones((2, 3, 4))
    out, _ = res.unroll(3, x, merge_outputs=True)
    base._modified = False
    plain, _ = base.unroll(3, x, merge_outputs=True)
    np.testing.assert_allclose(out.asnumpy(), plain.asnumpy() + 1, rtol=1e-6)
    drop = rnn.DropoutCell(0.5)
    assert drop.unroll(3, x, merge_outputs=True)[0] is x or np.array_equal(
        drop.unroll(3, x, merge_outputs=True)[0].asnumpy(), x.asnumpy())  # identity outside training
    zone = rnn.ZoneoutCell(rnn.RNNCell(4, input_size=4), zoneout_outputs=0.5, zoneout_states=0.5)
    zone.initialize()
    assert zone.unroll(3, x, merge_outputs=True)[0].shape == (2, 3, 4)
    with pytest.raises(AssertionError):
        rnn.ZoneoutCell(rnn.BidirectionalCell(rnn.RNNCell(2), rnn.RNNCell(2)))
    with pytest.raises(NotImplementedError):
        rnn.BidirectionalCell(rnn.RNNCell(2), rnn.RNNCell(2))(x, [])


def test_state_errors_and_layout():
    layer = rnn.LSTM(4, input_size=3)
    layer.initialize()
    with pytest.raises(ValueError, match='Invalid recurrent state shape'):
        layer(nd.ones((5, 2, 3)), [nd.zeros((1, 3, 4)), nd.zeros((1, 3, 4))])
    with pytest.raises(AssertionError):
        rnn.GRU(4, layout='TCN')


def test_deferred_init_inside_hybrid_sequential_and_export(tmp_path):
    net = gluon.nn.HybridSequential()
    net.add(rnn.LSTM(5, bidirectional=True), gluon.nn.Dense(2))
    net.initialize()
    net.hybridize()
    x = nd.array(np.random.RandomState(9).uniform(-1, 1, (3, 2, 4)))
    out = net(x)
    assert net[0].l0_i2h_weight.shape == (20, 4) and net[0].r0_i2h_weight.shape == (20, 4)
    prefix = os.path.join(str(tmp_path), 'net')
    net.export(prefix)
    back = gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'], prefix + '-0000.params')
    np.testing.assert_allclose(back(x).asnumpy(), out.asnumpy(), rtol=1e-5, atol=1e-6)


def test_save_parameters_uses_mxnet_keys(tmp_path):
    layer = rnn.LSTM(3, bidirectional=True, input_size=2)
    layer.initialize()
    f = os.path.join(str(tmp_path), 'lstm.params')
    layer.save_parameters(f)
    keys = sorted(nd.load(f).keys())
    assert '_unfused.0.l_cell.i2h_weight' in keys and '_unfused.0.r_cell.h2h_bias' in keys
    other = rnn.LSTM(3, bidirectional=True, input_size=2)
    other.load_parameters(f)
    np.testing.assert_array_equal(other.r0_i2h_weight.data().asnumpy(), layer.r0_i2h_weight.data().asnumpy())


def test_cell_symbol_graph_names():
    cell = rnn.SequentialRNNCell()
    cell.add(rnn.LSTMCell(6, prefix='a_'))
    cell.add(rnn.GRUCell(6, prefix='b_'))
    outs, states = cell.unroll(2, mx.sym.var('data'), layout='NTC', merge_outputs=False)
    assert [o.name for o in outs] == ['b_t0_out', 'b_t1_out'] and len(states) == 3
    _, out_shapes, _ = mx.sym.Group(outs).infer_shape(data=(4, 2, 3))
    assert out_shapes == [(4, 6), (4, 6)]


def test_fullyconnected_partial_weight_infers_with_nd_data():
    # a deferred weight (num_hidden, 0) is decided from data of any rank (flatten=True)
    w = mx.sym.var('w', shape=(3, 0))
    out = mx.sym.FullyConnected(mx.sym.var('data'), weight=w, num_hidden=3, no_bias=True)
    args, outs, _ = out.infer_shape(data=(2, 3, 10))
    assert args == [(2, 3, 10), (3, 30)] and outs == [(2, 3)]
