"""LAPACK-style linalg ops, statistics, index arithmetic and the other ops of test_operator's tail:
values against numpy (float32/float64), gradients checked numerically, MXNet's errors."""
import numpy as np

from opdb import Case, ErrorCase, rand

F32_64 = ('float32', 'float64')


def _spd(rng, dtype):
    a = rng.uniform(-1, 1, (2, 3, 3))
    return [(a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3)).astype(dtype)]


def _sym(rng, dtype):
    a = rng.uniform(-1, 1, (2, 4, 4))
    return [(a + np.swapaxes(a, -1, -2)).astype(dtype)]


def _lower(rng, dtype):
    a = np.tril(rng.uniform(0.5, 1.5, (2, 3, 3)))
    return [(a + 2 * np.eye(3)).astype(dtype), rng.uniform(-1, 1, (2, 3, 4)).astype(dtype)]


def _syevd_ref(a):
    lam, v = np.linalg.eigh(a.astype(np.float64))
    u = np.swapaxes(v, -1, -2).copy()
    for idx in np.ndindex(u.shape[:-1]):
        if u[idx][np.argmax(np.abs(u[idx]))] < 0:
            u[idx] = -u[idx]
    return [u, lam]


def _trian_roundtrip(a, offset=0, lower=True):
    return np.tril(a, offset) if offset < 0 or (offset == 0 and lower) else np.triu(a, offset)


def _moments_ref(x, axes=None, keepdims=False):
    return [x.mean(axis=axes, keepdims=keepdims), x.var(axis=axes, keepdims=keepdims)]


def _unravel_ref(x, shape):
    return np.stack(np.unravel_index(x.astype(np.int64), shape)).astype(x.dtype)


def _softmax_xent_ref(x, label):
    e = np.exp(x - x.max(1, keepdims=True))
    p = e / e.sum(1, keepdims=True)
    return np.array([-np.log(p[np.arange(len(label)), label.astype(int)]).sum()])


def _qk_ref(qkv, heads):
    n, b, _ = qkv.shape
    t = qkv.reshape(n, b, heads, 3, -1).transpose(3, 1, 2, 0, 4).reshape(3, b * heads, n, -1)
    return t[0] / np.sqrt(t.shape[-1]) @ np.swapaxes(t[1], -1, -2)


def _im2col_ref(x, kernel):
    n, c, h, w = x.shape
    kh, kw = kernel
    cols = [x[:, :, i:i + h - kh + 1, j:j + w - kw + 1] for i in range(kh) for j in range(kw)]
    return np.stack(cols, 2).reshape(n, c * kh * kw, -1)


CASES = [
    Case('linalg_gemm', rand((2, 3), (3, 4), (2, 4)), lambda a, b, c, **_: 2 * a @ b + 0.5 * c,
         dict(alpha=2.0, beta=0.5), dtypes=F32_64),
    Case('linalg_potrf', _spd, lambda a: np.linalg.cholesky(a.astype(np.float64)), dtypes=F32_64, grad=False),
    Case('linalg_potri', _spd, lambda a: np.linalg.inv(np.tril(a) @ np.swapaxes(np.tril(a), -1, -2)),
         dtypes=F32_64, grad=False, tol={'float32': (1e-3, 1e-4)}),
    Case('linalg_trmm', _lower, lambda a, b, **_: 3 * np.tril(a) @ b, dict(alpha=3.0), dtypes=F32_64),
    Case('linalg_trsm', _lower, lambda a, b, **_: np.linalg.solve(np.tril(a), b), dtypes=F32_64),
    Case('linalg_sumlogdiag', _spd, lambda a: np.log(np.diagonal(a, axis1=-2, axis2=-1)).sum(-1), dtypes=F32_64),
    Case('linalg_syrk', rand((2, 3, 4)), lambda a, **_: a @ np.swapaxes(a, -1, -2), dtypes=F32_64),
    Case('linalg_syevd', _sym, _syevd_ref, dtypes=('float64',), grad=False),
    Case('linalg_inverse', _spd, lambda a: np.linalg.inv(a), dtypes=F32_64, tol={'float32': (1e-4, 1e-5)}),
    Case('linalg_det', _spd, lambda a: np.linalg.det(a), dtypes=F32_64, tol={'float32': (1e-4, 1e-4)}),
    Case('linalg_extractdiag', rand((2, 3, 3)), lambda a, offset=0: np.diagonal(a, offset, -2, -1).copy(),
         dict(offset=1), dtypes=F32_64),
    Case('linalg_makediag', rand((2, 3)), lambda a, offset=0: np.stack([np.diag(r, offset) for r in a]),
         dict(offset=-1), dtypes=F32_64),
    Case('moments', rand((3, 4, 5)), _moments_ref, dict(axes=(0, 2)), dtypes=F32_64),
    Case('moments', rand((3, 4)), _moments_ref, dict(axes=(1,), keepdims=True), dtypes=F32_64,
         name='moments_keepdims'),
    Case('_contrib_quadratic', rand((3, 4)), lambda x, a, b, c: a * x * x + b * x + c, dict(a=2.0, b=-1.0, c=0.5)),
    Case('add_n', rand((2, 3), (2, 3), (2, 3)), lambda *xs: sum(xs)),
    Case('unravel_index', lambda rng, dt: [np.array([0, 5, 11, 7], dtype=dt)], _unravel_ref, dict(shape=(3, 4)),
         dtypes=('float32', 'int64'), grad=False),
    Case('_contrib_index_array', rand((2, 3)), lambda x: np.stack(np.indices(x.shape), -1), out_dtype='int64',
         dtypes=('float32',), grad=False),
    Case('softmax_cross_entropy', lambda rng, dt: [rng.uniform(-1, 1, (4, 5)).astype(dt),
                                                   np.array([0, 4, 2, 1], dtype=dt)],
         _softmax_xent_ref, dtypes=F32_64, grad=False),
    Case('_contrib_interleaved_matmul_selfatt_qk', rand((3, 2, 12)), _qk_ref, dict(heads=2), dtypes=F32_64),
    Case('im2col', rand((2, 2, 4, 5)), lambda x, kernel: _im2col_ref(x, kernel), dict(kernel=(2, 3)),
         dtypes=F32_64),
    Case('_contrib_AdaptiveAvgPooling2D', rand((1, 2, 4, 6)),
         lambda x, output_size: x.reshape(1, 2, 2, 2, 3, 2).mean((3, 5)), dict(output_size=(2, 3)),
         dtypes=F32_64),
]

ERROR_CASES = [
    ErrorCase('linalg_potrf', rand((2, 3)), match='square'),
    ErrorCase('linalg_gelqf', rand((3, 2)), match='more rows than columns'),
    ErrorCase('Correlation', rand((1, 1, 28, 28), (1, 1, 28, 28)), dict(kernel_size=28), match='fit'),
    ErrorCase('ravel_multi_index', rand((3, 4)), dict(shape=(2, 2)), match='2-D'),
]
