"""mx.io: iterators checked against what MXNet 1.9.1 returned for the same inputs (tests/fixtures/io)."""
import gzip
import importlib.util
import json
import os
import shutil
import time

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures', 'io')
_spec = importlib.util.spec_from_file_location('make_io_fixtures', os.path.join(FIXTURES, 'make_io_fixtures.py'))
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)
with open(os.path.join(FIXTURES, 'expected.json')) as _f:
    EXPECTED = json.load(_f)

# words of MXNet's message that ours must contain too
ERROR_KEYS = {
    'csv_bad_shape': 'The data size in CSV do not match size of shape: specified shape=[4], the csv row-length=3',
    'csv_too_few': 'number of input must be bigger than batch size',
    'csv_missing': 'Required parameter data_csv of string is not presented',
    'csv_bad_int': "Invalid Parameter format for batch_size expect int (non-negative) but value='abc'",
    'csv_float64': 'float64 is not supported for CSVIter',
    'libsvm_2d': 'dimension of data_shape is expected to be 1',
    'libsvm_noround': "sparse batch loader doesn't support round_batch == false yet",
    'libsvm_label_shape': 'label_shape is expected to be (1,) when param_.label_libsvm is NULL',
    'mnist_bad_magic': 'invalid mnist format',
    'mnist_batch_too_big': '',
}


def _run(it, epochs):
    out = []
    for epoch in range(epochs):
        if epoch:
            it.reset()
        batches = []
        for b in it:
            batches.append({
                'data': [d.asnumpy() for d in b.data],
                'label': [l.asnumpy() for l in (b.label or [])],
                'dtypes': [str(d.dtype) for d in b.data] + [str(l.dtype) for l in b.label or []],
                'pad': b.pad,
                'index': None if b.index is None else [int(i) for i in b.index],
            })
        out.append(batches)
    return out


@pytest.mark.parametrize('name', sorted(make.SCENARIOS))
def test_matches_reference(name, ctx):
    kind, kwargs, epochs = make.SCENARIOS[name]
    want = EXPECTED['scenarios'][name]
    it = make.make_iter(mx, kind, kwargs)
    assert repr(it.provide_data) == want['provide_data']
    assert repr(it.provide_label) == want['provide_label']
    got = _run(it, epochs)
    assert [len(e) for e in got] == [len(e) for e in want['epochs']]
    for g_epoch, w_epoch in zip(got, want['epochs']):
        for g, w in zip(g_epoch, w_epoch):
            assert g['pad'] == w['pad']
            assert g['index'] == w['index']
            assert g['dtypes'] == w['dtypes']
            for key in ('data', 'label'):
                assert len(g[key]) == len(w[key])
                for a, b in zip(g[key], w[key]):
                    np.testing.assert_allclose(a, np.array(b, dtype=a.dtype), rtol=1e-6)


@pytest.mark.parametrize('name', sorted(make.ERRORS))
def test_errors_match_reference(name):
    kind, kwargs = make.ERRORS[name]
    want = EXPECTED['errors'][name]
    assert ERROR_KEYS[name] in want['message']
    exc = {'MXNetError': MXNetError, 'StopIteration': StopIteration}[want['type']]
    with pytest.raises(exc) as info:
        make.make_iter(mx, kind, kwargs)
    assert ERROR_KEYS[name] in str(info.value)


# ---- NDArrayIter ---------------------------------------------------------------------------------------

def test_ndarrayiter_manual_protocol(ctx):
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    it = mx.io.NDArrayIter(x, np.arange(5), batch_size=2)
    assert it.num_data == 5 and it.batch_size == 2
    assert it.getindex() is None
    seen = []
    while it.iter_next():
        assert it.getdata()[0].context == ctx  # numpy input goes to the current context
        seen.append((it.getdata()[0].asnumpy()[:, 0].tolist(), it.getlabel()[0].asnumpy().tolist(), it.getpad()))
    assert seen == [([0, 2], [0, 1], 0), ([4, 6], [2, 3], 0), ([8, 0], [4, 0], 1)]


def test_ndarrayiter_batches_are_copies(ctx):
    src = mx.nd.arange(8, ctx=ctx).reshape((4, 2))
    it = mx.io.NDArrayIter(src, batch_size=2)
    b = next(it)
    b.data[0][:] = -1
    assert src.asnumpy().min() == 0
    assert b.data[0].context == ctx


def test_ndarrayiter_hard_reset_drops_rollover():
    it = mx.io.NDArrayIter(np.arange(6), batch_size=4, last_batch_handle='roll_over')
    assert [b.data[0].asnumpy().tolist() for b in it] == [[0, 1, 2, 3]]
    it.hard_reset()
    assert [(b.data[0].asnumpy().tolist(), b.pad) for b in it] == [([0, 1, 2, 3], 0)]
    it.reset()
    assert [(b.data[0].asnumpy().tolist(), b.pad) for b in it] == [([4, 5, 0, 1], 2), ([2, 3, 4, 5], 0)]


def test_ndarrayiter_named_pairs_and_input_errors():
    it = mx.io.NDArrayIter([('y', np.zeros((4, 3))), ('x', np.ones((4,)))], batch_size=2)
    assert [d.name for d in it.provide_data] == ['x', 'y']
    assert it.provide_data[1].shape == (2, 3)
    with pytest.raises(AssertionError):
        mx.io.NDArrayIter(None)
    with pytest.raises(TypeError, match='Input must be NDArray'):
        mx.io.NDArrayIter('abc')
    with pytest.raises(TypeError, match="Invalid type"):
        mx.io.NDArrayIter({'data': object()})
    with pytest.raises(ValueError, match='last_batch_handle'):
        mx.io.NDArrayIter(np.zeros(4), last_batch_handle='drop')


def test_ndarrayiter_shuffle_keeps_pairs_and_dtype():
    np.random.seed(0)
    x = mx.nd.array(np.arange(12).reshape(6, 2), dtype='int32')
    it = mx.io.NDArrayIter(x, np.arange(6) * 10, batch_size=3, shuffle=True)
    rows, labels = [], []
    for b in it:
        assert b.data[0].dtype == np.int32
        rows += b.data[0].asnumpy().tolist()
        labels += b.label[0].asnumpy().tolist()
    assert sorted(r[0] for r in rows) == [0, 2, 4, 6, 8, 10]
    assert [r[0] * 5 for r in rows] == labels


def test_ndarrayiter_large_is_fast():
    x = np.random.rand(100000, 20).astype(np.float32)
    it = mx.io.NDArrayIter(x, np.zeros(100000), batch_size=100, shuffle=True)
    start = time.time()
    n = sum(1 for _ in it)
    assert n == 1000
    assert time.time() - start < 5


# ---- DataDesc / DataBatch ------------------------------------------------------------------------------

def test_datadesc_and_databatch():
    d = mx.io.DataDesc('x', (2, 3))
    assert repr(d) == "DataDesc[x,(2, 3),<class 'numpy.float32'>,NCHW]"
    assert d == ('x', (2, 3)) and d == mx.io.DataDesc('x', (2, 3), 'int32')  # namedtuple equality
    assert mx.io.DataDesc.get_batch_axis('TNC') == 1 and mx.io.DataDesc.get_batch_axis(None) == 0
    descs = mx.io.DataDesc.get_list([('a', (1,)), ('b', (2,))], [('a', np.int32), ('b', np.float16)])
    assert [x.dtype for x in descs] == [np.int32, np.float16]
    b = mx.io.DataBatch([mx.nd.zeros((2, 3))], [mx.nd.zeros((2,))], pad=1)
    assert str(b) == 'DataBatch: data shapes: [(2, 3)] label shapes: [(2,)]'
    assert str(mx.io.DataBatch([mx.nd.zeros((2, 3))])) == 'DataBatch: data shapes: [(2, 3)] label shapes: None'
    with pytest.raises(AssertionError):
        mx.io.DataBatch(mx.nd.zeros((2, 3)))


# ---- wrappers ------------------------------------------------------------------------------------------

def _firsts(it):
    return [(b.data[0].asnumpy().ravel().tolist(), b.pad) for b in it]


def test_resizeiter():
    x = np.arange(10, dtype=np.float32)
    r = mx.io.ResizeIter(mx.io.NDArrayIter(x, x, batch_size=4), 5)
    assert r.batch_size == 4 and r.provide_data[0].shape == (4,)
    want = [([0, 1, 2, 3], 0), ([4, 5, 6, 7], 0), ([8, 9, 0, 1], 2), ([0, 1, 2, 3], 0), ([4, 5, 6, 7], 0)]
    assert _firsts(r) == want
    r.reset()
    assert _firsts(r) == want
    r = mx.io.ResizeIter(mx.io.NDArrayIter(x, x, batch_size=4), 2, reset_internal=False)
    assert _firsts(r) == want[:2]
    r.reset()
    assert _firsts(r) == want[2:4]


def test_prefetchingiter_joins_and_renames():
    x = np.arange(10, dtype=np.float32)
    p = mx.io.PrefetchingIter([mx.io.NDArrayIter(x, x, batch_size=4),
                               mx.io.NDArrayIter(x * 2, x * 2, batch_size=4, data_name='d2', label_name='l2')],
                              rename_data=[{'data': 'a'}, {'d2': 'b'}],
                              rename_label=[{'softmax_label': 'la'}, {'l2': 'lb'}])
    assert repr(p.provide_data) == ("[DataDesc[a,(4,),<class 'numpy.float32'>,NCHW], "
                                    "DataDesc[b,(4,),<class 'numpy.float32'>,NCHW]]")
    assert [d.name for d in p.provide_label] == ['la', 'lb'] and p.batch_size == 4
    for _ in range(2):
        got = [([d.asnumpy().tolist() for d in b.data], b.pad, [d.name for d in b.provide_data]) for b in p]
        assert got == [([[0, 1, 2, 3], [0, 2, 4, 6]], 0, ['a', 'b']),
                       ([[4, 5, 6, 7], [8, 10, 12, 14]], 0, ['a', 'b']),
                       ([[8, 9, 0, 1], [16, 18, 0, 2]], 2, ['a', 'b'])]
        p.reset()
    p.close()


def test_prefetchingiter_single_and_mismatch():
    x = np.arange(10, dtype=np.float32)
    p = mx.io.PrefetchingIter(mx.io.NDArrayIter(x, x, batch_size=4))
    assert p.iter_next() and p.getdata()[0].asnumpy().tolist() == [0, 1, 2, 3] and p.getpad() == 0
    p.close()
    p = mx.io.PrefetchingIter([mx.io.NDArrayIter(x, batch_size=4), mx.io.NDArrayIter(x[:8], batch_size=4)])
    with pytest.raises(MXNetError, match='mismatch'):
        list(p)
    p.close()


# ---- file iterators ------------------------------------------------------------------------------------

def _mnist_args(path, **kw):
    return dict(image=os.path.join(path, 'images-idx3-ubyte'), label=os.path.join(path, 'labels-idx1-ubyte'),
                batch_size=1, silent=True, **kw)


def test_mnist_gz_and_shuffle(tmp_path):
    for name in ('images-idx3-ubyte', 'labels-idx1-ubyte'):
        with open(os.path.join(FIXTURES, name), 'rb') as src, gzip.open(str(tmp_path / (name + '.gz')), 'wb') as dst:
            shutil.copyfileobj(src, dst)
    plain = mx.io.MNISTIter(**_mnist_args(FIXTURES, shuffle=False))
    gz = mx.io.MNISTIter(image=str(tmp_path / 'images-idx3-ubyte.gz'), label=str(tmp_path / 'labels-idx1-ubyte.gz'),
                         batch_size=1, shuffle=False, silent=True)
    assert [b.label[0].asnumpy().tolist() for b in gz] == [[3], [1], [4], [1], [5]]
    gz.reset()
    np.testing.assert_array_equal(np.concatenate([b.data[0].asnumpy() for b in gz]),
                                  np.concatenate([b.data[0].asnumpy() for b in plain]))
    shuffled = mx.io.MNISTIter(**_mnist_args(FIXTURES, seed=5))
    first = [b.label[0].asscalar() for b in shuffled]
    shuffled.reset()
    assert [b.label[0].asscalar() for b in shuffled] == first  # shuffled once, at load
    assert sorted(first) == [1, 1, 3, 4, 5]


def test_file_iter_protocol_and_kwargs_only():
    it = mx.io.CSVIter(data_csv=os.path.join(FIXTURES, 'data.csv'), data_shape='(3,)', batch_size='2',
                       unknown_key=1)
    assert isinstance(it, mx.io.MXDataIter) and it.batch_size == 2
    assert it.iter_next() and it.getpad() == 0
    assert it.getdata().asnumpy().tolist() == [[0, 1, 2], [3, 4, 5]] and it.getdata().context == mx.cpu(0)
    assert it.getindex().dtype == np.uint64
    with pytest.raises(TypeError, match='keyword arguments'):
        mx.io.CSVIter(os.path.join(FIXTURES, 'data.csv'), data_csv=os.path.join(FIXTURES, 'data.csv'),
                      data_shape=(3,), batch_size=2)
    with pytest.raises(MXNetError, match='No such file'):
        mx.io.CSVIter(data_csv=os.path.join(FIXTURES, 'nope.csv'), data_shape=(3,), batch_size=2)


# ---- with Module ---------------------------------------------------------------------------------------

class SimpleIter:
    """A plain Python iterator as in MXNet's tutorial: (name, shape) descriptions, bare DataBatches."""

    def __init__(self, n, batch_size):
        self.n, self.batch_size, self.cur = n, batch_size, 0
        self.provide_data = [('data', (batch_size, 3))]
        self.provide_label = [('softmax_label', (batch_size,))]

    def __iter__(self):
        return self

    def reset(self):
        self.cur = 0

    def __next__(self):
        if self.cur >= self.n:
            raise StopIteration
        self.cur += 1
        rng = np.random.RandomState(self.cur)
        return mx.io.DataBatch([mx.nd.array(rng.rand(self.batch_size, 3))],
                               [mx.nd.array(rng.randint(0, 2, self.batch_size))])

    next = __next__


@pytest.mark.parametrize('kind', ['ndarray', 'simple', 'prefetch'])
def test_module_fit_with_iterators(kind, ctx):
    x = np.random.RandomState(0).rand(20, 3).astype(np.float32)
    y = (x.sum(axis=1) > 1.5).astype(np.float32)
    if kind == 'ndarray':
        train = mx.io.NDArrayIter(x, y, batch_size=5, shuffle=True)
    elif kind == 'simple':
        train = SimpleIter(4, 5)
    else:
        train = mx.io.PrefetchingIter(mx.io.NDArrayIter(x, y, batch_size=5))
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=2), name='softmax')
    mod = mx.mod.Module(net, context=ctx) if hasattr(mx, 'mod') else mx.module.Module(net, context=ctx)
    mod.fit(train, num_epoch=2, optimizer='sgd', optimizer_params={'learning_rate': 0.1})
    out = mod.predict(mx.io.NDArrayIter(x, batch_size=6))
    assert out.shape == (20, 2)
    np.testing.assert_allclose(out.asnumpy().sum(axis=1), np.ones(20), rtol=1e-5)
