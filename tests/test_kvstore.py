"""mx.kv: push/pull/pushpull aggregation, sparse pulls, and Module's use of the store across devices."""
import numpy as np
import pytest

import mxnet as mx


def test_pushpull_sums_in_place_and_into_out():
    kv = mx.kv.create('local')
    kv.init('w', mx.nd.zeros((2, 2)))
    vals = [mx.nd.ones((2, 2)) * (i + 1) for i in range(3)]
    kv.pushpull('w', vals)
    for v in vals:
        np.testing.assert_array_equal(v.asnumpy(), 6)
    out = mx.nd.zeros((2, 2))
    kv.pushpull('w', [mx.nd.ones((2, 2))], out=out)
    np.testing.assert_array_equal(out.asnumpy(), 1)


def test_pull_skips_sparse_unless_asked():
    kv = mx.kv.create()
    kv.init(3, mx.nd.ones((4, 2)) * 5)
    rsp = mx.nd.ones((4, 2)).tostype('row_sparse')
    kv.pull(3, out=rsp)
    np.testing.assert_array_equal(rsp.asnumpy(), 1)
    kv.pull(3, out=rsp, ignore_sparse=False)
    np.testing.assert_array_equal(rsp.asnumpy(), 5)


def test_row_sparse_pull():
    kv = mx.kv.create()
    kv.init('e', mx.nd.array(np.arange(8).reshape(4, 2) + 1).tostype('row_sparse'))
    out = mx.nd.sparse.zeros('row_sparse', (4, 2))
    kv.row_sparse_pull('e', out=out, row_ids=mx.nd.array([3, 1, 1]))
    np.testing.assert_array_equal(out.asnumpy(), [[0, 0], [3, 4], [0, 0], [7, 8]])
    with pytest.raises(mx.MXNetError):
        kv.row_sparse_pull('e', out=mx.nd.zeros((4, 2)), row_ids=mx.nd.array([1]))


class _CountingKV(mx.kv.KVStore):
    calls = 0

    def pushpull(self, key, value, out=None, priority=0):
        _CountingKV.calls += 1
        super().pushpull(key, value, out, priority)


def test_module_aggregates_through_kvstore_pushpull():
    data = mx.sym.Variable('data')
    net = mx.sym.FullyConnected(data, num_hidden=3, name='fc')
    net = mx.sym.LinearRegressionOutput(net, name='lro')
    x = np.random.RandomState(0).rand(8, 4).astype(np.float32)
    y = np.zeros((8, 3), dtype=np.float32)
    results = []
    for ctxs, kv in (([mx.cpu(0)], None), ([mx.cpu(0), mx.cpu(1)], _CountingKV('local'))):
        mod = mx.mod.Module(net, context=ctxs, label_names=['lro_label'])
        mod.bind(data_shapes=[('data', (8, 4))], label_shapes=[('lro_label', (8, 3))])
        mod.init_params(mx.init.Constant(0.1))
        mod.init_optimizer(kvstore=kv if kv is not None else 'local', optimizer='sgd',
                           optimizer_params={'learning_rate': 0.5})
        batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
        mod.forward(batch, is_train=True)
        mod.backward()
        mod.update()
        results.append(mod.get_params()[0]['fc_weight'].asnumpy())
    assert _CountingKV.calls == 2  # one pushpull per parameter (weight, bias)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)
