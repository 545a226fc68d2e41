"""NDArray __getitem__/__setitem__, NDArray.reshape views and the python-level shape helpers."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError
from mxnet._op import registry


def _x(ctx, dtype='float32'):
    return mx.nd.arange(12, ctx=ctx, dtype=dtype).reshape((3, 4))


NP = np.arange(12, dtype=np.float32).reshape(3, 4)


@pytest.mark.parametrize('key', [
    1, -1, np.int64(2), slice(1, 3), (slice(None), 1), (1, slice(1, 3)), (slice(None, None, 2),),
    (slice(None, None, -1),), (slice(3, 0, -2), slice(None, None, -3)), (Ellipsis, 1), (None, 1),
    (1, None, slice(None)), ([0, 2],), ([0, 2], [1, 3]), (slice(1, 3), [0, 3]), np.array([2, 0]),
    np.array([True, False, True]), (np.array([[True, False, True, False]] * 3),), (slice(None), [-1]),
], ids=repr)
def test_read_matches_numpy(ctx, key):
    got = _x(ctx)[key]
    want = NP[key]
    want = want.reshape(1) if np.ndim(want) == 0 else want
    assert got.context == ctx and got.dtype == np.float32
    assert got.shape == want.shape
    np.testing.assert_array_equal(got.asnumpy(), want)


def test_read_ndarray_keys(ctx):
    x = _x(ctx)
    np.testing.assert_array_equal(x[mx.nd.array([0, 2], ctx=ctx)].asnumpy(), NP[[0, 2]])
    np.testing.assert_array_equal(x[mx.nd.array([0, 2], ctx=ctx), mx.nd.array([1, 3], ctx=ctx)].asnumpy(), [1, 11])
    mask = mx.nd.array([1, 0, 1], ctx=ctx, dtype='bool')
    np.testing.assert_array_equal(x[mask].asnumpy(), NP[[0, 2]])


def test_integer_index_never_0d(ctx):
    v = mx.nd.arange(5, ctx=ctx)
    assert v[2].shape == (1,) and v[2].asscalar() == 2
    assert _x(ctx)[1, 2].shape == (1,)


@pytest.mark.parametrize('key,is_view', [
    (1, True), (slice(1, 2), True), ((1, slice(1, 3)), True), ((slice(0, 2), slice(None)), True), ((None,), True),
    ((slice(None), 1), False), ((slice(0, 3, 2),), False), ((slice(None, None, -1),), False), (([0, 1],), False),
], ids=repr)
def test_view_semantics(ctx, key, is_view):
    """Contiguous selections write through, as in MXNet; strided and advanced ones are copies."""
    x = _x(ctx)
    y = x[key]
    y[:] = -1
    assert (x.asnumpy().sum() != NP.sum()) == is_view


def test_slice_write_through(ctx):
    x = _x(ctx)
    x[1:2] = 1
    np.testing.assert_array_equal(x.asnumpy()[1], [1, 1, 1, 1])
    y = x[2:3]
    y[0, 1] = 50
    assert x.asnumpy()[2, 1] == 50


@pytest.mark.parametrize('key,value', [
    (slice(None), 7), (slice(None), [1, 2, 3, 4]), (1, np.array([4, 3, 2, 1])), (slice(0, 2), np.ones((2, 4)) * 3),
    ((slice(None), 1), [7, 8, 9]), (([0, 2],), 9), ((slice(None), slice(None, None, 2)), 0),
    ((slice(None), slice(None, None, -2)), [1, 2]), ((slice(None, None, -1), 0), [5, 6, 7]), ((1, 2), 100),
    ((np.array([True, False, True]),), -1), ((slice(2, None, -2), [3, 0]), [[1, 2], [3, 4]]), ((Ellipsis, -1), 0.5),
], ids=repr)
def test_write_matches_numpy(ctx, key, value):
    x = _x(ctx)
    want = NP.copy()
    want[key] = value
    x[key] = value
    np.testing.assert_array_equal(x.asnumpy(), want)


def test_write_ndarray_values(ctx):
    x = _x(ctx)
    x[:] = mx.nd.array([1, 2, 3, 4], ctx=ctx, dtype='float64')  # cast to the target dtype, broadcast
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x.asnumpy(), np.tile([1, 2, 3, 4], (3, 1)))
    x[mx.nd.array([0, 1], ctx=ctx)] = mx.nd.zeros((1, 4), ctx=ctx)
    np.testing.assert_array_equal(x.asnumpy()[:2], 0)
    x[1:] = x[:-1]  # overlapping source and target
    np.testing.assert_array_equal(x.asnumpy(), [[0] * 4, [0] * 4, [0] * 4])
    i = _x(ctx, 'int32')
    i[0] = 2.7
    np.testing.assert_array_equal(i.asnumpy()[0], [2, 2, 2, 2])


@pytest.mark.parametrize('key,exc,match', [
    (5, IndexError, 'index 5 is out of bounds for axis 0 with size 3'),
    (-4, IndexError, 'index -4 is out of bounds for axis 0 with size 3'),
    ((1, 7), IndexError, 'index 7 is out of bounds for axis 1 with size 4'),
    ((1, 2, 3), IndexError, r'too many indices \(3\) for array with 2 dimensions'),
    (([5],), IndexError, 'index 5 is out of bounds for axis 0 with size 3'),
    ((slice(None), [0, -5]), IndexError, 'index -5 is out of bounds for axis 1 with size 4'),
    (1.0, ValueError, 'does not support slicing with key 1.0'),
    ('a', ValueError, 'does not support slicing'),
    ((slice(None, None, 0),), ValueError, 'step cannot be zero'),
    (np.array([True, False]), IndexError, 'boolean index'),
], ids=repr)
def test_index_errors(ctx, key, exc, match):
    x = _x(ctx)
    with pytest.raises(exc, match=match):
        x[key]
    with pytest.raises(exc, match=match):
        x[key] = 0


def test_write_shape_mismatch(ctx):
    x = _x(ctx)
    with pytest.raises(ValueError, match=r'shape \(3,\).*\(3, 4\)'):
        x[:] = mx.nd.array([1, 2, 3], ctx=ctx)
    with pytest.raises(ValueError, match='broadcast'):
        x[0:2] = np.ones((3, 4))


def test_reshape_method_codes_and_views(ctx):
    x = mx.nd.arange(24, ctx=ctx).reshape((2, 3, 4))
    assert x.reshape(4, -1).shape == (4, 6)
    assert x.reshape((-3, -2)).shape == (6, 4)
    assert x.reshape(shape=(-1, 0), reverse=True).shape == (6, 4)
    assert x.reshape(-4, 1, 2, -2).shape == (1, 2, 3, 4)
    assert x.reshape(0, -3).shape == (2, 12)
    y = x.reshape(6, 4)
    y[0] = -1  # NDArray.reshape is a view in MXNet
    np.testing.assert_array_equal(x.asnumpy()[0, 0], [-1] * 4)
    with pytest.raises(MXNetError, match='elements'):
        x.reshape(5, 5)


def test_operator_results_own_memory(ctx):
    """mx.nd shape operators return new arrays (MXNet copies); only NDArray.reshape/slicing give views."""
    x = _x(ctx)
    for y in (mx.nd.reshape(x, shape=(4, 3)), mx.nd.transpose(x), mx.nd.slice_axis(x, axis=0, begin=0, end=2),
              mx.nd.broadcast_to(x[0:1], shape=(2, 4)), mx.nd.expand_dims(x, axis=0), mx.nd.split(x, 2, axis=1)[0]):
        y[:] = -1
    np.testing.assert_array_equal(x.asnumpy(), NP)


def test_reshape_infer_shape_on_shapes():
    op = registry.get('Reshape')
    p = op.parse({'shape': (-1, 0), 'reverse': True})
    assert op.infer_shape(p, [(10, 5, 4)])[1] == [(50, 4)]
    assert op.infer_shape(p, [None])[1] == [None]
    with pytest.raises(MXNetError):
        op.infer_shape(op.parse({'shape': (7,)}), [(2, 3)])


def test_concatenate(ctx):
    a, b = mx.nd.ones((1, 2), ctx=ctx), mx.nd.zeros((2, 2), ctx=ctx)
    c = mx.nd.concatenate([a, b])
    assert c.shape == (3, 2) and c.context == ctx
    np.testing.assert_array_equal(c.asnumpy(), [[1, 1], [0, 0], [0, 0]])
    assert mx.nd.concatenate([a, a.copy()], axis=1).shape == (1, 4)
    assert mx.nd.concatenate([a], always_copy=False) is a
    assert mx.nd.concatenate([a]) is not a
    with pytest.raises(MXNetError):
        mx.nd.concatenate([a, mx.nd.zeros((2, 3), ctx=ctx)])


def test_split_v2(ctx):
    x = mx.nd.arange(6, ctx=ctx).reshape((3, 2))
    parts = mx.nd.split_v2(x, 3)
    assert [p.shape for p in parts] == [(1, 2)] * 3
    parts = mx.nd.split_v2(x, (1,), axis=0)
    np.testing.assert_array_equal(parts[1].asnumpy(), [[2, 3], [4, 5]])
    parts = mx.nd.split_v2(x, 2, axis=1, squeeze_axis=True)
    np.testing.assert_array_equal(parts[0].asnumpy(), [0, 2, 4])
    with pytest.raises(ValueError, match='equal division'):
        mx.nd.split_v2(x, 2)
    with pytest.raises(ValueError, match='int or tuple'):
        mx.nd.split_v2(x, [1])


def test_methods(ctx):
    x = _x(ctx)
    assert x.flip(axis=0).asnumpy()[0, 0] == 8
    assert x.swapaxes(0, 1).shape == (4, 3)
    assert [p.shape for p in x.split(num_outputs=2, axis=1)] == [(3, 2), (3, 2)]
    assert x.take(mx.nd.array([1], ctx=ctx)).shape == (1, 4)
    assert x.pick(mx.nd.array([0, 1, 2], ctx=ctx)).asnumpy().tolist() == [0, 5, 10]
    assert mx.nd.array([1, 0], ctx=ctx).one_hot(3).shape == (2, 3)
    assert x[0:1].broadcast_axes(axis=0, size=2).shape == (2, 4)
    assert x.slice(begin=(1,), end=(2,)).shape == (1, 4)
    assert x.shape_array().asnumpy().tolist() == [3, 4]


def test_moveaxis_onehot_encode_and_reshape_error():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    a = mx.nd.array(x)
    for src, dst in ((0, 2), (2, 0), (-1, 0), ([0, 1], [2, 0])):
        np.testing.assert_array_equal(mx.nd.moveaxis(a, src, dst).asnumpy(), np.moveaxis(x, src, dst))
    out = mx.nd.zeros((3, 4))
    assert mx.nd.onehot_encode(mx.nd.array([1, 3, 0]), out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), np.eye(4, dtype=np.float32)[[1, 3, 0]])
    with pytest.raises(ValueError):  # MXNet 1.9.1's error type for a size mismatch
        a.reshape((2, 5))
    with pytest.raises(mx.MXNetError):
        a.reshape((2, 5))


def test_moveaxis_errors():
    a = mx.nd.zeros((1, 2, 3))
    assert mx.nd.moveaxis(a, range(3), range(3)).shape == (1, 2, 3)
    for src, dst in ((3, 0), (-4, 0), (0, 5), ([0, 0], [0, 1]), ([0, 1], [1, 1]), (0, [0, 1])):
        with pytest.raises(ValueError):
            mx.nd.moveaxis(a, src, dst)


def test_zeros_ones_out():
    out = mx.nd.full((2, 2), 5)
    assert mx.nd.ones((2, 2), out=out) is out and (out.asnumpy() == 1).all()
    assert mx.nd.zeros((2, 2), out=out) is out and (out.asnumpy() == 0).all()
