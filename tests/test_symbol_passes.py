"""Bind-time graph passes: common-expression elimination, the backward-path check, the memory estimate of
``debug_str``; and the shape rules that pass constraints backwards (values checked against MXNet 1.9.1)."""
import re

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


@pytest.fixture
def cse_env(monkeypatch):
    def set_to(value):
        monkeypatch.setenv('MXNET_ELIMINATE_COMMON_EXPR', value)
    return set_to


def _internals(sym, **shapes):
    ex = sym.simple_bind(mx.cpu(), **{k: v for k, v in shapes.items() if k in sym.list_inputs()})
    return ex.get_optimized_symbol().get_internals().list_outputs()


def test_cse_merges_equal_nodes(cse_env):
    a, b, c = mx.sym.var('a'), mx.sym.var('b'), mx.sym.var('c')
    shapes = dict(a=(2, 3), b=(2, 3), c=(2, 3))
    for sym, saved in [((a + 1) + (a + 2), 0), ((a + b) + (a + b), 1), (((a + b) + c) + ((a + b) + c), 2),
                       ((a + b) + (b + a), 0), (mx.sym.sum(a) + mx.sym.sum(a), 1)]:
        cse_env('0')
        orig = _internals(sym, **shapes)
        cse_env('1')
        assert len(_internals(sym, **shapes)) + saved == len(orig)


def test_cse_keeps_random_and_attr_differences(cse_env):
    a, b = mx.sym.var('a'), mx.sym.var('b')
    cse_env('1')
    for sym in [mx.sym.Dropout(a) + mx.sym.Dropout(a),
                mx.sym.random.uniform(shape=(2, 2)) + mx.sym.random.uniform(shape=(2, 2)),
                mx.sym.elemwise_add(a, b, attr={'lr_mult': '2'}) + mx.sym.elemwise_add(a, b),
                mx.sym.split(a, num_outputs=2)[0] + mx.sym.split(a, num_outputs=2)[0]]:
        assert _internals(sym, a=(2, 2), b=(2, 2)) == sym.get_internals().list_outputs()


def test_cse_copies_merged_outputs(cse_env):
    a, b = mx.sym.var('a'), mx.sym.var('b')
    x = a + b
    cse_env('1')
    out = mx.sym.Group([x, a + b, a + b]).simple_bind(mx.cpu(), a=(2,), b=(2,)).get_optimized_symbol()
    name = x.name
    assert out.list_outputs() == [name + '_output', name + '_0_copy_output', name + '_0_copy_0_copy_output']
    # no merge: repeated outputs stay as they are
    assert mx.sym.Group([x, x]).simple_bind(mx.cpu(), a=(2,), b=(2,)).get_optimized_symbol() \
        .list_outputs() == [name + '_output'] * 2


@pytest.mark.parametrize('grad_req', ['write', 'add'])
def test_cse_same_values_and_gradients(cse_env, grad_req):
    a, b = mx.sym.var('a'), mx.sym.var('b')
    d = a + 1
    sym = mx.sym.Group([a * d + b, a * d + b, (a * d) * (a * d)])
    rng = np.random.RandomState(0)
    data = {'a': rng.rand(3, 4), 'b': rng.rand(3, 4)}
    results = []
    for flag in '01':
        cse_env(flag)
        ex = sym.simple_bind(mx.cpu(), grad_req=grad_req, a=(3, 4), b=(3, 4))
        outs = ex.forward(is_train=True, **data)
        ex.backward([mx.nd.ones_like(o) * (k + 1) for k, o in enumerate(outs)])
        assert list(ex.output_dict) == sym.list_outputs()
        results.append(([o.asnumpy() for o in outs], [g.asnumpy() for g in ex.grad_arrays]))
    (o0, g0), (o1, g1) = results
    for x, y in zip(o0 + g0, o1 + g1):
        np.testing.assert_allclose(x, y, rtol=1e-6)
    av, bv = data['a'], data['b']
    np.testing.assert_allclose(g1[1], np.full((3, 4), 3.0), rtol=1e-6)
    ad = av * (av + 1)
    np.testing.assert_allclose(g1[0], 3 * (2 * av + 1) + 3 * 2 * ad * (2 * av + 1), rtol=1e-5)


def test_bind_through_op_without_gradient():
    x, idx = mx.sym.var('x'), mx.sym.var('idx')
    y = mx.sym.batch_take(x, idx)
    types = {'x': np.float32, 'idx': np.int32}
    with pytest.raises(MXNetError, match='batch_take is non-differentiable'):
        y.simple_bind(mx.cpu(), x=(4, 4), idx=(4,), type_dict=types)
    with pytest.raises(MXNetError, match='non-differentiable'):  # on the path even if its inputs need none
        (y + mx.sym.var('w')).simple_bind(mx.cpu(), x=(4, 4), idx=(4,), w=(4,), type_dict=types,
                                          grad_req={'w': 'write'})
    y.simple_bind(mx.cpu(), x=(4, 4), idx=(4,), type_dict=types, grad_req='null')
    ex = mx.sym.stop_gradient(y).simple_bind(mx.cpu(), x=(4, 4), idx=(4,), type_dict=types)
    ex.arg_dict['x'][:] = 1
    ex.grad_dict['x'][:] = 5
    ex.forward(is_train=True)
    ex.backward()
    assert (ex.grad_dict['x'].asnumpy() == 0).all()


def _mb(ex):
    return int(re.search(r'Total (\d+) MB allocated', ex.debug_str()).group(1))


def test_debug_str_memory_plan():
    data = mx.sym.var('data')
    for _ in range(10):
        data = data * data
    shape = (10, 3, 256, 256)  # 7.5 MB per array
    full = _mb(data.simple_bind(mx.cpu(), data=shape))
    forward_only = _mb(data.simple_bind(mx.cpu(), data=shape, grad_req='null'))
    stopped = _mb(mx.sym.stop_gradient(data).simple_bind(mx.cpu(), data=shape))
    assert forward_only == stopped == 15  # two buffers taken in turn, as MXNet's plan
    assert full > 70  # the forward values kept for backward


def test_identity_with_attr_like_rhs_passes_shapes_back():
    w = mx.sym.var('weight')
    wt = mx.sym.broadcast_add(w, mx.sym.var('wshift', shape=(1,)))
    wt = mx.sym._internal._identity_with_attr_like_rhs(wt, w)
    net = mx.sym.FullyConnected(data=mx.sym.var('data'), weight=wt, num_hidden=11, no_bias=True)
    args, _, _ = net.infer_shape(data=(7, 100))
    assert dict(zip(net.list_arguments(), args))['weight'] == (11, 100)

    a, b = mx.sym.var('a'), mx.sym.var('b')
    c = mx.sym._internal._identity_with_attr_like_rhs(a, b)
    assert c.infer_shape_partial(b=(2, 3)) == ([(2, 3), (2, 3)], [(2, 3)], [])
    with pytest.raises(MXNetError):
        c.infer_shape(a=(2, 3), b=(3, 2))
    ex = c.bind(mx.cpu(), {'a': mx.nd.ones((2, 3)), 'b': mx.nd.ones((2, 3))},
                args_grad={'a': mx.nd.ones((2, 3)), 'b': mx.nd.ones((2, 3))})
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones((2, 3)) * 3)
    assert (ex.grad_dict['a'].asnumpy() == 3).all() and (ex.grad_dict['b'].asnumpy() == 0).all()
    with pytest.raises(MXNetError):
        mx.nd._internal._identity_with_attr_like_rhs(mx.nd.ones((2, 3)), mx.nd.ones((3, 2)))


def test_where_needs_known_condition():
    cond, x, y = mx.sym.var('cond'), mx.sym.var('x'), mx.sym.var('y')
    w = mx.sym.where(cond, x, y)
    assert w.infer_shape_partial(cond=(0, 2), x=(0, 2), y=(0, 2))[1] == [()]
    assert w.infer_shape_partial(cond=(0,), x=(2, 2), y=(2, 2))[1] == [()]
    # nothing is decided while the condition is unknown, not even y from x
    assert w.infer_shape_partial(x=(3, 2)) == ([(), (3, 2), ()], [()], [])
    assert w.infer_shape_partial(cond=(3,), x=(3, 2)) == ([(3,), (3, 2), (3, 2)], [(3, 2)], [])
    with mx.np_shape(True):
        assert w.infer_shape_partial(cond=(-1, 2), x=(-1, 2), y=(-1, 2))[1] == [None]
