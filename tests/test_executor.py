"""Executor: bind/simple_bind, forward/backward with every grad_req, the array views, copy_params_from,
reshape, training-only behaviour (BatchNorm statistics, Dropout) and MXNet's errors (checked against MXNet
1.9.1)."""
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
    ex.forward(is_train=False)
    with pytest.raises(MXNetError, match='forward'):
        ex.backward(mx.nd.ones((2, 3)))


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
