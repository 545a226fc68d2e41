"""Random sampling: mx.nd.random / mx.random samplers, the _random_* / _sample_* / _like operators, seeding.

Moments are checked on large samples drawn after a fixed seed; the tolerances are several standard errors.
Shapes, dtypes and errors follow MXNet 1.9.1 (checked against the reference)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

N = 20000
nd = mx.nd


def _moments(a):
    x = a.asnumpy().astype(np.float64).ravel()
    return x.mean(), x.var()


def _close(got, want, rel):
    assert abs(got - want) <= rel * max(abs(want), 1.0), (got, want)


# (sampler call, expected mean, expected variance)
SCALAR_DISTS = {
    'uniform': (lambda **kw: nd.random.uniform(-1, 3, **kw), 1.0, 16 / 12),
    'normal': (lambda **kw: nd.random.normal(2, 0.5, **kw), 2.0, 0.25),
    'randn': (lambda shape, **kw: nd.random.randn(*shape, loc=-1, scale=2, **kw), -1.0, 4.0),
    'gamma': (lambda **kw: nd.random.gamma(2, 3, **kw), 6.0, 18.0),
    'exponential': (lambda **kw: nd.random.exponential(2, **kw), 2.0, 4.0),
    'poisson': (lambda **kw: nd.random.poisson(4, **kw), 4.0, 4.0),
    'negative_binomial': (lambda **kw: nd.random.negative_binomial(3, 0.4, **kw), 3 * 0.6 / 0.4,
                          3 * 0.6 / 0.4 ** 2),
    'generalized_negative_binomial': (lambda **kw: nd.random.generalized_negative_binomial(3, 0.5, **kw), 3.0,
                                      3 + 0.5 * 9),
    'generalized_negative_binomial_poisson': (
        lambda **kw: nd.random.generalized_negative_binomial(3, 0, **kw), 3.0, 3.0),
    'randint': (lambda **kw: nd.random.randint(-3, 7, **kw), 1.5, (10 ** 2 - 1) / 12),
}


@pytest.mark.parametrize('name', sorted(SCALAR_DISTS))
def test_scalar_moments(name, ctx):
    fn, mean, var = SCALAR_DISTS[name]
    mx.random.seed(7)
    a = fn(shape=(N // 100, 100))
    assert a.shape == (N // 100, 100) and a.context == ctx
    m, v = _moments(a)
    _close(m, mean, 0.05)
    _close(v, var, 0.1)


def test_uniform_range_and_randint_range(ctx):
    mx.random.seed(3)
    u = nd.random.uniform(2, 5, shape=(N,)).asnumpy()
    assert u.min() >= 2 and u.max() < 5
    r = nd.random.randint(-2, 3, shape=(N,)).asnumpy()
    assert set(np.unique(r).tolist()) == {-2, -1, 0, 1, 2}
    assert nd.random.uniform(1, 1, shape=3).asnumpy().tolist() == [1, 1, 1]
    assert nd.random.poisson(0, shape=3).asnumpy().tolist() == [0, 0, 0]


# (sampler on per-row parameter arrays, expected row means)
SAMPLE_DISTS = {
    'uniform': (lambda: nd.random.uniform(nd.array([0, 10]), nd.array([1, 20]), shape=N // 2), [0.5, 15]),
    'normal': (lambda: nd.random.normal(nd.array([-5, 5]), nd.array([1, 0.5]), shape=N // 2), [-5, 5]),
    'gamma': (lambda: nd.random.gamma(nd.array([1, 4]), nd.array([2, 0.5]), shape=N // 2), [2, 2]),
    'exponential': (lambda: nd.random.exponential(nd.array([0.5, 4]), shape=N // 2), [0.5, 4]),
    'poisson': (lambda: nd.random.poisson(nd.array([1, 8]), shape=N // 2), [1, 8]),
    'negative_binomial': (lambda: nd.random.negative_binomial(nd.array([2, 5]), nd.array([0.5, 0.8]),
                                                              shape=N // 2), [2, 1.25]),
    'generalized_negative_binomial': (lambda: nd.random.generalized_negative_binomial(
        nd.array([2, 6]), nd.array([0.3, 0]), shape=N // 2), [2, 6]),
}


@pytest.mark.parametrize('name', sorted(SAMPLE_DISTS))
def test_per_element_parameters(name, ctx):
    fn, means = SAMPLE_DISTS[name]
    mx.random.seed(11)
    a = fn()
    assert a.shape == (2, N // 2) and a.dtype == np.float32 and a.context == ctx
    x = a.asnumpy().astype(np.float64)
    for row, mean in zip(x, means):
        _close(row.mean(), mean, 0.06)


def test_sample_output_shape_is_param_shape_then_shape(ctx):
    lo, hi = nd.zeros((2, 3)) + 1, nd.ones((2, 3)) * 2
    assert nd.random.uniform(lo, hi).shape == (2, 3)
    assert nd.random.uniform(lo, hi, shape=4).shape == (2, 3, 4)
    assert nd.random.uniform(lo, hi, shape=(4, 5)).shape == (2, 3, 4, 5)
    assert nd.sample_normal(nd.array([1, 2]), nd.array([0.1, 0.2]), shape=(2, 2)).shape == (2, 2, 2)
    # the samples of element i come from distribution i
    x = nd.random.uniform(nd.array([0, 10, 100]), nd.array([1, 11, 101]), shape=50).asnumpy()
    for i, lo_i in enumerate([0, 10, 100]):
        assert x[i].min() >= lo_i and x[i].max() < lo_i + 1


@pytest.mark.parametrize('seed', [0, 42, -1, 2 ** 40])
def test_seed_reproduces_streams(seed, ctx):
    def draw():
        return [nd.random.uniform(shape=(3,)).asnumpy(), nd.random.normal(nd.array([0, 1]), nd.array([1, 1]),
                                                                           shape=2).asnumpy(),
                nd.random.randint(0, 100, shape=(4,)).asnumpy(), nd.random.shuffle(nd.arange(10)).asnumpy(),
                nd.random.multinomial(nd.array([0.2, 0.3, 0.5]), shape=5).asnumpy(),
                nd.random.poisson(3, shape=4).asnumpy(), nd.random.gamma(2, 1, shape=3).asnumpy()]
    mx.random.seed(seed)
    a = draw()
    mx.random.seed(seed)
    b = draw()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    c = draw()  # the stream goes on
    assert not np.array_equal(a[0], c[0])


def test_seed_one_context_and_different_seeds(ctx):
    mx.random.seed(5, ctx=ctx)
    a = nd.random.uniform(shape=(4,)).asnumpy()
    mx.random.seed(5, ctx=str(ctx))
    b = nd.random.uniform(shape=(4,)).asnumpy()
    mx.random.seed(6)
    c = nd.random.uniform(shape=(4,)).asnumpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize('bad', [1.5, '3', None])
def test_seed_needs_an_int(bad):
    with pytest.raises(ValueError, match='seed_state must be int'):
        mx.random.seed(bad)


def test_defaults_shapes_dtypes(ctx):
    assert nd.random.uniform().shape == (1,)
    assert nd.random.normal(shape=3).shape == (3,)
    assert nd.random.uniform(shape=[2, 3]).shape == (2, 3)
    assert nd.random.uniform(0, 1, 2).shape == (2,)
    assert nd.random.randn(2, 3).shape == (2, 3)
    for dt in ('float16', 'float32', 'float64'):
        assert nd.random.uniform(shape=2, dtype=dt).dtype == np.dtype(dt)
        assert nd.random.poisson(nd.array([1, 2]), shape=2, dtype=dt).dtype == np.dtype(dt)
    assert nd.random.randn(2, dtype='float16').dtype == np.float16
    assert nd.random.poisson(3, shape=2).dtype == np.float32
    assert nd.random.randint(0, 5, shape=2).dtype == np.int32
    assert nd.random.randint(0, 2 ** 40, shape=2, dtype='int64').dtype == np.int64
    # sample ops output float32 whatever the parameters' dtype, unless dtype= says otherwise
    f64 = nd.array([0, 1], dtype='float64')
    assert nd.random.uniform(f64, f64 + 1).dtype == np.float32
    assert nd.random.uniform(f64, f64 + 1, dtype='float64').dtype == np.float64
    ints = nd.array([1, 2], dtype='int32')
    assert nd.sample_uniform(ints, ints + 1).dtype == np.float32
    assert nd.random.uniform(shape=2, ctx=ctx).context == ctx


def test_like_variants(ctx):
    mx.random.seed(1)
    x = nd.zeros((200, 50), dtype='float64')
    u = nd.random.uniform_like(x, low=2, high=4)
    assert u.shape == x.shape and u.dtype == np.float64 and u.context == ctx
    assert 2 <= u.asnumpy().min() and u.asnumpy().max() < 4
    _close(_moments(nd.random.normal_like(x, loc=3, scale=2))[0], 3, 0.05)
    _close(_moments(nd.random.poisson_like(x, lam=5))[0], 5, 0.05)
    _close(_moments(nd.random.exponential_like(x, lam=4))[0], 0.25, 0.05)
    _close(_moments(nd.random.gamma_like(x, alpha=2, beta=2))[0], 4, 0.05)
    _close(_moments(nd.random.negative_binomial_like(x, k=2, p=0.5))[0], 2, 0.06)
    _close(_moments(nd.random.generalized_negative_binomial_like(x, mu=2, alpha=0.5))[0], 2, 0.06)
    assert nd.random.uniform_like(nd.zeros((2,), dtype='float16')).dtype == np.float16


def test_multinomial(ctx):
    mx.random.seed(2)
    p = nd.array([[0.1, 0.2, 0.7], [1, 0, 0]])
    s = nd.random.multinomial(p, shape=N // 2)
    assert s.shape == (2, N // 2) and s.dtype == np.int32
    counts = np.bincount(s.asnumpy()[0], minlength=3) / (N // 2)
    np.testing.assert_allclose(counts, [0.1, 0.2, 0.7], atol=0.02)
    assert (s.asnumpy()[1] == 0).all()
    assert nd.random.multinomial(nd.array([0.1, 0.9])).shape == (1,)
    assert nd.random.multinomial(p).shape == (2,)
    assert nd.random.multinomial(nd.array([[[0.1, 0.9]]]), shape=(2,)).shape == (1, 1, 2)
    assert nd.random.multinomial(p, dtype='float32').dtype == np.float32
    assert nd.random.multinomial(p, dtype='uint8').dtype == np.uint8


@pytest.mark.parametrize('dtype', ['float16', 'float32', 'float64'])
def test_multinomial_get_prob(dtype, ctx):
    p = nd.array([[0.25, 0.75], [0.5, 0.5]], dtype=dtype)
    s, logp = nd.random.multinomial(p, shape=3, get_prob=True)
    assert s.shape == logp.shape == (2, 3)
    assert s.dtype == np.int32 and logp.dtype == np.dtype(dtype)
    want = np.log(np.take_along_axis(p.asnumpy().astype(np.float64), s.asnumpy().astype(np.int64), axis=1))
    np.testing.assert_allclose(logp.asnumpy(), want, rtol=1e-3)


def test_multinomial_log_prob_gradient(ctx):
    # d/dp sum(log p[sampled]) = count of each category / p, as MXNet's backward gives
    p = nd.array([[0.25, 0.75]])
    p.attach_grad()
    with mx.autograd.record():
        s, logp = nd.random.multinomial(p, shape=8, get_prob=True)
    logp.backward()
    counts = np.bincount(s.asnumpy().ravel(), minlength=2)
    np.testing.assert_allclose(p.grad.asnumpy()[0], counts / np.array([0.25, 0.75]), rtol=1e-6)


def test_sample_ops_pass_zero_gradient(ctx):
    mu = nd.array([1.0, 2.0])
    mu.attach_grad()
    with mx.autograd.record():
        y = nd.random.normal(mu, nd.ones((2,))) + nd.random.uniform_like(mu)
    y.backward()
    assert mu.grad.asnumpy().tolist() == [0, 0]


def test_shuffle(ctx):
    mx.random.seed(4)
    x = nd.arange(20).reshape((10, 2))
    y = nd.random.shuffle(x)
    assert y.shape == (10, 2) and y.dtype == np.float32 and y.context == ctx
    rows = y.asnumpy()
    np.testing.assert_array_equal(rows[:, 1] - rows[:, 0], np.ones(10))  # rows are moved whole
    np.testing.assert_array_equal(np.sort(rows[:, 0]), x.asnumpy()[:, 0])
    assert not np.array_equal(rows, x.asnumpy())
    assert x.asnumpy()[0].tolist() == [0, 1]  # the input is untouched
    ints = nd.array([[1, 2, 3]], dtype='int32')
    assert nd.random.shuffle(ints).asnumpy().tolist() == [[1, 2, 3]]
    assert nd.random.shuffle(ints).dtype == np.int32
    out = nd.zeros((10, 2))
    nd.random.shuffle(x, out=out)
    np.testing.assert_array_equal(np.sort(out.asnumpy()[:, 0]), x.asnumpy()[:, 0])


def test_out_argument(ctx):
    out = nd.zeros((3, 3))
    r = nd.random.uniform(shape=(3, 3), out=out)
    assert r is out and (out.asnumpy() > 0).any()
    out2 = nd.zeros((2, 4))
    nd.random.normal(out=out2)  # the shape comes from out
    assert (out2.asnumpy() != 0).all()
    with pytest.raises(MXNetError):
        nd.random.uniform(shape=(2, 3), out=nd.zeros((3, 3)))


def test_namespaces_and_aliases():
    for name in ('uniform', 'normal', 'randn', 'randint', 'poisson', 'exponential', 'gamma', 'negative_binomial',
                 'generalized_negative_binomial', 'multinomial', 'shuffle'):
        assert getattr(mx.random, name) is getattr(nd.random, name)
    for op, aliases in [('_random_uniform', ('random_uniform', 'uniform')),
                        ('_random_normal', ('random_normal', 'normal')),
                        ('_random_gamma', ('random_gamma',)), ('_random_randint', ('random_randint',)),
                        ('_sample_multinomial', ('sample_multinomial',)), ('_shuffle', ('shuffle',)),
                        ('_sample_uniform', ('sample_uniform',))]:
        for a in aliases:
            assert getattr(nd, a).opdef is getattr(nd, op).opdef
    assert nd.random_uniform(low=1, high=2, shape=2).asnumpy().min() >= 1
    assert nd.uniform(shape=(2, 2)).shape == (2, 2)


def test_symbol_inference():
    x = mx.sym.Variable('x')
    assert mx.sym.random_uniform(shape=(2, 3)).infer_shape()[1] == [(2, 3)]
    y = mx.sym.sample_normal(x, x, shape=(4,))
    assert y.infer_shape(x=(2, 3))[1] == [(2, 3, 4)]
    assert y.infer_type(x='float64')[1] == [np.float32]
    m = mx.sym.sample_multinomial(x, shape=2, get_prob=True)
    assert m.infer_shape(x=(3, 4))[1] == [(3, 2), (3, 2)]
    assert m.infer_type(x='float64')[1] == [np.int32, np.float64]


@pytest.mark.parametrize('call,exc', [
    (lambda: nd.random.uniform(2, 1, shape=3), MXNetError),
    (lambda: nd.random.normal(0, -1, shape=3), MXNetError),
    (lambda: nd.random.normal(0, 0, shape=3), MXNetError),
    (lambda: nd.random.gamma(-1, 1, shape=2), MXNetError),
    (lambda: nd.random.gamma(1, 0, shape=2), MXNetError),
    (lambda: nd.random.exponential(-1, shape=2), MXNetError),
    (lambda: nd.random.poisson(-1, shape=2), MXNetError),
    (lambda: nd.random.negative_binomial(-1, 0.5, shape=2), MXNetError),
    (lambda: nd.random.negative_binomial(1, -0.5, shape=2), MXNetError),
    (lambda: nd.random.generalized_negative_binomial(-1, 0.5, shape=2), MXNetError),
    (lambda: nd.random.generalized_negative_binomial(1, -0.5, shape=2), MXNetError),
    (lambda: nd.random.randint(6, 5, shape=4), MXNetError),
    (lambda: nd.random.randint(5, 5, shape=4), MXNetError),
    (lambda: nd.random.randint(0.5, 5, shape=2), MXNetError),
    (lambda: nd.random.randint(0, 5, shape=2, dtype='float32'), MXNetError),
    (lambda: nd.random.randint(nd.array([0]), nd.array([4])), TypeError),
    (lambda: nd.random.uniform(shape=(-1, 2)), MXNetError),
    (lambda: nd.random.uniform(shape=()), MXNetError),
    (lambda: nd.random.randn(), MXNetError),
    (lambda: nd.random.uniform(dtype='int32'), MXNetError),
    (lambda: nd.random.uniform(1, 3, shape=2, foo=1), MXNetError),
    (lambda: nd.random.uniform(0, nd.array([1, 2])), AssertionError),
    (lambda: nd.random.uniform(nd.array([1, 2]), 3), AssertionError),
    (lambda: nd.random.uniform('a', 'b'), ValueError),
    (lambda: nd.random.uniform(nd.array([0, 1]), nd.array([1, 2, 3])), MXNetError),
    (lambda: nd.random.uniform(nd.array([0, 1], dtype='float64'), nd.array([1, 2])), MXNetError),
    (lambda: nd.random.multinomial(nd.array([1, 2], dtype='int32')), MXNetError),
    (lambda: nd.random.multinomial(nd.array([0.5, 0.5]), dtype='int64'), MXNetError),
    (lambda: nd.random.uniform_like(nd.zeros((2,), dtype='int32')), MXNetError),
    (lambda: nd.random.uniform_like(nd.zeros((2,)), low=2, high=1), MXNetError),
    (lambda: nd.random.exponential(0, shape=2), ZeroDivisionError),
], ids=lambda x: '' if callable(x) else x.__name__)
def test_errors(call, exc, ctx):
    """Bad options raise at the call; bad distribution parameters, as in MXNet, where the samples are read
    (asynchronous errors, see mx.engine)."""
    with pytest.raises(exc):
        out = call()
        for o in (out if isinstance(out, list) else [out]):
            o.asnumpy()


def test_sym_random_front_ends():
    """mx.sym.random.*: Symbol parameters sample per element, numbers give one distribution of ``shape``."""
    s = mx.sym.random.normal(loc=mx.sym.var('a'), scale=mx.sym.var('b'), shape=(3,))
    out = s.bind(mx.cpu(), {'a': mx.nd.array([0, 100]), 'b': mx.nd.array([1e-3, 1e-3])}).forward()[0]
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out.asnumpy().mean(axis=1), [0, 100], atol=0.1)
    u = mx.sym.random.uniform(2, 3, shape=(4, 5)).bind(mx.cpu(), {}).forward()[0].asnumpy()
    assert u.shape == (4, 5) and (u >= 2).all() and (u < 3).all()
    assert mx.sym.random.randn(2, 3).bind(mx.cpu(), {}).forward()[0].shape == (2, 3)
    with pytest.raises(AssertionError):
        mx.sym.random.normal(loc=mx.sym.var('a'), scale=1)
