"""Spatial resizing of (N, C, H, W) data: ``_contrib_AdaptiveAvgPooling2D`` and ``_contrib_BilinearResize2D``.

MXNet 1.x contract: adaptive average pooling averages, for output cell i of n over an axis of size s, the input
range [floor(i*s/n), ceil((i+1)*s/n)); ``output_size`` is one int (square) or (height, width), default 1.
Bilinear resizing takes its output size from ``mode``: 'size' (height/width, or int(H*scale_height) and
int(W*scale_width) when scales are given), 'odd_scale' (int(H*scale) for even H, int((H-1)*scale)+1 for odd),
'like' (the spatial shape of the second input), or the nearest even/odd size up or down ('to_even_down',
'to_even_up', 'to_odd_down', 'to_odd_up'). ``align_corners`` (default True) maps the corner pixels onto each
other; otherwise pixel centres are scaled (source positions clamped at 0).
"""
import torch
import torch.nn.functional as F

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Bool, Enum, Float, Int, Shape
from .reduce import fmt_shape


def _check4(name, x):
    if x.dim() != 4:
        raise MXNetError('%s: data must be 4-D (N, C, H, W), got shape %s' % (name, fmt_shape(x.shape)))


def _pool_size(p):
    size = tuple(p.output_size) or (1,)
    if len(size) == 1:
        size = size * 2
    if len(size) != 2 or min(size) < 1:
        raise MXNetError('AdaptiveAvgPooling2D: output_size must be one or two positive ints, got %s'
                         % (tuple(p.output_size),))
    return size


def _adaptive_avg_pool(p, x):
    _check4('AdaptiveAvgPooling2D', x)
    return F.adaptive_avg_pool2d(x, _pool_size(p))


register(OpDef('_contrib_AdaptiveAvgPooling2D', _adaptive_avg_pool,
               infer_shape=lambda p, s: (s, [None if s[0] is None else tuple(s[0][:2]) + _pool_size(p)], []),
               params={'output_size': Shape((), doc='output (height, width), or one int for both')},
               doc='Average pooling to a fixed output size, the windows adapted to the input size.'))


_MODES = ('like', 'odd_scale', 'size', 'to_even_down', 'to_even_up', 'to_odd_down', 'to_odd_up')


def _resize_size(p, h, w, like=None):
    m = p.mode
    if m == 'size':
        if p.scale_height is not None or p.scale_width is not None:
            return (int(h * p.scale_height) if p.scale_height is not None else p.height,
                    int(w * p.scale_width) if p.scale_width is not None else p.width)
        return p.height, p.width
    if m == 'odd_scale':
        if p.scale_height is None or p.scale_width is None:
            raise MXNetError('BilinearResize2D: mode odd_scale needs scale_height and scale_width')
        return tuple(int(d * s) if d % 2 == 0 else int((d - 1) * s) + 1
                     for d, s in ((h, p.scale_height), (w, p.scale_width)))
    if m == 'like':
        if like is None:
            raise MXNetError('BilinearResize2D: mode like needs the second input')
        return tuple(like[-2:])
    even, up = m.startswith('to_even'), m.endswith('up')
    return tuple(d if (d % 2 == 0) == even else (d + 1 if up else d - 1) for d in (h, w))


def _bilinear_resize(p, x, *like):
    _check4('BilinearResize2D', x)
    size = _resize_size(p, x.shape[2], x.shape[3], like[0].shape if like else None)
    if min(size) < 1:
        raise MXNetError('BilinearResize2D: the output size %s must be positive' % (size,))
    if tuple(size) == tuple(x.shape[2:]):
        return x.clone()
    return F.interpolate(x, size=size, mode='bilinear', align_corners=p.align_corners)


def _resize_shape(p, s):
    d = s[0]
    like = s[1] if len(s) > 1 else None
    if d is None or (p.mode == 'like' and like is None):
        return s, [None], []
    return s, [tuple(d[:2]) + tuple(_resize_size(p, d[2], d[3], like))], []


register(OpDef('_contrib_BilinearResize2D', _bilinear_resize, infer_shape=_resize_shape,
               inputs=lambda p: ('data', 'like') if p.mode == 'like' else ('data',), params={
                   'height': Int(1, 'output height (mode size)'), 'width': Int(1, 'output width (mode size)'),
                   'scale_height': Float(None, 'height scale (modes size and odd_scale)'),
                   'scale_width': Float(None, 'width scale (modes size and odd_scale)'),
                   'mode': Enum(_MODES, 'size', 'how the output size is chosen'),
                   'align_corners': Bool(True, 'map the corner pixels of input and output onto each other')},
               doc='Bilinear interpolation of (N, C, H, W) data to a new spatial size.'))
