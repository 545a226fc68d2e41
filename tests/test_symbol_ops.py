"""Operators at the symbol level: shape inference of parameters and auxiliary states, argument names, errors for
inconsistent shapes and MXNet's loss-output gradients (all against MXNet 1.9.1 fixtures made by
tests/fixtures/symbol_ops/make_symbol_ops.py), and finite-difference gradient checks of each differentiable
operator through an executor."""
import json
import os

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError
from mxnet.test_utils import check_numeric_gradient, check_symbolic_backward, check_symbolic_forward

FIX = os.path.join(os.path.dirname(__file__), 'fixtures', 'symbol_ops')

with open(os.path.join(FIX, 'shapes.json')) as _f:
    _SHAPES = json.load(_f)
with open(os.path.join(FIX, 'losses.json')) as _f:
    _LOSSES = json.load(_f)
SHAPE_CASES = [c for c in _SHAPES if 'error' not in c]
ERROR_CASES = [c for c in _SHAPES if c.get('error')]


def _params(params):
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def _build(case):
    """The fixture's symbol: variadic ops get inputs ``<case>_arg<i>``, others a variable ``data``."""
    params = _params(case['params'])
    op = getattr(mx.sym, case['op'])
    if 'num_args' in params:
        ins = [mx.sym.Variable('%s_arg%d' % (case['case'], i)) for i in range(params['num_args'])]
        return op(*ins, name=case['case'], **params)
    return op(mx.sym.Variable('data'), name=case['case'], **params)


def _given(case):
    name = case['case']
    return {('%s_%s' % (name, k) if k.startswith('arg') else k): tuple(v) for k, v in case['shapes'].items()}


def _listed(shapes):
    return None if shapes is None else [list(s) for s in shapes]


@pytest.mark.parametrize('case', SHAPE_CASES, ids=[c['case'] for c in SHAPE_CASES])
def test_infer_shape_matches_mxnet(case):
    s = _build(case)
    assert s.list_arguments() == case['arguments']
    assert s.list_auxiliary_states() == case['aux_states']
    assert s.list_outputs() == case['outputs']
    arg, out, aux = s.infer_shape(**_given(case))
    assert (_listed(arg), _listed(out), _listed(aux)) == (case['arg_shapes'], case['out_shapes'],
                                                            case['aux_shapes'])


@pytest.mark.parametrize('case', ERROR_CASES, ids=[c['case'] for c in ERROR_CASES])
def test_inconsistent_shapes_raise(case):
    s = _build(case)
    given = _given(case)
    with pytest.raises(MXNetError) as e:
        s.infer_shape(**given)
    msg = str(e.value)
    assert case['case'] in msg
    bad = [v for k, v in given.items() if k != 'data' and not k.endswith('arg0')][0]
    assert ','.join(str(d) for d in bad) in msg.replace(' ', '')


# ---- loss outputs: MXNet's gradients --------------------------------------------------------------------
_LOSS_ARRAYS = np.load(os.path.join(FIX, 'losses.npz'))


@pytest.mark.parametrize('case', _LOSSES, ids=[c['case'] for c in _LOSSES])
def test_loss_output_gradients_match_mxnet(case, ctx):
    name = case['case']
    arr = {k.split(':', 1)[1]: _LOSS_ARRAYS[k] for k in _LOSS_ARRAYS.files if k.startswith(name + ':')}
    op = getattr(mx.sym, case['op'])
    data = mx.sym.Variable('data')
    params = _params(case['params'])
    sym = op(data, mx.sym.Variable('label'), **params) if case['label'] else op(data, **params)
    location = {'data': arr['data']}
    if case['label']:
        location['label'] = arr['label']
    check_symbolic_forward(sym, location, [arr['output']], rtol=1e-5, atol=1e-6, ctx=ctx)
    # the head gradient is ignored (scaled by with out_grad=True); labels get no gradient
    req = {'data': 'write', 'label': 'null'}
    check_symbolic_backward(sym, location, [arr['head']], {'data': arr['grad']}, rtol=1e-5, atol=1e-6,
                            grad_req=req, ctx=ctx)
    check_symbolic_backward(sym, location, [arr['head']], {'data': arr['grad']}, rtol=1e-5, atol=1e-6,
                            grad_req=dict(req, data='add'), ctx=ctx)


# ---- finite-difference gradients ---------------------------------------------------------------------------
def _v(name='data'):
    return mx.sym.Variable(name)


def _away_from_zero(rng, shape, low=0.2):
    """Values with |x| >= low, so piecewise ops (relu, max pooling) are not probed at their kinks."""
    return (rng.uniform(low, 1.0, shape) * rng.choice([-1.0, 1.0], shape))


# (id, symbol, {argument: shape}, check_numeric_gradient keywords); arguments not listed are inferred
GRAD_CASES = [
    ('fc', mx.sym.FullyConnected(_v(), num_hidden=3, name='fc'), {'data': (2, 2, 2)}, {}),
    ('fc_noflat_nobias', mx.sym.FullyConnected(_v(), num_hidden=2, flatten=False, no_bias=True, name='fc'),
     {'data': (2, 2, 3)}, {}),
    ('conv1d', mx.sym.Convolution(_v(), kernel=(3,), num_filter=2, stride=(2,), pad=(1,), dilate=(2,),
                                  num_group=2, name='c'), {'data': (1, 2, 6)}, {}),
    ('conv2d', mx.sym.Convolution(_v(), kernel=(2, 2), num_filter=2, stride=(1, 2), pad=(1, 0), name='c'),
     {'data': (1, 2, 3, 4)}, {}),
    ('conv3d', mx.sym.Convolution(_v(), kernel=(2, 2, 2), num_filter=1, no_bias=True, name='c'),
     {'data': (1, 1, 3, 3, 2)}, {}),
    ('deconv1d', mx.sym.Deconvolution(_v(), kernel=(3,), num_filter=2, stride=(2,), name='d'),
     {'data': (1, 2, 3)}, {}),
    ('deconv2d', mx.sym.Deconvolution(_v(), kernel=(3, 3), num_filter=2, stride=(2, 2), pad=(1, 1), adj=(1, 1),
                                      num_group=2, no_bias=False, name='d'), {'data': (1, 2, 2, 2)}, {}),
    ('pool_max', mx.sym.Pooling(_v(), kernel=(2, 2), stride=(2, 2), pool_type='max'), {'data': (1, 2, 4, 4)}, {}),
    ('pool_avg_full', mx.sym.Pooling(_v(), kernel=(3, 3), stride=(2, 2), pool_type='avg',
                                     pooling_convention='full', count_include_pad=False), {'data': (1, 1, 4, 4)}, {}),
    ('pool_sum_1d', mx.sym.Pooling(_v(), kernel=(2,), pool_type='sum'), {'data': (1, 2, 5)}, {}),
    ('pool_lp', mx.sym.Pooling(_v(), kernel=(2, 2), pool_type='lp', p_value=2), {'data': (1, 1, 3, 3)}, {}),
    ('pool_global', mx.sym.Pooling(_v(), kernel=(1, 1), global_pool=True, pool_type='avg'),
     {'data': (2, 2, 3, 3)}, {}),
    ('batchnorm', mx.sym.BatchNorm(_v(), fix_gamma=False, name='bn'), {'data': (3, 2, 2)},
     {'aux_states': [np.zeros(2), np.ones(2)]}),
    ('batchnorm_axis', mx.sym.BatchNorm(_v(), fix_gamma=False, axis=-1, name='bn'), {'data': (4, 2)},
     {'aux_states': [np.zeros(2), np.ones(2)]}),
    ('layernorm', mx.sym.LayerNorm(_v(), name='ln'), {'data': (2, 3)}, {}),
    ('layernorm_axis0', mx.sym.LayerNorm(_v(), axis=0, name='ln'), {'data': (3, 2)}, {}),
    ('instancenorm', mx.sym.InstanceNorm(_v(), name='in'), {'data': (2, 2, 3)}, {}),
    ('groupnorm', mx.sym.GroupNorm(_v(), num_groups=2, name='gn'), {'data': (2, 4, 2)}, {}),
    ('embedding', mx.sym.Embedding(_v(), input_dim=4, output_dim=2, name='e'), {'data': (2, 2)},
     {'grad_nodes': ['e_weight'], 'ints': {'data': 4}}),
    ('prelu', mx.sym.LeakyReLU(_v(), act_type='prelu', name='p'), {'data': (2, 3)}, {}),
    ('leaky', mx.sym.LeakyReLU(_v(), act_type='leaky', slope=0.2), {'data': (2, 3)}, {}),
    ('elu', mx.sym.LeakyReLU(_v(), act_type='elu', slope=0.5), {'data': (2, 3)}, {}),
    ('selu', mx.sym.LeakyReLU(_v(), act_type='selu'), {'data': (2, 3)}, {}),
    ('gelu', mx.sym.LeakyReLU(_v(), act_type='gelu'), {'data': (2, 3)}, {}),
    ('act_softrelu', mx.sym.Activation(_v(), act_type='softrelu'), {'data': (2, 3)}, {}),
    ('act_sigmoid', mx.sym.Activation(_v(), act_type='sigmoid'), {'data': (2, 3)}, {}),
    ('act_relu', mx.sym.Activation(_v(), act_type='relu'), {'data': (2, 3)}, {}),
    ('softmax', mx.sym.softmax(_v(), axis=0, temperature=2.0), {'data': (3, 2)}, {}),
    ('log_softmax', mx.sym.log_softmax(_v()), {'data': (2, 3)}, {}),
    ('softmin', mx.sym.softmin(_v()), {'data': (2, 3)}, {}),
    ('softmax_act', mx.sym.SoftmaxActivation(_v(), mode='channel'), {'data': (2, 3, 2)}, {}),
    ('upsample_nearest', mx.sym.UpSampling(_v('a'), _v('b'), scale=2, sample_type='nearest', num_args=2,
                                           multi_input_mode='sum'), {'a': (1, 1, 2, 2), 'b': (1, 1, 1, 1)}, {}),
    ('upsample_bilinear', mx.sym.UpSampling(_v(), scale=2, sample_type='bilinear', num_filter=1, num_args=1,
                                            name='up'), {'data': (1, 1, 2, 2)}, {}),
    ('concat', mx.sym.Concat(_v('a'), _v('b'), dim=1), {'a': (2, 1), 'b': (2, 2)}, {}),
    ('slicechannel', mx.sym.SliceChannel(_v(), num_outputs=2, axis=1, squeeze_axis=True)[1],
     {'data': (2, 2, 2)}, {}),
    ('crop', mx.sym.Crop(_v('a'), _v('b'), num_args=2, offset=(1, 0)), {'a': (1, 1, 4, 3), 'b': (1, 1, 2, 2)},
     {'grad_nodes': ['a']}),
    ('l2norm', mx.sym.L2Normalization(_v(), mode='instance'), {'data': (2, 3)}, {}),
    ('l2norm_spatial', mx.sym.L2Normalization(_v(), mode='spatial'), {'data': (1, 2, 3)}, {}),
    ('lrn', mx.sym.LRN(_v(), nsize=3, alpha=0.1), {'data': (1, 3, 2, 1)}, {}),
    ('sequence_mask', mx.sym.SequenceMask(_v(), _v('len'), use_sequence_length=True, value=-1.0),
     {'data': (3, 2, 1), 'len': (2,)}, {'grad_nodes': ['data'], 'ints': {'len': 3}}),
    ('sequence_last', mx.sym.SequenceLast(_v(), _v('len'), use_sequence_length=True, axis=1),
     {'data': (2, 3, 1), 'len': (2,)}, {'grad_nodes': ['data'], 'ints': {'len': 3}}),
    ('sequence_reverse', mx.sym.SequenceReverse(_v(), _v('len'), use_sequence_length=True),
     {'data': (3, 2), 'len': (2,)}, {'grad_nodes': ['data'], 'ints': {'len': 3}}),
    ('rnn_lstm_bi', mx.sym.RNN(_v(), mode='lstm', state_size=2, num_layers=1, bidirectional=True, name='r'),
     {'data': (2, 1, 2)}, {}),
    ('rnn_gru_2', mx.sym.RNN(_v(), mode='gru', state_size=2, num_layers=2, name='r'), {'data': (2, 1, 2)}, {}),
    ('rnn_tanh', mx.sym.RNN(_v(), mode='rnn_tanh', state_size=2, num_layers=1, name='r'), {'data': (3, 2, 1)}, {}),
    ('gridgen', mx.sym.GridGenerator(_v(), transform_type='affine', target_shape=(2, 2)), {'data': (1, 6)}, {}),
    ('bilinear_sampler', mx.sym.BilinearSampler(_v(), _v('grid')), {'data': (1, 1, 3, 3), 'grid': (1, 2, 2, 2)},
     {'scale': {'grid': 0.6}}),
    ('roipool', mx.sym.ROIPooling(_v(), _v('rois'), pooled_size=(2, 2), spatial_scale=1.0),
     {'data': (1, 1, 4, 4), 'rois': (1, 5)}, {'grad_nodes': ['data'], 'fixed': {'rois': [[0, 0, 0, 3, 3]]}}),
]


def _location(sym, shapes, opts, rng):
    arg_shapes, _, _ = sym.infer_shape(**shapes)
    loc = {}
    for name, shape in zip(sym.list_arguments(), arg_shapes):
        if name in opts.get('fixed', {}):
            loc[name] = np.array(opts['fixed'][name], dtype=np.float64)
        elif name in opts.get('ints', {}):
            loc[name] = rng.randint(1, opts['ints'][name], size=shape).astype(np.float64)
        else:
            loc[name] = _away_from_zero(rng, shape) * opts.get('scale', {}).get(name, 1.0)
    return loc


@pytest.mark.parametrize('case', GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_numeric_gradient(case, ctx, rng):
    _, sym, shapes, opts = case
    kw = {k: v for k, v in opts.items() if k not in ('ints', 'fixed', 'scale')}
    if 'aux_states' in kw:
        kw['aux_states'] = [np.asarray(a, dtype=np.float64) for a in kw['aux_states']]
    check_numeric_gradient(sym, _location(sym, shapes, opts, rng), numeric_eps=1e-6, rtol=1e-4, atol=1e-6,
                           ctx=ctx, dtype=np.float64, **kw)


# ---- the checkers themselves ----------------------------------------------------------------------------------
def test_check_numeric_gradient_catches_a_wrong_gradient(ctx, rng):
    # MakeLoss passes a constant gradient whatever the head gradient: not the derivative of its output
    sym = mx.sym.MakeLoss(_v() * 2)
    with pytest.raises(AssertionError, match='NUMERICAL_data'):
        check_numeric_gradient(sym, [rng.rand(2, 2)], ctx=ctx, dtype=np.float64)


def test_check_numeric_gradient_grad_req_dict(ctx, rng):
    sym = mx.sym.FullyConnected(_v(), num_hidden=2, name='fc')
    loc = {'data': rng.rand(2, 3), 'fc_weight': rng.rand(2, 3), 'fc_bias': rng.rand(2)}
    check_numeric_gradient(sym, loc, grad_nodes={'data': 'add', 'fc_weight': 'null', 'fc_bias': 'write'},
                           ctx=ctx, dtype=np.float64)
    check_numeric_gradient(sym, [loc['data'], loc['fc_weight'], loc['fc_bias']], grad_nodes=['fc_weight'],
                           numeric_eps=1e-2, rtol=1e-2, atol=1e-3, ctx=ctx)  # float32
    with pytest.raises(ValueError, match='location do not match'):
        check_numeric_gradient(sym, {'data': loc['data']}, ctx=ctx)


def test_check_symbolic_forward_and_backward(ctx, rng):
    a, b = _v('a'), _v('b')
    sym = mx.sym.Group([a * b, a + b])
    x, y = rng.rand(2, 3), rng.rand(2, 3)
    outs = check_symbolic_forward(sym, {'a': x, 'b': y}, [x * y, x + y], ctx=ctx)
    assert [o.shape for o in outs] == [(2, 3), (2, 3)]
    check_symbolic_forward(sym, [x, y], {sym.list_outputs()[0]: x * y, sym.list_outputs()[1]: x + y}, ctx=ctx)
    with pytest.raises(AssertionError, match='EXPECTED_'):
        check_symbolic_forward(sym, [x, y], [x * y, x - y], ctx=ctx)
    g1, g2 = rng.rand(2, 3), rng.rand(2, 3)
    grads = check_symbolic_backward(sym, [x, y], [g1, g2], [g1 * y + g2, g1 * x + g2], ctx=ctx,
                                    dtype=np.float64)
    assert set(grads) == {'a', 'b'}
    check_symbolic_backward(sym, [x, y], [g1, g2], {'a': g1 * y + g2, 'b': g1 * x + g2}, grad_req='add',
                            ctx=ctx)
    # 'null' leaves the gradient array as it was; only the named expectations get arrays
    check_symbolic_backward(sym, [x, y], [g1, g2], {'a': g1 * y + g2, 'b': np.zeros((2, 3))},
                            grad_req={'a': 'write', 'b': 'null'}, ctx=ctx)
    check_symbolic_backward(sym, [x, y], [g1, g2], {'b': g1 * x + g2}, ctx=ctx)
    with pytest.raises(AssertionError, match='BACKWARD_b'):
        check_symbolic_backward(sym, [x, y], [g1, g2], {'b': g1 * y + g2}, ctx=ctx)


def test_simple_forward_and_numeric_grad(ctx, rng):
    sym = mx.sym.Group([_v('a') * 2, _v('a') + 1])
    x = rng.rand(2, 2).astype(np.float32)
    out = mx.test_utils.simple_forward(mx.sym.Activation(_v('a'), act_type='relu'), ctx=ctx, a=x - 0.5)
    np.testing.assert_allclose(out, np.maximum(x - 0.5, 0))
    assert len(mx.test_utils.simple_forward(sym, ctx=ctx, a=x)) == 2
    ex = (_v('a') * _v('a')).bind(ctx, {'a': mx.nd.array(x, ctx=ctx, dtype=np.float64)})
    grads = mx.test_utils.numeric_grad(ex, {'a': x.astype(np.float64)}, eps=1e-6, dtype=np.float64)
    np.testing.assert_allclose(grads['a'], 2 * x, rtol=1e-5)
    np.testing.assert_allclose(ex.arg_dict['a'].asnumpy(), x, rtol=1e-6)  # restored


def test_check_consistency_across_dtypes(ctx):
    sym = mx.sym.Convolution(num_filter=2, kernel=(2, 2), name='conv')
    specs = [{'ctx': ctx, 'conv_data': (1, 2, 4, 4), 'type_dict': {'conv_data': t}}
             for t in (np.float32, np.float64, np.float16)]
    gt = mx.test_utils.check_consistency(sym, specs, rtol={np.dtype(np.float16): 2e-2, np.dtype(np.float32): 1e-4,
                                                           np.dtype(np.float64): 1e-5}, atol=0.1)
    assert gt['conv_output'].dtype == np.float64 and set(gt) >= {'conv_data', 'conv_weight', 'conv_bias'}
    bad = [mx.sym.Activation(_v('x'), act_type='relu'), mx.sym.Activation(_v('x'), act_type='tanh')]
    with pytest.raises(AssertionError):
        mx.test_utils.check_consistency(bad, [{'ctx': ctx, 'x': (3, 4)}] * 2)
