"""mx.np functions (elementwise tables, reductions, manipulation, linalg) and mx.np.random against numpy."""
import inspect

import numpy as onp
import pytest

import mxnet as mx
from mxnet import np
from mxnet.numpy import functions as F


def _x(shape=(2, 3), lo=0.1, hi=0.9, seed=0):
    return onp.random.RandomState(seed).uniform(lo, hi, shape).astype(onp.float32)


@pytest.mark.parametrize('name', sorted(n for n in F.UNARY if n not in ('bitwise_not', 'invert')))
def test_unary_table(name):
    a = _x()
    if name in ('arccosh',):
        a = a + 1
    res = getattr(np, name)(np.array(a))
    ref = getattr(onp, name)(a)
    assert res.shape == ref.shape
    onp.testing.assert_allclose(res.asnumpy(), ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('name', sorted(n for n in F.BINARY if not n.startswith(('bitwise', 'lcm', 'gcd', 'ldexp'))))
def test_binary_table_broadcasts(name):
    a, b = _x((2, 3)), _x((3,), seed=1)
    res = getattr(np, name)(np.array(a), np.array(b))
    ref = getattr(onp, name)(a, b)
    onp.testing.assert_allclose(res.asnumpy(), ref, rtol=1e-5, atol=1e-6)


def test_binary_integer_and_out():
    a, b = onp.array([12, 18], dtype=onp.int32), onp.array([8, 12], dtype=onp.int32)
    for name in ('lcm', 'gcd', 'bitwise_and', 'bitwise_or', 'bitwise_xor', 'floor_divide', 'mod'):
        onp.testing.assert_array_equal(getattr(np, name)(np.array(a, dtype='int32'), np.array(b, dtype='int32'))
                                       .asnumpy(), getattr(onp, name)(a, b))
    out = np.zeros((2,))
    r = np.add(np.array([1., 2.]), 3, out=out)
    assert r is out and out.asnumpy().tolist() == [4., 5.]


@pytest.mark.parametrize('name', ['sum', 'prod', 'mean', 'max', 'min', 'std', 'var', 'all', 'any'])
@pytest.mark.parametrize('axis', [None, 0, 1, (0, 1), -1])
@pytest.mark.parametrize('keepdims', [False, True])
def test_reductions(name, axis, keepdims):
    a = _x((3, 4))
    res = getattr(np, name)(np.array(a), axis=axis, keepdims=keepdims)
    ref = getattr(onp, name)(a, axis=axis, keepdims=keepdims)
    assert res.shape == onp.shape(ref)
    onp.testing.assert_allclose(res.asnumpy(), ref, rtol=1e-5)


def test_reduction_dtypes_and_args():
    i = np.array([1, 2, 3], dtype='int32')
    assert np.sum(i).dtype == onp.int32 and np.mean(i).dtype == onp.float32
    assert np.sum(np.array(onp.array([True, True]))).dtype == onp.int64
    a = _x((3, 4))
    onp.testing.assert_array_equal(np.argmax(np.array(a), axis=1).asnumpy(), a.argmax(1))
    assert np.argmin(np.array(a)).item() == a.argmin()
    onp.testing.assert_allclose(np.cumsum(np.array(a), axis=0).asnumpy(), a.cumsum(0), rtol=1e-6)
    onp.testing.assert_allclose(np.array(a).std(ddof=1).item(), a.std(ddof=1), rtol=1e-5)


def test_manipulation():
    a = onp.arange(24, dtype=onp.float32).reshape(2, 3, 4)
    m = np.array(a)
    cases = [
        (np.transpose(m), a.transpose()), (m.transpose(1, 0, 2), a.transpose(1, 0, 2)), (m.T, a.T),
        (np.swapaxes(m, 0, 2), a.swapaxes(0, 2)), (np.moveaxis(m, 0, -1), onp.moveaxis(a, 0, -1)),
        (np.expand_dims(m, 1), onp.expand_dims(a, 1)), (np.squeeze(np.ones((1, 3, 1))), onp.ones(3)),
        (np.concatenate([m, m], axis=1), onp.concatenate([a, a], 1)), (np.stack([m, m], 1), onp.stack([a, a], 1)),
        (np.vstack([m[0], m[1]]), onp.vstack([a[0], a[1]])), (np.hstack([m, m]), onp.hstack([a, a])),
        (np.tile(m, (2, 1, 1)), onp.tile(a, (2, 1, 1))), (np.repeat(m, 2, axis=2), onp.repeat(a, 2, 2)),
        (np.flip(m, 1), onp.flip(a, 1)), (np.roll(m, 2), onp.roll(a, 2)), (np.ravel(m), a.ravel()),
        (np.broadcast_to(np.ones((3, 1)), (2, 3, 4)), onp.ones((2, 3, 4))),
        (np.where(m > 5, m, -m), onp.where(a > 5, a, -a)), (np.clip(m, 3, 10), onp.clip(a, 3, 10)),
        (np.take(m, onp.array([0, 2]), axis=1), onp.take(a, [0, 2], 1)), (np.sort(-m), onp.sort(-a)),
        (np.argsort(-m, axis=1), onp.argsort(-a, axis=1, kind='stable')), (np.tril(m[0]), onp.tril(a[0])),
        (np.pad(m, ((0, 0), (1, 1), (2, 0))), onp.pad(a, ((0, 0), (1, 1), (2, 0)))),
        (np.diff(m, axis=2), onp.diff(a, axis=2)), (np.trace(m[0]), onp.trace(a[0])),
    ]
    for res, ref in cases:
        assert res.shape == ref.shape
        onp.testing.assert_allclose(res.asnumpy(), ref)
    parts = np.split(m, 2, axis=2)
    assert [p.shape for p in parts] == [(2, 3, 2)] * 2
    with pytest.raises(ValueError):
        np.split(m, 3, axis=2)
    assert [p.shape for p in np.array_split(m, 3, axis=2)] == [(2, 3, 2), (2, 3, 1), (2, 3, 1)]
    assert [t.asnumpy().tolist() for t in np.nonzero(np.array([0, 1, 0, 2]))] == [[1, 3]]


def test_products_and_linalg():
    a, b = _x((3, 4)), _x((4, 2), seed=2)
    v = _x((4,), seed=3)
    onp.testing.assert_allclose(np.dot(np.array(a), np.array(b)).asnumpy(), a.dot(b), rtol=1e-5)
    onp.testing.assert_allclose(np.dot(np.array(a), np.array(v)).asnumpy(), a.dot(v), rtol=1e-5)
    onp.testing.assert_allclose(np.dot(np.array(v), np.array(v)).asnumpy(), v.dot(v), rtol=1e-5)
    onp.testing.assert_allclose((np.array(a) @ np.array(b)).asnumpy(), a @ b, rtol=1e-5)
    onp.testing.assert_allclose(np.einsum('ij,jk->ik', np.array(a), np.array(b)).asnumpy(), a @ b, rtol=1e-5)
    onp.testing.assert_allclose(np.tensordot(np.array(a), np.array(b), 1).asnumpy(), a @ b, rtol=1e-5)
    s = a @ a.T + onp.eye(3, dtype=onp.float32)
    onp.testing.assert_allclose(np.linalg.inv(np.array(s)).asnumpy(), onp.linalg.inv(s), rtol=1e-4)
    onp.testing.assert_allclose(np.linalg.norm(np.array(a)).item(), onp.linalg.norm(a), rtol=1e-5)
    onp.testing.assert_allclose(np.linalg.det(np.array(s)).item(), onp.linalg.det(s), rtol=1e-4)


def test_random_signatures_and_named_argument_errors():
    for name in ('uniform', 'normal', 'randint', 'choice'):
        fn = getattr(np.random, name)
        with pytest.raises(TypeError):
            fn(shape=())
        with pytest.raises(TypeError):
            fn(shape=None)
    assert 'shape' not in inspect.signature(np.random.randint).parameters


def test_random_values():
    mx.random.seed(0)
    u = np.random.uniform(2, 3, size=(1000,))
    assert u.shape == (1000,) and u.dtype == onp.float32 and 2 <= u.asnumpy().min() and u.asnumpy().max() < 3
    assert np.random.uniform().shape == ()
    assert np.random.uniform(np.zeros(3), 1).shape == (3,)
    n = np.random.normal(1.0, 2.0, size=(20000,)).asnumpy()
    assert abs(n.mean() - 1) < 0.1 and abs(n.std() - 2) < 0.1
    r = np.random.randint(3, 7, size=(500,))
    assert r.dtype == onp.int64 and set(r.asnumpy().tolist()) == {3, 4, 5, 6}
    c = np.random.choice(5, 5, replace=False).asnumpy()
    assert sorted(c.tolist()) == [0, 1, 2, 3, 4]
    x = np.arange(10)
    np.random.shuffle(x)
    assert sorted(x.asnumpy().tolist()) == list(range(10))
    m = np.random.multinomial(10, [0.2, 0.8], size=(4,))
    assert m.shape == (4, 2) and (m.asnumpy().sum(1) == 10).all()
