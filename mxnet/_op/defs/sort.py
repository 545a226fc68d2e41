"""Sorting: ``topk``, ``sort`` and ``argsort``.

MXNet contract: ``axis`` None works on the flattened array; equal elements keep their original order in
either direction (a stable sort); indices come back as floats (``dtype``, default float32) unless asked
otherwise. ``topk`` with ``k <= 0`` returns every element; ``ret_typ`` picks indices, values, both
(``[values, indices]``) or a 0/1 mask in the input dtype marking the top k.
"""
import torch

from ...base import MXNetError
from ... import _dtype
from ..registry import OpDef, register
from ..params import Bool, Enum, Int

_INDEX_DTYPES = ('float16', 'float32', 'float64', 'int32', 'int64', 'uint8')


def _axis_of(name, x, axis):
    """(array, axis): the flattened array for axis None, else ``x`` and the non-negative axis."""
    if axis is None:
        return x.reshape(-1), 0
    ndim = x.dim()
    a = axis + ndim if axis < 0 else axis
    if not 0 <= a < ndim:
        raise MXNetError('%s: invalid axis %d for a %d-D input: axis should be between %d and %d'
                         % (name, axis, ndim, -ndim, ndim - 1))
    return x, a


def _sorted(name, data, axis, ascending):
    x, a = _axis_of(name, data, axis)
    vals, idx = torch.sort(x, dim=a, descending=not ascending, stable=True)
    return x, a, vals, idx


def _index_param():
    return Enum(_INDEX_DTYPES, 'float32', 'dtype of the returned indices')


def _stable_topk(x, a, k, ascending):
    """(values, indices) of the k first elements of a stable sort along ``a``, or None where torch.topk
    cannot give them (equal elements straddling the k-th place): much cheaper than a full sort for small k."""
    vals, idx = torch.topk(x, k, dim=a, largest=not ascending, sorted=True)
    kth = vals.narrow(a, k - 1, 1)
    if not torch.equal((x == kth).sum(a), (vals == kth).sum(a)):
        return None
    order = idx.argsort(dim=a)  # equal values within the k: lower index first, as a stable sort does
    vals, idx = vals.gather(a, order), idx.gather(a, order)
    vals, o2 = torch.sort(vals, dim=a, descending=not ascending, stable=True)
    return vals, idx.gather(a, o2)


def _topk(p, data):
    x, a = _axis_of('topk', data, p.axis)
    n = x.shape[a]
    k = p.k if p.k > 0 else n
    if k > n:
        raise MXNetError('topk: k must not exceed the size %d of the sorted axis, got k = %d' % (n, k))
    fast = (_stable_topk(x, a, k, p.is_ascend) if n >= 4096 and 0 < k <= n // 8 and x.device.type != 'meta'
            and not x.dtype.is_complex and x.dtype != torch.bool else None)
    if fast is not None:
        vals, idx = fast
    else:
        vals, idx = torch.sort(x, dim=a, descending=not p.is_ascend, stable=True)
        vals, idx = vals.narrow(a, 0, k), idx.narrow(a, 0, k)
    if p.ret_typ == 'mask':
        return torch.zeros_like(x).scatter(a, idx, 1).reshape(data.shape)
    idx = idx.to(_dtype.to_torch(p.dtype))
    if p.ret_typ == 'indices':
        return idx
    return vals, idx


def _topk_outputs(p):
    return ('output0', 'output1') if p.ret_typ in ('value', 'both') else ('output',)


def _topk_type(p, t):
    if p.ret_typ == 'indices':
        return t, [p.dtype], []
    if p.ret_typ == 'mask':
        return t, [t[0]], []
    return t, [t[0], p.dtype], []


register(OpDef('topk', _topk, method=True, outputs=_topk_outputs, infer_type=_topk_type,
               num_visible=lambda p: 2 if p.ret_typ == 'both' else 1, params={
                   'axis': Int(-1, 'axis to search; None searches the flattened array', optional=True),
                   'k': Int(1, 'how many elements to return; k <= 0 returns all'),
                   'ret_typ': Enum(('both', 'indices', 'mask', 'value'), 'indices', 'what to return'),
                   'is_ascend': Bool(False, 'return the k smallest instead of the k largest'),
                   'dtype': _index_param()},
               doc='The k largest (or smallest) elements along an axis: their indices, values, both, or a mask.'))


def _sort(p, data):
    _, _, vals, idx = _sorted('sort', data, p.axis, p.is_ascend)
    return vals, idx.to(torch.float32)


register(OpDef('sort', _sort, method=True, outputs=('output0', 'output1'), num_visible=lambda p: 1,
               infer_type=lambda p, t: (t, [t[0], 'float32'], []), params={
                   'axis': Int(-1, 'axis to sort; None sorts the flattened array', optional=True),
                   'is_ascend': Bool(True, 'ascending order')},
               doc='The elements sorted along an axis.'))


def _argsort(p, data):
    _, _, _, idx = _sorted('argsort', data, p.axis, p.is_ascend)
    return idx.to(_dtype.to_torch(p.dtype))


register(OpDef('argsort', _argsort, method=True, infer_type=lambda p, t: (t, [p.dtype], []), params={
    'axis': Int(-1, 'axis to sort; None sorts the flattened array', optional=True),
    'is_ascend': Bool(True, 'ascending order'),
    'dtype': _index_param()},
    doc='The indices that sort an array along an axis.'))
