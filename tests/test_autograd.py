"""mx.autograd: what is recorded (only inside record(), only while recording) and the graph bookkeeping."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd


def _var(shape=(2, 3)):
    x = mx.nd.array(np.arange(np.prod(shape), dtype=np.float32).reshape(shape))
    x.attach_grad()
    return x


@pytest.mark.parametrize('f', [lambda x: x * 2, lambda x: 2 * x, lambda x: x + x, lambda x: -x, lambda x: abs(x),
                               lambda x: x ** 2, lambda x: mx.nd.relu(x), lambda x: mx.nd.add(x, 1),
                               lambda x: mx.nd.broadcast_mul(x, x), lambda x: mx.nd.sum(x)])
def test_not_recorded_outside_record(f):
    x = _var()
    y = f(x)
    with pytest.raises(mx.MXNetError):
        y.backward()


def test_set_recording_false_stops_recording():
    x = _var()
    with autograd.record():
        a = x * 3
        prev = autograd.set_recording(False)
        assert prev is True and not autograd.is_recording()
        b = x * 5  # not recorded
        autograd.set_recording(True)
    with pytest.raises(mx.MXNetError):
        b.backward()
    a.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 3 * np.ones((2, 3)))


def test_set_recording_true_outside_record_and_in_pause():
    x = _var()
    prev = autograd.set_recording(True)
    try:
        y = x * 4
    finally:
        autograd.set_recording(prev)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 4 * np.ones((2, 3)))
    with autograd.record():
        with autograd.pause():
            autograd.set_recording(True)
            z = x * 6
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 6 * np.ones((2, 3)))


def test_recorded_values_unchanged_and_grads_right():
    x = _var()
    with autograd.record():
        y = mx.nd.exp(x) * x + abs(x) - x / 2
    y.backward()
    xn = x.asnumpy()
    np.testing.assert_allclose(x.grad.asnumpy(), np.exp(xn) * (xn + 1) + np.sign(xn) - 0.5, rtol=1e-5)


def test_update_variable_outside_record():
    x = _var()
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    x -= 0.1 * x.grad  # an optimizer step: no graph, no error
    mx.nd.elemwise_sub(x, 0.1 * x.grad, out=x)
    with autograd.record():
        y = (x * 2).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * np.ones((2, 3)))


def test_backward_twice_needs_retain_graph():
    x = _var()
    with autograd.record():
        y = x + 1
    y.backward(retain_graph=True)
    y.backward()
    with pytest.raises(mx.MXNetError):
        y.backward()


def test_fresh_grad_flag():
    x = _var()
    assert x._fresh_grad is False
    with autograd.record():
        y = x * 2
    y.backward()
    assert x._fresh_grad is True
    x._fresh_grad = False
    assert x._fresh_grad is False


@pytest.mark.parametrize('stype', ['default', 'row_sparse', 'csr'])
def test_grad_stype(stype):
    x = mx.nd.zeros((2, 2)).tostype(stype)
    x.attach_grad()
    assert x.grad.stype == stype and x.detach().stype == stype
    x.attach_grad(stype='row_sparse')
    assert x.grad.stype == 'row_sparse'
