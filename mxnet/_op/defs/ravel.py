"""Index arithmetic: ``_ravel_multi_index`` (``ravel_multi_index``), ``_unravel_index`` (``unravel_index``) and
``_contrib_index_array``.

MXNet 1.x contract: ``ravel_multi_index`` turns the columns of a (ndim, N) array of coordinates into N flat
row-major indices of ``shape``; ``unravel_index`` maps flat indices of any shape S to a (ndim, *S) array of
coordinates. The leading dimension of ``shape`` may be -1 (it never enters the arithmetic: the leading
coordinate is not wrapped). Both keep the input dtype. ``index_array`` gives, for every element of its input,
its coordinates (int64), on the ``axes`` asked for (all by default), as a last axis.
"""
import torch

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Shape
from .reduce import fmt_shape


def _check_shape(name, shape):
    if not shape:
        raise MXNetError('%s: empty shape parameter' % name)


def _ravel(p, x):
    name = 'ravel_multi_index'
    _check_shape(name, p.shape)
    if x.dim() != 2 or x.shape[0] != len(p.shape):
        raise MXNetError('%s: the input must be a 2-D array of %d rows (one per dimension of shape %s), got %s'
                         % (name, len(p.shape), fmt_shape(p.shape), fmt_shape(x.shape)))
    idx = x.to(torch.int64)
    out = torch.zeros(x.shape[1], dtype=torch.int64, device=x.device)
    for j, d in enumerate(p.shape):
        out = out * d + idx[j]
    return out.to(x.dtype)


def _unravel(p, x):
    name = 'unravel_index'
    _check_shape(name, p.shape)
    idx = x.to(torch.int64)
    coords = []
    for d in reversed(p.shape[1:]):
        coords.append(torch.remainder(idx, d))
        idx = torch.div(idx, d, rounding_mode='floor')
    coords.append(idx)
    return torch.stack(coords[::-1]).to(x.dtype)


def _ravel_shape(p, shapes):
    s = shapes[0]
    return shapes, [None if s is None else tuple(s[1:])], []


def _unravel_shape(p, shapes):
    s = shapes[0]
    return shapes, [None if s is None else (len(p.shape),) + tuple(s)], []


register(OpDef('_ravel_multi_index', _ravel, aliases=('ravel_multi_index',), infer_shape=_ravel_shape,
               params={'shape': Shape(None, 'shape of the array the indices refer to')},
               doc='Flat row-major indices into ``shape`` of the columns of a (ndim, N) coordinate array.'))
register(OpDef('_unravel_index', _unravel, aliases=('unravel_index',), infer_shape=_unravel_shape,
               params={'shape': Shape(None, 'shape of the array the indices refer to')},
               doc='Coordinates in ``shape`` of flat row-major indices, as a leading axis of size ndim.'))


def _index_axes(p, ndim):
    if p.axes is None:
        return list(range(ndim))
    out = []
    for a in p.axes:
        if not -ndim <= a < ndim:
            raise MXNetError('index_array: axis %d is out of range for an array of %d dimensions' % (a, ndim))
        out.append(a % ndim)
    return out


def _index_array(p, x):
    axes = _index_axes(p, x.dim())
    shape = tuple(x.shape)
    if x.device.type == 'meta':
        return torch.empty(shape + (len(axes),), dtype=torch.int64, device='meta')
    grids = [torch.arange(d, dtype=torch.int64, device=x.device) for d in shape]
    cols = []
    for a in axes:
        view = [1] * len(shape)
        view[a] = shape[a]
        cols.append(grids[a].reshape(view).expand(shape))
    if not cols:
        return torch.zeros(shape + (0,), dtype=torch.int64, device=x.device)
    return torch.stack(cols, dim=-1)


def _index_array_shape(p, shapes):
    s = shapes[0]
    return shapes, [None if s is None else tuple(s) + (len(_index_axes(p, len(s))),)], []


register(OpDef('_contrib_index_array', _index_array, infer_shape=_index_array_shape, same_dtype=False,
               infer_type=lambda p, t: (t, ['int64'], []),
               params={'axes': Shape(None, 'the axes whose coordinates to give (default: all)')},
               doc='The coordinates of every element of ``data`` (on ``axes``), as a last axis (int64).'))
