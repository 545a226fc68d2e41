"""``mx.np.linalg``: NumPy's linear-algebra functions on ``torch.linalg``."""
import torch

from .multiarray import default_float
from .functions import _tensors, _ret, _first_array, compute

__all__ = ['norm', 'inv', 'det', 'slogdet', 'svd', 'cholesky', 'qr', 'eig', 'eigh', 'eigvals', 'eigvalsh',
           'pinv', 'solve', 'lstsq', 'matrix_rank', 'matrix_power', 'tensorinv', 'tensorsolve', 'multi_dot']


def _float(t):
    return t if t.is_floating_point() else t.to(default_float())


def _make(name, fn, n_inputs=1):
    def f(*args, **kwargs):
        arrays, rest = args[:n_inputs], args[n_inputs:]
        ts = [_float(t) for t in _tensors(*arrays)]
        return _ret(compute(fn, ts, *rest, **kwargs), _first_array(arrays))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = 'NumPy ``linalg.%s`` (on ``torch.linalg``).' % name
    return f


def _svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    if not compute_uv:
        return torch.linalg.svdvals(a)
    return tuple(torch.linalg.svd(a, full_matrices=full_matrices))


def _qr(a, mode='reduced'):
    return tuple(torch.linalg.qr(a, mode=mode))


def _eigh(a, UPLO='L'):  # noqa: N803
    return tuple(torch.linalg.eigh(a, UPLO=UPLO))


def _lstsq(a, b, rcond='warn'):
    r = torch.linalg.lstsq(a, b)
    rank = torch.linalg.matrix_rank(a)
    return r.solution, r.residuals, rank, torch.linalg.svdvals(a)


def _norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    if axis is None and ord is None:
        return torch.linalg.vector_norm(x.reshape(-1), keepdim=False).reshape((1,) * x.dim() if keepdims else ())
    if isinstance(axis, (tuple, list)) and len(axis) == 2 or (axis is None and x.dim() == 2 and ord is not None):
        return torch.linalg.matrix_norm(x, ord='fro' if ord is None else ord,
                                        dim=tuple(axis) if axis is not None else (-2, -1), keepdim=keepdims)
    return torch.linalg.vector_norm(x, 2 if ord is None else ord, dim=axis, keepdim=keepdims)


def _tensorinv(a, ind=2):
    shape = a.shape[:ind]
    n = 1
    for d in shape:
        n *= d
    return torch.linalg.inv(a.reshape(n, -1)).reshape(tuple(a.shape[ind:]) + tuple(shape))


norm = _make('norm', _norm)
inv = _make('inv', torch.linalg.inv)
det = _make('det', torch.linalg.det)
slogdet = _make('slogdet', lambda a: tuple(torch.linalg.slogdet(a)))
svd = _make('svd', _svd)
cholesky = _make('cholesky', torch.linalg.cholesky)
qr = _make('qr', _qr)
eig = _make('eig', lambda a: tuple(torch.linalg.eig(a)))
eigh = _make('eigh', _eigh)
eigvals = _make('eigvals', torch.linalg.eigvals)
eigvalsh = _make('eigvalsh', torch.linalg.eigvalsh)
pinv = _make('pinv', lambda a, rcond=1e-15, hermitian=False: torch.linalg.pinv(a, rtol=rcond, hermitian=hermitian))
solve = _make('solve', torch.linalg.solve, 2)
lstsq = _make('lstsq', _lstsq, 2)
matrix_rank = _make('matrix_rank', lambda a, tol=None, hermitian=False: torch.linalg.matrix_rank(
    a, atol=tol, hermitian=hermitian))
matrix_power = _make('matrix_power', torch.linalg.matrix_power)
tensorinv = _make('tensorinv', _tensorinv)
tensorsolve = _make('tensorsolve', lambda a, b, axes=None: torch.linalg.tensorsolve(a, b, dims=axes), 2)


def multi_dot(arrays, out=None):
    ts = [_float(t) for t in _tensors(*arrays)]
    return _ret(compute(torch.linalg.multi_dot, [ts]), _first_array(arrays), out)
