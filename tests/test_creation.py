"""Array creation (array, zeros, ones, full, empty, arange, linspace, eye, *_like) compared with MXNet 1.9.1:
fixtures/creation/expected.json holds the reference's shape, dtype and values (or error type) of every
expression in fixtures/creation/cases.py."""
import json
import os

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

HERE = os.path.join(os.path.dirname(__file__), 'fixtures', 'creation')
_ns = {}
with open(os.path.join(HERE, 'cases.py')) as _f:
    exec(_f.read(), _ns)
CASES = _ns['CASES']
with open(os.path.join(HERE, 'expected.json')) as _f:
    EXPECTED = json.load(_f)

_ERRORS = {'MXNetError': MXNetError, 'TypeError': TypeError, 'ValueError': ValueError}

# where this project deliberately differs from the reference: expr -> (shape, dtype) it gives instead
DEVIATIONS = {
    # MXNet 1.9.1 rejects 0 dimensions in zeros/ones/full; empty arrays are allowed here
    'nd.zeros((0, 3))': ((0, 3), 'float32'),
}


@pytest.mark.parametrize('expr,values', CASES, ids=[c[0] for c in CASES])
def test_matches_reference(expr, values, ctx):
    want = EXPECTED[expr]
    env = {'mx': mx, 'nd': mx.nd, 'np': np}
    if expr in DEVIATIONS:
        shape, dtype = DEVIATIONS[expr]
        a = eval(expr, env)
        assert a.shape == shape and np.dtype(a.dtype).name == dtype
        return
    if 'error' in want:
        with pytest.raises(_ERRORS[want['error']]):
            eval(expr, env)
        return
    a = eval(expr, env)
    assert a.shape == tuple(want['shape'])
    assert np.dtype(a.dtype).name == want['dtype']
    assert a.context == ctx
    if values:
        np.testing.assert_array_equal(a.asnumpy().astype(np.float64).ravel(), np.array(want['values']))


def test_fixture_covers_every_case():
    assert sorted(EXPECTED) == sorted(c[0] for c in CASES)


@pytest.mark.parametrize('make', [
    lambda c: mx.nd.array([1, 2], ctx=c), lambda c: mx.nd.zeros((2,), ctx=c), lambda c: mx.nd.ones(2, ctx=c),
    lambda c: mx.nd.full((2,), 3, ctx=c), lambda c: mx.nd.empty((2,), ctx=c), lambda c: mx.nd.arange(2, ctx=c),
    lambda c: mx.nd.linspace(0, 1, 2, ctx=c), lambda c: mx.nd.eye(2, ctx=c)], ids=[
    'array', 'zeros', 'ones', 'full', 'empty', 'arange', 'linspace', 'eye'])
def test_ctx_argument_and_default_context(make, ctx):
    assert make(ctx).context == ctx
    assert make(None).context == ctx  # the fixture made ctx the default
    with mx.cpu(0):
        assert make(None).context == mx.cpu(0)
        assert make(ctx).context == ctx


def test_array_copies_its_source(ctx):
    src = np.array([1.0, 2.0], dtype=np.float32)
    a = mx.nd.array(src)
    src[0] = 9
    assert a.asnumpy().tolist() == [1.0, 2.0]
    b = mx.nd.array(a)
    a[:] = 5
    assert b.asnumpy().tolist() == [1.0, 2.0]


def test_array_from_torch_tensor_defaults_to_float32(ctx):
    import torch
    a = mx.nd.array(torch.tensor([1, 2], dtype=torch.int64))
    assert a.dtype == np.float32 and a.asnumpy().tolist() == [1.0, 2.0]
    assert mx.nd.array(torch.tensor([1, 2]), dtype='int64').dtype == np.int64


def test_scalar_array_is_0d(ctx):
    a = mx.nd.array(3.5)
    assert a.shape == () and a.asscalar() == 3.5 and a.asnumpy().shape == ()


def test_full_out_writes_in_place(ctx):
    out = mx.nd.zeros((2, 2))
    assert mx.nd.full((2, 2), 4, out=out) is out
    assert out.asnumpy().tolist() == [[4, 4], [4, 4]]


@pytest.mark.parametrize('dtype', ['float16', 'float32', 'float64', 'uint8', 'int8', 'int32', 'int64'])
def test_creation_dtypes(dtype, ctx):
    for a in (mx.nd.zeros((2,), dtype=dtype), mx.nd.ones((2,), dtype=dtype), mx.nd.full((2,), 3, dtype=dtype),
              mx.nd.arange(3, dtype=dtype), mx.nd.linspace(0, 2, 3, dtype=dtype), mx.nd.eye(2, dtype=dtype),
              mx.nd.array([1, 2], dtype=dtype), mx.nd.empty((2,), dtype=dtype)):
        assert np.dtype(a.dtype).name == dtype
    assert mx.nd.arange(3, dtype=dtype).asnumpy().tolist() == [0, 1, 2]
    assert mx.nd.eye(2, dtype=dtype).asnumpy().tolist() == [[1, 0], [0, 1]]
