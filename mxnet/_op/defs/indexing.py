"""Indexing operators: ``take``, ``pick``, ``one_hot``, ``where``, ``Embedding``, ``gather_nd``,
``scatter_nd``, ``batch_take`` and ``_contrib_boolean_mask``.

Index arrays may be of any dtype (MXNet takes float indices and truncates them), so these ops do not require
one dtype for all inputs; the data dtype gives the output dtype.
"""
import torch

from ...base import MXNetError
from ... import _dtype
from ... import engine as _engine
from ..registry import OpDef, register
from ..params import Bool, DType, Enum, Float, Int, Shape
from .shape import norm_axis

__all__ = ['as_index', 'IndexOutOfRange']


class IndexOutOfRange(MXNetError, IndexError):
    """An index outside its axis: an IndexError, as MXNet raises, that the op wrapper passes on unchanged."""


def _fmt(s):
    return '(' + ','.join(str(d) for d in s) + (',)' if len(s) == 1 else ')')


def as_index(t):
    """Integer (int64) form of an index tensor; float indices are truncated toward zero, as MXNet does."""
    return t.long() if t.dtype is not torch.int64 else t


def _bound(op, idx, n, mode):
    """Indices brought into [0, n) by ``mode``: clip, wrap, or raise (IndexError on out-of-range)."""
    if mode == 'wrap':
        return idx.remainder(n) if n else idx
    if mode == 'raise':
        # MXNet's valid range here is [0, n): a negative index is out of bounds too
        if idx.device.type != 'meta' and idx.numel() and (bool((idx < 0).any()) or bool((idx >= n).any())):
            bad = idx[(idx < 0) | (idx >= n)][0].item()
            raise IndexOutOfRange('%s: index %d is out of bounds for axis with size %d' % (op, bad, n))
        return idx.remainder(n) if n else idx
    return idx.clamp(0, max(n - 1, 0))


def _take(p, a, indices):
    axis = norm_axis('take', p.axis, a.dim())
    err = None
    try:
        idx = _bound('take', as_index(indices), a.shape[axis], p.mode)
    except IndexOutOfRange as e:  # found while the kernel runs in MXNet: raised where the output is read
        err = e
        idx = _bound('take', as_index(indices), a.shape[axis], 'clip')
    out = a.index_select(axis, idx.reshape(-1))
    out = out.reshape(tuple(a.shape[:axis]) + tuple(indices.shape) + tuple(a.shape[axis + 1:]))
    return out if err is None else _engine.fail(out, err)


register(OpDef('take', _take, inputs=('a', 'indices'), same_dtype=False, method=True, params={
    'axis': Int(0), 'mode': Enum(('clip', 'raise', 'wrap'), 'clip')},
    infer_type=lambda p, t: (t, [t[0]], []),
    doc='Elements of ``a`` at ``indices`` along ``axis``: shape a.shape[:axis] + indices.shape + '
        'a.shape[axis+1:]; out-of-range indices are clipped, wrapped or raise by ``mode``.'))


def _pick(p, data, index):
    if p.axis is None:
        raise MXNetError('pick: axis=None is not supported, an axis must be given')
    axis = norm_axis('pick', p.axis, data.dim())
    want = tuple(data.shape[:axis]) + tuple(data.shape[axis + 1:])
    kept = want[:axis] + (1,) + want[axis:]
    if tuple(index.shape) not in (want, kept) and not (want == () and index.numel() == 1):
        raise MXNetError('pick: index of shape %s does not match data of shape %s without axis %d, %s'
                         % (_fmt(index.shape), _fmt(data.shape), axis, _fmt(want)))
    idx = _bound('pick', as_index(index), data.shape[axis], p.mode).reshape(kept)
    out = torch.gather(data, axis, idx)
    return out if p.keepdims else out.squeeze(axis) if data.dim() > 1 else out.reshape(1)


register(OpDef('pick', _pick, inputs=('data', 'index'), aliases=('choose_element_0index',), same_dtype=False,
               method=True, infer_type=lambda p, t: (t, [t[0]], []), params={
                   'axis': Int(-1), 'keepdims': Bool(False), 'mode': Enum(('clip', 'wrap'), 'clip')},
               doc='One element per position along ``axis``: out[i] = data[i..., index[i], ...].'))


def _one_hot(p, indices):
    dt = _dtype.to_torch(p.dtype)
    idx = as_index(indices)
    valid = (idx >= 0) & (idx < p.depth)
    hot = torch.arange(p.depth, device=idx.device) == idx.unsqueeze(-1)
    hot = hot & valid.unsqueeze(-1)
    on = torch.tensor(p.on_value, dtype=dt, device=idx.device)
    off = torch.tensor(p.off_value, dtype=dt, device=idx.device)
    return torch.where(hot, on, off)


register(OpDef('one_hot', _one_hot, inputs=('indices',), method=True, params={
    'depth': Int(), 'on_value': Float(1.0), 'off_value': Float(0.0), 'dtype': DType('float32')},
    infer_type=lambda p, t: (t, [p.dtype], []),
    doc='out[..., j] = on_value where j == indices[...], else off_value (out-of-range indices: all off).'))


def _where(p, condition, x, y):
    if x.shape != y.shape:
        raise MXNetError('where: x and y must have the same shape, got %s and %s' % (_fmt(x.shape), _fmt(y.shape)))
    if x.dtype is not y.dtype:
        raise MXNetError('where: x and y must have the same dtype, got %s and %s'
                         % (_dtype.TORCH2NAME[x.dtype], _dtype.TORCH2NAME[y.dtype]))
    cond = condition != 0
    if condition.shape != x.shape:
        if condition.dim() != 1 or x.dim() < 1 or condition.shape[0] != x.shape[0]:
            raise MXNetError('where: condition must have the shape of x %s or be 1-D of length %d, got shape %s'
                             % (_fmt(x.shape), x.shape[0] if x.dim() else 0, _fmt(condition.shape)))
        cond = cond.reshape((-1,) + (1,) * (x.dim() - 1))
    return torch.where(cond, x, y)


def _where_shape(p, shapes):
    # x and y share one shape, which fills in the other; the output needs the condition known (MXNet's rule)
    cond, x, y = shapes
    s = x if x is not None else y
    if s is None:
        return shapes, [None], []
    if x is not None and y is not None and x != y:
        raise MXNetError('where: x and y must have the same shape, got %s and %s' % (_fmt(x), _fmt(y)))
    if cond is not None and cond != s and not (len(cond) == 1 and len(s) >= 1 and cond[0] == s[0]):
        raise MXNetError('where: condition must have the shape of x %s or be 1-D of length %d, got shape %s'
                         % (_fmt(s), s[0] if s else 0, _fmt(cond)))
    return [cond, s, s], [None if cond is None else s], []


_where_shape.known_inputs = (0,)  # graph inference runs the rule only once the condition is fully known
register(OpDef('where', _where, inputs=('condition', 'x', 'y'), same_dtype=False, infer_shape=_where_shape,
               infer_type=lambda p, t: (t, [t[1] or t[2]], []),
               doc='Elements of x where condition is non-zero, else of y; a 1-D condition selects rows.'))


def _embedding(p, data, weight):
    if tuple(weight.shape) != (p.input_dim, p.output_dim):
        raise MXNetError('Embedding: weight has shape %s but input_dim=%d, output_dim=%d require (%d,%d)'
                         % (_fmt(weight.shape), p.input_dim, p.output_dim, p.input_dim, p.output_dim))
    idx = as_index(data).clamp(0, max(p.input_dim - 1, 0))
    return weight.index_select(0, idx.reshape(-1)).reshape(tuple(data.shape) + (p.output_dim,))


def _embedding_shape(p, shapes):
    data = shapes[0]
    w = (p.input_dim, p.output_dim)
    if shapes[1] is not None and tuple(shapes[1]) != w:
        raise MXNetError('Embedding: weight has shape %s but input_dim=%d, output_dim=%d require %s'
                         % (_fmt(shapes[1]), p.input_dim, p.output_dim, _fmt(w)))
    return [data, w], [None if data is None else tuple(data) + (p.output_dim,)], []


def _embedding_type(p, t):
    wt = t[1] or p.dtype
    return [t[0] or wt, wt], [wt], []


register(OpDef('Embedding', _embedding, inputs=('data', 'weight'), same_dtype=False,
               infer_shape=_embedding_shape, infer_type=_embedding_type, params={
                   'input_dim': Int(), 'output_dim': Int(), 'dtype': DType('float32'), 'sparse_grad': Bool(False)},
               doc='Rows of ``weight`` (input_dim, output_dim) at the indices in ``data`` (clipped to range).'))

# MXNet's deprecated sparse-gradient Embedding (its weight may be row_sparse; storage is dense here)
register(OpDef('_contrib_SparseEmbedding', _embedding, inputs=('data', 'weight'), same_dtype=False,
               infer_shape=_embedding_shape, infer_type=_embedding_type, params={
                   'input_dim': Int(), 'output_dim': Int(), 'dtype': DType('float32'), 'sparse_grad': Bool(False)},
               doc='Embedding with a row_sparse weight gradient in MXNet: the same values as ``Embedding``.'))


def _gather_index(op, data, indices):
    idx = as_index(indices)
    m = idx.shape[0] if idx.dim() else 0
    if idx.dim() == 0 or m > data.dim():
        raise MXNetError('%s: indices of shape %s: the first dimension (%d) must not exceed the data '
                         'dimensions (%d)' % (op, _fmt(indices.shape), m, data.dim()))
    return idx, m


def _gather_nd(p, data, indices):
    idx, m = _gather_index('gather_nd', data, indices)
    if idx.device.type != 'meta':
        for a in range(m):
            n = data.shape[a]
            bad = (idx[a] < -n) | (idx[a] >= n)
            if bool(bad.any()):
                raise IndexOutOfRange('gather_nd: index %d is out of bounds for axis %d with size %d'
                                 % (idx[a][bad][0].item(), a, n))
    return data[tuple(idx[a] for a in range(m))]


register(OpDef('gather_nd', _gather_nd, inputs=('data', 'indices'), same_dtype=False,
               infer_type=lambda p, t: (t, [t[0]], []),
               doc='out[y...] = data[indices[0, y...], ..., indices[M-1, y...], ...]: shape '
                   'indices.shape[1:] + data.shape[M:]; negative indices count from the end.'))


def _scatter_nd(p, data, indices):
    idx = as_index(indices)
    shape = tuple(p.shape)
    m = idx.shape[0] if idx.dim() else 0
    if idx.dim() == 0 or m > len(shape) or tuple(data.shape) != tuple(idx.shape[1:]) + shape[m:]:
        raise MXNetError('scatter_nd: data of shape %s and indices of shape %s do not fit output shape %s '
                         '(data must have shape indices.shape[1:] + shape[M:])'
                         % (_fmt(data.shape), _fmt(indices.shape), _fmt(shape)))
    out = torch.zeros(shape, dtype=data.dtype, device=data.device)
    if data.device.type == 'meta':
        return out
    ok = torch.ones(idx.shape[1:], dtype=torch.bool, device=idx.device)
    for a in range(m):  # MXNet drops entries whose index is out of range
        ok = ok & (idx[a] >= 0) & (idx[a] < shape[a])
    return out.index_put(tuple(idx[a][ok] for a in range(m)), data[ok])


register(OpDef('scatter_nd', _scatter_nd, inputs=('data', 'indices'), same_dtype=False,
               params={'shape': Shape()}, infer_type=lambda p, t: (t, [t[0]], []),
               doc='An array of ``shape`` holding zeros except out[indices[:, y...]] = data[y...].'))


def _batch_take(p, a, indices):
    if a.dim() < 1:
        raise MXNetError('batch_take: a must have at least one dimension')
    rows = a.reshape(-1, a.shape[-1]) if a.dim() > 1 else a.reshape(1, -1)
    idx = as_index(indices).reshape(-1)
    if idx.shape[0] != rows.shape[0]:
        raise MXNetError('batch_take: indices of shape %s must have one entry per row of a (%d rows, shape %s)'
                         % (_fmt(indices.shape), rows.shape[0], _fmt(a.shape)))
    idx = idx.clamp(0, rows.shape[1] - 1)
    return rows.gather(1, idx.unsqueeze(1)).reshape(indices.shape)


register(OpDef('batch_take', _batch_take, inputs=('a', 'indices'), same_dtype=False,
               infer_type=lambda p, t: (t, [t[0]], []), gradient=None,
               doc='out[i] = a[i, indices[i]] for each row i of a (no gradient, as in MXNet).'))


def _boolean_mask(p, data, index):
    axis = norm_axis('boolean_mask', p.axis, data.dim())
    if index.dim() != 1 or index.shape[0] != data.shape[axis]:
        raise MXNetError('boolean_mask: index of shape %s must be 1-D of length %d (axis %d of data shape %s)'
                         % (_fmt(index.shape), data.shape[axis], axis, _fmt(data.shape)))
    return data.index_select(axis, torch.nonzero(index != 0).reshape(-1))


register(OpDef('_contrib_boolean_mask', _boolean_mask, inputs=('data', 'index'), same_dtype=False,
               aliases=('_npi_boolean_mask',), params={'axis': Int(0)},
               infer_shape=lambda p, s: (s, [None], []),  # data-dependent: unknown until run, as in MXNet
               infer_type=lambda p, t: (t, [t[0]], []),
               doc='The slices of data along ``axis`` where index is non-zero.'))
