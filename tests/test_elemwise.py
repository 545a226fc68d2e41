"""Unary elementwise operators beyond the opdb value checks: gradients of the gradient-stopping ops, copies,
NaN/infinity results, NDArray methods. Expected values were read from MXNet 1.9.1."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

METHODS = ('abs sign round rint ceil floor trunc fix square sqrt rsqrt cbrt rcbrt exp expm1 log log10 log2 log1p '
           'sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh degrees radians reciprocal '
           'relu sigmoid clip').split()
NOT_METHODS = 'negative hard_sigmoid softsign erf erfinv gamma gammaln logical_not smooth_l1 BlockGrad Cast'.split()


def test_methods_match_mxnet(ctx):
    x = mx.nd.array([0.25, 4.0], ctx=ctx)
    for m in METHODS:
        assert hasattr(mx.nd.NDArray, m), m
    for m in NOT_METHODS:
        assert not hasattr(mx.nd.NDArray, m), m
    np.testing.assert_allclose(x.sqrt().asnumpy(), [0.5, 2.0])
    np.testing.assert_allclose(x.clip(0.5, 1.0).asnumpy(), [0.5, 1.0])
    np.testing.assert_allclose(x.clip(a_min=0.0, a_max=1.0).asnumpy(), [0.25, 1.0])
    assert x.round().context == ctx


def test_aliases():
    reg = mx._op.registry
    assert reg.get('identity') is reg.get('_copy')
    assert reg.get('stop_gradient') is reg.get('BlockGrad')
    assert reg.get('cast') is reg.get('Cast')
    assert list(reg.get('hard_sigmoid').params) == ['alpha', 'beta']
    assert list(reg.get('clip').params) == ['a_min', 'a_max']


def test_gradient_stops(ctx):
    x = mx.nd.array([1.0, 2.0, 3.0], ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.make_loss(x * 2)
        z = (y * 3).sum()
    z.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [2, 2, 2])  # make_loss sends ones back
    with mx.autograd.record():
        y = mx.nd.BlockGrad(x * 2) + mx.nd.stop_gradient(x) + x
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [1, 1, 1])
    with mx.autograd.record():
        y = mx.nd.Cast(x, dtype='float64') * 2
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [2, 2, 2])
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize('op', [lambda b: mx.nd.BlockGrad(b), lambda b: mx.nd.identity(b),
                                lambda b: mx.nd.Cast(b, dtype='float32'), lambda b: mx.nd.make_loss(b)])
def test_results_are_copies(op, ctx):
    b = mx.nd.array([1.0, 2.0, 3.0], ctx=ctx)
    c = op(b)
    c[:] = 0
    np.testing.assert_array_equal(b.asnumpy(), [1, 2, 3])


def test_special_values(ctx):
    def run(op, values, dtype='float32', **kw):
        return getattr(mx.nd, op)(mx.nd.array(values, dtype=dtype, ctx=ctx), **kw).asnumpy()

    np.testing.assert_array_equal(run('gamma', [0.0, -1.0, -2.0]), [np.inf, np.nan, np.nan])
    np.testing.assert_array_equal(run('gammaln', [0.0, -1.0]), [np.inf, np.inf])
    np.testing.assert_array_equal(run('erfinv', [-1.0, 1.0, 2.0]), [-np.inf, np.inf, np.nan])
    np.testing.assert_array_equal(run('reciprocal', [0.0]), [np.inf])
    np.testing.assert_array_equal(run('rsqrt', [0.0, -1.0]), [np.inf, np.nan])
    np.testing.assert_array_equal(run('rcbrt', [0.0, -8.0, 8.0]), [np.inf, -0.5, 0.5])
    np.testing.assert_array_equal(run('round', [-0.4, np.inf, np.nan]), [-0.0, np.inf, np.nan])
    np.testing.assert_array_equal(run('clip', [np.nan, 5.0], a_min=0, a_max=1), [np.nan, 1.0])
    np.testing.assert_allclose(run('hard_sigmoid', [-4, -1, 0, 1, 4]), [0, 0.3, 0.5, 0.7, 1], rtol=1e-6)


def test_integer_math_through_float32(ctx):
    def run(op, values, dtype):
        r = getattr(mx.nd, op)(mx.nd.array(values, dtype=dtype, ctx=ctx))
        assert np.dtype(r.dtype) == np.dtype(dtype)
        return r.asnumpy().tolist()

    assert run('exp', [-3, 0, 1, 4], 'int32') == [0, 1, 2, 54]
    assert run('sinh', [-3, -1, 0, 2, 4], 'int64') == [-10, -1, 0, 3, 27]
    assert run('tan', [-1, 0, 1, 2, 4], 'int8') == [-1, 0, 1, -2, 1]
    assert run('log2', [1, 2, 4, 200, 255], 'uint8') == [0, 1, 2, 7, 7]
    assert run('square', [2, 200], 'uint8') == [4, 64]
    assert run('degrees', [1, 2], 'int8') == [57, 114]
    assert run('negative', [0, 1, 5], 'uint8') == [0, 255, 251]
    assert run('abs', [-128, 5], 'int8') == [-128, 5]
    assert run('sign', [0, 5], 'uint8') == [0, 1]


def test_bool_inputs(ctx):
    b = mx.nd.array([1, 0, 1], dtype='bool', ctx=ctx)
    for op in ('sqrt', 'relu', 'round', 'negative', 'logical_not'):
        with pytest.raises(MXNetError, match='does not support boolean type'):
            getattr(mx.nd, op)(b)
    for op in ('identity', 'BlockGrad', 'make_loss'):
        r = getattr(mx.nd, op)(b)
        assert r.dtype == np.bool_ and r.asnumpy().tolist() == [True, False, True]
    np.testing.assert_array_equal(mx.nd.Cast(b, dtype='float16').asnumpy(), [1, 0, 1])


def test_calling_conventions(ctx):
    x = mx.nd.array([-2.0, 0.5, 3.0], ctx=ctx)
    want = [0.0, 0.5, 1.0]
    np.testing.assert_array_equal(mx.nd.clip(x, 0, 1).asnumpy(), want)
    np.testing.assert_array_equal(mx.nd.clip(x, a_min=0, a_max=1).asnumpy(), want)
    np.testing.assert_array_equal(mx.nd.clip(data=x, a_min=0, a_max=1).asnumpy(), want)
    np.testing.assert_array_equal(mx.nd.clip(x, 0, a_max=1).asnumpy(), want)
    out = mx.nd.zeros(3, ctx=ctx)
    r = mx.nd.relu(x, out=out)
    assert r is out
    np.testing.assert_array_equal(out.asnumpy(), [0, 0.5, 3])
    np.testing.assert_array_equal(mx.nd.relu(data=x).asnumpy(), [0, 0.5, 3])
    with pytest.raises(TypeError):
        mx.nd.clip(x, 0, 1, 2)
    with pytest.raises(MXNetError, match='Required parameter a_max'):
        mx.nd.clip(x, 0)


def test_float_to_int_rules_are_device_independent():
    """The CUDA path emulates the x86 conversion MXNet's CPU build (and torch on CPU) performs."""
    import torch
    from mxnet._op.defs.binary import x86_int_cast
    t = torch.tensor([np.nan, np.inf, -np.inf, -1e10, 200.0, -171.8, 3e9, 11459.15, -1.7, 300.4, 2.0 ** 31,
                      -2.0 ** 31, 9.3e18, -9.3e18, 0.0, -0.5], dtype=torch.float64)
    expected = {torch.int32: [-2 ** 31] * 4 + [200, -171, -2 ** 31, 11459, -1, 300, -2 ** 31, -2 ** 31,
                                                -2 ** 31, -2 ** 31, 0, 0],
                torch.uint8: [0, 0, 0, 0, 200, 85, 0, 195, 255, 44, 0, 0, 0, 0, 0, 0]}
    for dt, want in expected.items():
        assert x86_int_cast(t, dt).tolist() == want
        assert t.to(dt).tolist() == want  # torch's CPU cast, the reference the emulation follows
