"""LAPACK-style operators of ``mx.nd.linalg``/``mx.sym.linalg`` on batches of matrices (the last two axes):
``gemm``, ``potrf``, ``potri``, ``trmm``, ``trsm``, ``sumlogdiag``, ``syrk``, ``gelqf``, ``syevd``, ``inverse``,
``det``, ``slogdet`` and the diagonal/triangle packers ``extractdiag``, ``makediag``, ``extracttrian``,
``maketrian``.

As in MXNet, triangular inputs are read only on their ``lower`` (or upper) triangle, ``syevd`` returns the
eigenvectors as the rows of U (each with its largest-magnitude entry positive) and eigenvalues ascending, and
``gelqf`` factors A = L Q with orthonormal rows of Q. Inputs are float32 or float64.
"""
import math

import torch

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Bool, Float, Int
from .linalg import _require
from .reduce import fmt_shape

_REAL = (torch.float32, torch.float64)


def _mats(name, *xs, square=False):
    """Checks of MXNet's linalg ops: float32/float64 arrays of at least 2 dimensions (square if asked)."""
    _require(name, xs, _REAL)
    for x in xs:
        if x.dim() < 2:
            raise MXNetError('%s: the input must have at least 2 dimensions, got shape %s' % (name, fmt_shape(x.shape)))
        if square and x.shape[-1] != x.shape[-2]:
            raise MXNetError('%s: the input matrices must be square, got shape %s' % (name, fmt_shape(x.shape)))


class _small_lapack:
    """Runs a LAPACK factorization of small matrices on one thread: on a busy machine the threaded LAPACK
    path is tens of times slower for them (thread start and spin costs dominate)."""

    def __init__(self, a):
        self.one = a.device.type == 'cpu' and a.shape[-1] * a.shape[-2] <= 65536

    def __enter__(self):
        if self.one:
            self.saved = torch.get_num_threads()
            torch.set_num_threads(1)

    def __exit__(self, *exc):
        if self.one:
            torch.set_num_threads(self.saved)


def _tri(a, lower):
    return torch.tril(a) if lower else torch.triu(a)


def _t(a):
    return a.transpose(-1, -2)


def _linalg(name, compute, inputs=('A',), outputs=('output',), params=None, doc=''):
    register(OpDef('_linalg_' + name, compute, inputs=inputs, outputs=outputs, params=params or {},
                   aliases=('linalg_' + name,), doc=doc))


# ---- products -----------------------------------------------------------------------------------------------
def _gemm(p, a, b, c):
    _mats('_linalg_gemm', a, b, c)
    nd = a.dim()
    if b.dim() != nd or c.dim() != nd:
        raise MXNetError('_linalg_gemm: A, B and C must have the same number of dimensions, got %s, %s, %s'
                         % (fmt_shape(a.shape), fmt_shape(b.shape), fmt_shape(c.shape)))
    if not -nd <= p.axis < nd - 1 or p.axis % nd == nd - 1:
        raise MXNetError('_linalg_gemm: axis %d must name a row axis before the last axis' % p.axis)
    axis = p.axis % nd
    a2, b2, c2 = (x.movedim(axis, -2) for x in (a, b, c))
    a2 = _t(a2) if p.transpose_a else a2
    b2 = _t(b2) if p.transpose_b else b2
    if a2.shape[-1] != b2.shape[-2] or c2.shape[-2:] != (a2.shape[-2], b2.shape[-1]) or \
            not (a2.shape[:-2] == b2.shape[:-2] == c2.shape[:-2]):
        raise MXNetError('_linalg_gemm: incompatible shapes A %s, B %s, C %s (transpose_a=%s, transpose_b=%s)'
                         % (fmt_shape(a.shape), fmt_shape(b.shape), fmt_shape(c.shape), p.transpose_a,
                            p.transpose_b))
    out = p.alpha * torch.matmul(a2, b2) + p.beta * c2
    return out.movedim(-2, axis)


_linalg('gemm', _gemm, inputs=('A', 'B', 'C'), params=dict(
    transpose_a=Bool(False, 'use the transpose of A'), transpose_b=Bool(False, 'use the transpose of B'),
    alpha=Float(1.0, 'scale of the product'), beta=Float(1.0, 'scale of C'),
    axis=Int(-2, 'the row axis of the matrices; the last axis is the column axis')),
    doc='alpha * op(A) op(B) + beta * C over the matrices of A, B and C.')


def _syrk(p, a):
    _mats('_linalg_syrk', a)
    return p.alpha * (torch.matmul(_t(a), a) if p.transpose else torch.matmul(a, _t(a)))


_linalg('syrk', _syrk, params=dict(transpose=Bool(False, 'compute A^T A instead of A A^T'),
                                   alpha=Float(1.0, 'scale of the product')),
        doc='alpha * A A^T (alpha * A^T A with transpose) for each matrix A.')


def _tri_params():
    return dict(transpose=Bool(False, 'use the transpose of A'),
                rightside=Bool(False, 'A multiplies from the right'),
                lower=Bool(True, 'A is lower (else upper) triangular'),
                alpha=Float(1.0, 'scale of the result'))


def _check_tri(name, a, b, rightside):
    _mats(name, a, square=True)
    _mats(name, b)
    n = a.shape[-1]
    if a.shape[:-2] != b.shape[:-2] or b.shape[-1 if rightside else -2] != n:
        raise MXNetError('%s: incompatible shapes A %s and B %s (rightside=%s)'
                         % (name, fmt_shape(a.shape), fmt_shape(b.shape), rightside))


def _trmm(p, a, b):
    _check_tri('_linalg_trmm', a, b, p.rightside)
    t = _tri(a, p.lower)
    t = _t(t) if p.transpose else t
    return p.alpha * (torch.matmul(b, t) if p.rightside else torch.matmul(t, b))


_linalg('trmm', _trmm, inputs=('A', 'B'), params=_tri_params(),
        doc='alpha * op(A) B (B op(A) with rightside) for triangular A.')


def _trsm(p, a, b):
    _check_tri('_linalg_trsm', a, b, p.rightside)
    t = _tri(a, p.lower)
    upper = not p.lower
    if p.transpose:
        t, upper = _t(t), p.lower
    return torch.linalg.solve_triangular(t, p.alpha * b, upper=upper, left=not p.rightside)


_linalg('trsm', _trsm, inputs=('A', 'B'), params=_tri_params(),
        doc='X with op(A) X = alpha B (X op(A) = alpha B with rightside) for triangular A.')


# ---- factorizations -------------------------------------------------------------------------------------------
def _potrf(p, a):
    _mats('_linalg_potrf', a, square=True)
    sym = torch.tril(a) + _t(torch.tril(a, -1))  # the lower triangle describes the symmetric matrix
    with _small_lapack(a):
        res, info = torch.linalg.cholesky_ex(sym)
    if a.device.type != 'meta' and bool((info != 0).any()):
        raise MXNetError('_linalg_potrf: the input matrix is not positive definite')
    return res if p.lower else _t(res)


_linalg('potrf', _potrf, params=dict(lower=Bool(True, 'return the lower (else upper) triangular factor')),
        doc='Cholesky factor L (A = L L^T) of each symmetric positive definite matrix A; U with A = U^T U '
            'when lower is False.')


def _potri(p, a):
    _mats('_linalg_potri', a, square=True)
    with _small_lapack(a):
        return torch.cholesky_inverse(_tri(a, p.lower), upper=not p.lower)


_linalg('potri', _potri, params=dict(lower=Bool(True, 'A is the lower (else upper) Cholesky factor')),
        doc='The inverse of the matrix whose Cholesky factor is A: (A A^T)^-1 (lower) or (A^T A)^-1.')


def _sumlogdiag(p, a):
    _mats('_linalg_sumlogdiag', a, square=True)
    out = torch.log(torch.diagonal(a, dim1=-2, dim2=-1)).sum(-1)
    return out.reshape(1) if out.dim() == 0 else out


def _batch_shape(p, s):
    """Shape rule of the matrix-to-scalar reductions: the batch axes, (1,) for a single matrix."""
    return s, [None if s[0] is None else (tuple(s[0][:-2]) or (1,))], []


register(OpDef('_linalg_sumlogdiag', _sumlogdiag, inputs=('A',), aliases=('linalg_sumlogdiag',),
               infer_shape=_batch_shape,
               doc='Sum of the logarithms of the diagonal of each square matrix.'))


def _gelqf(p, a):
    _mats('_linalg_gelqf', a)
    m, n = a.shape[-2:]
    if m > n:
        raise MXNetError('_linalg_gelqf: the matrices must not have more rows than columns, got shape %s'
                         % fmt_shape(a.shape))
    with _small_lapack(a):
        q, r = torch.linalg.qr(_t(a))
    return _t(q), _t(r)


def _gelqf_shapes(p, s):
    if s[0] is None:
        return s, [None, None], []
    m = s[0][-2]
    return s, [tuple(s[0]), tuple(s[0][:-1]) + (m,)], []


register(OpDef('_linalg_gelqf', _gelqf, inputs=('A',), outputs=('Q', 'L'), aliases=('linalg_gelqf',),
               infer_shape=_gelqf_shapes,
               doc='LQ factorization A = L Q of each matrix (rows <= columns): L lower triangular, Q with '
                   'orthonormal rows.'))


class _Syevd(torch.autograd.Function):
    """Symmetric eigen-decomposition A = U^T diag(L) U with MXNet's backward rule."""

    @staticmethod
    def forward(ctx, a):
        with _small_lapack(a):
            lam, v = torch.linalg.eigh(a)
        u = _t(v).contiguous()
        if u.numel():  # unique signs: the largest-magnitude entry of each eigenvector is positive
            idx = u.abs().argmax(-1, keepdim=True)
            sign = torch.sign(torch.gather(u, -1, idx))
            u = u * torch.where(sign == 0, torch.ones_like(sign), sign)
        ctx.save_for_backward(u, lam)
        return u, lam

    @staticmethod
    def backward(ctx, gu, gl):
        u, lam = ctx.saved_tensors
        n = lam.shape[-1]
        gu = torch.zeros_like(u) if gu is None else gu
        gl = torch.zeros_like(lam) if gl is None else gl
        temp = torch.matmul(gu, _t(u))
        diff = 2.0 * (lam.unsqueeze(-1) - lam.unsqueeze(-2))  # [i, j] = 2 (l_i - l_j)
        off = torch.tril(torch.ones(n, n, dtype=torch.bool, device=u.device), -1)
        elem = torch.where(off, (temp - _t(temp)) / torch.where(off, diff, torch.ones_like(diff)),
                           torch.zeros_like(temp))
        mid = elem + _t(elem) + torch.diag_embed(gl)
        return torch.matmul(torch.matmul(_t(u), mid), u)


def _syevd(p, a):
    _mats('_linalg_syevd', a, square=True)
    if a.device.type == 'meta':
        return torch.empty_like(a), a.new_empty(a.shape[:-1])
    return _Syevd.apply(a)


register(OpDef('_linalg_syevd', _syevd, inputs=('A',), outputs=('U', 'L'), aliases=('linalg_syevd',),
               infer_shape=lambda p, s: (s, [None, None] if s[0] is None else [tuple(s[0]), tuple(s[0][:-1])],
                                         []),
               doc='Eigen-decomposition A = U^T diag(L) U of each symmetric matrix: the rows of U are the '
                   'eigenvectors, L the eigenvalues in ascending order.'))


# ---- inverse and determinants ---------------------------------------------------------------------------------
def _inverse(p, a):
    _mats('_linalg_inverse', a, square=True)
    with _small_lapack(a):
        return torch.linalg.inv(a)


_linalg('inverse', _inverse, doc='The inverse of each square matrix.')


def _det(p, a):
    _mats('_linalg_det', a, square=True)
    with _small_lapack(a):
        d = torch.linalg.det(a)
    return d.reshape(1) if d.dim() == 0 else d


register(OpDef('_linalg_det', _det, inputs=('A',), aliases=('linalg_det',), infer_shape=_batch_shape,
               doc='The determinant of each square matrix.'))


def _slogdet(p, a):
    _mats('_linalg_slogdet', a, square=True)
    with _small_lapack(a):
        sign, logabs = torch.linalg.slogdet(a)
    if sign.dim() == 0:
        sign, logabs = sign.reshape(1), logabs.reshape(1)
    return sign, logabs


register(OpDef('_linalg_slogdet', _slogdet, inputs=('A',), outputs=('sign', 'logdet'), aliases=('linalg_slogdet',),
               infer_shape=lambda p, s: (s, _batch_shape(p, s)[1] * 2, []),
               doc='Sign and log of the absolute value of the determinant of each square matrix.'))


# ---- diagonals and triangles ----------------------------------------------------------------------------------
def _extractdiag(p, a):
    _mats('_linalg_extractdiag', a, square=True)
    n = a.shape[-1]
    if abs(p.offset) >= max(n, 1):
        raise MXNetError('_linalg_extractdiag: offset %d is out of range for %dx%d matrices' % (p.offset, n, n))
    return torch.diagonal(a, offset=p.offset, dim1=-2, dim2=-1).clone()


_linalg('extractdiag', _extractdiag, params=dict(offset=Int(0, 'diagonal offset: > 0 above, < 0 below')),
        doc='The diagonal (at ``offset``) of each square matrix.')


def _makediag(p, a):
    _require('_linalg_makediag', (a,), _REAL)
    if a.dim() < 1:
        raise MXNetError('_linalg_makediag: the input must have at least 1 dimension')
    return torch.diag_embed(a, offset=p.offset)


_linalg('makediag', _makediag, params=dict(offset=Int(0, 'diagonal offset: > 0 above, < 0 below')),
        doc='Square matrices with the last axis of A on their diagonal (at ``offset``), zeros elsewhere.')


def _trian_index(n, offset, lower, device):
    """Row-major (row, column) indices of the triangle: lower for offset < 0 (or 0 and lower), else upper."""
    if offset < 0 or (offset == 0 and lower):
        return torch.tril_indices(n, n, offset, device=device)
    return torch.triu_indices(n, n, offset, device=device)


def _trian_params():
    return dict(offset=Int(0, 'diagonal offset: > 0 upper, < 0 lower triangle'),
                lower=Bool(True, 'with offset 0: the lower (else upper) triangle'))


def _extracttrian(p, a):
    _mats('_linalg_extracttrian', a, square=True)
    n = a.shape[-1]
    if abs(p.offset) >= max(n, 1):
        raise MXNetError('_linalg_extracttrian: offset %d is out of range for %dx%d matrices' % (p.offset, n, n))
    r, c = _trian_index(n, p.offset, p.lower, a.device)
    return a[..., r, c]


_linalg('extracttrian', _extracttrian, params=_trian_params(),
        doc='The triangle (at ``offset``) of each square matrix, packed row by row into a vector.')


def _maketrian(p, a):
    _require('_linalg_maketrian', (a,), _REAL)
    if a.dim() < 1:
        raise MXNetError('_linalg_maketrian: the input must have at least 1 dimension')
    k = a.shape[-1]
    m = int((math.isqrt(8 * k + 1) - 1) // 2)
    if m * (m + 1) // 2 != k:
        raise MXNetError('_linalg_maketrian: %d is not the size of a packed triangle' % k)
    n = m + abs(p.offset)
    r, c = _trian_index(n, p.offset, p.lower, a.device)
    out = a.new_zeros(tuple(a.shape[:-1]) + (n, n))
    out[..., r, c] = a
    return out


_linalg('maketrian', _maketrian, params=_trian_params(),
        doc='Square matrices whose triangle (at ``offset``) is filled row by row from the last axis of A.')
