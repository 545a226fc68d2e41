"""``im2col`` and ``col2im``: sliding-window patches of (N, C, *spatial) images as columns, and back.

MXNet 1.x contract: ``im2col`` gives (N, C * prod(kernel), L), L the number of window positions, each column
the patch at one position (channel-major, then kernel rows); ``col2im`` sums columns back into images of
``output_size``, overlaps accumulating. Each is the other's gradient. 1-D and 2-D kernels are supported.
"""
import math

import torch
import torch.nn.functional as F

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Shape
from .reduce import fmt_shape


def _geometry(name, p, nspatial):
    n = len(p.kernel)
    if n not in (1, 2):
        raise MXNetError('%s: only 1-D and 2-D kernels are supported, got kernel %s' % (name, fmt_shape(p.kernel)))
    if nspatial != n:
        raise MXNetError('%s: a %d-D kernel needs %d spatial dimensions, got %d' % (name, n, n, nspatial))

    def per_dim(v, fill):
        v = tuple(v) if v else (fill,) * n
        if len(v) != n:
            raise MXNetError('%s: stride/dilate/pad %s must have %d entries' % (name, fmt_shape(v), n))
        return v
    geo = dict(kernel_size=tuple(p.kernel), dilation=per_dim(p.dilate, 1), padding=per_dim(p.pad, 0),
               stride=per_dim(p.stride, 1))
    if n == 1:
        geo = {k: (1,) + v if k != 'padding' else (0,) + v for k, v in geo.items()}
    return geo


def _positions(spatial, geo):
    out = []
    for x, k, s, d, pd in zip(spatial, geo['kernel_size'], geo['stride'], geo['dilation'], geo['padding']):
        out.append((x + 2 * pd - d * (k - 1) - 1) // s + 1)
    return out


def _im2col(p, x):
    geo = _geometry('im2col', p, x.dim() - 2)
    if len(p.kernel) == 1:
        x = x.unsqueeze(2)
    if any(o <= 0 for o in _positions(x.shape[2:], geo)):
        raise MXNetError('im2col: kernel %s does not fit the padded input of shape %s'
                         % (fmt_shape(p.kernel), fmt_shape(x.shape)))
    return F.unfold(x, **geo)


def _col2im(p, x):
    geo = _geometry('col2im', p, len(p.output_size))
    size = tuple(p.output_size)
    if len(p.kernel) == 1:
        size = (1,) + size
    k = math.prod(p.kernel)
    positions = math.prod(_positions(size, geo))
    if x.dim() != 3 or x.shape[1] % k or x.shape[2] != positions:
        raise MXNetError('col2im: the input must be (N, C * %d, %d) for kernel %s and output_size %s, got %s'
                         % (k, positions, fmt_shape(p.kernel), fmt_shape(p.output_size), fmt_shape(x.shape)))
    out = F.fold(x, size, **geo)
    return out.squeeze(2) if len(p.kernel) == 1 else out


def _window_params():
    return {'kernel': Shape(doc='window size'), 'stride': Shape((), doc='window stride (default 1)'),
            'dilate': Shape((), doc='window dilation (default 1)'),
            'pad': Shape((), doc='zero padding of each spatial side (default 0)')}


register(OpDef('im2col', _im2col, params=_window_params(),
               doc='The sliding-window patches of (N, C, *spatial) data as columns: (N, C * prod(kernel), L).'))
register(OpDef('col2im', _col2im, params=dict(output_size=Shape(doc='spatial shape of the images'),
                                              **_window_params()),
               doc='Sum columns of patches (as im2col makes them) back into (N, C, *output_size) images.'))
