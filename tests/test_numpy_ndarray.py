"""mx.np.ndarray: creation, NumPy semantics (0-d, zero-size, reshape), printing, conversions, autograd."""
import numpy as onp
import pytest

import mxnet as mx
from mxnet import np, npx
from mxnet.base import MXNetError


def test_is_ndarray_subclass_and_conversions():
    a = np.ones((2, 3))
    assert isinstance(a, mx.nd.NDArray) and type(a) is np.ndarray
    nd = a.as_nd_ndarray()
    assert type(nd) is mx.nd.NDArray and nd.shape == (2, 3)
    back = nd.as_np_ndarray()
    assert type(back) is np.ndarray
    back[0, 0] = 5  # zero-copy both ways
    assert a[0, 0].item() == 5 and nd.asnumpy()[0, 0] == 5


@pytest.mark.parametrize('fn', [np.zeros, np.ones, np.empty])
@pytest.mark.parametrize('shape', [(), 0, (0,), (3, 0), 2, (2, 3)])
def test_creation_shapes_and_default_dtype(fn, shape):
    a = fn(shape)
    assert a.shape == (shape if isinstance(shape, tuple) else (shape,))
    assert a.dtype == onp.float32
    assert fn(shape, dtype='int32').dtype == onp.int32


def test_creation_order_not_c():
    with pytest.raises(NotImplementedError):
        np.zeros((2,), order='F')


def test_array_dtype_rules():
    assert np.array([1, 2]).dtype == onp.float32            # python lists: float32
    assert np.array(onp.array([1, 2])).dtype == onp.int64   # numpy arrays keep their dtype
    assert np.array(onp.array([True])).dtype == onp.bool_
    assert np.array(np.array([1, 2], dtype='int32')).dtype == onp.int32
    assert np.array(3).shape == ()
    with pytest.raises(ValueError):
        np.array(mx.nd.ones((2,)))


def test_arange_linspace_eye_full():
    onp.testing.assert_allclose(np.arange(5).asnumpy(), onp.arange(5, dtype=onp.float32))
    assert np.arange(5).dtype == onp.float32
    onp.testing.assert_allclose(np.arange(1, 2, 0.25).asnumpy(), onp.arange(1, 2, 0.25))
    onp.testing.assert_allclose(np.linspace(0, 1, 5).asnumpy(), onp.linspace(0, 1, 5), rtol=1e-6)
    onp.testing.assert_allclose(np.linspace(0, 1, 4, endpoint=False).asnumpy(), onp.linspace(0, 1, 4, False))
    onp.testing.assert_array_equal(np.eye(3, 4, 1).asnumpy(), onp.eye(3, 4, 1))
    onp.testing.assert_array_equal(np.full((2, 2), 7, dtype='int32').asnumpy(), onp.full((2, 2), 7))
    x = np.array([[1, 2], [3, 4]], dtype='int32')
    assert np.zeros_like(x).dtype == onp.int32 and np.ones_like(x).asnumpy().sum() == 4


def test_reshape_numpy_semantics():
    a = np.ones((10, 10))
    assert a.reshape((-1,)).shape == (100,)
    assert a.reshape(4, -1, 5).shape == (4, 5, 5)
    assert np.reshape(np.ones((0, 3)), (3, -1)).shape == (3, 0)
    for bad in [(1,), (-1, 3), (-1, -1)]:
        with pytest.raises(MXNetError):
            a.reshape(bad)
        with pytest.raises(MXNetError):
            np.reshape(a, bad)


def test_zero_dim_results():
    a = np.array([[1., 2.], [3., 4.]])
    s = a.sum()
    assert type(s) is np.ndarray and s.shape == () and float(s) == 10.0
    assert a[1, 0].shape == () and a[1, 0].item() == 3.0
    assert np.array(np.pi).item() == pytest.approx(onp.pi)
    with pytest.raises(TypeError):
        len(s)


def test_printing():
    assert repr(np.array([1., 2.])) == 'array([1., 2.])'
    assert repr(np.array([1, 2], dtype='int32')) == 'array([1, 2], dtype=int32)'
    assert repr(np.array([1, 2], dtype='int64')) == 'array([1, 2], dtype=int64)'
    assert repr(np.array([1.5], dtype='float64')) == 'array([1.5], dtype=float64)'
    assert repr(np.zeros((0, 2))) == 'array([], shape=(0, 2))'
    assert repr(np.array(3.)) == 'array(3.)'
    assert str(np.array([1., 2.])) == str(onp.array([1., 2.], dtype=onp.float32))
    assert '{:0.3g}'.format(np.array(onp.pi)) == '3.14'
    with pytest.raises(TypeError):
        '{:30}'.format(np.array([1.]))


def test_astype_copy():
    a = np.array([1, 2, 3], dtype='int32')
    assert a.astype('int32', copy=False) is a
    b = a.astype('float64')
    assert b.dtype == onp.float64 and type(b) is np.ndarray
    with pytest.raises(NotImplementedError):
        a.copy(order='F')
    c = a.copy()
    c[0] = 9
    assert a[0].item() == 1


def test_indexing_views_and_copies():
    x = np.arange(12).reshape(3, 4)
    ref = onp.arange(12, dtype=onp.float32).reshape(3, 4)
    for key in [1, (1, 2), slice(1, 3), (slice(None), 1), (Ellipsis, -1), (slice(None, None, -1), 0),
                onp.array([0, 2]), (None, 1)]:
        onp.testing.assert_array_equal(x[key].asnumpy(), ref[key])
    onp.testing.assert_array_equal(x[x > 5].asnumpy(), ref[ref > 5])
    v = x[1]
    v[:] = 0
    assert x.asnumpy()[1].sum() == 0  # basic indexing is a view
    x[0, 0] = 100
    assert x[0, 0].item() == 100


def test_operators_broadcast_and_promote():
    a = onp.arange(6, dtype=onp.float32).reshape(2, 3)
    b = onp.array([1, 2, 3], dtype=onp.int32)
    ma, mb = np.array(a), np.array(b, dtype='int32')
    for f in [lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y, lambda x, y: x / y,
              lambda x, y: x ** y, lambda x, y: y - x, lambda x, y: x % y]:
        onp.testing.assert_allclose(f(ma, mb).asnumpy(), f(a, b), rtol=1e-5)
    assert (ma + mb).dtype == onp.float32
    assert (mb / 2).dtype == onp.float32
    assert (mb == mb).dtype == onp.bool_
    onp.testing.assert_array_equal((2 - ma).asnumpy(), 2 - a)
    onp.testing.assert_array_equal((-ma).asnumpy(), -a)
    c = np.array(a)
    c += 1
    onp.testing.assert_array_equal(c.asnumpy(), a + 1)
    assert (ma == None) is False  # noqa: E711


def test_autograd_grad_is_np():
    x = np.array([1., 2., 3.])
    x.attach_grad()
    with mx.autograd.record():
        y = (x * x + np.sin(x)).sum()
    y.backward()
    assert type(x.grad) is np.ndarray and type(x.detach()) is np.ndarray
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * onp.array([1, 2, 3.]) + onp.cos([1, 2, 3.]), rtol=1e-6)


def test_pickle_and_deepcopy():
    import copy
    import pickle
    a = np.array([[1., 2.], [3., 4.]])
    b = pickle.loads(pickle.dumps(a))
    assert type(b) is np.ndarray
    onp.testing.assert_array_equal(b.asnumpy(), a.asnumpy())
    assert type(copy.deepcopy(a)) is np.ndarray


def test_npx_switches_and_ops():
    prev = mx.util.is_np_array()
    npx.set_np()
    try:
        assert npx.is_np_array() and mx.util.is_np_shape()
    finally:
        npx.reset_np()
    assert not npx.is_np_array()
    if prev:
        npx.set_np()
    x = np.array([[-1., 2.], [3., -4.]])
    r = npx.relu(x)
    assert type(r) is np.ndarray
    onp.testing.assert_array_equal(r.asnumpy(), onp.maximum(x.asnumpy(), 0))
    sm = npx.softmax(x, axis=-1).asnumpy()
    e = onp.exp(x.asnumpy())
    onp.testing.assert_allclose(sm, e / e.sum(-1, keepdims=True), rtol=1e-6)
    assert npx.reshape(np.ones((2, 3, 4)), (-2, -1)).shape == (2, 12)
    assert npx.reshape(np.ones((2, 3, 4)), (-5, -4)).shape == (6, 4)
    assert npx.reshape(np.ones((6, 4)), (-6, 2, 3, -2)).shape == (2, 3, 4)
