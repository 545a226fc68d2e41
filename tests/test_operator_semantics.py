"""Operator semantics checked against MXNet 1.9.1's contracts: symbol parameters given as None, mx.nd.sparse
aliases, executor backward/gradient conventions, and the ops of the mixed-precision / CTC / correlation family."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


def _run(sym, **arrays):
    ex = sym.bind(mx.cpu(), {k: mx.nd.array(v) for k, v in arrays.items()})
    return [o.asnumpy() for o in ex.forward()]


def test_symbol_axis_none_flattens():
    x = np.array([[3., 1., 2.], [0., 5., 4.]])
    a = mx.sym.var('a')
    np.testing.assert_array_equal(_run(mx.sym.sort(a, axis=None), a=x)[0], np.sort(x, axis=None))
    np.testing.assert_array_equal(_run(mx.sym.argsort(a, axis=None), a=x)[0], np.argsort(x, axis=None))
    np.testing.assert_array_equal(_run(mx.sym.topk(a, axis=None, k=2, ret_typ='value'), a=x)[0], [5., 4.])
    assert '"axis": "None"' in mx.sym.sort(a, axis=None).tojson()
    # None for an input still means "not given" (a variable is made for it)
    assert len(mx.sym.FullyConnected(a, num_hidden=2, bias=None).list_arguments()) == 3


def test_topk_large_rows_match_stable_sort():
    rng = np.random.RandomState(0)
    for x in (rng.randn(3, 5000), rng.randint(0, 50, size=(3, 5000)).astype('float64'),
              rng.randint(0, 4000, size=(2, 6000)).astype('float64')):
        for asc in (False, True):
            got = mx.nd.topk(mx.nd.array(x, dtype='float64'), k=7, ret_typ='both', is_ascend=asc)
            want = np.argsort(x if asc else -x, axis=1, kind='stable')[:, :7]
            np.testing.assert_array_equal(got[1].asnumpy(), want)
            np.testing.assert_array_equal(got[0].asnumpy(), np.take_along_axis(x, want, 1))


def test_sparse_namespace_aliases():
    a, b = mx.nd.array([1., -2.]), mx.nd.array([3., 4.])
    np.testing.assert_array_equal(mx.nd.sparse.elemwise_mul(a, b).asnumpy(), [3., -8.])
    np.testing.assert_array_equal(mx.nd.sparse.square(a).asnumpy(), [1., 4.])
    assert 'square' in dir(mx.nd.sparse)
    with pytest.raises(AttributeError):
        mx.nd.sparse.softmax  # not one of MXNet's sparse operators


def test_backward_without_forward():
    x = mx.sym.var('x')
    g = mx.nd.zeros((2, 3))
    ex = mx.sym.repeat(x, repeats=2, axis=0).bind(mx.cpu(), {'x': mx.nd.ones((2, 3))}, args_grad={'x': g})
    ex.backward(mx.nd.ones((4, 3)))
    np.testing.assert_array_equal(g.asnumpy(), np.full((2, 3), 2.))


def test_integer_input_gradient_is_written_zero():
    d, l = mx.sym.var('d'), mx.sym.var('l')
    s = mx.sym.softmax(d, length=l, use_length=True, axis=0)
    gl = mx.nd.array([7, 7], dtype='int32')
    ex = s.bind(mx.cpu(), {'d': mx.nd.ones((3, 2)), 'l': mx.nd.array([1, 2], dtype='int32')},
                args_grad={'d': mx.nd.zeros((3, 2)), 'l': gl})
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones((3, 2)))
    np.testing.assert_array_equal(gl.asnumpy(), [0, 0])


def test_simple_bind_ignores_non_shape_keywords():
    s = mx.sym.take(mx.sym.var('a'), mx.sym.var('i'), axis=0)
    ex = s.simple_bind(mx.cpu(), a=(3, 2), i=(4,), axis=0, mode='clip')
    assert ex.outputs[0].shape == (4, 2)


def test_take_raise_is_asynchronous():
    y = mx.nd.take(mx.nd.ones((3, 2)), mx.nd.array([-1]), mode='raise')  # negatives are out of range here
    with pytest.raises(MXNetError, match='out of bounds'):
        y.asnumpy()


def test_tile_rejects_zero_reps():
    with pytest.raises(MXNetError):
        mx.nd.tile(mx.nd.ones((2, 2)), (1, 0))


def test_reshape_like_keeps_lhs_dtype():
    z = mx.nd.reshape_like(mx.nd.ones((2, 3)), mx.nd.zeros((3, 2), dtype='int32'))
    assert z.shape == (3, 2) and z.dtype == np.float32


def test_amp_and_finite():
    a, b = mx.nd.amp_multicast(mx.nd.ones(2, dtype='float16'), mx.nd.ones(2), num_outputs=2)
    assert a.dtype == np.float32 and b.dtype == np.float32
    a, b = mx.nd.amp_multicast(mx.nd.ones(2, dtype='float16'), mx.nd.ones(2), num_outputs=2, cast_narrow=True)
    assert a.dtype == np.float16 and b.dtype == np.float16
    assert mx.nd.amp_cast(mx.nd.ones(2, dtype='int32'), dtype='float16').dtype == np.int32
    assert mx.nd.all_finite(mx.nd.array([1., np.inf])).asnumpy().tolist() == [0.]
    assert mx.nd.multi_all_finite(mx.nd.ones(2), mx.nd.ones(1), num_arrays=2).asnumpy().tolist() == [1.]


def test_quantize_roundtrip():
    a = mx.nd.array([[0.1392, 0.5928], [0.6027, 0.8579]])
    q, lo, hi = mx.nd.contrib.quantize(a, mx.nd.array([0.]), mx.nd.array([1.]), out_type='int8')
    np.testing.assert_array_equal(q.asnumpy(), [[18, 75], [77, 109]])
    assert (lo.asnumpy(), hi.asnumpy()) == ([-1.], [1.])
    back = mx.nd.contrib.dequantize(q, lo, hi, out_type='float32')
    np.testing.assert_allclose(back.asnumpy(), q.asnumpy() / 127., rtol=1e-6)
    q, lo, hi = mx.nd.contrib.quantize(a, mx.nd.array([0.]), mx.nd.array([1.]))  # uint8 by default
    np.testing.assert_array_equal(q.asnumpy(), np.trunc(a.asnumpy() * 255 + 0.5))


def test_ctc_loss_values_and_gradient():
    acts = np.array([[[1.2, 3.4, 1.2, -0.1, -2.34]], [[0.1, 0.2, 0.3, 0.22, 0.123]],
                     [[-15, -14, -13, -12, -11]]], dtype=np.float32)
    x = mx.nd.array(acts)
    x.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.ctc_loss(x, mx.nd.array([[2, 3, 0]]))
    loss.backward()
    np.testing.assert_allclose(loss.asnumpy(), [4.04789], rtol=1e-5)
    # the gradient of each frame over the classes sums to zero (softmax minus the label occupancy)
    np.testing.assert_allclose(x.grad.asnumpy().sum(2), 0, atol=1e-6)
    # frames past data_lengths take no part (NaN there does not leak into the loss or the gradient)
    y = mx.nd.array(np.concatenate([acts, np.full((2, 1, 5), np.nan, np.float32)]))
    y.attach_grad()
    with mx.autograd.record():
        l2 = mx.nd.CTCLoss(y, mx.nd.array([[2, 3, 0]]), mx.nd.array([3]), use_data_lengths=True)
    l2.backward()
    np.testing.assert_allclose(l2.asnumpy(), [4.04789], rtol=1e-5)
    assert np.all(y.grad.asnumpy()[3:] == 0)


def test_correlation_absdiff_gradient_at_ties():
    a = mx.nd.ones((1, 1, 3, 3))
    b = mx.nd.ones((1, 1, 3, 3))
    a.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        out = mx.nd.Correlation(a, b, kernel_size=1, max_displacement=0, is_multiply=False)
    out.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), np.ones((1, 1, 3, 3)))  # a >= b counts as positive
    np.testing.assert_array_equal(b.grad.asnumpy(), -np.ones((1, 1, 3, 3)))


def test_custom_op_without_inputs():
    class Ones(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], np.ones((2, 3), np.float32))

    @mx.operator.register('test_semantics_ones')
    class OnesProp(mx.operator.CustomOpProp):
        def list_arguments(self):
            return []

        def infer_shape(self, in_shape):
            return [], [(2, 3)], []

        def infer_type(self, in_type):
            return [], [np.float32], []

        def create_operator(self, ctx, shapes, dtypes):
            return Ones()

    np.testing.assert_array_equal(mx.nd.Custom(op_type='test_semantics_ones').asnumpy(), np.ones((2, 3)))
