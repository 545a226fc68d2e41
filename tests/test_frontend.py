"""The generated front-ends (mx.nd / mx.sym from one builder, mxnet/_op/frontend.py) and NDArray's class."""
import inspect
import subprocess
import sys

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError
from mxnet._op import registry, frontend
from mxnet._op.params import Int


def _x():
    return mx.nd.array([[3, 1], [2, 0]])


def test_explicit_none_is_kept_for_optional_params_in_both_frontends():
    np.testing.assert_array_equal(mx.nd.sort(_x(), axis=None).asnumpy(), [0, 1, 2, 3])
    np.testing.assert_array_equal(mx.nd.sort(_x(), None).asnumpy(), [0, 1, 2, 3])  # positional: the parameter
    assert mx.sym.sort(mx.sym.var('x'), axis=None).list_attr() == {'axis': 'None'}
    with pytest.raises(MXNetError):  # a parameter that does not accept None, as in MXNet
        mx.nd.clip(_x(), a_min=None, a_max=1)
    with pytest.raises(MXNetError):
        mx.sym.clip(mx.sym.var('x'), a_min=None, a_max=1)


def test_missing_inputs_and_positional_params():
    x, w = mx.nd.ones((2, 3)), mx.nd.ones((4, 3))
    assert mx.nd.FullyConnected(x, w, None, num_hidden=4, no_bias=True).shape == (2, 4)
    assert mx.nd.FullyConnected(x, w, bias=None, num_hidden=4, no_bias=True).shape == (2, 4)
    s = mx.sym.FullyConnected(mx.sym.var('x'), None, num_hidden=3, no_bias=True, name='fc')
    assert s.list_arguments() == ['x', 'fc_weight']
    np.testing.assert_array_equal(mx.nd.sum(x, 1).asnumpy(), [3, 3])
    with pytest.raises(MXNetError, match='bias'):
        mx.nd.FullyConnected(x, w, num_hidden=4)
    with pytest.raises(TypeError):
        mx.nd.exp(x, 1, 2)


def test_hidden_keys():
    x, w = mx.nd.ones((1, 3, 4, 4)), mx.nd.ones((2, 3, 3, 3))
    y = mx.nd.Convolution(x, w, kernel=(3, 3), num_filter=2, no_bias=True, __layout__='NCHW')
    assert y.shape == (1, 2, 2, 2)  # mx.nd ignores __key__ attributes, as MXNet does
    s = mx.sym.Convolution(mx.sym.var('x'), kernel=(3, 3), num_filter=2, __layout__='NCHW', lr_mult=2)
    attrs = s.list_attr()
    assert attrs['__layout__'] == 'NCHW' and attrs['__lr_mult__'] == '2' and 'layout' not in attrs
    with pytest.raises(MXNetError, match='lr_mult'):
        mx.nd.Convolution(x, w, kernel=(3, 3), num_filter=2, no_bias=True, lr_mult=2)


def test_variadic_count_defaults_to_the_inputs():
    a, b = mx.nd.ones((2, 2)), mx.nd.zeros((2, 2))
    assert mx.nd.Concat(a, b, dim=1).shape == (2, 4)
    assert mx.nd.Concat(a, b, a, dim=0).shape == (6, 2)  # another count: another cache entry
    assert mx.nd.concat(a, b).shape == (2, 4)
    with pytest.raises(MXNetError):
        mx.nd.Concat(a, b, num_args=3)
    s = mx.sym.Concat([mx.sym.var('a'), mx.sym.var('b')], dim=0)
    assert s.list_attr() == {'num_args': '2', 'dim': '0'}
    assert inspect.signature(mx.sym.Concat).parameters['num_args'].default is None


def test_fast_path_follows_params_that_change_the_inputs():
    x, w, b = mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.ones(4)
    for _ in range(2):  # second round: from the caches
        assert mx.nd.FullyConnected(x, w, b, num_hidden=4).asnumpy()[0, 0] == 4
        assert mx.nd.FullyConnected(x, w, num_hidden=4, no_bias=True).asnumpy()[0, 0] == 3
        with pytest.raises(MXNetError):
            mx.nd.FullyConnected(x, w, b, num_hidden=4, no_bias=True)
    with pytest.raises(MXNetError, match='dtype'):
        mx.nd.elemwise_add(x, x.astype('float64'))


def test_signature_and_docstring_are_shared():
    nd_sig, sym_sig = inspect.signature(mx.nd.sort), inspect.signature(mx.sym.sort)
    assert list(nd_sig.parameters)[:3] == list(sym_sig.parameters)[:3] == ['data', 'axis', 'is_ascend']
    assert 'out' in nd_sig.parameters and 'attr' in sym_sig.parameters
    assert mx.nd.sort.__doc__ == frontend.docstring(registry.get('sort'), 'NDArray')
    assert 'data : Symbol' in mx.sym.sort.__doc__


def test_ops_registered_later_appear_everywhere():
    registry.register(registry.OpDef('_contrib_frontend_late', lambda p, x: x * p.k, params={'k': Int(2)}))
    a = mx.nd.ones(2)
    np.testing.assert_array_equal(mx.nd.contrib.frontend_late(a, k=3).asnumpy(), [3, 3])
    np.testing.assert_array_equal(mx.nd._contrib_frontend_late(a).asnumpy(), [2, 2])
    assert mx.sym.contrib.frontend_late(mx.sym.var('x'), k=4).list_attr() == {'k': '4'}
    assert mx.nd.Custom.opdef is mx.sym.Custom.opdef is registry.get('Custom')


def test_ndarray_defines_its_arithmetic_and_autograd_in_its_class():
    from mxnet.ndarray.infix import NDArrayArithmetic
    assert NDArrayArithmetic in mx.nd.NDArray.__mro__
    for name in ('attach_grad', 'grad', 'backward', 'detach'):
        assert name in mx.nd.NDArray.__dict__, name
    a = mx.nd.array([1., 2.])
    assert {a: 1}[a] == 1  # hashable although the mixin defines __eq__
    np.testing.assert_array_equal((a + a * 2 - 1 / a).asnumpy(), [2, 5.5])
    a.attach_grad()
    with mx.autograd.record():
        y = (a * a).sum()
    y.backward()
    np.testing.assert_array_equal(a.grad.asnumpy(), [2, 4])


def test_autograd_is_a_leaf_module():
    code = ('import sys, types; pkg = types.ModuleType("mxnet"); pkg.__path__ = [%r]; sys.modules["mxnet"] = pkg; '
            'import mxnet.autograd; print(sorted(m for m in sys.modules if m.startswith("mxnet.")))'
            % mx.__path__[0])
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout
    assert 'ndarray' not in out and 'symbol' not in out, out
    ns = {}
    exec('from mxnet.autograd import *', ns)
    assert ns['NDArray'] is mx.nd.NDArray and ns['Symbol'] is mx.sym.Symbol
