"""Matrix products: ``dot``, ``batch_dot``, ``_linalg_gemm2`` (``linalg_gemm2``) and ``khatri_rao``.

MXNet's ``dot`` treats an N-D lhs as a matrix whose columns are its last axis (its first axis with
``transpose_a``) and an N-D rhs as a matrix whose rows are its first axis (its last axis with
``transpose_b``): ``(2,3,4)·(4,5) -> (2,3,5)``, ``(2,3,4)·(5,6,4)ᵀ -> (2,3,5,6)``; 1-D·1-D gives shape (1,).
These operators take floating-point inputs only.
"""
import torch

from ...base import MXNetError
from ... import _dtype
from ..registry import OpDef, register
from ..params import Bool, Enum, Float, Int
from .reduce import fmt_shape

_FLOATS = (torch.float16, torch.float32, torch.float64)


def _require(name, tensors, allowed=_FLOATS):
    for t in tensors:
        if t.dtype not in allowed:
            raise MXNetError('%s only supports %s inputs, got %s'
                             % (name, '/'.join(_dtype.TORCH2NAME[a] for a in allowed), _dtype.TORCH2NAME[t.dtype]))


def _mismatch(name, lhs, rhs, p, detail):
    return MXNetError('%s shape error: %s X %s (transpose_a=%s, transpose_b=%s): %s'
                      % (name, fmt_shape(lhs.shape), fmt_shape(rhs.shape), p.transpose_a, p.transpose_b, detail))


def _dot(p, lhs, rhs):
    _require('dot', (lhs, rhs))
    ta, tb = p.transpose_a, p.transpose_b
    if lhs.dim() == 2 and rhs.dim() == 2:  # the common case: exactly one matmul on (views of) the inputs
        a = lhs.t() if ta else lhs
        b = rhs.t() if tb else rhs
        if a.shape[1] != b.shape[0]:
            raise _mismatch('dot', lhs, rhs, p, 'contracted sizes %d vs %d' % (a.shape[1], b.shape[0]))
        return torch.matmul(a, b)
    if lhs.dim() == 1 and rhs.dim() == 1 and (ta or tb):
        raise MXNetError('dot: cannot transpose vectors (lhs %s, rhs %s)' % (fmt_shape(lhs.shape),
                                                                            fmt_shape(rhs.shape)))
    ls, rs = tuple(lhs.shape), tuple(rhs.shape)
    a = lhs.reshape(ls[0], -1).t() if ta else lhs.reshape(-1, ls[-1])
    b = rhs.reshape(-1, rs[-1]).t() if tb else rhs.reshape(rs[0], -1)
    if a.shape[1] != b.shape[0]:
        raise _mismatch('dot', lhs, rhs, p, 'contracted sizes %d vs %d' % (a.shape[1], b.shape[0]))
    out_shape = (ls[1:] if ta else ls[:-1]) + (rs[:-1] if tb else rs[1:])
    return torch.matmul(a, b).reshape(out_shape or (1,))


_STYPE = Enum(('csr', 'default', 'row_sparse'), None, 'storage type of the output (ignored: dense only)')


def _transposes():
    return {'transpose_a': Bool(False, 'use the transpose of lhs'),
            'transpose_b': Bool(False, 'use the transpose of rhs')}


register(OpDef('dot', _dot, inputs=('lhs', 'rhs'), params=dict(_transposes(), forward_stype=_STYPE),
               doc='Matrix product of two arrays; N-D arrays contract the last axis of lhs with the first '
                   'axis of rhs.'))


def _batch_dot(p, lhs, rhs):
    _require('batch_dot', (lhs, rhs))
    if lhs.dim() < 3 or lhs.dim() != rhs.dim():
        raise MXNetError('batch_dot only supports N-D x N-D arrays with N >= 3, got %s X %s'
                         % (fmt_shape(lhs.shape), fmt_shape(rhs.shape)))
    if lhs.shape[:-2] != rhs.shape[:-2]:
        raise _mismatch('batch_dot', lhs, rhs, p, 'the leading batch dimensions must be equal')
    a = lhs.transpose(-1, -2) if p.transpose_a else lhs
    b = rhs.transpose(-1, -2) if p.transpose_b else rhs
    if a.shape[-1] != b.shape[-2]:
        raise _mismatch('batch_dot', lhs, rhs, p, 'contracted sizes %d vs %d' % (a.shape[-1], b.shape[-2]))
    return torch.matmul(a, b)


register(OpDef('batch_dot', _batch_dot, inputs=('lhs', 'rhs'), params=dict(_transposes(), forward_stype=_STYPE),
               doc='Batched matrix product of N-D arrays (N >= 3) over their last two axes; the leading axes '
                   'are batch axes and must match.'))


def _gemm2(p, a, b):
    name = '_linalg_gemm2'
    _require(name, (a, b), (torch.float32, torch.float64))
    if a.dim() < 2 or a.dim() != b.dim():
        raise MXNetError('%s: the inputs must have the same number (>= 2) of dimensions, got %s and %s'
                         % (name, fmt_shape(a.shape), fmt_shape(b.shape)))
    nd = a.dim()
    if not -nd <= p.axis < nd - 1 or p.axis % nd == nd - 1:
        raise MXNetError('%s: axis %d must name a row axis before the last axis of %d-D inputs'
                         % (name, p.axis, nd))
    axis = p.axis % nd
    a2, b2 = a.movedim(axis, -2), b.movedim(axis, -2)
    if a2.shape[:-2] != b2.shape[:-2]:
        raise MXNetError('%s: the shapes of A %s and B %s must be the same except on the row/column axes'
                         % (name, fmt_shape(a.shape), fmt_shape(b.shape)))
    if p.transpose_a:
        a2 = a2.transpose(-1, -2)
    if p.transpose_b:
        b2 = b2.transpose(-1, -2)
    if a2.shape[-1] != b2.shape[-2]:
        raise MXNetError('%s: incompatible matrix dimensions for multiplication: A %s, B %s (transpose_a=%s, '
                         'transpose_b=%s)' % (name, fmt_shape(a.shape), fmt_shape(b.shape), p.transpose_a,
                                              p.transpose_b))
    out = torch.matmul(a2, b2)
    if p.alpha != 1.0:
        out = out * p.alpha
    return out.movedim(-2, axis)


register(OpDef('_linalg_gemm2', _gemm2, inputs=('A', 'B'), aliases=('linalg_gemm2',), params=dict(
    _transposes(), alpha=Float(1.0, 'scale of the product'),
    axis=Int(-2, 'the row axis of the matrices; the last axis is the column axis')),
    doc='alpha * op(A) op(B) over the matrices of A and B, op() transposing when asked.'))


def _khatri_rao(p, *mats):
    _require('khatri_rao', mats)
    if not mats:
        raise MXNetError('khatri_rao needs at least one input')
    for m in mats:
        if m.dim() != 2 or m.shape[1] != mats[0].shape[1]:
            raise MXNetError('khatri_rao: every input must be a 2-D matrix with the same number of columns, '
                             'got shapes %s' % ', '.join(fmt_shape(x.shape) for x in mats))
    out = mats[0]
    cols = out.shape[1]
    for m in mats[1:]:
        out = (out.unsqueeze(1) * m.unsqueeze(0)).reshape(-1, cols)
    return out if len(mats) > 1 else out.clone()


register(OpDef('khatri_rao', _khatri_rao, variadic='num_args', params={'num_args': Int(None, 'number of inputs')},
               doc='Column-wise Kronecker product of 2-D matrices with the same number of columns.'))
