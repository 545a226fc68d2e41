"""Assignment operators: a copy of the input with one region replaced.

``_slice_assign`` (``_crop_assign``) writes ``rhs`` into ``lhs[begin:end:step]``, ``_slice_assign_scalar``
(``_crop_assign_scalar``) fills that region with ``scalar``, and ``fill_element_0index`` sets one element of
each row: ``out[i, rhs[i]] = mhs[i]``. As every MXNet operator, they return a new array (``out=lhs`` writes
the result back into the input).
"""
import torch

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Float, Shape
from .indexing import as_index
from .shape import slice_indices

_SLICE_PARAMS = {'begin': Shape(none_items=True), 'end': Shape(none_items=True), 'step': Shape((), none_items=True)}


def _fmt(s):
    return '(' + ','.join(str(d) for d in s) + (',)' if len(s) == 1 else ')')


def _region(op, p, shape):
    """The (torch key, flipped axes, region shape) that ``begin``/``end``/``step`` select in ``shape``."""
    if len(p.begin) != len(p.end) or (p.step and len(p.step) != len(p.begin)):
        raise MXNetError('%s: begin %s, end %s and step %s must have the same length'
                         % (op, _fmt(p.begin), _fmt(p.end), _fmt(p.step)))
    if len(p.begin) > len(shape):
        raise MXNetError('%s: begin %s has more entries than the input of shape %s has axes'
                         % (op, _fmt(p.begin), _fmt(shape)))
    key, region = [], list(shape)
    for a in range(len(p.begin)):
        step = p.step[a] if p.step else None
        if step == 0:
            raise MXNetError('%s: step must not be 0 (axis %d)' % (op, a))
        start, stop, step, length = slice_indices(p.begin[a], p.end[a], step, shape[a])
        region[a] = length
        if step > 0:
            key.append(slice(start, start + (length - 1) * step + 1 if length else start, step))
        else:  # torch has no negative steps: the positions as an index tensor
            key.append(torch.arange(start, stop, step) if length else torch.arange(0))
    return key, tuple(region)


def _write_region(x, key, value):
    tensors = [k for k in key if isinstance(k, torch.Tensor)]
    if not tensors:
        x[tuple(key)] = value
        return
    # advanced indexing on several axes: open grids so each axis indexes independently
    grids, n = [], len(key)
    for a, k in enumerate(key):
        idx = k.to(x.device) if isinstance(k, torch.Tensor) else torch.arange(x.shape[a], device=x.device)[k]
        grids.append(idx.reshape([-1 if b == a else 1 for b in range(n)]))
    x[tuple(grids)] = value


def _slice_assign(p, lhs, rhs):
    key, region = _region('_slice_assign', p, tuple(lhs.shape))
    if tuple(rhs.shape) != region:
        raise MXNetError('_slice_assign: rhs of shape %s does not match the sliced region %s of lhs %s'
                         % (_fmt(rhs.shape), _fmt(region), _fmt(lhs.shape)))
    out = lhs.clone()
    _write_region(out, key, rhs)
    return out


def _slice_assign_scalar(p, data):
    key, _ = _region('_slice_assign_scalar', p, tuple(data.shape))
    out = data.clone()
    _write_region(out, key, torch.tensor(p.scalar, dtype=data.dtype, device=data.device))
    return out


def _same_as_first(p, shapes):
    return shapes, [shapes[0]], []


register(OpDef('_slice_assign', _slice_assign, inputs=('lhs', 'rhs'), aliases=('_crop_assign',),
               params=dict(_SLICE_PARAMS), infer_shape=_same_as_first,
               doc='A copy of lhs with lhs[begin:end:step] replaced by rhs (of the region\'s shape).'))
register(OpDef('_slice_assign_scalar', _slice_assign_scalar, aliases=('_crop_assign_scalar',),
               params=dict(_SLICE_PARAMS, scalar=Float(0.0, 'the value to fill the region with')),
               doc='A copy of data with data[begin:end:step] set to scalar.'))


def _fill_element_0index(p, lhs, mhs, rhs):
    if lhs.dim() != 2 or mhs.dim() != 1 or rhs.dim() != 1 or mhs.shape[0] != lhs.shape[0] \
            or rhs.shape[0] != lhs.shape[0]:
        raise MXNetError('fill_element_0index: lhs must be 2-D (n, m) and mhs, rhs 1-D of length n; got %s, %s, %s'
                         % (_fmt(lhs.shape), _fmt(mhs.shape), _fmt(rhs.shape)))
    idx = as_index(rhs).clamp(0, max(lhs.shape[1] - 1, 0))
    out = lhs.clone()
    out.scatter_(1, idx.reshape(-1, 1), mhs.to(lhs.dtype).reshape(-1, 1))
    return out


register(OpDef('fill_element_0index', _fill_element_0index, inputs=('lhs', 'mhs', 'rhs'), same_dtype=False,
               infer_shape=lambda p, s: (s, [s[0]], []), infer_type=lambda p, t: (t, [t[0]], []),
               doc='A copy of 2-D lhs with one element per row set: out[i, rhs[i]] = mhs[i].'))
