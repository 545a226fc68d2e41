"""The ``_image_*`` operators (``mx.nd.image.*`` / ``mx.sym.image.*``) that gluon's vision transforms use.

Images are ``HxWxC`` (or a batch ``NxHxWxC``) except for ``normalize``, which takes the ``CxHxW`` /
``NxCxHxW`` float tensors that ``to_tensor`` makes.
"""
import torch
import torch.nn.functional as F

from ...base import MXNetError
from ..params import Float, FloatTuple, Int, Bool, Shape
from ..registry import OpDef, register

_INTERP = {0: 'nearest', 1: 'bilinear', 2: 'bicubic', 3: 'area', 4: 'bicubic'}


def _check_hwc(name, data):
    if data.dim() not in (3, 4):
        raise MXNetError('%s: expected an HxWxC image or an NxHxWxC batch, got shape %s'
                         % (name, tuple(data.shape)))


def _float32_out(p, types):
    return list(types), ['float32'], []


def _to_tensor(p, data):
    _check_hwc('to_tensor', data)
    x = data.to(torch.float32) / 255.0
    return x.permute(2, 0, 1) if x.dim() == 3 else x.permute(0, 3, 1, 2)


register(OpDef('_image_to_tensor', _to_tensor, infer_type=_float32_out,
               doc='HxWxC (or NxHxWxC) image(s) in [0, 255] to CxHxW (NxCxHxW) float32 in [0, 1].'))


def _normalize(p, data):
    if data.dim() not in (3, 4):
        raise MXNetError('normalize: expected a CxHxW image or an NxCxHxW batch, got shape %s'
                         % (tuple(data.shape),))
    c = data.shape[-3]
    mean, std = list(p.mean), list(p.std)
    for what, vals in (('mean', mean), ('std', std)):
        if len(vals) not in (1, c) and len(vals) < c:
            raise MXNetError('normalize: %s has %d values for %d channels' % (what, len(vals), c))
    mean = (mean * c)[:c] if len(mean) == 1 else mean[:c]
    std = (std * c)[:c] if len(std) == 1 else std[:c]
    m = torch.tensor(mean, dtype=data.dtype, device=data.device).reshape(c, 1, 1)
    s = torch.tensor(std, dtype=data.dtype, device=data.device).reshape(c, 1, 1)
    return (data - m) / s


register(OpDef('_image_normalize', _normalize,
               params={'mean': FloatTuple((0.0, 0.0, 0.0, 0.0)), 'std': FloatTuple((1.0, 1.0, 1.0, 1.0))},
               doc='(data - mean) / std per channel of CxHxW (NxCxHxW) data; one value applies to every channel.'))


def _flip(name, axis):
    def compute(p, data):
        _check_hwc(name, data)
        return torch.flip(data, dims=(axis,))
    return compute


def _random_flip(name, axis):
    def compute(p, data):
        _check_hwc(name, data)
        if data.is_meta:
            return torch.empty_like(data)
        if torch.rand(()).item() < p.p:
            return torch.flip(data, dims=(axis,))
        return data.clone()
    return compute


for _side, _axis in (('left_right', -2), ('top_bottom', -3)):
    register(OpDef('_image_flip_' + _side, _flip('flip_' + _side, _axis),
                   doc='Mirror HxWxC (NxHxWxC) image(s) %s.' % _side.replace('_', '-')))
    register(OpDef('_image_random_flip_' + _side, _random_flip('random_flip_' + _side, _axis),
                   params={'p': Float(0.5)},
                   doc='Mirror HxWxC (NxHxWxC) image(s) %s with probability p.' % _side.replace('_', '-')))


def _crop(p, data):
    _check_hwc('crop', data)
    h, w = data.shape[-3], data.shape[-2]
    if p.x < 0 or p.y < 0 or p.width <= 0 or p.height <= 0 or p.x + p.width > w or p.y + p.height > h:
        raise MXNetError('crop: region x=%d y=%d width=%d height=%d lies outside the %dx%d image'
                         % (p.x, p.y, p.width, p.height, w, h))
    return data[..., p.y:p.y + p.height, p.x:p.x + p.width, :].clone()


register(OpDef('_image_crop', _crop,
               params={'x': Int(), 'y': Int(), 'width': Int(), 'height': Int()},
               doc='The width x height region at (x, y) of HxWxC (NxHxWxC) image(s).'))


def _resize_size(p, h, w):
    size = p.size
    if len(size) == 0:
        raise MXNetError('resize: size must be given')
    if len(size) == 1:
        s = size[0]
        if not p.keep_ratio:
            return s, s
        return (s, s * w // h) if h < w else (s * h // w, s)
    if len(size) != 2:
        raise MXNetError('resize: size must be an int or (width, height), got %s' % (size,))
    return size[1], size[0]


def _resize(p, data):
    _check_hwc('resize', data)
    if p.interp not in _INTERP:
        raise MXNetError('resize: invalid interp %d (valid: 0-4)' % p.interp)
    h, w = data.shape[-3], data.shape[-2]
    nh, nw = _resize_size(p, h, w)
    if nh <= 0 or nw <= 0:
        raise MXNetError('resize: target size must be positive, got %dx%d' % (nw, nh))
    x = data if data.dim() == 4 else data[None]
    if data.dtype == torch.uint8 and data.device.type == 'cpu' and not data.is_meta:
        from ...image import codec  # OpenCV's bytes for uint8 images, as MXNet's cv::resize
        import numpy as np
        out = np.stack([codec.resize(img, nw, nh, p.interp).reshape(nh, nw, -1) for img in x.numpy()])
        y = torch.from_numpy(out)
    else:
        mode = _INTERP[p.interp]
        kw = {} if mode in ('nearest', 'area') else {'align_corners': False}
        y = F.interpolate(x.permute(0, 3, 1, 2).to(torch.float32), size=(nh, nw), mode=mode, **kw)
        y = y.permute(0, 2, 3, 1)
        if not data.dtype.is_floating_point:
            y = y.round().clamp(0, 255) if data.dtype == torch.uint8 else y.round()
        y = y.to(data.dtype)
    return y if data.dim() == 4 else y[0]


register(OpDef('_image_resize', _resize,
               params={'size': Shape(()), 'keep_ratio': Bool(False), 'interp': Int(1)},
               doc='Resize HxWxC (NxHxWxC) image(s) to size (width, height); one int gives a square, or with '
                   'keep_ratio the shorter edge. interp: OpenCV codes 0-4.'))
