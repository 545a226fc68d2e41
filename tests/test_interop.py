"""Pickling, copying, DLPack, torch and numpy interop of NDArray (memory sharing where MXNet shares)."""
import copy
import pickle
import pickletools
import struct

import numpy as np
import pytest
import torch

import mxnet as mx
from mxnet.base import MXNetError

DTYPES = ('float32', 'float64', 'float16', 'uint8', 'int32', 'int8', 'int64', 'bool', 'bfloat16')


def _arr(dtype, shape=(2, 3)):
    vals = np.arange(int(np.prod(shape))).reshape(shape) % (2 if dtype == 'bool' else 100)
    return mx.nd.array(vals, dtype='float32').astype(dtype)


def _same(a, b):
    assert a.shape == b.shape and a._data.dtype == b._data.dtype and a.context == b.context
    f = (lambda x: x.astype('float32').asnumpy()) if a._data.dtype is torch.bfloat16 else (lambda x: x.asnumpy())
    np.testing.assert_array_equal(f(a), f(b))


# ---- pickle / copy ----------------------------------------------------------------------------------

@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('protocol', [2, pickle.HIGHEST_PROTOCOL])
def test_pickle_round_trip(dtype, protocol, ctx):
    a = _arr(dtype, (3, 4))
    for x in (a, a[1], a[:, 2], a[1:3, ::2] if dtype != 'bool' else a[:, 1:]):  # views, non-contiguous
        before = x.astype('float32').asnumpy()
        y = pickle.loads(pickle.dumps(x, protocol=protocol))
        _same(x, y)
        y[:] = int(before.reshape(-1)[0] == 0)
        np.testing.assert_array_equal(x.astype('float32').asnumpy(), before)  # y is an independent copy


def test_pickle_format_is_mxnets(ctx):
    """REDUCE(mxnet.ndarray.ndarray.NDArray, (None,)) + BUILD({'handle': bytearray(record)}), as MXNet 1.9.1
    writes it, so MXNet and this package read each other's pickles (e.g. optimizer .states files)."""
    a = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    ops = [(op.name, arg) for op, arg, _ in pickletools.genops(pickle.dumps(a, protocol=2))]
    assert ('GLOBAL', 'mxnet.ndarray.ndarray NDArray') in ops
    fn, args, state = a.__reduce__()
    assert fn is mx.nd.NDArray and args == (None,) and isinstance(state['handle'], bytearray)
    rec = bytes(state['handle'])
    dev = (2, ctx.device_id) if ctx.device_type == 'gpu' else (1, 0)
    assert rec == (struct.pack('<IiiqqIii', 0xF993FAC9, 0, 2, 2, 3, *dev, 0)
                   + np.arange(1, 7, dtype=np.float32).tobytes())


def test_unpickle_none_handle():
    a = mx.nd.NDArray(None)
    a.__setstate__({'handle': None})
    assert a.size == 0


def test_copy_and_deepcopy(ctx):
    a = _arr('float32')
    for b in (copy.copy(a), copy.deepcopy(a), copy.deepcopy({'w': a})['w']):
        _same(a, b)
        b[:] = -1
        assert a.asnumpy().min() == 0


# ---- DLPack -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('dtype', DTYPES)
def test_dlpack_capsules_share_memory(dtype, ctx):
    a = _arr(dtype)
    r = mx.nd.from_dlpack(a.to_dlpack_for_read())
    w = mx.nd.from_dlpack(mx.nd.to_dlpack_for_write(a))
    _same(a, r)
    w[0, 0] = 1
    assert r[0, 0].astype('float32').asscalar() == 1 and a[0, 0].astype('float32').asscalar() == 1


def test_dlpack_capsule_is_consumed_once(ctx):
    cap = mx.nd.to_dlpack_for_read(mx.nd.ones((2,)))
    assert 'dltensor' in repr(cap)
    mx.nd.from_dlpack(cap)
    assert 'used_dltensor' in repr(cap)
    with pytest.raises(ValueError, match='consumed only once'):
        mx.nd.from_dlpack(cap)


def test_dlpack_protocol_with_torch_and_numpy(ctx):
    a = mx.nd.zeros((2, 3))
    t = torch.from_dlpack(a)
    t[0, 1] = 5
    assert a[0, 1].asscalar() == 5
    b = mx.nd.from_dlpack(t)  # any object with __dlpack__
    b[1, 2] = 7
    assert float(t[1, 2]) == 7
    if ctx.device_type == 'cpu':
        n = np.from_dlpack(a)
        n[1, 0] = 3
        assert a[1, 0].asscalar() == 3
        c = mx.nd.from_dlpack(np.arange(4.0))
        assert c.dtype == np.float64 and c.shape == (4,)


# ---- torch ------------------------------------------------------------------------------------------

def test_to_torch_and_from_torch_share_memory(ctx):
    a = mx.nd.zeros((2, 2))
    t = a.to_torch()
    assert isinstance(t, torch.Tensor) and t.device == ctx.torch_device
    t += 1
    assert a.asnumpy().sum() == 4
    src = torch.zeros(3, 2, device=ctx.torch_device, requires_grad=True)
    b = mx.nd.from_torch(src)
    b[:] = 2
    assert float(src.detach().sum()) == 12 and b.context == ctx
    with torch.no_grad():
        src[0, 0] = 9
    assert b[0, 0].asscalar() == 9


def test_from_torch_rules():
    s = torch.tensor(3.0)
    b = mx.nd.from_torch(s)
    assert b.shape == (1,)  # MXNet 1.x arrays are never 0-d
    b[:] = 4
    assert float(s) == 4
    with pytest.raises(ValueError, match='int16 is not supported'):
        mx.nd.from_torch(torch.zeros(2, dtype=torch.int16))
    with pytest.raises(TypeError):
        mx.nd.from_torch(np.zeros(2))
    bf = mx.nd.from_torch(torch.ones(2, dtype=torch.bfloat16))
    assert bf.dtype == np.dtype([('bfloat16', np.uint16)])


# ---- numpy ------------------------------------------------------------------------------------------

def test_from_numpy_zero_copy():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    a = mx.nd.from_numpy(x)
    assert not x.flags['WRITEABLE']  # MXNet's rule: the NDArray now owns the memory
    a += 1
    np.testing.assert_array_equal(x, np.arange(1, 7).reshape(2, 3))
    assert a.dtype == np.float32 and a.shape == (2, 3)
    with pytest.raises(ValueError, match='Only c-contiguous arrays are supported for zero-copy'):
        mx.nd.from_numpy(np.zeros((2, 3)).T)
    with pytest.raises(ValueError, match='int16 is not supported'):
        mx.nd.from_numpy(np.zeros(3, np.int16))


def test_from_numpy_copy():
    x = np.arange(4, dtype=np.int64)
    a = mx.nd.from_numpy(x, zero_copy=False)
    a[:] = 0
    assert x.flags['WRITEABLE'] and x.sum() == 6 and a.dtype == np.int64


@pytest.mark.parametrize('dtype', [d for d in DTYPES if d != 'bfloat16'])
def test_numpy_asarray(dtype, ctx):
    a = _arr(dtype)
    n = np.asarray(a)
    assert n.dtype == np.dtype(dtype) and n.shape == (2, 3)
    np.testing.assert_array_equal(n, a.asnumpy())
    n[0, 0] = 1
    assert a[0, 0].astype('float32').asscalar() == 0  # a copy by default, like asnumpy()
    assert np.asarray(a, dtype=np.float64).dtype == np.float64


def test_numpy_asarray_without_copy(ctx):
    a = mx.nd.zeros((2, 2))
    if ctx.device_type != 'cpu':
        with pytest.raises(ValueError, match='without a copy'):
            np.asarray(a, copy=False)
        return
    n = np.asarray(a, copy=False)
    n[1, 1] = 8
    assert a[1, 1].asscalar() == 8


def test_pickled_gpu_array_loads_on_cpu_without_gpu():
    """A record tagged gpu(0) restores onto gpu(0) when present, else onto cpu(0) (MXNet's load rule)."""
    rec = struct.pack('<IiiqIii', 0xF993FAC9, 0, 1, 2, 2, 0, 0) + np.array([1, 2], np.float32).tobytes()
    a = mx.nd.NDArray(None)
    a.__setstate__({'handle': bytearray(rec)})
    assert a.context == (mx.gpu(0) if mx.num_gpus() else mx.cpu(0))
    np.testing.assert_array_equal(a.asnumpy(), [1, 2])
    with pytest.raises(MXNetError, match='pickled NDArray: invalid NDArray file format: truncated'):
        mx.nd.NDArray(None).__setstate__({'handle': bytearray(rec[:-1])})
