"""mx.rnn: the legacy symbolic RNN cells (names, shapes, values against numpy), fused <-> unfused weights,
checkpoints, and the bucketing data helpers."""
import numpy as np
import pytest

import mxnet as mx


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _rand(rng, *shape):
    return rng.uniform(-0.5, 0.5, shape).astype(np.float32)


def _lstm_ref(xs, wi, bi, wh, bh, h):
    n = xs.shape[1]
    hs, c, out = np.zeros((n, h), np.float32), np.zeros((n, h), np.float32), []
    for x in xs:
        g = x @ wi.T + bi + hs @ wh.T + bh
        i, f, cc, o = _sigmoid(g[:, :h]), _sigmoid(g[:, h:2 * h]), np.tanh(g[:, 2 * h:3 * h]), _sigmoid(g[:, 3 * h:])
        c = f * c + i * cc
        hs = o * np.tanh(c)
        out.append(hs)
    return np.stack(out)


def _gru_ref(xs, wi, bi, wh, bh, h):
    hs, out = np.zeros((xs.shape[1], h), np.float32), []
    for x in xs:
        a, b = x @ wi.T + bi, hs @ wh.T + bh
        r, z = _sigmoid(a[:, :h] + b[:, :h]), _sigmoid(a[:, h:2 * h] + b[:, h:2 * h])
        n = np.tanh(a[:, 2 * h:] + r * b[:, 2 * h:])
        hs = (1 - z) * n + z * hs
        out.append(hs)
    return np.stack(out)


def test_names_and_shapes_follow_mxnet():
    cell = mx.rnn.LSTMCell(8, prefix='lstm_')
    outs, states = cell.unroll(2, [mx.sym.Variable('x0'), mx.sym.Variable('x1')])
    g = mx.sym.Group(outs + states)
    assert g.list_outputs() == ['lstm_t0_out_output', 'lstm_t1_out_output', 'lstm_t1_out_output',
                                'lstm_t1_state_output']
    assert g.list_arguments() == ['x0', 'lstm_i2h_weight', 'lstm_i2h_bias', 'lstm_h2h_weight', 'lstm_h2h_bias',
                                  'x1']
    internals = g.get_internals().list_outputs()
    assert 'lstm_begin_state_0_output' in internals and 'lstm_begin_state_1_output' in internals
    args, out_shapes, _ = g.infer_shape(x0=(3, 5), x1=(3, 5))
    assert args[1] == (32, 5) and args[3] == (32, 8)
    assert out_shapes == [(3, 8)] * 4
    assert cell.state_info == [{'shape': (0, 8), '__layout__': 'NC'}] * 2
    assert cell.state_shape == [(0, 8), (0, 8)]
    assert cell.begin_state()[0].attr('__layout__') == 'NC'


@pytest.mark.parametrize('layout', ['NTC', 'TNC'])
@pytest.mark.parametrize('kind', ['lstm', 'gru'])
def test_cell_values_match_numpy(layout, kind):
    rng = np.random.RandomState(1)
    T, N, I, H = 3, 2, 4, 5
    g = 4 if kind == 'lstm' else 3
    cell = mx.rnn.LSTMCell(H, prefix='c_') if kind == 'lstm' else mx.rnn.GRUCell(H, prefix='c_')
    x = mx.sym.Variable('data')
    out, _ = cell.unroll(T, x, layout=layout, merge_outputs=True)
    w = dict(c_i2h_weight=_rand(rng, g * H, I), c_i2h_bias=_rand(rng, g * H),
             c_h2h_weight=_rand(rng, g * H, H), c_h2h_bias=_rand(rng, g * H))
    xs = _rand(rng, T, N, I)
    data = xs if layout == 'TNC' else xs.transpose(1, 0, 2)
    got = out.eval(data=mx.nd.array(data), **{k: mx.nd.array(v) for k, v in w.items()})[0].asnumpy()
    ref = (_lstm_ref if kind == 'lstm' else _gru_ref)(xs, w['c_i2h_weight'], w['c_i2h_bias'],
                                                     w['c_h2h_weight'], w['c_h2h_bias'], H)
    if layout == 'NTC':
        ref = ref.transpose(1, 0, 2)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('mode', ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'])
@pytest.mark.parametrize('bidirectional', [False, True])
def test_fused_matches_unfused(mode, bidirectional):
    T, N, I, H, L = 3, 2, 4, 5, 2
    fused = mx.rnn.FusedRNNCell(H, num_layers=L, mode=mode, bidirectional=bidirectional, prefix='f_')
    x = mx.sym.Variable('data')
    fo, _ = fused.unroll(T, x, layout='TNC', merge_outputs=True)
    args, outs, _ = fo.infer_shape(data=(T, N, I))
    assert fo.list_arguments() == ['data', 'f_parameters']
    assert outs == [(T, N, H * (2 if bidirectional else 1))]
    rng = np.random.RandomState(0)
    params = mx.nd.array(_rand(rng, *args[1]))
    xv = mx.nd.array(_rand(rng, T, N, I))
    want = fo.eval(data=xv, f_parameters=params)[0].asnumpy()

    unfused = fused.unfuse()
    uo, _ = unfused.unroll(T, x, layout='TNC', merge_outputs=True)
    unpacked = fused.unpack_weights({'f_parameters': params})
    gates = {'lstm': 4, 'gru': 3}.get(mode, 1)
    assert unpacked['f_l0_i2h%s_weight' % ('_i' if mode == 'lstm' else '_r' if mode == 'gru' else '')].shape \
        == (H, I)
    assert len(unpacked) == L * (2 if bidirectional else 1) * 4 * gates
    packed = unfused.pack_weights(unpacked)
    assert packed['f_l1_h2h_weight'].shape == (gates * H, H)
    np.testing.assert_allclose(uo.eval(data=xv, **packed)[0].asnumpy(), want, rtol=1e-5, atol=1e-6)
    back = fused.pack_weights(unfused.unpack_weights(packed))
    np.testing.assert_array_equal(back['f_parameters'].asnumpy(), params.asnumpy())


def test_fused_ntc_with_next_state():
    cell = mx.rnn.FusedRNNCell(6, num_layers=2, mode='lstm', get_next_state=True, prefix='f_')
    with pytest.warns(UserWarning):
        out, states = cell.unroll(4, mx.sym.Variable('data'), layout='NTC', merge_outputs=False)
    assert len(out) == 4 and len(states) == 2
    assert states[0].attr('__layout__') == 'LNC'
    g = mx.sym.Group(out + states)
    _, shapes, _ = g.infer_shape(data=(3, 4, 5))
    assert shapes == [(3, 6)] * 4 + [(2, 3, 6), (2, 3, 6)]
    assert cell.state_info[0] == {'shape': (2, 0, 6), '__layout__': 'LNC'}


def test_unfuse_structure_and_names():
    stack = mx.rnn.FusedRNNCell(4, num_layers=2, mode='gru', bidirectional=True, dropout=0.5,
                                prefix='g_').unfuse()
    outs, _ = stack.unroll(2, [mx.sym.Variable('a'), mx.sym.Variable('b')])
    assert mx.sym.Group(outs).list_outputs() == ['g_bi_l1_t0_output', 'g_bi_l1_t1_output']
    assert sorted(stack.params._params) == sorted('g_%s%d_%s_%s' % (d, l, c, k) for d in 'lr' for l in range(2)
                                                  for c in ('i2h', 'h2h') for k in ('weight', 'bias'))


def test_begin_state_batch_is_inferred_by_module():
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.LSTMCell(7, prefix='l0_', forget_bias=3.0))
    stack.add(mx.rnn.GRUCell(7, prefix='l1_'))
    out, _ = stack.unroll(3, mx.sym.Variable('data'), merge_outputs=True)
    mod = mx.mod.Module(out, label_names=None, context=mx.cpu())
    mod.bind(data_shapes=[('data', (5, 3, 2))], label_shapes=None)
    mod.init_params(mx.init.Xavier())
    bias = mod.get_params()[0]['l0_i2h_bias'].asnumpy()
    np.testing.assert_array_equal(bias, np.r_[np.zeros(7), np.full(7, 3.0), np.zeros(14)])
    mod.forward(mx.io.DataBatch([mx.nd.ones((5, 3, 2))]), is_train=False)
    assert mod.get_outputs()[0].shape == (5, 3, 7)


def test_begin_state_as_variables():
    cell = mx.rnn.RNNCell(4, prefix='r_')
    states = cell.begin_state(func=mx.sym.Variable)
    out, _ = cell.unroll(2, mx.sym.Variable('x'), begin_state=states, merge_outputs=True)
    assert 'r_begin_state_0' in out.list_arguments()
    args, shapes, _ = out.infer_shape(x=(3, 2, 5))
    assert dict(zip(out.list_arguments(), args))['r_begin_state_0'] == (3, 4)
    assert shapes == [(3, 2, 4)]


def test_partial_shapes_unify_through_ops():
    z = mx.sym.zeros((0, 4))
    y = mx.sym.FullyConnected(mx.sym.Variable('x'), num_hidden=4, name='fc') + z
    assert y.infer_shape(x=(6, 3))[1] == [(6, 4)]
    np.testing.assert_array_equal(y.eval(x=mx.nd.zeros((6, 3)), fc_weight=mx.nd.ones((4, 3)),
                                         fc_bias=mx.nd.ones((4,)))[0].asnumpy(), np.ones((6, 4)))
    # nothing to unify with: the shape stays partly unknown
    assert mx.sym.zeros((0, 4)).infer_shape()[1] is None
    assert mx.sym.zeros((0, 4)).infer_shape_partial()[1] == [(0, 4)]


def test_residual_dropout_zoneout_values():
    rng = np.random.RandomState(2)
    H = 3
    w = dict(r_i2h_weight=_rand(rng, H, H), r_i2h_bias=_rand(rng, H), r_h2h_weight=_rand(rng, H, H),
             r_h2h_bias=_rand(rng, H))
    nd_w = {k: mx.nd.array(v) for k, v in w.items()}
    xs = _rand(rng, 2, 4, H)
    xv = mx.nd.array(xs)
    base, _ = mx.rnn.RNNCell(H, prefix='r_').unroll(4, mx.sym.Variable('x'), merge_outputs=True)
    want = base.eval(x=xv, **nd_w)[0].asnumpy()
    h = np.zeros((2, H), np.float32)
    for t in range(4):
        h = np.tanh(xs[:, t] @ w['r_i2h_weight'].T + w['r_i2h_bias'] + h @ w['r_h2h_weight'].T + w['r_h2h_bias'])
        np.testing.assert_allclose(want[:, t], h, rtol=1e-5, atol=1e-6)

    res, _ = mx.rnn.ResidualCell(mx.rnn.RNNCell(H, prefix='r_')).unroll(4, mx.sym.Variable('x'),
                                                                        merge_outputs=True)
    assert res.name.endswith('_plus_residual')
    np.testing.assert_allclose(res.eval(x=xv, **nd_w)[0].asnumpy(), want + xs, rtol=1e-5, atol=1e-6)

    # Dropout and zoneout only act in training: evaluation gives the base cell's values
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.DropoutCell(0.5))
    stack.add(mx.rnn.ZoneoutCell(mx.rnn.RNNCell(H, prefix='r_'), zoneout_outputs=0.3, zoneout_states=0.3))
    zo, _ = stack.unroll(4, mx.sym.Variable('x'), merge_outputs=True)
    np.testing.assert_allclose(zo.eval(x=xv, **nd_w)[0].asnumpy(), want, rtol=1e-5, atol=1e-6)


def test_modified_cell_cannot_be_used_directly():
    base = mx.rnn.GRUCell(3)
    mx.rnn.ZoneoutCell(base, zoneout_states=0.1)
    with pytest.raises(AssertionError):
        base.begin_state()
    with pytest.raises(AssertionError):
        mx.rnn.ZoneoutCell(mx.rnn.FusedRNNCell(3))


def test_bidirectional_merged_and_split():
    cell = mx.rnn.BidirectionalCell(mx.rnn.GRUCell(3, prefix='l_'), mx.rnn.GRUCell(3, prefix='r_'),
                                    output_prefix='bi_')
    merged, states = cell.unroll(4, mx.sym.Variable('x'), merge_outputs=True)
    assert merged.list_outputs() == ['bi_out_output'] and len(states) == 2
    assert merged.infer_shape(x=(2, 4, 5))[1] == [(2, 4, 6)]
    split, _ = cell.unroll(4, mx.sym.Variable('x'), merge_outputs=False)
    assert [s.name for s in split] == ['bi_t0', 'bi_t1', 'bi_t2', 'bi_t3']


def test_conv_cells():
    for cls, gates in ((mx.rnn.ConvRNNCell, 1), (mx.rnn.ConvLSTMCell, 4), (mx.rnn.ConvGRUCell, 3)):
        cell = cls(input_shape=(2, 3, 6, 5), num_hidden=4, prefix='c_')
        outs, _ = cell.unroll(2, [mx.sym.Variable('x0'), mx.sym.Variable('x1')])
        g = mx.sym.Group(outs)
        args, shapes, _ = g.infer_shape(x0=(2, 3, 6, 5), x1=(2, 3, 6, 5))
        assert shapes == [(2, 4, 6, 5)] * 2
        arg = dict(zip(g.list_arguments(), args))
        assert arg['c_i2h_weight'] == (4 * gates, 3, 3, 3) and arg['c_h2h_weight'] == (4 * gates, 4, 3, 3)
        vals = {k: mx.nd.ones(s) * 0.01 for k, s in arg.items()}
        assert g.eval(**vals)[1].shape == (2, 4, 6, 5)
    assert mx.rnn.ConvGRUCell((1, 2, 4, 4), 3, i2h_stride=(2, 2)).state_shape == [(0, 3, 2, 2)]


def test_encode_sentences():
    res, vocab = mx.rnn.encode_sentences([['a', 'b'], ['b', 'c']], invalid_label=0, start_label=1)
    assert res == [[1, 2], [2, 3]] and vocab == {'\n': 0, 'a': 1, 'b': 2, 'c': 3}
    res, vocab = mx.rnn.encode_sentences([['a', 'x', 'y']], vocab={'a': 1}, unknown_token='<unk>',
                                         start_label=5)
    assert res == [[1, 5, 5]] and vocab == {'a': 1, '<unk>': 5}
    with pytest.raises(AssertionError):
        mx.rnn.encode_sentences([['z']], vocab={'a': 1})


def test_bucket_sentence_iter():
    sentences = [[1, 2, 3]] * 4 + [[4, 5, 6, 7, 8]] * 4 + [list(range(1, 12))]
    it = mx.rnn.BucketSentenceIter(sentences, 2, buckets=[3, 6], invalid_label=0)
    assert it.default_bucket_key == 6
    assert it.provide_data[0].name == 'data' and it.provide_data[0].shape == (2, 6)
    batches = list(it)
    assert len(batches) == 4 and sorted(b.bucket_key for b in batches) == [3, 3, 6, 6]
    for b in batches:
        d, lab = b.data[0].asnumpy(), b.label[0].asnumpy()
        assert d.shape == (2, b.bucket_key) and b.provide_data[0].shape == d.shape
        np.testing.assert_array_equal(lab[:, :-1], d[:, 1:])
        assert (lab[:, -1] == 0).all()
    it.reset()
    assert len(list(it)) == 4
    tn = mx.rnn.BucketSentenceIter(sentences, 2, buckets=[3, 6], layout='TN')
    assert tn.provide_label[0].shape == (6, 2) and next(iter(tn)).data[0].shape[1] == 2


def test_rnn_checkpoint_roundtrip(tmp_path):
    cell = mx.rnn.LSTMCell(3, prefix='lstm_')
    out, _ = cell.unroll(2, mx.sym.Variable('data'), merge_outputs=True)
    rng = np.random.RandomState(3)
    arg = {'lstm_i2h_weight': mx.nd.array(_rand(rng, 12, 2)), 'lstm_i2h_bias': mx.nd.array(_rand(rng, 12)),
           'lstm_h2h_weight': mx.nd.array(_rand(rng, 12, 3)), 'lstm_h2h_bias': mx.nd.array(_rand(rng, 12))}
    prefix = str(tmp_path / 'm')
    mx.rnn.do_rnn_checkpoint(cell, prefix, period=2)(1, out, arg, {})
    saved = mx.nd.load(prefix + '-0002.params')
    assert 'arg:lstm_i2h_f_weight' in saved and 'arg:lstm_i2h_weight' not in saved
    np.testing.assert_array_equal(saved['arg:lstm_h2h_o_bias'].asnumpy(), arg['lstm_h2h_bias'].asnumpy()[9:])
    sym, arg2, aux = mx.rnn.load_rnn_checkpoint([cell], prefix, 2)
    assert sym.list_arguments() == out.list_arguments() and aux == {}
    for k, v in arg.items():
        np.testing.assert_array_equal(arg2[k].asnumpy(), v.asnumpy())
