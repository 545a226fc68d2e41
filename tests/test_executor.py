"""Executor: bind/simple_bind, forward/backward with every grad_req, the array views, copy_params_from,
reshape, training-only behaviour (BatchNorm statistics, Dropout) and MXNet's errors (checked against MXNet
1.9.1)."""
import ctypes
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


def _nd(x, ctx, dtype=np.float32):
    return mx.nd.array(x, ctx=ctx, dtype=dtype)


@pytest.fixture
def mul_add():
    a, b = mx.sym.Variable('a'), mx.sym.Variable('b')
    return a * b + a


def test_bind_dict_and_list_forms(ctx, mul_add):
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    for args in ({'a': _nd(x, ctx), 'b': _nd(y, ctx)}, [_nd(x, ctx), _nd(y, ctx)]):
        ex = mul_add.bind(ctx, args, args_grad=[mx.nd.zeros(2, ctx=ctx), mx.nd.zeros(2, ctx=ctx)])
        # outputs exist (zeros) right after bind, as MXNet allocates them then
        assert [o.shape for o in ex.outputs] == [(2,)]
        out = ex.forward(is_train=True)
        np.testing.assert_allclose(out[0].asnumpy(), x * y + x)
        ex.backward(mx.nd.ones(2, ctx=ctx))
        np.testing.assert_allclose(ex.grad_dict['a'].asnumpy(), y + 1)
        np.testing.assert_allclose(ex.grad_dict['b'].asnumpy(), x)
        assert ex.arg_arrays[0] is ex.arg_dict['a'] and ex.grad_arrays[1] is ex.grad_dict['b']
        assert list(ex.output_dict) == mul_add.list_outputs()


def test_grad_req_write_add_null(ctx, mul_add):
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    grads = {'a': _nd([7, 7], ctx), 'b': _nd([7, 7], ctx)}
    ex = mul_add.bind(ctx, {'a': _nd(x, ctx), 'b': _nd(y, ctx)}, args_grad=grads,
                      grad_req={'a': 'add', 'b': 'null'})
    for step in (1, 2):
        ex.forward(is_train=True)
        ex.backward([_nd([1, 1], ctx)])
        np.testing.assert_allclose(ex.grad_dict['a'].asnumpy(), 7 + step * (y + 1))
    # under 'null' the given array stays listed and untouched
    np.testing.assert_allclose(ex.grad_dict['b'].asnumpy(), [7, 7])
    # list form; an argument without a gradient array is listed as None
    ex = mul_add.bind(ctx, [_nd(x, ctx), _nd(y, ctx)], args_grad={'a': mx.nd.zeros(2, ctx=ctx)},
                      grad_req=['write', 'write'])
    assert ex.grad_dict['b'] is None and ex.grad_arrays[1] is None
    ex.forward(is_train=True)
    ex.backward([_nd([2, 2], ctx)])
    np.testing.assert_allclose(ex.grad_dict['a'].asnumpy(), 2 * (y + 1))


def test_simple_bind_grad_req_forms(ctx, mul_add):
    ex = mul_add.simple_bind(ctx, a=(2, 3), grad_req={'a': 'add'})
    assert ex.grad_dict['b'] is None and ex.grad_dict['a'].shape == (2, 3)
    assert np.all(ex.grad_dict['a'].asnumpy() == 0)
    ex = mul_add.simple_bind(ctx, a=(2, 3), grad_req=['null', 'write'])
    assert ex.grad_dict['a'] is None and ex.grad_dict['b'].shape == (2, 3)
    ex = mul_add.simple_bind(ctx, a=(2, 3), grad_req='null')
    assert ex.grad_arrays == [None, None]
    ex.forward(is_train=True, a=np.ones((2, 3)), b=_nd(np.full((2, 3), 2.0), ctx))
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), np.full((2, 3), 3.0))
    ex.backward()  # nothing to compute


@pytest.mark.parametrize('dtype', [np.float16, np.float64])
def test_simple_bind_type_dict(ctx, mul_add, dtype):
    ex = mul_add.simple_bind(ctx, a=(2, 3), type_dict={'a': dtype})
    assert ex.arg_dict['a'].dtype == dtype and ex.arg_dict['b'].dtype == dtype
    assert ex.grad_dict['b'].dtype == dtype and ex.outputs[0].dtype == dtype
    ex.forward(is_train=True, a=np.full((2, 3), 2.0), b=np.full((2, 3), 3.0))
    ex.backward(_nd(np.ones((2, 3)), ctx, dtype))
    assert ex.outputs[0].dtype == dtype and ex.grad_dict['a'].dtype == dtype
    np.testing.assert_allclose(ex.grad_dict['a'].asnumpy(), np.full((2, 3), 4.0))
    with pytest.raises(MXNetError, match='float32'):
        mul_add.simple_bind(ctx, a=(2, 3), type_dict={'a': dtype, 'b': np.float32})


def test_fully_connected_simple_bind_shapes_and_values(ctx, rng):
    fc = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=3, name='fc')
    ex = fc.simple_bind(ctx, data=(4, 5))
    assert [a.shape for a in ex.arg_arrays] == [(4, 5), (3, 5), (3,)]
    x, w, b = rng.rand(4, 5), rng.rand(3, 5), rng.rand(3)
    ex.copy_params_from({'fc_weight': _nd(w, ctx), 'fc_bias': _nd(b, ctx)})
    out = ex.forward(is_train=True, data=_nd(x, ctx))[0]
    np.testing.assert_allclose(out.asnumpy(), x @ w.T + b, rtol=1e-5)
    head = rng.rand(4, 3)
    ex.backward([_nd(head, ctx)])
    np.testing.assert_allclose(ex.grad_dict['fc_weight'].asnumpy(), head.T @ x, rtol=1e-5)
    np.testing.assert_allclose(ex.grad_dict['fc_bias'].asnumpy(), head.sum(0), rtol=1e-5)
    np.testing.assert_allclose(ex.grad_dict['data'].asnumpy(), head @ w, rtol=1e-5)
    assert ex.output_dict['fc_output'] is ex.outputs[0]


def test_copy_params_from(ctx, mul_add):
    ex = mul_add.simple_bind(ctx, a=(2, 3))
    ex.copy_params_from({'a': mx.nd.ones((2, 3)) * 5})
    assert np.all(ex.arg_dict['a'].asnumpy() == 5)
    with pytest.raises(ValueError, match='Find name "q" that is not in the arguments'):
        ex.copy_params_from({'q': mx.nd.ones((2, 3))})
    ex.copy_params_from({'q': mx.nd.ones((2, 3)), 'a': mx.nd.ones((2, 3)) * 3}, allow_extra_params=True)
    assert np.all(ex.arg_dict['a'].asnumpy() == 3)
    with pytest.raises(ValueError, match='not in the auxiliary states'):
        ex.copy_params_from({'a': mx.nd.ones((2, 3))}, {'zz': mx.nd.ones(1)})
    bn = mx.sym.BatchNorm(mx.sym.Variable('data'), name='bn')
    ex = bn.simple_bind(ctx, data=(2, 3))
    ex.copy_params_from({'bn_gamma': mx.nd.ones(3) * 2}, {'bn_moving_var': mx.nd.ones(3) * 4})
    assert np.all(ex.aux_dict['bn_moving_var'].asnumpy() == 4) and np.all(ex.arg_dict['bn_gamma'].asnumpy() == 2)


def test_batchnorm_moving_stats_only_in_training(ctx):
    bn = mx.sym.BatchNorm(mx.sym.Variable('data'), name='bn', fix_gamma=False)
    ex = bn.simple_bind(ctx, data=(4, 2))
    assert ex.aux_arrays[0] is ex.aux_dict['bn_moving_mean'] and len(ex.aux_arrays) == 2
    ex.arg_dict['bn_gamma'][:] = 1
    ex.aux_dict['bn_moving_var'][:] = 1
    x = _nd(np.arange(8.0).reshape(4, 2), ctx)
    ex.forward(is_train=False, data=x)
    np.testing.assert_allclose(ex.aux_dict['bn_moving_mean'].asnumpy(), [0, 0])
    np.testing.assert_allclose(ex.outputs[0].asnumpy()[0], [0, 1 / np.sqrt(1 + 1e-3)], rtol=1e-5)
    ex.forward(is_train=True, data=x)
    np.testing.assert_allclose(ex.outputs[0].asnumpy()[0], [-1.3415066] * 2, rtol=1e-5)
    ex.backward(mx.nd.ones((4, 2), ctx=ctx))
    # MXNet 1.9.1: momentum 0.9, the batch mean (3, 4) and biased variance 5
    np.testing.assert_allclose(ex.aux_dict['bn_moving_mean'].asnumpy(), [0.3, 0.4], rtol=1e-5)
    np.testing.assert_allclose(ex.aux_dict['bn_moving_var'].asnumpy(), [1.4, 1.4], rtol=1e-5)
    ex.forward(is_train=False, data=x)
    np.testing.assert_allclose(ex.aux_dict['bn_moving_mean'].asnumpy(), [0.3, 0.4], rtol=1e-5)


def test_dropout_only_when_training(ctx):
    d = mx.sym.Dropout(mx.sym.Variable('data'), p=0.5)
    ex = d.simple_bind(ctx, data=(200,))
    ones = mx.nd.ones((200,), ctx=ctx)
    ex.forward(is_train=False, data=ones)
    assert np.all(ex.outputs[0].asnumpy() == 1)
    out = ex.forward(is_train=True, data=ones)[0].asnumpy()
    assert set(np.unique(out)) == {0.0, 2.0} and 40 < (out == 0).sum() < 160
    ex.backward(ones)
    np.testing.assert_array_equal(ex.grad_dict['data'].asnumpy(), out)
    assert list(ex.output_dict) == d.list_outputs() and len(ex.outputs) == 1


def test_reshape(ctx):
    fc = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=3, name='fc')
    ex = fc.simple_bind(ctx, data=(4, 5), grad_req={'data': 'null', 'fc_weight': 'write', 'fc_bias': 'add'})
    ex.arg_dict['fc_weight'][:] = 2
    small = ex.reshape(data=(2, 5))
    assert small.arg_dict['data'].shape == (2, 5) and small.outputs[0].shape == (2, 3)
    assert small.grad_dict['data'] is None and small.grad_dict['fc_bias'].shape == (3,)
    small.arg_dict['fc_weight'][:] = 3  # parameters are shared with the original executor
    assert np.all(ex.arg_dict['fc_weight'].asnumpy() == 3)
    out = small.forward(data=mx.nd.ones((2, 5), ctx=ctx))[0]
    np.testing.assert_allclose(out.asnumpy(), np.full((2, 3), 15.0))
    with pytest.raises(MXNetError, match='allow_up_sizing'):
        ex.reshape(data=(6, 5))
    assert ex.reshape(allow_up_sizing=True, data=(6, 5)).outputs[0].shape == (6, 3)
    with pytest.raises(MXNetError, match='partial_shaping'):
        ex.reshape(data=(4, 2))
    wide = ex.reshape(partial_shaping=True, allow_up_sizing=True, data=(4, 7))
    assert wide.arg_dict['fc_weight'].shape == (3, 7)
    ex64 = fc.simple_bind(ctx, data=(4, 5), type_dict={'data': np.float64})
    assert ex64.reshape(data=(2, 5)).arg_dict['fc_weight'].dtype == np.float64


def test_forward_backward_errors(ctx, mul_add):
    with pytest.raises(ValueError, match='key `b` is missing in `args`'):
        mul_add.bind(ctx, {'a': mx.nd.ones((2,))})
    with pytest.raises(ValueError, match='Length of args does not match'):
        mul_add.bind(ctx, [mx.nd.ones((2,))])
    ex = mul_add.simple_bind(ctx, a=(2, 3))
    with pytest.raises(ValueError, match=r'Shape not match! Argument a, need: \(2, 3\), received: \(3, 3\)'):
        ex.forward(a=mx.nd.ones((3, 3)))
    with pytest.raises(TypeError, match='Unknown argument zz'):
        ex.forward(zz=mx.nd.ones((2, 3)))
    with pytest.raises(MXNetError, match=r'_mul\d+.*\[2\].*\[3\]'):  # MXNet raises at bind, this at forward
        mul_add.bind(ctx, {'a': mx.nd.ones((2,)), 'b': mx.nd.ones((3,))}).forward()
    with pytest.raises(MXNetError, match=r'_mul\d+.*\[2,3\].*\[3,3\]'):
        mul_add.simple_bind(ctx, a=(2, 3), b=(3, 3))
    with pytest.raises(MXNetError, match='a, b'):
        mul_add.simple_bind(ctx)
    ex = mul_add.simple_bind(ctx, a=(2, 3))
    ex.backward(mx.nd.ones((2, 3)))  # as in MXNet, no error before a forward: the bound arrays' gradients


def test_multi_output_group_and_internals(ctx, rng):
    data = mx.sym.Variable('data')
    fc = mx.sym.FullyConnected(data, num_hidden=2, name='fc')
    act = mx.sym.Activation(fc, act_type='relu', name='relu')
    group = mx.sym.Group([act, fc])
    ex = group.simple_bind(ctx, data=(3, 4))
    assert list(ex.output_dict) == ['relu_output', 'fc_output']
    x = rng.randn(3, 4)
    ex.forward(is_train=True, data=_nd(x, ctx))
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), np.maximum(ex.outputs[1].asnumpy(), 0))
    ex.backward([mx.nd.ones((3, 2), ctx=ctx), mx.nd.ones((3, 2), ctx=ctx)])
    mask = (ex.outputs[1].asnumpy() > 0).astype(np.float32) + 1
    np.testing.assert_allclose(ex.grad_dict['fc_bias'].asnumpy(), mask.sum(0), rtol=1e-5)


# ---- outputs are bound arrays; backward of any forward; reshape shares memory; monitor sees backward ------
def test_outputs_are_bound_arrays_written_in_place(ctx):
    x = mx.sym.Variable('x')
    y = mx.sym.FullyConnected(x, num_hidden=3, name='fc')
    out = mx.sym.Activation(y, act_type='tanh', name='act')
    ex = out.simple_bind(ctx, x=(2, 4))
    rng = np.random.RandomState(0)
    for a in ex.arg_arrays:
        a[:] = rng.uniform(-1, 1, a.shape)
    held = ex.outputs[0]
    ex.forward(is_train=True)
    assert ex.outputs[0] is held
    want = np.tanh(ex.arg_dict['x'].asnumpy() @ ex.arg_dict['fc_weight'].asnumpy().T + ex.arg_dict['fc_bias'].asnumpy())
    np.testing.assert_allclose(held.asnumpy(), want, rtol=1e-5)
    held[:] = 7  # legal in MXNet: the caller owns the output array; backward must not see this write
    ex.backward(mx.nd.ones((2, 3), ctx=ctx))
    np.testing.assert_allclose(ex.grad_dict['fc_bias'].asnumpy(), (1 - want ** 2).sum(0), rtol=1e-5)
    ex.forward(is_train=True)
    ex.outputs[0] += 1
    ex.backward(mx.nd.ones((2, 3), ctx=ctx))
    np.testing.assert_allclose(ex.grad_dict['fc_bias'].asnumpy(), (1 - want ** 2).sum(0), rtol=1e-5)
    ex.forward(is_train=False)
    np.testing.assert_allclose(held.asnumpy(), want, rtol=1e-5)


def test_backward_after_inference_forward(ctx, mul_add):
    ga, gb = mx.nd.zeros(2, ctx=ctx), mx.nd.zeros(2, ctx=ctx)
    ex = mul_add.bind(ctx, {'a': _nd([1, 2], ctx), 'b': _nd([3, 4], ctx)}, args_grad={'a': ga, 'b': gb})
    ex.forward()  # MXNet differentiates the last forward whatever its mode
    ex.backward(mx.nd.ones(2, ctx=ctx))
    np.testing.assert_allclose(ga.asnumpy(), [4, 5])
    np.testing.assert_allclose(gb.asnumpy(), [1, 2])


def test_reshape_shares_memory_of_arrays_that_do_not_grow(ctx):
    x = mx.sym.Variable('x')
    y = mx.sym.FullyConnected(x, num_hidden=4)
    ex = y.simple_bind(ctx, x=(5, 4), grad_req='null')
    ex.arg_arrays[0][:] = 1
    ex.arg_arrays[1][:] = mx.nd.ones((4, 4))
    ex.arg_arrays[2][:] = 0
    small = ex.reshape(x=(3, 4))
    small.forward()
    assert (small.outputs[0].asnumpy() == 4).all()
    assert (ex.outputs[0].asnumpy()[:3] == 4).all()  # the smaller output is a view of the larger
    big = ex.reshape(allow_up_sizing=True, x=(6, 4))
    big.arg_arrays[0][:] = 0
    assert (ex.arg_arrays[0].asnumpy() == 1).all()  # grown: a new array
    assert big.arg_arrays[1] is ex.arg_arrays[1]  # same shape: the same array
    with pytest.raises(MXNetError, match='larger'):
        ex.reshape(x=(6, 4))


def test_monitor_sees_backward_node_outputs(ctx):
    data = mx.sym.Variable('data')
    fc = mx.sym.FullyConnected(data, num_hidden=2, name='fc')
    out = mx.sym.LinearRegressionOutput(mx.sym.Activation(fc, act_type='sigmoid', name='act'), name='lro')
    ex = out.simple_bind(ctx, data=(3, 4), grad_req={'fc_weight': 'write', 'fc_bias': 'write'})
    rng = np.random.RandomState(1)
    for a in ex.arg_arrays:
        a[:] = rng.uniform(-1, 1, a.shape)
    seen = {}

    def callback(name, handle):  # MXNet's C-style callback: name as bytes, an NDArrayHandle
        seen[name.decode()] = mx.nd.NDArray(ctypes.cast(handle, mx.base.NDArrayHandle), writable=False).asnumpy()
    ex.set_monitor_callback(callback)
    ex.forward(is_train=True)
    assert '_backward_' not in ' '.join(seen)
    ex.backward()
    assert [n for n in seen if '_backward_' in n] == [
        'lro_backward_output0', 'lro_backward_output1', 'act_backward_output',
        'fc_backward_output0', 'fc_backward_output1', 'fc_backward_output2']
    np.testing.assert_allclose(seen['fc_backward_output1'], ex.grad_dict['fc_weight'].asnumpy(), rtol=1e-6)
    np.testing.assert_allclose(seen['fc_backward_output2'], ex.grad_dict['fc_bias'].asnumpy(), rtol=1e-6)
    assert (seen['fc_backward_output0'] == 0).all()  # data takes no gradient here
    act = 1 / (1 + np.exp(-seen['fc_output']))
    np.testing.assert_allclose(seen['lro_backward_output0'], (act - ex.arg_dict['lro_label'].asnumpy()) / 2,
                               rtol=1e-5)  # MXNet divides by the outputs per sample


def test_softmax_output_multi_output_label_layouts(ctx):
    s = mx.sym.SoftmaxOutput(mx.sym.Variable('data'), multi_output=True, name='sm')
    assert s.infer_shape(data=(2, 3, 4, 5))[0][1] == (2, 20)  # MXNet infers (N, prod(data.shape[2:]))
    rng = np.random.RandomState(0)
    x = rng.rand(2, 3, 4, 5).astype(np.float32)
    lab = rng.randint(0, 3, (2, 4, 5)).astype(np.float32)
    prob = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    want = prob - np.eye(3, dtype=np.float32)[lab.astype(int)].transpose(0, 3, 1, 2)
    want /= 20  # normalization 'null' divides by the positions per sample
    for layout in ((2, 20), (2, 4, 5), (2, 1, 4, 5)):
        assert s.infer_shape(data=x.shape, sm_label=layout)[0][1] == layout
        ex = s.bind(ctx, {'data': _nd(x, ctx), 'sm_label': _nd(lab.reshape(layout), ctx)},
                    args_grad={'data': mx.nd.zeros(x.shape, ctx=ctx)})
        ex.forward(is_train=True)
        ex.backward()
        np.testing.assert_allclose(ex.outputs[0].asnumpy(), prob, rtol=1e-5)
        np.testing.assert_allclose(ex.grad_dict['data'].asnumpy(), want, rtol=1e-4, atol=1e-6)
    with pytest.raises(MXNetError, match='label'):
        s.infer_shape(data=x.shape, sm_label=(2, 4, 4))


def test_symbol_maximum_minimum_power_hypot(ctx):
    a, b = mx.sym.Variable('a'), mx.sym.Variable('b')
    x, y = np.array([1.0, 5.0, 3.0]), np.array([4.0, 2.0, 3.0])
    args = {'a': _nd(x, ctx), 'b': _nd(y, ctx)}
    for fn, ref in ((mx.sym.maximum, np.maximum), (mx.sym.minimum, np.minimum), (mx.sym.power, np.power),
                    (mx.sym.hypot, np.hypot)):
        got = fn(a, b).bind(ctx, args).forward()[0].asnumpy()
        np.testing.assert_allclose(got, ref(x, y), rtol=1e-6)
        np.testing.assert_allclose(fn(a, 2.0).bind(ctx, args).forward()[0].asnumpy(), ref(x, 2.0), rtol=1e-6)
        np.testing.assert_allclose(fn(2.0, a).bind(ctx, args).forward()[0].asnumpy(), ref(2.0, x), rtol=1e-6)
    assert mx.sym.maximum(2, 3) == 3 and mx.sym.pow(2, 3) == 8
