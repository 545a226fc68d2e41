"""mx.nd.save / load / load_frombuffer against files written by MXNet 1.9.1 (tests/fixtures/ndarray)."""
import importlib.util
import json
import os
import pathlib
import pickle
import struct
import time

import numpy as np
import pytest
import torch

import mxnet as mx
from mxnet.base import MXNetError

FIX = pathlib.Path(__file__).parent / 'fixtures' / 'ndarray'
EXPECTED = json.loads((FIX / 'expected.json').read_text())
VALUES = dict(np.load(FIX / 'expected.npz'))
_spec = importlib.util.spec_from_file_location('make_fixtures', FIX / 'make_fixtures.py')
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)
DTYPES = ('float32', 'float64', 'float16', 'uint8', 'int32', 'int8', 'int64', 'bool', 'bfloat16')


def _dtype_name(a):
    return mx._dtype.TORCH2NAME[a._data.dtype]


def _values(a):
    return (a.astype('float32') if _dtype_name(a) == 'bfloat16' else a).asnumpy()


def _check_file_contents(fname, got):
    spec = EXPECTED[fname]
    if fname == 'v3.params':  # read under np_shape (see _read): its 0-d record stays 0-d there
        got = {k: mx.nd.array(v.asnumpy().reshape(v.shape or (1,))) for k, v in got.items()}
    assert isinstance(got, dict) == (spec['kind'] == 'dict')
    if spec['kind'] == 'dict':
        assert list(got) == spec['names']
        got = list(got.values())
    assert len(got) == len(spec['names'])
    for a, name, dt, shape in zip(got, spec['names'], spec['dtypes'], spec['shapes']):
        assert isinstance(a, mx.nd.NDArray)
        assert list(a.shape) == shape, (fname, name)
        assert _dtype_name(a) == dt, (fname, name)
        np.testing.assert_array_equal(_values(a), VALUES['%s|%s' % (fname, name)])
    return got


# ---- reading MXNet's files ------------------------------------------------------------------------

def _read(fname, load, src):
    """``load(src)``; MXNet 1.9.1 reads V3 (numpy-shape) records only under np_shape."""
    if fname == 'v3.params':
        with mx.np_shape(True):
            return load(src)
    return load(src)


@pytest.mark.parametrize('fname', sorted(EXPECTED))
def test_load_mxnet_file(fname, ctx):
    got = _check_file_contents(fname, _read(fname, mx.nd.load, str(FIX / fname)))
    want_ctx = mx.gpu(0) if fname == 'gpu_tagged.params' and mx.num_gpus() else mx.cpu(0)
    assert all(a.context == want_ctx for a in got)


@pytest.mark.parametrize('fname', sorted(EXPECTED))
def test_load_frombuffer_matches_load(fname):
    raw = (FIX / fname).read_bytes()
    for buf in (raw, bytearray(raw), memoryview(raw)):
        _check_file_contents(fname, _read(fname, mx.nd.load_frombuffer, buf))


def test_loaded_arrays_are_writable_and_independent():
    raw = (FIX / 'list.params').read_bytes()
    a, b = mx.nd.load_frombuffer(raw)
    a[:] = 0
    assert (FIX / 'list.params').read_bytes() == raw and float(b.sum().asscalar()) == -6.0
    c, _ = mx.nd.load_frombuffer(raw)
    np.testing.assert_array_equal(c.asnumpy(), VALUES['list.params|0'])


def test_load_mxnet_optimizer_state_pickle():
    with open(FIX / 'states.pickle', 'rb') as f:
        st = pickle.load(f)
    np.testing.assert_array_equal(st[0].asnumpy(), np.array([1, -2], np.float32))
    assert st[1][0].dtype == np.int64 and st[1][0].shape == (1, 1) and st[1][1].dtype == np.float16


# ---- writing ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('fname', sorted(make_fixtures.DENSE))
def test_save_is_byte_identical_to_mxnet(fname, ctx, tmp_path):
    kind, items = make_fixtures.DENSE[fname]
    data = make_fixtures._payload(kind, items)
    # MXNet tags each record with the array's context and the fixtures were made on cpu(0), as checkpoints
    # are (they copy to CPU first); do the same so the bytes can match on any test device.
    to_cpu = lambda a: a.as_in_context(mx.cpu(0))  # noqa: E731
    data = (to_cpu(data) if isinstance(data, mx.nd.NDArray) else
            {k: to_cpu(v) for k, v in data.items()} if isinstance(data, dict) else [to_cpu(v) for v in data])
    out = tmp_path / fname
    mx.nd.save(str(out), data)
    assert out.read_bytes() == (FIX / fname).read_bytes()
    _check_file_contents(fname, mx.nd.load(out))


@pytest.mark.parametrize('dtype', DTYPES)
def test_round_trip_every_dtype_on_ctx(dtype, ctx, tmp_path):
    vals = np.array([[0, 1, 2], [3, 4, 125]]) % (2 if dtype == 'bool' else 256)
    a = mx.nd.array(vals, dtype='float32').astype(dtype)
    out = tmp_path / 'x.params'
    mx.nd.save(out, {'a': a, 'view': a[:, 1]})
    got = mx.nd.load(out)
    for k, want in (('a', a), ('view', a[:, 1])):
        assert got[k].context == ctx and _dtype_name(got[k]) == dtype and got[k].shape == want.shape
        np.testing.assert_array_equal(_values(got[k]), _values(want))


def test_round_trip_shapes(ctx, tmp_path):
    base = mx.nd.arange(24).reshape((2, 3, 4))
    arrays = [base, base[1], base[:, 1], mx.nd.zeros((0, 5)), mx.nd.ones((1,) * 6),
              mx.nd.array(np.arange(24, dtype=np.float32).reshape(2, 3, 4).transpose(2, 0, 1).copy()),
              mx.nd.NDArray(base._data.permute(2, 0, 1))]  # non-contiguous torch layout
    out = tmp_path / 'shapes.params'
    mx.nd.save(str(out), arrays)
    got = mx.nd.load(str(out))
    assert isinstance(got, list) and len(got) == len(arrays)
    for g, a in zip(got, arrays):
        assert g.shape == a.shape
        np.testing.assert_array_equal(g.asnumpy(), a.asnumpy())


def test_zero_dim_tensor_saved_as_shape_1(tmp_path):
    mx.nd.save(tmp_path / 'x', mx.nd.NDArray(torch.tensor(2.5)))
    (got,) = mx.nd.load(tmp_path / 'x')
    assert got.shape == (1,) and got.asscalar() == 2.5


def test_save_single_array_and_empty_containers(tmp_path):
    mx.nd.save(tmp_path / 'a', mx.nd.ones((2,)))
    assert isinstance(mx.nd.load(tmp_path / 'a'), list)
    for empty in ([], {}):
        mx.nd.save(tmp_path / 'e', empty)
        assert (tmp_path / 'e').read_bytes() == (FIX / 'empty.params').read_bytes()
        assert mx.nd.load(tmp_path / 'e') == []


def test_save_overwrites_atomically(tmp_path, monkeypatch):
    out = tmp_path / 'w.params'
    mx.nd.save(out, [mx.nd.ones((3,))])
    mx.nd.save(out, [mx.nd.zeros((2,))])
    assert mx.nd.load(out)[0].shape == (2,)
    assert os.listdir(tmp_path) == ['w.params']  # no temporary files left behind
    umask = os.umask(0o022)
    os.umask(umask)
    assert (out.stat().st_mode & 0o777) == 0o666 & ~umask
    before = out.read_bytes()

    def fail(*args):
        raise OSError(28, 'No space left on device')
    monkeypatch.setattr(os, 'replace', fail)
    with pytest.raises(MXNetError, match='w.params'):
        mx.nd.save(out, [mx.nd.ones((100,))])
    assert out.read_bytes() == before and os.listdir(tmp_path) == ['w.params']


def test_save_64mb_runs_at_io_speed(tmp_path):
    arrays = {'w%d' % i: mx.nd.ones((1024, 1024)) * i for i in range(16)}
    out = tmp_path / 'big.params'
    start = time.perf_counter()
    mx.nd.save(out, arrays)
    got = mx.nd.load(out)
    elapsed = time.perf_counter() - start
    assert out.stat().st_size > 64 << 20
    assert float(got['w15'][1023, 1023].asscalar()) == 15.0
    assert elapsed < 5.0, 'save+load of 64 MB took %.2f s' % elapsed  # ~0.3 s: a per-element loop takes minutes


# ---- errors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('data, exc, msg', [
    ((mx.nd.ones(1),), ValueError, 'data needs to either be a NDArray'),
    (np.zeros(3), ValueError, 'data needs to either be a NDArray'),
    (None, ValueError, 'data needs to either be a NDArray'),
    ([mx.nd.ones(1), 1], TypeError, 'save only accept dict str->NDArray or list of NDArray'),
    ({1: mx.nd.ones(1)}, TypeError, 'save only accept dict str->NDArray or list of NDArray'),
    ({'a': np.ones(1)}, TypeError, 'save only accept dict str->NDArray or list of NDArray'),
])
def test_save_rejects_bad_data(data, exc, msg, tmp_path):
    with pytest.raises(exc, match=msg):
        mx.nd.save(tmp_path / 'x', data)
    assert not os.listdir(tmp_path)


def test_bad_fname_and_buffer_types():
    with pytest.raises(TypeError, match='fname required to be a string'):
        mx.nd.load(3)
    with pytest.raises(TypeError, match='fname required to be a string'):
        mx.nd.save(None, [])
    with pytest.raises(TypeError, match='buf required to be a string or bytes'):
        mx.nd.load_frombuffer('abc')


def test_missing_file(tmp_path):
    with pytest.raises(MXNetError, match='nope.params.*No such file'):
        mx.nd.load(tmp_path / 'nope.params')
    with pytest.raises(MXNetError, match='cannot write'):
        mx.nd.save(tmp_path / 'no_dir' / 'x.params', [])


def _corrupt(raw, tmp_path):
    p = tmp_path / 'bad.params'
    p.write_bytes(raw)
    with pytest.raises(MXNetError) as e:
        mx.nd.load(p)
    assert 'bad.params' in str(e.value)
    with pytest.raises(MXNetError) as e2:
        mx.nd.load_frombuffer(raw)
    return str(e.value), str(e2.value)


def test_every_truncation_is_reported(tmp_path):
    raw = (FIX / 'sparse.params').read_bytes()
    for n in range(len(raw)):
        with pytest.raises(MXNetError, match='buffer: invalid NDArray file format: truncated at byte %d' % n):
            mx.nd.load_frombuffer(raw[:n])
    for n in (0, 7, 100, len(raw) - 1):
        msg, _ = _corrupt(raw[:n], tmp_path)
        assert 'truncated at byte %d' % n in msg, (n, msg)


# The spec's worked example, {'a': [[1,2,3],[4,5,6]]}: header 0-24, record 24-88 (magic, stype, ndim at 32,
# dims at 36 and 44, dev_type 52, dev_id 56, type flag 60, values 64-88), name count 88, length 96, 'a' 104.
EXAMPLE = bytes.fromhex(
    '1201000000000000' '0000000000000000' '0100000000000000' 'c9fa93f9' '00000000' '02000000'
    '0200000000000000' '0300000000000000' '01000000' '00000000' '00000000'
    '0000803f000000400000404000008040' '0000a0400000c040' '0100000000000000' '0100000000000000' '61')


def test_spec_example_bytes(tmp_path):
    mx.nd.save(tmp_path / 'x.params', {'a': mx.nd.array([[1, 2, 3], [4, 5, 6]])})
    assert (tmp_path / 'x.params').read_bytes() == EXAMPLE


@pytest.mark.parametrize('patch, msg', [
    (lambda r: b'\0' * 8 + r[8:], 'bad magic 0x0'),
    (lambda r: r[:88] + struct.pack('<Q', 2) + r[96:], 'name count mismatch: 2 names for 1 arrays'),
    (lambda r: r[:24] + struct.pack('<I', 0xDEADBEEF) + r[28:], 'unknown magic 0xdeadbeef'),
    (lambda r: r[:60] + struct.pack('<i', 9) + r[64:], 'unsupported type flag 9'),
    (lambda r: r[:52] + struct.pack('<i', 4) + r[56:], 'unknown device type 4'),
    (lambda r: r[:28] + struct.pack('<i', 7) + r[32:], 'unknown storage type 7'),
    (lambda r: r[:32] + struct.pack('<i', 1000) + r[36:], 'invalid ndim 1000'),
    (lambda r: r[:36] + struct.pack('<q', -2) + r[44:], 'negative dim'),
    (lambda r: r[:36] + struct.pack('<q', 1 << 40) + r[44:], 'truncated'),  # no 4 TB allocation
    (lambda r: r[:32] + struct.pack('<i', 0) + r[36:], 'uninitialised'),  # a V2 "none" record
    (lambda r: r[:-1] + b'\xff', 'not valid UTF-8'),
])
def test_corrupt_files_are_named(patch, msg, tmp_path):
    fmsg, bmsg = _corrupt(patch(EXAMPLE), tmp_path)
    assert msg in fmsg and msg in bmsg, fmsg


def test_corrupt_sparse_indices(tmp_path):
    raw = bytearray((FIX / 'rsp_stale.params').read_bytes())
    raw[-16:-8] = struct.pack('<q', 9)  # last row index (before the name count) -> 9 of a 4-row array
    msg, _ = _corrupt(bytes(raw), tmp_path)
    assert 'row_sparse indices out of range' in msg


def test_np_shape_records_load_only_under_np_shape(tmp_path):
    with pytest.raises(MXNetError, match='NumPy shape'):
        mx.nd.load(str(FIX / 'v3.params'))
    with mx.np_shape(True):
        got = mx.nd.load(str(FIX / 'v3.params'))
        assert got['scalar'].shape == () and float(got['scalar'].asnumpy()) == 3.5
        with pytest.raises(MXNetError, match='not saved in NumPy shape'):
            mx.nd.load(str(FIX / 'list.params'))
        arrays = [mx.nd.array(np.ones(s)) for s in [(2, 0, 1), (), (3,)]]
        mx.nd.save(str(tmp_path / 'np'), arrays)
        back = mx.nd.load(str(tmp_path / 'np'))
        assert [a.shape for a in back] == [(2, 0, 1), (), (3,)]
    with pytest.raises(MXNetError):
        mx.nd.load(str(tmp_path / 'np'))
    mx.util.set_np_shape(2)  # on for every thread: classic files load too
    try:
        assert len(mx.nd.load(str(FIX / 'list.params'))) == 2
    finally:
        mx.util.set_np_shape(0)
    assert not mx.is_np_shape()
