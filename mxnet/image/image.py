"""Reading, resizing, cropping, padding and rotating single images (MXNet's ``mx.image`` functions).

Images are ``HxWxC`` NDArrays (RGB unless said otherwise), as ``imdecode`` returns them; ``imrotate``
works on float32 ``CxHxW`` images or ``NxCxHxW`` batches. Sizes are given as (width, height) as in MXNet.
Random choices use Python's ``random`` module (``np.random`` for the rotation angles), as MXNet does.
"""
import numbers
import os
import random

import numpy as np
import torch
import torch.nn.functional as F

from ..base import MXNetError
from .. import ndarray as nd
from ..ndarray.ndarray import wrap
from . import codec

__all__ = ['imread', 'imdecode', 'imresize', 'scale_down', 'resize_short', 'fixed_crop', 'random_crop',
           'center_crop', 'color_normalize', 'random_size_crop', 'imrotate', 'random_rotate',
           'copyMakeBorder']


def _as_bytes(buf):
    if isinstance(buf, nd.NDArray):
        return buf.asnumpy().astype(np.uint8).tobytes()
    if isinstance(buf, np.ndarray):
        return buf.astype(np.uint8).tobytes()
    if isinstance(buf, (bytes, bytearray, memoryview)):
        return bytes(buf)
    raise TypeError('imdecode: buf must be bytes, bytearray or a uint8 array, got %s' % type(buf).__name__)


def _to_nd(img, out):
    if img.ndim == 2:
        img = img[:, :, None]
    res = nd.array(np.ascontiguousarray(img), dtype=img.dtype)
    if out is not None:
        out[:] = res
        return out
    return res


def imdecode(buf, flag=1, to_rgb=1, out=None):
    """Decode an encoded image (bytes, bytearray or a uint8 array) into an ``HxWxC`` uint8 NDArray.

    ``flag`` 1 gives 3 channels, 0 gives 1 (grayscale); ``to_rgb`` 1 returns RGB order, 0 OpenCV's BGR.
    Empty or undecodable data raise MXNetError.
    """
    data = _as_bytes(buf)
    if not data:
        raise MXNetError('imdecode: the image buffer is empty')
    img = codec.decode(data, codec.IMREAD_COLOR if flag else codec.IMREAD_GRAYSCALE, bool(to_rgb))
    return _to_nd(img, out)


def imread(filename, flag=1, to_rgb=True, out=None):
    """Read and decode the image file ``filename`` (see :func:`imdecode`); a missing file raises MXNetError."""
    if not os.path.isfile(filename):
        raise MXNetError('Imread: cannot find image file %s' % filename)
    with open(filename, 'rb') as f:
        return imdecode(f.read(), flag=flag, to_rgb=to_rgb, out=out)


def _resize_float(arr, w, h, interp):
    """OpenCV-style resize of a non-uint8 ``HxWxC`` array, computed in float32 on torch."""
    x = torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float32)).permute(2, 0, 1)[None]
    mode = codec._INTERP[interp]
    kw = {} if mode in ('nearest', 'area') else {'align_corners': False}
    y = F.interpolate(x, size=(h, w), mode=mode, **kw)[0].permute(1, 2, 0)
    return y.numpy().astype(arr.dtype)


def imresize(src, w, h, interp=1, out=None):
    """Resize an ``HxWxC`` image NDArray to ``h x w`` with OpenCV interpolation code ``interp``
    (0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos). uint8 images give cv2.resize's bytes."""
    arr = src.asnumpy() if isinstance(src, nd.NDArray) else np.asarray(src)
    if arr.ndim != 3:
        raise MXNetError('imresize: expected an HxWxC image, got shape %s' % (arr.shape,))
    w, h, interp = int(w), int(h), int(interp)
    if arr.dtype == np.uint8:
        res = codec.resize(arr, w, h, interp)
    else:
        if interp not in codec._INTERP:
            raise MXNetError('imresize: invalid interpolation method %r (valid: 0-4)' % (interp,))
        if w <= 0 or h <= 0:
            raise MXNetError('imresize: target size must be positive, got w=%d h=%d' % (w, h))
        res = _resize_float(arr, w, h, interp)
    return _to_nd(res if res.ndim == 3 else res[:, :, None], out)


def scale_down(src_size, size):
    """Shrink a crop ``size`` (w, h) keeping its aspect ratio until it fits in ``src_size`` (w, h)."""
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


def _get_interp_method(interp, sizes=()):
    """An OpenCV code 0-4 for ``interp``: 9 picks by ``sizes`` (old_h, old_w, new_h, new_w): bicubic to
    enlarge, area to shrink, bilinear otherwise (area when no sizes); 10 picks one at random."""
    if interp == 9:
        if not sizes:
            return 2
        oh, ow, nh, nw = sizes
        if nh > oh and nw > ow:
            return 2
        if nh < oh and nw < ow:
            return 3
        return 1
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise ValueError('Unknown interp method %d' % interp)
    return interp


def resize_short(src, size, interp=2):
    """Resize ``src`` (HxWxC) so its shorter edge is ``size``, keeping the aspect ratio (integer division)."""
    h, w = src.shape[0], src.shape[1]
    if h > w:
        new_h, new_w = size * h // w, size
    else:
        new_h, new_w = size, size * w // h
    return imresize(src, new_w, new_h, interp=_get_interp_method(interp, (h, w, new_h, new_w)))


def fixed_crop(src, x0, y0, w, h, size=None, interp=2):
    """The ``w x h`` region of ``src`` at (x0, y0) (a copy), resized to ``size`` (w, h) when given."""
    out = src[y0:y0 + h, x0:x0 + w].copy()
    if size is not None and (w, h) != tuple(size):
        out = imresize(out, size[0], size[1], interp=_get_interp_method(interp, (h, w, size[1], size[0])))
    return out


def random_crop(src, size, interp=2):
    """A random crop of ``size`` (w, h) (scaled down to fit, then resized back to ``size``) and its
    (x0, y0, w, h) in ``src``."""
    h, w = src.shape[0], src.shape[1]
    new_w, new_h = scale_down((w, h), size)
    x0 = random.randint(0, w - new_w)
    y0 = random.randint(0, h - new_h)
    return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def center_crop(src, size, interp=2):
    """The central crop of ``size`` (w, h) (scaled down to fit, then resized back to ``size``) and its
    (x0, y0, w, h) in ``src``."""
    h, w = src.shape[0], src.shape[1]
    new_w, new_h = scale_down((w, h), size)
    x0 = (w - new_w) // 2
    y0 = (h - new_h) // 2
    return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def color_normalize(src, mean, std=None):
    """``(src - mean) / std`` per channel, in place on ``src`` (either may be None)."""
    if mean is not None:
        src -= mean
    if std is not None:
        src /= std
    return src


def random_size_crop(src, size, area, ratio, interp=2, **kwargs):
    """A crop of random area (a fraction in ``area``: (min, max), or min with max 1.0) and aspect ratio
    (log-uniform in ``ratio``), resized to ``size`` (w, h); after 10 failed tries, the centre crop.
    Returns the image and the crop's (x0, y0, w, h). ``min_area`` is the deprecated name of ``area``."""
    if 'min_area' in kwargs:
        area = kwargs.pop('min_area')
    if kwargs:
        raise TypeError('random_size_crop: unexpected keyword arguments %s' % ', '.join(kwargs))
    h, w = src.shape[0], src.shape[1]
    if isinstance(area, numbers.Number):
        area = (area, 1.0)
    log_ratio = (np.log(ratio[0]), np.log(ratio[1]))
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * h * w
        new_ratio = np.exp(random.uniform(*log_ratio))
        new_w = int(round(np.sqrt(target_area * new_ratio)))
        new_h = int(round(np.sqrt(target_area / new_ratio)))
        if new_w <= w and new_h <= h:
            x0 = random.randint(0, w - new_w)
            y0 = random.randint(0, h - new_h)
            return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)
    return center_crop(src, size, interp)


def imrotate(src, rotation_degrees, zoom_in=False, zoom_out=False):
    """Rotate a float32 image (CxHxW) or batch (NxCxHxW) about its centre by ``rotation_degrees``
    (a scalar, or one angle per image as an NDArray), sampling bilinearly with zeros outside.

    ``zoom_in`` scales so no padding shows, ``zoom_out`` so the whole image stays visible (not both:
    ValueError). A non-float32 image, or a vector of angles for one image, raise TypeError.
    """
    if zoom_in and zoom_out:
        raise ValueError('`zoom_in` and `zoom_out` cannot be both True')
    if np.dtype(src.dtype) != np.dtype(np.float32):
        raise TypeError('Only `float32` images are supported by this function')
    single = src.ndim == 3
    if single:
        if not isinstance(rotation_degrees, numbers.Number):
            raise TypeError('When a single image is passed the rotation angle is required to be a scalar.')
        x = src._data[None]
    elif src.ndim == 4:
        x = src._data
    else:
        raise ValueError('Only 3D and 4D are supported by this function')
    n, _, h, w = x.shape
    if isinstance(rotation_degrees, numbers.Number):
        angles = torch.full((n,), float(rotation_degrees), dtype=torch.float32, device=x.device)
    else:
        angles = rotation_degrees._data.to(device=x.device, dtype=torch.float32).reshape(-1)
    if angles.numel() != n:
        raise ValueError('The number of images must be equal to the number of rotation angles')
    rad = (angles * (np.pi / 180.0)).reshape(n, 1, 1)
    hs, ws = (h - 1) / 2.0, (w - 1) / 2.0
    ys = (torch.arange(h, dtype=torch.float32, device=x.device) - hs).reshape(1, h, 1)
    xs = (torch.arange(w, dtype=torch.float32, device=x.device) - ws).reshape(1, 1, w)
    cos, sin = torch.cos(rad), torch.sin(rad)
    # rotate pixel offsets first, then normalise per axis, so the aspect ratio is kept
    gx = (xs * cos - ys * sin) / ws
    gy = (xs * sin + ys * cos) / hs
    if zoom_in or zoom_out:
        rho = float(np.hypot(h, w))
        corner = float(np.arctan(h / w))
        a = rad.abs()
        max_x = torch.maximum((rho * torch.cos(corner + a)).abs(), (rho * torch.cos(corner - a)).abs())
        max_y = torch.maximum((rho * torch.sin(corner + a)).abs(), (rho * torch.sin(corner - a)).abs())
        if zoom_out:
            scale = torch.maximum(max_x / w, max_y / h)
        else:
            scale = torch.minimum(w / max_x, h / max_y)
        gx, gy = gx * scale, gy * scale
    grid = torch.stack([gx.expand(n, h, w), gy.expand(n, h, w)], dim=-1)
    out = F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=True)
    return wrap(out[0] if single else out)


def random_rotate(src, angle_limits, zoom_in=False, zoom_out=False):
    """:func:`imrotate` by an angle drawn uniformly from ``angle_limits`` (one per image of a batch)."""
    if src.ndim == 3:
        degrees = float(np.random.uniform(*angle_limits))
    else:
        degrees = nd.array(np.random.uniform(*angle_limits, size=src.shape[0]))
    return imrotate(src, degrees, zoom_in=zoom_in, zoom_out=zoom_out)


# OpenCV border types -> numpy pad modes (BORDER_ISOLATED, 16, only changes how ROIs are read: ignored)
_BORDER_MODES = {0: 'constant', 1: 'edge', 2: 'symmetric', 3: 'wrap', 4: 'reflect'}


def copyMakeBorder(src, top, bot, left, right, type=0, value=0.0, values=(), out=None):  # noqa: A002
    """Pad an ``HxWxC`` image by ``top``/``bot``/``left``/``right`` pixels as ``cv2.copyMakeBorder``:
    ``type`` 0 constant (``values`` per channel, else ``value``), 1 replicate, 2 reflect, 3 wrap,
    4 reflect-101; ``type | 16`` (BORDER_ISOLATED) behaves the same."""
    mode = _BORDER_MODES.get(int(type) & ~16)
    if mode is None:
        raise MXNetError('copyMakeBorder: unknown border type %r (valid: 0-4)' % (type,))
    arr = src.asnumpy() if isinstance(src, nd.NDArray) else np.asarray(src)
    if arr.ndim != 3:
        raise MXNetError('copyMakeBorder: expected an HxWxC image, got shape %s' % (arr.shape,))
    pads = ((int(top), int(bot)), (int(left), int(right)), (0, 0))
    if mode == 'constant':
        fill = list(values) if values is not None and len(values) else [value]
        fill = (fill * arr.shape[2])[:arr.shape[2]] if len(fill) == 1 else fill[:arr.shape[2]]
        res = np.empty((arr.shape[0] + pads[0][0] + pads[0][1], arr.shape[1] + pads[1][0] + pads[1][1],
                        arr.shape[2]), arr.dtype)
        res[...] = np.asarray(fill, np.float64).astype(arr.dtype)
        res[pads[0][0]:pads[0][0] + arr.shape[0], pads[1][0]:pads[1][0] + arr.shape[1]] = arr
    else:
        res = np.pad(arr, pads, mode=mode)
    return _to_nd(res, out)
