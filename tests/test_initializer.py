"""Initializers against MXNet 1.9.1 (deterministic ones from tests/fixtures/optimizer/initializer.npz, made by
make_optimizer_fixtures.py) and statistical checks of the random ones."""
import json
import os
import sys
import warnings

import numpy as np
import pytest

import mxnet as mx

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'optimizer')
sys.path.insert(0, HERE)
import cases  # noqa: E402

REF = np.load(os.path.join(HERE, 'initializer.npz'))


@pytest.mark.parametrize('key', sorted(cases.INITIALIZERS))
def test_deterministic_initializers_match_reference(key, ctx):
    expr, name, shape = cases.INITIALIZERS[key]
    arr = mx.nd.zeros(shape, ctx=ctx)
    eval(expr, {'mx': mx})(mx.init.InitDesc(name), arr)
    np.testing.assert_allclose(arr.asnumpy(), REF[key], rtol=1e-6)


def test_dumps_match_reference():
    got = [eval(e, {'mx': mx}).dumps() for e in cases.DUMPS]
    assert got == list(REF['dumps'])


def test_init_attribute_overrides_name_rule(ctx):
    arr = mx.nd.zeros((2, 2), ctx=ctx)
    mx.init.Uniform()(mx.init.InitDesc('fc_bias', {'__init__': '["constant", {"value": 0.5}]'}), arr)
    np.testing.assert_array_equal(arr.asnumpy(), 0.5)
    mx.init.Uniform()(mx.init.InitDesc('bn_moving_var', {'__init__': 'ones'}), arr)
    np.testing.assert_array_equal(arr.asnumpy(), 1.0)
    with pytest.raises(ValueError, match='Unknown initialization pattern for bn_moving_mean'):
        mx.init.Uniform()(mx.init.InitDesc('bn_moving_mean'), arr)


def test_legacy_string_names(ctx):
    arr = mx.nd.ones((3,), ctx=ctx)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        mx.init.Uniform()('bn_moving_mean', arr)
        np.testing.assert_array_equal(arr.asnumpy(), 0)
        mx.init.Uniform()('bn_moving_var', arr)
        np.testing.assert_array_equal(arr.asnumpy(), 1)


@pytest.mark.parametrize('init, check', [
    (mx.init.Uniform(0.2), lambda a: a.min() >= -0.2 and a.max() <= 0.2 and abs(a.std() - 0.2 / 3 ** 0.5) < 0.01),
    (mx.init.Normal(0.3), lambda a: abs(a.std() - 0.3) < 0.02 and abs(a.mean()) < 0.02),
    # fan_in = 50 * 4, fan_out = 40 * 4: scale = sqrt(3 / 180)
    (mx.init.Xavier(), lambda a: abs(a).max() <= (3 / 180) ** 0.5 and abs(a).max() > 0.9 * (3 / 180) ** 0.5),
    (mx.init.Xavier('gaussian', 'in', 2), lambda a: abs(a.std() - (2 / 200) ** 0.5) < 0.01),
    (mx.init.MSRAPrelu(slope=0), lambda a: abs(a.std() - (2 / 180) ** 0.5) < 0.01),
])
def test_random_initializers_statistics(init, check, ctx):
    arr = mx.nd.zeros((40, 50, 2, 2), ctx=ctx)
    init(mx.init.InitDesc('conv_weight'), arr)
    assert check(arr.asnumpy())


def test_random_initializers_follow_seed(ctx):
    out = []
    for _ in range(2):
        mx.random.seed(3)
        arr = mx.nd.zeros((5, 4), ctx=ctx)
        mx.init.Xavier()(mx.init.InitDesc('fc_weight'), arr)
        out.append(arr.asnumpy())
    np.testing.assert_array_equal(out[0], out[1])


def test_orthogonal(ctx):
    arr = mx.nd.zeros((4, 6), ctx=ctx)
    mx.init.Orthogonal(scale=2.0)(mx.init.InitDesc('fc_weight'), arr)
    a = arr.asnumpy()
    np.testing.assert_allclose(a @ a.T, 4 * np.eye(4), atol=1e-4)


def test_xavier_rejects_vectors(ctx):
    with pytest.raises(ValueError, match='at least 2D'):
        mx.init.Xavier()(mx.init.InitDesc('x_weight'), mx.nd.zeros((3,), ctx=ctx))


def test_create_register_alias_mixed_load(tmp_path, ctx):
    @mx.init.register
    @mx.init.alias('myinit')
    class Seven(mx.init.Initializer):
        def _init_weight(self, _, arr):
            arr[:] = 7

    assert isinstance(mx.init.create('myinit'), Seven)
    assert isinstance(mx.init.create('["seven", {}]'), Seven)
    assert mx.init.create(json.loads('{"initializer": "normal", "sigma": 2}')) == mx.init.Normal(2)
    mixed = mx.init.Mixed(['.*bias', '.*'], [mx.init.Zero(), Seven()])
    b, w = mx.nd.ones((2,), ctx=ctx), mx.nd.ones((2,), ctx=ctx)
    mixed(mx.init.InitDesc('fc_bias'), b)
    mixed(mx.init.InitDesc('fc_weight'), w)
    np.testing.assert_array_equal(b.asnumpy(), 0)
    np.testing.assert_array_equal(w.asnumpy(), 7)
    load = mx.init.Load({'arg:fc_weight': mx.nd.array([1., 2.])}, default_init=mx.init.One())
    load(mx.init.InitDesc('fc_weight'), w)
    load(mx.init.InitDesc('fc_bias'), b)
    np.testing.assert_array_equal(w.asnumpy(), [1, 2])
    np.testing.assert_array_equal(b.asnumpy(), 0)


def test_module_init_params_uses_initializer(ctx):
    net = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=4, name='fc')
    net = mx.sym.BatchNorm(net, name='bn')
    from mxnet.module import Module
    mod = Module(net, data_names=['data'], label_names=None, context=ctx)
    mod.bind(data_shapes=[('data', (2, 3))])
    mod.init_params(mx.init.Constant(0.25))
    args, aux = mod.get_params()
    np.testing.assert_array_equal(args['fc_weight'].asnumpy(), 0.25)
    np.testing.assert_array_equal(args['fc_bias'].asnumpy(), 0)
    np.testing.assert_array_equal(args['bn_gamma'].asnumpy(), 1)
    np.testing.assert_array_equal(aux['bn_moving_var'].asnumpy(), 1)
    np.testing.assert_array_equal(aux['bn_moving_mean'].asnumpy(), 0)
