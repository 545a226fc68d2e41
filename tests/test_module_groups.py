"""Module's data-parallel executor groups: batch axes from layouts, dtypes, ctx groups, shared arrays between
buckets, checkpoints with optimizer states, sparse parameters (MXNet 1.9.1's contract)."""
from collections import namedtuple

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError
from mxnet.module.executor_group import DataParallelExecutorGroup, prepare_group2ctxs, split_batch


def _relu_tnc():
    return mx.sym.Activation(mx.sym.Variable('data'), act_type='relu', __layout__='TNC')


def test_split_batch_follows_work_load():
    assert split_batch(10, [1, 1]) == [slice(0, 5), slice(5, 10)]
    assert split_batch(10, [1, 3]) == [slice(0, 2), slice(2, 10)]
    assert split_batch(7, [1, 1, 1]) == [slice(0, 2), slice(2, 4), slice(4, 7)]
    with pytest.raises(MXNetError):
        split_batch(1, [1, 1])


def test_layout_splits_and_merges_along_batch_axis(ctx):
    x = np.random.RandomState(0).randn(3, 8, 7).astype(np.float32)
    mod = mx.mod.Module(_relu_tnc(), ('data',), None, context=[ctx, ctx])
    mod.bind(data_shapes=[mx.io.DataDesc('data', x.shape, layout='TNC')])
    mod.init_params()
    assert mod._exec_group.batch_size == 8
    mod.forward(mx.io.DataBatch(data=[mx.nd.array(x, ctx=ctx)], label=None))
    out = mod.get_outputs()[0]
    assert out.shape == (3, 8, 7)
    np.testing.assert_allclose(out.asnumpy(), np.maximum(x, 0))
    blocks = mod.get_outputs(merge_multi_context=False)[0]
    assert [b.shape for b in blocks] == [(3, 4, 7), (3, 4, 7)]
    np.testing.assert_allclose(blocks[1].asnumpy(), np.maximum(x[:, 4:], 0))
    mod.backward([mx.nd.ones(x.shape, ctx=ctx)])


def test_dtype_of_data_desc_is_kept(ctx):
    mod = mx.mod.Module(_relu_tnc(), ('data',), None, context=[ctx, ctx])
    mod.bind(data_shapes=[mx.io.DataDesc('data', (3, 8, 7), np.float16, layout='TNC')])
    mod.init_params()
    mod.forward(mx.io.DataBatch(data=[mx.nd.ones((3, 8, 7), dtype=np.float16, ctx=ctx)]))
    mod.backward([mx.nd.ones((3, 8, 7), dtype=np.float16, ctx=ctx)])
    assert all(o.dtype == np.float16 for o in mod.get_outputs())
    assert mod._exec_group.execs[1].arg_dict['data'].dtype == np.float16


def test_prepare_group2ctxs_forms():
    c = [mx.cpu(k) for k in range(4)]
    assert prepare_group2ctxs(None, 2) == [None, None]
    assert prepare_group2ctxs({'a': c[1]}, 2) == [{'a': c[1]}, {'a': c[1]}]
    assert prepare_group2ctxs({'a': [c[1]], 'b': [c[2], c[3]]}, 2) == [{'a': c[1], 'b': c[2]},
                                                                       {'a': c[1], 'b': c[3]}]
    with pytest.raises(MXNetError):
        prepare_group2ctxs({'a': [c[1], c[2], c[3]]}, 2)


def test_ctx_groups_place_inputs_and_gradients():
    with mx.AttrScope(ctx_group='dev1'):
        a = mx.sym.Variable('a') * 2
    with mx.AttrScope(ctx_group='dev2'):
        c = a + mx.sym.Variable('b')
    mod = mx.mod.Module(c, data_names=['a', 'b'], label_names=None, context=[mx.cpu(0)],
                        group2ctxs={'dev1': mx.cpu(1), 'dev2': mx.cpu(2)})
    mod.bind(data_shapes=[('a', (2, 5)), ('b', (2, 5))], inputs_need_grad=True)
    mod.init_params()
    mod.forward(mx.io.DataBatch(data=[mx.nd.ones((2, 5)), mx.nd.ones((2, 5))]), is_train=True)
    mod.backward([mx.nd.ones((2, 5))])
    ga, gb = mod.get_input_grads()
    assert (ga.context, gb.context) == (mx.cpu(1), mx.cpu(2))
    np.testing.assert_array_equal(ga.asnumpy(), np.full((2, 5), 2.0))
    np.testing.assert_array_equal(gb.asnumpy(), np.ones((2, 5)))
    np.testing.assert_array_equal(mod.get_outputs()[0].asnumpy(), np.full((2, 5), 3.0))


def test_grad_req_dict_and_total_bytes(ctx):
    net = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=4, name='fc')
    group = DataParallelExecutorGroup(net, [ctx], [1], [('data', (2, 3))], None, ['fc_weight', 'fc_bias'],
                                      True, False, fixed_param_names=['fc_bias'])
    assert group.grad_req == {'data': 'null', 'fc_weight': 'write', 'fc_bias': 'null'}
    group = DataParallelExecutorGroup(net, [ctx], [1], [('data', (2, 3))], None, ['fc_weight', 'fc_bias'],
                                      True, True, grad_req={'fc_weight': 'add'})
    assert group.grad_req == {'data': 'write', 'fc_weight': 'add', 'fc_bias': 'write'}
    assert group._total_exec_bytes == 0  # whole MB, as MXNet counts


def test_shared_group_shares_parameters_and_input_pool(ctx):
    def mlp(n):
        h = mx.sym.Variable('data')
        for i in range(n):
            h = mx.sym.FullyConnected(h, num_hidden=6, name='fc%d' % i)
        return mx.sym.LinearRegressionOutput(h, mx.sym.Variable('label'))
    shapes, labels = [('data', (4, 6))], [('label', (4, 6))]
    params = [n for n in mlp(2).list_arguments() if n not in ('data', 'label')]
    g1 = DataParallelExecutorGroup(mlp(2), [ctx, ctx], [1, 1], shapes, labels, params, True, False)
    assert sorted(g1.shared_data_arrays[0]) == ['data', 'label']
    g2 = DataParallelExecutorGroup(mlp(3), [ctx, ctx], [1, 1], shapes, labels, params, True, False,
                                   shared_group=g1)
    assert g2.shared_data_arrays is g1.shared_data_arrays
    # the extra layer's parameters are not shared parameters: they come from the input pool
    assert sorted(g1.shared_data_arrays[1]) == ['data', 'fc2_bias', 'fc2_weight', 'label']
    for e1, e2 in zip(g1.execs, g2.execs):
        for name in params:
            assert e1.arg_dict[name] is e2.arg_dict[name]
            assert e1.grad_dict[name] is e2.grad_dict[name]
        e1.arg_dict['data'][:] = 7
        assert (e2.arg_dict['data'].asnumpy() == 7).all()


def test_bucket_symbols_get_the_same_automatic_names(ctx):
    def sym_gen(key):
        out = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=3)
        return mx.sym.LinearRegressionOutput(out, mx.sym.Variable('label')), ('data',), ('label',)
    mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=4, context=ctx)
    mod.bind([('data', (2, 4))], [('label', (2, 3))])
    mod.init_params()
    assert mod.symbol.list_arguments()[1] == 'fullyconnected0_weight'
    mod.switch_bucket(5, [('data', (2, 4))], [('label', (2, 3))])
    assert mod.symbol.list_arguments()[1] == 'fullyconnected0_weight'
    assert mod._buckets[5]._exec_group.execs[0].arg_dict['fullyconnected0_weight'] is \
        mod._buckets[4]._exec_group.execs[0].arg_dict['fullyconnected0_weight']


@pytest.mark.parametrize('num_dev', [1, 2])
def test_checkpoint_with_optimizer_states(num_dev, tmp_cwd, ctx):
    net = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=5)
    mod = mx.mod.Module(net, ('data',), None, context=[ctx] * num_dev)
    mod.bind(data_shapes=[('data', (4, 3))])
    mod.init_params()
    mod.init_optimizer(optimizer_params={'learning_rate': 0.1, 'momentum': 0.9})
    mod.forward_backward(mx.io.DataBatch([mx.nd.ones((4, 3), ctx=ctx)]))
    mod.update()
    # MXNet: one device needs no KVStore; several update the weights inside it
    assert mod._update_on_kvstore == (num_dev > 1)
    mod.save_checkpoint('ck', 3, save_optimizer_states=True)
    mod2 = mx.mod.Module.load('ck', 3, load_optimizer_states=True, data_names=('data',), label_names=None)
    mod2.bind(data_shapes=[('data', (4, 3))])
    mod2.init_optimizer(optimizer_params={'learning_rate': 0.1, 'momentum': 0.9})
    for k, v in mod.get_params()[0].items():
        np.testing.assert_array_equal(v.asnumpy(), mod2.get_params()[0][k].asnumpy())
    states = (mod._kvstore._updater if num_dev > 1 else mod._updater).states
    assert set(states) == set(mod2._updater.states)
    for k in states:
        assert np.abs(states[k].asnumpy()).sum() > 0
        np.testing.assert_array_equal(states[k].asnumpy(), mod2._updater.states[k].asnumpy())


def test_row_sparse_parameter_and_csr_data(ctx):
    x = mx.sym.var('data', stype='csr')
    v = mx.sym.var('v', shape=(6, 1), init=mx.init.Uniform(scale=.1), stype='row_sparse')
    b = mx.sym.var('b_bias', shape=1)
    net = mx.sym.LinearRegressionOutput(mx.sym.broadcast_add(mx.sym.dot(x, v), b), mx.sym.Variable('label'))
    dense = np.random.RandomState(0).rand(4, 6).astype(np.float32)
    it = mx.io.NDArrayIter(data=mx.nd.array(dense).tostype('csr'), label={'label': mx.nd.zeros((4, 1))},
                           batch_size=4)
    mod = mx.mod.Module(net, data_names=['data'], label_names=['label'], context=ctx)
    mod.bind(data_shapes=it.provide_data, label_shapes=it.provide_label)
    mod.init_params()
    w = mod._arg_params['v']
    assert w.stype == 'row_sparse' and np.abs(w.asnumpy()).sum() > 0
    assert mod._arg_params['b_bias'].shape == (1,)
    mod.forward(next(iter(it)), is_train=False)
    want = dense @ w.asnumpy() + mod._arg_params['b_bias'].asnumpy()
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), want, rtol=1e-5)


def test_forward_accepts_batches_without_label(ctx):
    Batch = namedtuple('Batch', ['data'])
    mod = mx.mod.Module(mx.sym.Variable('data') * 2, label_names=None, context=ctx)
    mod.bind(data_shapes=[('data', (1, 10))])
    mod.init_params()
    mod.forward(Batch([mx.nd.ones((3, 5), ctx=ctx)]))
    assert mod.get_outputs()[0].shape == (3, 5)
    np.testing.assert_array_equal(mod.get_outputs()[0].asnumpy(), np.full((3, 5), 2.0))


def test_reshape_keeps_parameters_or_refuses(ctx):
    net = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=2, name='fc')
    mod = mx.mod.Module(net, label_names=None, context=ctx)
    mod.bind(data_shapes=[('data', (4, 3))])
    mod.init_params()
    w = mod._exec_group.param_arrays[0][0]
    mod.reshape([('data', (6, 3))])
    assert mod._exec_group.param_arrays[0][0] is w
    with pytest.raises(MXNetError, match='fc_weight'):
        mod.reshape([('data', (6, 5))])


def test_variable_int_shape_is_one_dimensional():
    assert mx.sym.var('w', shape=3).infer_shape()[0] == [(3,)]


def test_output_shapes_are_for_the_whole_batch(ctx):
    net = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=2, name='fc')
    mod = mx.mod.Module(net, label_names=None, context=[ctx, ctx])
    mod.bind(data_shapes=[('data', (6, 3))])
    assert mod.output_shapes == [('fc_output', (6, 2))]
