"""MXNet's asynchronous errors (mx.engine): a run-time operator failure is raised where the value is read."""
import gc

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


@pytest.fixture(autouse=True)
def _clean():
    mx.engine.pending.clear()
    yield
    mx.engine.pending.clear()


def test_deferred_until_read():
    a = mx.nd.random.normal(0, 1, (2, 2))
    b = mx.nd.random.normal(0, -1, (2, 2))  # no error at the call
    c = mx.nd.dot(a, b)
    d = c + 1
    e = c.copy()
    assert c.shape == (2, 2) and d.shape == (2, 2)
    with pytest.raises(MXNetError, match='scale'):
        d.asnumpy()
    # raising clears the error from every array that carries it
    e.asnumpy()
    b.wait_to_read()
    mx.nd.waitall()


def test_views_share_and_clear():
    a, b = mx.nd.random_normal(0, -1, (2, 2)).copyto(mx.cpu())
    with pytest.raises(MXNetError):
        a.asnumpy()
    assert b.asnumpy().shape == (2,)


def test_waitall_raises_once():
    a = mx.nd.random.uniform(1, 0, (3,))
    with pytest.raises(MXNetError, match='low'):
        mx.nd.waitall()
    mx.nd.waitall()
    a.asnumpy()


def test_dropped_with_its_arrays():
    def run():
        x = mx.nd.random.normal(0, -1, (2,))
        return (x * 2).shape
    assert run() == (2,)
    gc.collect()
    assert not mx.engine.pending
    mx.nd.waitall()


def test_out_and_like():
    x = mx.nd.ones((2, 3))
    out = mx.nd.zeros((2, 3))
    mx.nd.random.normal_like(x, scale=-2.0).copyto(out)
    with pytest.raises(MXNetError):
        out.wait_to_read()
    y = mx.nd.relu(mx.nd.random.exponential(-1, shape=(4,)), out=mx.nd.zeros((4,)))
    with pytest.raises(MXNetError, match='lambda'):
        y.asnumpy()


def test_executor_outputs_and_gradients():
    x = mx.sym.var('x')
    s = mx.sym.make_loss(mx.sym.dot(x, mx.sym.random.normal(0, -1, (2, 2))))
    ex = s.bind(mx.cpu(), {'x': mx.nd.ones((2, 2))}, args_grad={'x': mx.nd.zeros((2, 2))})
    out = ex.forward(is_train=True)[0]  # no error yet
    ex.backward()
    with pytest.raises(MXNetError, match='scale'):
        ex.grad_arrays[0].asnumpy()
    # a later forward without the failing operator's error is clean again
    ok = mx.sym.dot(x, x).bind(mx.cpu(), {'x': mx.nd.ones((2, 2))})
    np.testing.assert_allclose(ok.forward()[0].asnumpy(), np.full((2, 2), 2.0))
    del out


def test_executor_failed_input():
    bad = mx.nd.random.normal(0, -1, (2, 2))
    ex = (mx.sym.var('x') * 2).bind(mx.cpu(), {'x': bad})
    with pytest.raises(MXNetError):
        ex.forward()[0].asnumpy()


def test_sync_errors_stay_sync():
    with pytest.raises(MXNetError):
        mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))
    assert not mx.engine.pending
