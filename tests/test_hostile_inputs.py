"""Damaged and hostile input ends in a clear error, never a crash, a hang, a huge allocation or silent garbage.

Reference-written files (tests/fixtures, made by the real MXNet 1.9.1) are truncated at every offset and
bit-flipped at random; crafted headers and graphs declare absurd sizes; operators get bad parameters through
``mx.nd``, ``infer_shape`` and bind/forward. Every case must either load (a flip can leave a valid file) or
raise MXNetError -- or the built-in type MXNet raises for that call -- within a time bound.
"""
import json
import os
import random
import struct
import time

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

FIX = os.path.join(os.path.dirname(__file__), 'fixtures')
TIME_LIMIT = 5.0  # seconds per case, generous for a loaded 2-core machine


def _outcome(fn, allowed=(MXNetError,)):
    """'ok', 'clean' (an allowed error) or the name of the unexpected exception; fails on a slow case."""
    t = time.time()
    try:
        fn()
        r = 'ok'
    except allowed:
        r = 'clean'
    except Exception as e:  # noqa: BLE001 - what the test looks for
        r = '%s: %s' % (type(e).__name__, str(e)[:200])
    assert time.time() - t < TIME_LIMIT, 'case took %.1f s' % (time.time() - t)
    return r


def _mutations(raw, seed, flips=200):
    rng = random.Random(seed)
    for i in range(len(raw)):
        yield 'truncated at %d' % i, raw[:i]
    for k in range(flips):
        b = bytearray(raw)
        for _ in range(rng.randint(1, 3)):
            j = rng.randrange(len(b))
            b[j] ^= 1 << rng.randrange(8)
        yield 'flip %d' % k, bytes(b)
    words = [b'\xff' * 8, (1 << 40).to_bytes(8, 'little'), (1 << 62).to_bytes(8, 'little'), (10 ** 9).to_bytes(8,
             'little')]
    for k in range(60):
        b = bytearray(raw)
        j = rng.randrange(max(len(b) - 8, 1))
        b[j:j + 8] = rng.choice(words)
        yield 'word %d' % k, bytes(b)


def _check_all(cases, fn, allowed=(MXNetError,)):
    bad = {}
    for tag, data in cases:
        r = _outcome(lambda: fn(data), allowed)
        if r not in ('ok', 'clean'):
            bad.setdefault(r.split(':')[0], (tag, r))
    assert not bad, bad


@pytest.mark.parametrize('name', ['dict.params', 'sparse.params', 'dtypes.params', 'legacy.params', 'v3.params',
                                  'csr_stale.params'])
def test_damaged_params_files(name):
    raw = open(os.path.join(FIX, 'ndarray', name), 'rb').read()

    def load(buf):
        with mx.np_shape(name == 'v3.params'):
            mx.nd.load_frombuffer(buf)
    _check_all(_mutations(raw, hash(name) & 0xffff), load)


def test_sparse_record_declaring_a_huge_shape_is_refused_before_allocating():
    rec = (struct.pack('<Ii', 0xF993FAC9, 1) + struct.pack('<i2q', 2, 0, 4) + struct.pack('<i2q', 2, 2 ** 40, 4)
           + struct.pack('<iii', 1, 0, 0) + struct.pack('<i', 6) + struct.pack('<iq', 1, 0))
    buf = struct.pack('<QQQ', 0x112, 0, 1) + rec + struct.pack('<Q', 0)
    assert len(buf) == 108
    with pytest.raises(MXNetError, match=r'record 0 .*\(1099511627776, 4\)'):
        mx.nd.load_frombuffer(buf)


def test_damaged_files_on_disk_name_the_file(tmp_path):
    raw = open(os.path.join(FIX, 'ndarray', 'dict.params'), 'rb').read()
    p = tmp_path / 'cut.params'
    p.write_bytes(raw[:50])
    with pytest.raises(MXNetError, match='cut.params'):
        mx.nd.load(str(p))
    s = tmp_path / 'bad-symbol.json'
    s.write_bytes(b'\xff\xfe{"nodes": []}')
    with pytest.raises(MXNetError, match='bad-symbol.json'):
        mx.sym.load(str(s))


@pytest.mark.parametrize('name', ['mlp-symbol.json', 'lenet-symbol.json', 'legacy08-symbol.json'])
def test_damaged_symbol_json(name):
    raw = open(os.path.join(FIX, 'symbol', name), 'rb').read()

    def load(buf):
        try:
            text = buf.decode('utf-8')
        except UnicodeDecodeError:
            text = buf
        s = mx.sym.load_json(text)
        s.list_arguments()
        s.tojson()
        s.infer_shape_partial()
    cases = [(t, b) for t, b in _mutations(raw, 7, flips=150) if not t.startswith('truncated') or
             int(t.split()[-1]) % 13 == 0]
    _check_all(cases, load)


def _graph(**node_changes):
    data = mx.sym.Variable('data')
    out = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, num_hidden=3, name='fc'), name='softmax')
    return json.loads(out.tojson())


def _structural_cases():
    g0 = _graph()
    muts = []

    def mut(f):
        g = json.loads(json.dumps(g0))
        f(g)
        muts.append(json.dumps(g))
    fc = 3  # data, fc_weight, fc_bias, fc, softmax_label, softmax
    mut(lambda g: g['nodes'][fc].pop('op'))
    mut(lambda g: g['nodes'][fc].pop('name'))
    mut(lambda g: g['nodes'][fc].__setitem__('op', 7))
    mut(lambda g: g['nodes'][fc].__setitem__('op', 'NoSuchOperator'))
    mut(lambda g: g['nodes'][fc].__setitem__('attrs', ['num_hidden', '3']))
    mut(lambda g: g['nodes'][fc]['attrs'].__setitem__('num_hidden', 3))
    mut(lambda g: g['nodes'][fc]['attrs'].__setitem__('num_hidden', '10' * 300))
    mut(lambda g: g['nodes'][fc]['attrs'].__setitem__('num_hidden', 'abc'))
    mut(lambda g: g['nodes'][fc]['inputs'][0].__setitem__(0, -1))  # a negative index must not rewire the graph
    mut(lambda g: g['nodes'][fc]['inputs'][0].__setitem__(0, 99))
    mut(lambda g: g['nodes'][fc]['inputs'][0].__setitem__(0, 'x'))
    mut(lambda g: g['nodes'][fc]['inputs'][0].__setitem__(1, 5))
    mut(lambda g: g['nodes'][fc].__setitem__('inputs', []))
    mut(lambda g: g.__setitem__('heads', [[99, 0, 0]]))
    mut(lambda g: g.__setitem__('heads', [[5, 3, 0]]))
    mut(lambda g: g.__setitem__('heads', []))
    mut(lambda g: g.__setitem__('nodes', []))
    mut(lambda g: g.__setitem__('arg_nodes', 'x'))
    mut(lambda g: g['attrs'].__setitem__('mxnet_version', 'x'))
    muts.append('{"nodes": [{"op": "null", "name": "a", "inputs": []}, {"op": "Concat", "name": "c", '
                '"attrs": {"num_args": "1000000000"}, "inputs": [[0, 0, 0]]}], "arg_nodes": [0], '
                '"heads": [[1, 0, 0]]}')
    muts.append('[' * 100000 + ']' * 100000)
    muts.append('{"nodes": ' + '[' * 50000 + ']' * 50000 + '}')
    muts.append(b'\xff\xfe\x00not utf-8')
    return muts


def test_malformed_symbol_graphs_are_refused():
    for text in _structural_cases():
        with pytest.raises(MXNetError):
            s = mx.sym.load_json(text)
            s.infer_shape(data=(2, 4))


def test_damaged_recordio_files(tmp_path):
    rec = open(os.path.join(FIX, 'recordio', 'raw.rec'), 'rb').read()
    idx = open(os.path.join(FIX, 'recordio', 'raw.idx'), 'rb').read()
    rp, ip = str(tmp_path / 'x.rec'), str(tmp_path / 'x.idx')

    def read_all(pair):
        r_bytes, i_bytes = pair
        open(rp, 'wb').write(r_bytes)
        open(ip, 'wb').write(i_bytes)
        r = mx.recordio.MXIndexedRecordIO(ip, rp, 'r')
        for k in r.keys:
            mx.recordio.unpack(r.read_idx(k))
        r.close()
        r = mx.recordio.MXRecordIO(rp, 'r')
        while True:
            s = r.read()
            if s is None:
                break
            mx.recordio.unpack(s)
        r.close()
    cases = [(t, (b, idx)) for t, b in _mutations(rec, 3, flips=150) if not t.startswith('truncated') or
             int(t.split()[-1]) % 7 == 0]
    cases += [(t, (rec, b)) for t, b in _mutations(idx, 4, flips=150)]
    cases += [('binary index', (rec, b'\xff\xfe\x00\x01garbage\n')), ('bad offsets', (rec, b'0\t99999999\n1\t-5\n'))]
    _check_all(cases, read_all)


X = mx.nd.ones((2, 3, 4, 4))
A, B = mx.sym.Variable('a'), mx.sym.Variable('b')
FC = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=2, name='fc')


def _bad_head_backward():
    e = FC.simple_bind(mx.cpu(), data=(4, 3))
    e.forward(is_train=True)
    e.backward(mx.nd.ones((3, 3)))


BAD_CALLS = [
    ('topk k=10**400', lambda: mx.nd.topk(X, k=10 ** 400), MXNetError, 'k'),
    ('Pooling stride 0', lambda: mx.nd.Pooling(X, kernel=(2, 2), stride=(0, 0)), MXNetError, 'stride'),
    ('lp pooling p_value 0', lambda: mx.nd.Pooling(X, kernel=(2, 2), pool_type='lp', p_value=0), MXNetError,
     'p_value'),
    ('Dropout p 1.5', lambda: mx.nd.Dropout(X, p=1.5), MXNetError, r'p .*1\.5'),
    ('sym Dropout p 1.5', lambda: mx.sym.Dropout(A, p=1.5).infer_shape(a=(2, 2)), MXNetError, 'Dropout'),
    ('split num_outputs 0', lambda: mx.nd.split(X, num_outputs=0), MXNetError, 'num_outputs'),
    ('infer_shape unknown name', lambda: FC.infer_shape(data=(2, 3), bogus=(1,)), MXNetError, 'bogus'),
    ('simple_bind negative dim', lambda: FC.simple_bind(mx.cpu(), data=(-1, 3)), MXNetError, r'data.*\(-1, 3\)'),
    ('bind float32 + float64', lambda: (A + B).bind(mx.cpu(), {'a': mx.nd.ones(2), 'b': mx.nd.ones(2,
     dtype='float64')}), MXNetError, 'Incompatible attr.*float64'),
    ('backward head of wrong shape', _bad_head_backward, MXNetError, r'\[3,3\].*\[4,2\]'),
    ('allocation too large', lambda: mx.nd.zeros((2 ** 40, 2 ** 20)), MXNetError, 'memory'),
    ('softmax axis out of range', lambda: mx.nd.softmax(X, axis=7), MXNetError, 'axis 7'),
    ('NDArrayIter batch_size 0', lambda: mx.io.NDArrayIter(np.ones((4, 2)), batch_size=0), ValueError,
     'batch_size'),
    ('NDArrayIter batch_size -2', lambda: mx.io.NDArrayIter(np.ones((4, 2)), batch_size=-2), ValueError,
     'batch_size'),
]


@pytest.mark.parametrize('case', BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_parameters_raise_named_errors(case):
    _, fn, etype, pattern = case
    with pytest.raises(etype, match=pattern) as info:
        fn()
    assert 'torch.Size' not in str(info.value) and 'Dimension out of range' not in str(info.value)


@pytest.mark.parametrize('threads', [1, 3])
def test_damaged_image_records_name_the_file_and_record(tmp_path, threads):
    raw = bytearray(open(os.path.join(FIX, 'recordio', 'img.rec'), 'rb').read())
    for j in range(300, len(raw), 97):  # damage the image payloads, keep the RecordIO framing
        raw[j] ^= 0xff
    p = tmp_path / 'damaged.rec'
    p.write_bytes(bytes(raw))
    with pytest.raises(MXNetError, match=r'damaged\.rec.*(record id \d+|offset \d+)'):
        it = mx.io.ImageRecordIter(path_imgrec=str(p), data_shape=(3, 8, 8), batch_size=2,
                                   preprocess_threads=threads)
        for _ in it:
            pass
    p.write_bytes(bytes(raw[:len(raw) // 2]))
    with pytest.raises(MXNetError, match=r'damaged\.rec.*offset \d+'):
        for _ in mx.io.ImageRecordIter(path_imgrec=str(p), data_shape=(3, 8, 8), batch_size=2):
            pass
