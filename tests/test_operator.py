"""mx.operator: Python custom operators through mx.nd.Custom / mx.sym.Custom, executors and autograd."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


# ---- the operators under test ------------------------------------------------------------------------------
class Softmax(mx.operator.CustomOp):
    """The tutorial's softmax loss: forward is a row-wise softmax, backward (y - onehot(label))."""

    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        y = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
        y /= y.sum(axis=1).reshape((x.shape[0], 1))
        self.assign(out_data[0], req[0], mx.nd.array(y))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        label = in_data[1].asnumpy().ravel().astype(int)
        y = out_data[0].asnumpy()
        y[np.arange(label.shape[0]), label] -= 1.0
        self.assign(in_grad[0], req[0], mx.nd.array(y))


class SoftmaxProp(mx.operator.CustomOpProp):
    def __init__(self):
        # softmax is a loss layer: no gradient input from the layers above
        super(SoftmaxProp, self).__init__(need_top_grad=False)

    def list_arguments(self):
        return ['data', 'label']

    def list_outputs(self):
        return ['output']

    def infer_shape(self, in_shape):
        data_shape = in_shape[0]
        label_shape = (in_shape[0][0],)
        return [data_shape, label_shape], [data_shape], []

    def create_operator(self, ctx, shapes, dtypes):
        return Softmax()


class Scale(mx.operator.CustomOp):
    """``out = data * factor``; in training, adds the column sums of data to the aux state ``total``."""
    seen = []

    def __init__(self, factor):
        self.factor = factor

    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * self.factor)
        if is_train:
            self.assign(aux[0], 'add', in_data[0].sum(axis=0))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        Scale.seen.append(list(req))
        self.assign(in_grad[0], req[0], out_grad[0] * self.factor)


class ScaleProp(mx.operator.CustomOpProp):
    created = []

    def __init__(self, factor='1'):
        super().__init__(need_top_grad=True)
        assert isinstance(factor, str)  # MXNet passes every extra parameter as a string
        self.factor = float(factor)

    def list_auxiliary_states(self):
        return ['total']

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]], [in_shape[0][1:]]

    def create_operator(self, ctx, shapes, dtypes):
        ScaleProp.created.append((ctx, shapes, dtypes))
        return Scale(self.factor)


class SplitProp(mx.operator.CustomOpProp):
    """Two outputs (halves of the columns) with the default infer_type."""

    def list_outputs(self):
        return ['left', 'right']

    def infer_shape(self, in_shape):
        n, c = in_shape[0]
        return in_shape, [[n, c // 2], [n, c - c // 2]]

    def create_operator(self, ctx, shapes, dtypes):
        return Split()


class Split(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        c = out_data[0].shape[1]
        self.assign(out_data[0], req[0], in_data[0][:, :c])
        self.assign(out_data[1], req[1], in_data[0][:, c:])

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        g = np.concatenate([out_grad[0].asnumpy(), out_grad[1].asnumpy()], axis=1)
        self.assign(in_grad[0], req[0], g)


@pytest.fixture(scope='module', autouse=True)
def registered():
    """Registered here rather than at import so another module registering 'softmax' cannot interfere."""
    for name, prop in (('softmax', SoftmaxProp), ('test_scale', ScaleProp), ('test_split', SplitProp)):
        mx.operator.register(name)(prop)


# ---- numpy references ---------------------------------------------------------------------------------------
def np_softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def mlp():
    data = mx.sym.Variable('data')
    fc1 = mx.sym.FullyConnected(data=data, name='fc1', num_hidden=8)
    act = mx.sym.Activation(data=fc1, name='relu1', act_type='relu')
    fc2 = mx.sym.FullyConnected(data=act, name='fc2', num_hidden=4)
    label = mx.sym.Variable('label')
    return mx.symbol.Custom(data=fc2, label=label, op_type='softmax', name='softmax')


# ---- tests ----------------------------------------------------------------------------------------------------
def test_softmax_mlp_forward_backward(ctx, rng):
    net = mlp()
    assert net.list_arguments() == ['data', 'fc1_weight', 'fc1_bias', 'fc2_weight', 'fc2_bias', 'label']
    assert net.list_outputs() == ['softmax_output']
    ex = net.simple_bind(ctx, data=(5, 3), label=(5,))
    x = rng.randn(5, 3).astype(np.float32)
    w1, b1 = rng.randn(8, 3).astype(np.float32), rng.randn(8).astype(np.float32)
    w2, b2 = rng.randn(4, 8).astype(np.float32), rng.randn(4).astype(np.float32)
    label = np.array([0, 3, 1, 2, 3], dtype=np.float32)
    for k, v in dict(data=x, fc1_weight=w1, fc1_bias=b1, fc2_weight=w2, fc2_bias=b2, label=label).items():
        ex.arg_dict[k][:] = v
    out = ex.forward(is_train=True)[0]
    assert out.context == ctx
    z1 = x @ w1.T + b1
    h = np.maximum(z1, 0)
    y = np_softmax(h @ w2.T + b2)
    np.testing.assert_allclose(out.asnumpy(), y, rtol=1e-5, atol=1e-6)
    ex.backward()
    dz2 = y.copy()
    dz2[np.arange(5), label.astype(int)] -= 1
    dz1 = (dz2 @ w2) * (z1 > 0)
    expected = dict(fc2_weight=dz2.T @ h, fc2_bias=dz2.sum(0), fc1_weight=dz1.T @ x, fc1_bias=dz1.sum(0),
                    data=dz1 @ w1, label=np.zeros(5))
    for k, v in expected.items():
        np.testing.assert_allclose(ex.grad_dict[k].asnumpy(), v, rtol=1e-4, atol=1e-5, err_msg=k)


def test_missing_label_is_inferred_from_data():
    fc = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=5, name='fc')
    net = mx.sym.Custom(data=fc, op_type='softmax')
    label = net.list_arguments()[-1]
    assert label.endswith('_label') and net.name.startswith('custom')
    args, outs, aux = net.infer_shape(data=(4, 3))
    assert dict(zip(net.list_arguments(), args))[label] == (4,)
    assert outs == [(4, 5)] and aux == []
    assert net.attr_dict()[net.name] == {'op_type': 'softmax'}


def test_nd_custom(ctx, rng):
    x = rng.rand(2, 5).astype(np.float32)
    data, label = mx.nd.array(x, ctx=ctx), mx.nd.array([1, 2], ctx=ctx)
    for y in (mx.nd.Custom(data, label, op_type='softmax'),
              mx.nd.Custom(data=data, label=label, op_type='softmax')):
        assert isinstance(y, mx.nd.NDArray) and y.context == ctx
        np.testing.assert_allclose(y.asnumpy(), np_softmax(x), rtol=1e-5)
    left, right = mx.nd.Custom(data, op_type='test_split')
    np.testing.assert_array_equal(left.asnumpy(), x[:, :2])
    np.testing.assert_array_equal(right.asnumpy(), x[:, 2:])


def test_extra_params_reach_the_prop_as_strings(ctx):
    ScaleProp.created.clear()
    total = mx.nd.zeros((3,), ctx=ctx)
    y = mx.nd.Custom(mx.nd.ones((2, 3), ctx=ctx), total, op_type='test_scale', factor=2.5)
    np.testing.assert_array_equal(y.asnumpy(), np.full((2, 3), 2.5, np.float32))
    np.testing.assert_array_equal(total.asnumpy(), np.zeros(3))  # not training: aux untouched
    c, shapes, dtypes = ScaleProp.created[-1]
    assert c == ctx and shapes == [[2, 3], [3]] and dtypes == [0, 0]
    s = mx.sym.Custom(mx.sym.Variable('x'), op_type='test_scale', factor=3, name='sc')
    assert s.attr('factor') == '3'


def test_aux_state_and_grad_req_add(ctx):
    s = mx.sym.Custom(mx.sym.Variable('x'), op_type='test_scale', factor=3, name='sc')
    assert (s.list_arguments(), s.list_auxiliary_states(), s.list_outputs()) == (['x'], ['sc_total'],
                                                                                 ['sc_output'])
    assert s.infer_shape(x=(2, 3)) == ([(2, 3)], [(2, 3)], [(3,)])
    ex = s.simple_bind(ctx, x=(2, 3), grad_req='add')
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    ex.arg_dict['x'][:] = x
    for _ in range(2):
        ex.forward(is_train=True)
        ex.backward(mx.nd.ones((2, 3), ctx=ctx))
    np.testing.assert_array_equal(ex.grad_dict['x'].asnumpy(), np.full((2, 3), 6.0))
    np.testing.assert_array_equal(ex.aux_dict['sc_total'].asnumpy(), 2 * x.sum(0))
    np.testing.assert_array_equal(ex.outputs[0].asnumpy(), 3 * x)
    ex.forward(is_train=False)
    np.testing.assert_array_equal(ex.aux_dict['sc_total'].asnumpy(), 2 * x.sum(0))


def test_backward_req_null_for_inputs_without_gradient(ctx):
    net = mlp()
    req = {k: 'write' for k in net.list_arguments()}
    req['label'] = 'null'
    ex = net.simple_bind(ctx, grad_req=req, data=(2, 3), label=(2,))
    assert ex.grad_dict['label'] is None  # MXNet lists arguments without a gradient as None
    ex.forward(is_train=True, data=mx.nd.ones((2, 3), ctx=ctx), label=mx.nd.array([0, 1], ctx=ctx))
    ex.backward()
    assert ex.grad_dict['data'].shape == (2, 3)
    Scale.seen.clear()
    s = mx.sym.Custom(mx.sym.Variable('x'), op_type='test_scale', name='sc')
    ex = s.simple_bind(ctx, x=(2, 3))
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones((2, 3), ctx=ctx))
    assert Scale.seen == [['write']]


def test_assign():
    op = mx.operator.CustomOp()
    dst = mx.nd.ones((2, 2))
    op.assign(dst, 'null', mx.nd.zeros((2, 2)))
    np.testing.assert_array_equal(dst.asnumpy(), np.ones((2, 2)))
    op.assign(dst, 'write', np.full((2, 2), 3.0))
    np.testing.assert_array_equal(dst.asnumpy(), np.full((2, 2), 3.0))
    op.assign(dst, 'inplace', mx.nd.full((2, 2), 4.0))
    np.testing.assert_array_equal(dst.asnumpy(), np.full((2, 2), 4.0))
    op.assign(dst, 'add', 1.5)
    np.testing.assert_array_equal(dst.asnumpy(), np.full((2, 2), 5.5))
    with pytest.raises(ValueError):
        op.assign(dst, 'bogus', 1)


def test_prop_defaults():
    prop = mx.operator.CustomOpProp()
    assert prop.need_top_grad_ is True
    assert (prop.list_arguments(), prop.list_outputs(), prop.list_auxiliary_states()) == (['data'], ['output'], [])
    ins, outs, aux = prop.infer_shape([[2, 3]])
    assert list(ins) == [[2, 3]] and list(outs) == [[2, 3]] and list(aux) == []
    assert prop.infer_type([np.float16]) == ([np.float16], [np.float16], [])
    assert prop.declare_backward_dependency([1], [2], [3]) == [1, 2, 3]
    assert mx.operator.CustomOpProp(need_top_grad=False).declare_backward_dependency([1], [2], [3]) == [2, 3]
    assert isinstance(prop.create_operator(mx.cpu(), [[2, 3]], [0]), mx.operator.CustomOp)


def test_infer_type_of_custom():
    s = mx.sym.Custom(mx.sym.Variable('x'), op_type='test_split', name='sp')
    assert s.list_outputs() == ['sp_left', 'sp_right']
    args, outs, _ = s.infer_type(x='float16')
    assert args == [np.float16] and outs == [np.float16, np.float16]
    assert s.infer_shape(x=(2, 5))[1] == [(2, 2), (2, 3)]


def test_json_round_trip(ctx, rng):
    net = mlp()
    back = mx.sym.load_json(net.tojson())
    assert back.list_arguments() == net.list_arguments()
    x = rng.randn(2, 4).astype(np.float32)
    d = mx.sym.Custom(mx.sym.Variable('d'), mx.sym.Variable('l'), op_type='softmax')
    y = mx.sym.load_json(d.tojson()).eval(ctx=ctx, d=mx.nd.array(x, ctx=ctx), l=mx.nd.array([0, 1], ctx=ctx))
    np.testing.assert_allclose(y[0].asnumpy(), np_softmax(x), rtol=1e-5)


def test_errors():
    x = mx.nd.ones((2, 3))
    with pytest.raises(MXNetError, match='Cannot find custom operator nope'):
        mx.nd.Custom(x, op_type='nope')
    with pytest.raises(MXNetError, match='Cannot find custom operator nope'):
        mx.sym.Custom(mx.sym.Variable('x'), op_type='nope')
    with pytest.raises(MXNetError, match='op_type'):
        mx.sym.Custom(mx.sym.Variable('x'))
    with pytest.raises(MXNetError, match='softmax'):
        mx.nd.Custom(x, mx.nd.ones((2,)), op_type='softmax', bogus=1)  # SoftmaxProp takes no parameters
    with pytest.raises(MXNetError, match='infer_shape'):
        mx.sym.Custom(mx.sym.Variable('x'), op_type='test_split').infer_shape(x=(2, 3, 4))

    class Broken(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            raise KeyError('boom')

    class BrokenProp(mx.operator.CustomOpProp):
        def create_operator(self, ctx, shapes, dtypes):
            return Broken()
    mx.operator.register('test_broken')(BrokenProp)
    with pytest.raises(MXNetError, match='CustomOp.forward of test_broken: KeyError'):
        mx.nd.Custom(x, op_type='test_broken')


def test_autograd_through_custom(ctx):
    if not hasattr(mx.nd.NDArray, 'attach_grad') or not hasattr(mx.autograd, 'backward'):
        pytest.skip('mx.autograd recording is not available yet')
    x = mx.nd.array([[1.0, 2.0, 3.0]], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        left, right = mx.nd.Custom(x, op_type='test_split')
        loss = left * 2 + right.sum() * 3
    loss.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[2.0, 3.0, 3.0]])


def test_create_operator_once_per_bind_and_per_imperative_call(ctx):
    s = mx.sym.Custom(mx.sym.Variable('x'), op_type='test_scale', factor=2, name='sc')
    ScaleProp.created.clear()
    ex = s.simple_bind(ctx, x=(2, 3))
    for _ in range(3):
        ex.forward(is_train=True)
        ex.backward(mx.nd.ones((2, 3), ctx=ctx))
    assert len(ScaleProp.created) == 1  # one CustomOp for the executor's life
    ex2 = s.simple_bind(ctx, x=(2, 3))
    ex2.forward()
    ex2.forward()
    assert len(ScaleProp.created) == 2  # a second bind makes its own
    ScaleProp.created.clear()
    total = mx.nd.zeros((3,), ctx=ctx)
    for _ in range(2):
        mx.nd.Custom(mx.nd.ones((2, 3), ctx=ctx), total, op_type='test_scale')
    assert len(ScaleProp.created) == 2  # imperative: one per call


def test_get_operator_arguments():
    args = mx.operator.get_operator_arguments('Activation')
    assert isinstance(args, mx.operator.OperatorArguments)
    assert args.names == ['data', 'act_type'] and args.narg == 2
    assert args.types == ['NDArray-or-Symbol', "{'relu', 'sigmoid', 'softrelu', 'softsign', 'tanh'}, required"]


# ---- the legacy PythonOp interface ---------------------------------------------------------------------------
class _Double(mx.operator.NumpyOp):
    """y = 2x on numpy arrays, written in place."""

    def forward(self, in_data, out_data):
        out_data[0][:] = 2 * in_data[0]

    def backward(self, out_grad, in_data, out_data, in_grad):
        in_grad[0][:] = 2 * out_grad[0]


def test_numpy_op_identity_and_subclass(ctx):
    x = mx.sym.Variable('X')
    for op, scale in ((mx.operator.NumpyOp(), 1.0), (_Double(), 2.0)):
        s = op.get_symbol(x, name='np_op')
        assert s.list_arguments() == ['X']
        dx = mx.nd.zeros(5, ctx=ctx)
        exe = s.bind(ctx, args=[mx.nd.arange(5, ctx=ctx)], args_grad={'X': dx})
        exe.forward(is_train=True)
        np.testing.assert_allclose(exe.outputs[0].asnumpy(), scale * np.arange(5))
        exe.backward(mx.nd.ones(5, ctx=ctx))
        np.testing.assert_allclose(dx.asnumpy(), scale * np.ones(5))
