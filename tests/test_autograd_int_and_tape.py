"""Autograd on integer arrays, higher-order gradients of piecewise-constant derivatives, get_symbol."""
import json

import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd


def test_int_variable_grads_match_mxnet():
    x = nd.array([1, 2, 3], dtype='int32')
    x.attach_grad()
    assert x.grad.dtype == np.int32
    with autograd.record():
        y = x * x
    y.backward()
    assert x.grad.asnumpy().tolist() == [2, 4, 6]
    with autograd.record():
        y = x[1:]
    y.backward()
    assert x.grad.asnumpy().tolist() == [0, 1, 1]
    with autograd.record():
        y = x.astype('float32') * 1.5  # MXNet casts the 1.5 gradient back to int: 1
    y.backward()
    assert x.grad.asnumpy().tolist() == [1, 1, 1]


def test_int_topk_and_boolean_mask_grads():
    a = nd.arange(0, 20, dtype='int32')
    a.attach_grad()
    with autograd.record():
        b = nd.topk(a, k=3, ret_typ='value')
    b.backward(nd.array([5, 6, 7], dtype='int32'))
    assert a.grad.asnumpy()[-3:].tolist() == [7, 6, 5]
    d = nd.array([[1, 2], [3, 4], [5, 6]], dtype='int32')
    g = nd.zeros_like(d)
    autograd.mark_variables([d], [g], grad_reqs='add')
    for _ in range(2):
        with autograd.record():
            s = nd.contrib.boolean_mask(d, nd.array([0, 1, 1])).sum()
        s.backward()
    assert g.asnumpy().tolist() == [[0, 0], [2, 2], [2, 2]]


def test_float_to_int_cast_passes_gradient():
    f = nd.array([1.7, -2.2, 3.5])
    f.attach_grad()
    with autograd.record():
        y = f.astype('int32') * 2
    y.backward()
    assert f.grad.asnumpy().tolist() == [2, 2, 2]


@pytest.mark.parametrize('src', ['int32', 'float32', 'float16'])
@pytest.mark.parametrize('dst', ['int32', 'float32', 'float16'])
def test_executor_cast_gradient(src, dst):
    x = mx.sym.Variable('x', dtype=src)
    exe = mx.sym.Cast(x, dtype=dst).simple_bind(mx.cpu(), x=(4,))
    X = np.array([-3.7, -0.2, 2.5, 7.9])
    exe.arg_arrays[0][:] = X
    exe.forward(is_train=True)
    exe.backward(nd.array(X, dtype=dst))
    np.testing.assert_allclose(exe.grad_arrays[0].asnumpy(), X.astype(dst).astype(src), rtol=1e-3)


def test_int_variable_outside_record_is_plain():
    x = nd.array([1, 2], dtype='int64')
    x.attach_grad()
    y = x + 1
    assert y.asnumpy().tolist() == [2, 3]
    with pytest.raises(mx.base.MXNetError):
        y.backward()


@pytest.mark.parametrize('op', [nd.radians, nd.abs, lambda x: nd.clip(x, -0.3, 0.4), nd.relu])
def test_second_order_of_piecewise_linear_is_zero(op):
    x = nd.array(np.random.RandomState(0).uniform(-1, 1, (3, 4)))
    x.attach_grad()
    with autograd.record():
        y = op(x)
        g = autograd.grad(y, x, head_grads=nd.ones_like(x), create_graph=True, retain_graph=True)[0]
        g2 = autograd.grad(g, x, head_grads=nd.ones_like(x), create_graph=True, retain_graph=True)[0]
    assert np.all(g2.asnumpy() == 0)


def test_second_order_matches_numeric():
    x0 = np.random.RandomState(1).uniform(0.2, 1.5, (5,))
    x = nd.array(x0, dtype='float64')
    x.attach_grad()
    with autograd.record():
        g = autograd.grad(nd.sin(x) * nd.exp(x), x, create_graph=True, retain_graph=True)[0]
    g.backward()
    f1 = lambda v: np.exp(v) * (np.sin(v) + np.cos(v))  # noqa: E731  first derivative
    eps = 1e-6
    np.testing.assert_allclose(x.grad.asnumpy(), (f1(x0 + eps) - f1(x0 - eps)) / (2 * eps), rtol=1e-5)


def test_recorded_partial_write_is_an_error():
    x = nd.zeros((3, 4))
    y = nd.ones((4,))
    y.attach_grad()
    with pytest.raises(mx.base.MXNetError, match='Inplace operations'):
        with autograd.record():
            x[0] = y
    z = nd.zeros((4,))
    with autograd.record():
        z[:] = y  # a whole-array copy is recorded
        s = (z * 3).sum()
    s.backward()
    assert y.grad.asnumpy().tolist() == [3, 3, 3, 3]


def test_get_symbol():
    x = nd.ones((3,))
    x.attach_grad()
    c = nd.array([1, 2, 3])
    with autograd.record():
        y = nd.sin(x) * c + 2 * x - 1
    s = autograd.get_symbol(y)
    assert s.list_arguments() == ['var0', 'null1']
    ops = [n['op'] for n in json.loads(s.tojson())['nodes']]
    assert ops == ['null', 'sin', 'null', 'broadcast_mul', '_mul_scalar', 'broadcast_add', '_minus_scalar']
    z = nd.ones((3,))
    z.attach_grad()
    with autograd.record():
        y = x * x + 2 * z
    assert len(autograd.get_symbol(y).list_arguments()) == 2
