"""MXNet's default image augmenter (``aug_default``) for ImageRecordIter, on uint8 ``HxWxC`` RGB arrays.

Order, as in MXNet: resize the shorter edge (``resize``); one affine warp for shear / rotation / random
scale / aspect ratio / size limits, the uncovered area filled with ``fill_value``; padding (``pad``); a crop
(random-size square resized to ``data_shape`` with ``max_crop_size``/``min_crop_size``, else ``data_shape``,
centred or random with ``rand_crop``); random shifts in HLS colour space (``random_h/s/l``). Every random
choice comes from one row of uniforms in [0, 1) (see :data:`NUM_DRAWS`), so a sample's augmentation is a
function of its row: reproducible whatever thread runs it.
"""
import math

import numpy as np

from ..base import MXNetError
from ..image import codec

__all__ = ['DefaultAugmenter', 'NUM_DRAWS', 'seeded_uniforms']

# columns of a sample's uniforms
_SHEAR, _ANGLE, _SCALE, _RATIO, _CROP_SIZE, _CROP_Y, _CROP_X, _H, _S, _L, _INTER, _MIRROR, _CONTRAST, \
    _ILLUM = range(14)
NUM_DRAWS = 14

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def seeded_uniforms(seed, index, n=NUM_DRAWS):
    """Uniforms in [0, 1), shape ``(len(index), n)``, a pure function of (``seed``, record index): MXNet's
    ``seed_aug`` reseeds the augmenter per record so that augmentations repeat across runs."""
    index = np.asarray(index, np.uint64).reshape(-1, 1)
    with np.errstate(over='ignore'):
        z = (np.uint64(seed & 0xFFFFFFFF) << np.uint64(32)) ^ (index * np.uint64(n)) \
            + np.arange(n, dtype=np.uint64)[None, :]
        # splitmix64 finaliser
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def _uniform_int(u, lo, hi):
    """An integer in [lo, hi] from a uniform ``u``."""
    return lo + min(int(u * (hi - lo + 1)), hi - lo)


def _inter(method, u, old_w, old_h, new_w, new_h):
    """MXNet's interpolation choice: 9 picks by the size change, 10 at random."""
    if method == 9:
        if new_w > old_w and new_h > old_h:
            return 2
        if new_w < old_w and new_h < old_h:
            return 3
        return 1
    if method == 10:
        return _uniform_int(u, 0, 4)
    return method


def warp_affine(img, m, out_w, out_h, fill, nearest=False):
    """``cv2.warpAffine(img, m, (out_w, out_h))`` with a constant border: bilinear (or nearest) sampling of
    the source at the inverse map of every output pixel."""
    a, b, c = m[0]
    d, e, f = m[1]
    det = a * e - b * d
    if det == 0:
        raise MXNetError('ImageRecordIter: degenerate affine augmentation (zero scale)')
    ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
    ys, xs = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    xs -= c
    ys -= f
    sx = ia * xs + ib * ys
    sy = id_ * xs + ie * ys
    rows, cols = img.shape[:2]
    src = img.reshape(rows, cols, -1).astype(np.float32)
    pad = np.pad(src, ((1, 1), (1, 1), (0, 0)), constant_values=fill)  # border taps read the fill value
    if nearest:
        xi = np.clip(np.floor(sx + 0.5).astype(np.int64) + 1, 0, cols + 1)
        yi = np.clip(np.floor(sy + 0.5).astype(np.int64) + 1, 0, rows + 1)
        out = pad[yi, xi]
    else:
        x0, y0 = np.floor(sx), np.floor(sy)
        wx, wy = (sx - x0)[..., None], (sy - y0)[..., None]
        xi = np.clip(x0.astype(np.int64) + 1, 0, cols + 1)
        yi = np.clip(y0.astype(np.int64) + 1, 0, rows + 1)
        xj, yj = np.minimum(xi + 1, cols + 1), np.minimum(yi + 1, rows + 1)
        out = (pad[yi, xi] * (1 - wx) + pad[yi, xj] * wx) * (1 - wy) + \
              (pad[yj, xi] * (1 - wx) + pad[yj, xj] * wx) * wy
    out = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return out if img.ndim == 3 else out[..., 0]


def rgb_to_hls(img):
    """uint8 RGB ``...x3`` -> OpenCV's 8-bit HLS (H in [0, 180), L and S in [0, 255]) as float arrays."""
    x = img.reshape(-1, 3).astype(np.float32) * np.float32(1 / 255)
    top = x.argmax(1)  # r, then g, then b on ties, as OpenCV tests them
    rows = np.arange(len(x))
    vmax, vmin = x[rows, top], x.min(1)
    diff = vmax - vmin
    total = vmax + vmin
    l = total * 0.5
    flat = diff == 0
    safe = np.where(flat, 1, diff)
    s = diff / np.where(l < 0.5, np.where(flat, 1, total), 2 - total)
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    num = np.stack([g - b, b - r, r - g], 1)[rows, top]
    h = (num / safe * 60 + top * 120) % 360
    h[flat] = 0
    shape = img.shape[:-1]
    return (np.rint(h * 0.5).reshape(shape), np.rint(l * 255).reshape(shape),
            np.rint(np.where(flat, 0, s) * 255).reshape(shape))


def hls_to_rgb(h, l, s):
    """OpenCV's 8-bit HLS -> uint8 RGB."""
    shape = np.shape(h)
    h = (np.asarray(h, np.float32).reshape(-1) * np.float32(2 / 60)) % 6
    l = np.asarray(l, np.float32).reshape(-1) * np.float32(1 / 255)
    s = np.asarray(s, np.float32).reshape(-1) * np.float32(1 / 255)
    p2 = np.where(l <= 0.5, l * (1 + s), l + s - l * s)
    p1 = 2 * l - p2
    # each channel is a trapezoid of the hue: rises over one sextant, flat over two, falls over one
    hh = (np.stack([h + 2, h, h - 2], 1)) % 6
    ramp = np.clip(np.minimum(hh, 4 - hh), 0, 1)
    rgb = p1[:, None] + (p2 - p1)[:, None] * ramp
    return np.clip(np.rint(rgb * 255), 0, 255).astype(np.uint8).reshape(shape + (3,))


_PIL_RESAMPLE = {0: 0, 1: 2, 2: 3, 3: 2, 4: 3}  # cv2 method -> PIL's NEAREST, BILINEAR, BICUBIC


def _pil_warp(img, m, out_w, out_h, fill, method):
    """``cv2.warpAffine`` through Pillow's affine transform (which takes the inverse map and samples at
    pixel centres, hence the half-pixel terms)."""
    from PIL import Image
    (a, b, c), (d, e, f) = m
    det = a * e - b * d
    if det == 0:
        raise MXNetError('ImageRecordIter: degenerate affine augmentation (zero scale)')
    ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
    ic, if_ = -(ia * c + ib * f), -(id_ * c + ie * f)
    coeffs = (ia, ib, ic + 0.5 - 0.5 * (ia + ib), id_, ie, if_ + 0.5 - 0.5 * (id_ + ie))
    pil = Image.fromarray(img)
    fillcolor = fill if img.ndim == 2 else (fill,) * img.shape[2]
    out = pil.transform((int(out_w), int(out_h)), Image.AFFINE, coeffs, resample=_PIL_RESAMPLE[method],
                        fillcolor=fillcolor)
    return np.asarray(out)


class DefaultAugmenter:
    """The augmentation options of ImageRecordIter (MXNet's names and defaults); ``__call__(img, u)``
    augments one image with the uniforms ``u`` (a row of :data:`NUM_DRAWS`)."""

    def __init__(self, data_shape, resize=-1, rand_crop=False, max_rotate_angle=0, max_aspect_ratio=0.0,
                 max_shear_ratio=0.0, max_crop_size=-1, min_crop_size=-1, max_random_scale=1.0,
                 min_random_scale=1.0, max_img_size=1e10, min_img_size=0.0, random_h=0, random_s=0,
                 random_l=0, rotate=-1, fill_value=255, inter_method=1, pad=0, rotate_list=''):
        self.h, self.w = int(data_shape[1]), int(data_shape[2])
        self.resize, self.rand_crop = int(resize), bool(rand_crop)
        self.max_rotate_angle, self.rotate = int(max_rotate_angle), int(rotate)
        self.rotate_list = [int(v) for v in str(rotate_list).split(',') if v.strip()] if rotate_list else []
        self.max_aspect_ratio, self.max_shear_ratio = float(max_aspect_ratio), float(max_shear_ratio)
        self.max_crop_size, self.min_crop_size = int(max_crop_size), int(min_crop_size)
        self.max_random_scale, self.min_random_scale = float(max_random_scale), float(min_random_scale)
        self.max_img_size, self.min_img_size = float(max_img_size), float(min_img_size)
        self.random_h, self.random_s, self.random_l = int(random_h), int(random_s), int(random_l)
        self.fill_value, self.inter_method, self.pad = int(fill_value), int(inter_method), int(pad)
        if self.inter_method not in (0, 1, 2, 3, 4, 9, 10):
            raise MXNetError('ImageRecordIter: invalid inter_method %r (valid: 0-4, 9 auto, 10 random)'
                             % (inter_method,))
        self.affine = (self.max_rotate_angle > 0 or self.max_shear_ratio > 0 or self.rotate > 0
                       or bool(self.rotate_list) or self.max_random_scale != 1.0 or self.min_random_scale != 1.0
                       or self.max_aspect_ratio != 0 or self.max_img_size != 1e10 or self.min_img_size != 0)
        self.hls = bool(self.random_h or self.random_s or self.random_l)

    def __call__(self, img, u):
        if self.resize > 0:
            rows, cols = img.shape[:2]
            if rows > cols:
                nw, nh = self.resize, self.resize * rows // cols
            else:
                nw, nh = self.resize * cols // rows, self.resize
            img = codec.resize(img, nw, nh, _inter(self.inter_method, u[_INTER], cols, rows, nw, nh))
        if self.affine:
            img = self._affine(img, u)
        if self.pad > 0:
            p = self.pad
            widths = ((p, p), (p, p)) + (((0, 0),) if img.ndim == 3 else ())
            img = np.pad(img, widths, constant_values=self.fill_value)
        return self._crop(img, u)

    def _affine(self, img, u):
        rows, cols = img.shape[:2]
        s = u[_SHEAR] * self.max_shear_ratio * 2 - self.max_shear_ratio
        angle = _uniform_int(u[_ANGLE], -self.max_rotate_angle, self.max_rotate_angle)
        if self.rotate > 0:
            angle = self.rotate
        if self.rotate_list:
            angle = self.rotate_list[_uniform_int(u[_ANGLE], 0, len(self.rotate_list) - 1)]
        a, b = math.cos(angle / 180.0 * math.pi), math.sin(angle / 180.0 * math.pi)
        scale = u[_SCALE] * (self.max_random_scale - self.min_random_scale) + self.min_random_scale
        ratio = u[_RATIO] * self.max_aspect_ratio * 2 - self.max_aspect_ratio + 1
        hs = 2 * scale / (1 + ratio)
        ws = ratio * hs
        new_w = int(max(self.min_img_size, min(self.max_img_size, scale * cols)))
        new_h = int(max(self.min_img_size, min(self.max_img_size, scale * rows)))
        m00, m10 = hs * a - s * b * ws, -b * ws
        m01, m11 = hs * b + s * a * ws, a * ws
        m02 = (new_w - (m00 * cols + m01 * rows)) / 2
        m12 = (new_h - (m10 * cols + m11 * rows)) / 2
        method = _inter(self.inter_method, u[_INTER], cols, rows, new_w, new_h)
        m = ((m00, m01, m02), (m10, m11, m12))
        if codec.cv2 is not None:
            v = self.fill_value
            return codec.cv2.warpAffine(img, np.array(m, np.float32), (new_w, new_h), flags=method,
                                        borderMode=codec.cv2.BORDER_CONSTANT, borderValue=(v, v, v))
        return _pil_warp(img, m, new_w, new_h, self.fill_value, method)

    def _crop(self, img, u):
        rows, cols = img.shape[:2]
        h, w = self.h, self.w
        if self.max_crop_size != -1 or self.min_crop_size != -1:
            lo, hi = self.min_crop_size, self.max_crop_size
            if not (cols >= hi and rows >= hi and hi >= lo):
                raise MXNetError('ImageRecordIter: input image size %dx%d smaller than max_crop_size %d'
                                 % (rows, cols, hi))
            side = _uniform_int(u[_CROP_SIZE], lo, hi)
            y, x = self._origin(rows - side, cols - side, u)
            method = _inter(self.inter_method, u[_INTER], side, side, w, h)
            return codec.resize(img[y:y + side, x:x + side], w, h, method)
        if rows < h or cols < w:
            raise MXNetError('ImageRecordIter: input image size %dx%d smaller than input shape %dx%d'
                             % (rows, cols, h, w))
        y, x = self._origin(rows - h, cols - w, u)
        return img[y:y + h, x:x + w]

    def _origin(self, dy, dx, u):
        if self.rand_crop:
            return _uniform_int(u[_CROP_Y], 0, dy), _uniform_int(u[_CROP_X], 0, dx)
        return dy // 2, dx // 2

    def shift_hls(self, pixels, u):
        """The colour augmentation (``random_h/s/l``) of a batch of cropped RGB images ``NxHxWx3``: a random
        shift per sample of each HLS channel, clipped to OpenCV's 8-bit HLS ranges."""
        n = len(pixels)
        shape = (n,) + (1,) * (pixels.ndim - 2)
        dh = np.trunc(u[:n, _H] * self.random_h * 2 - self.random_h).reshape(shape)
        ds = np.trunc(u[:n, _S] * self.random_s * 2 - self.random_s).reshape(shape)
        dl = np.trunc(u[:n, _L] * self.random_l * 2 - self.random_l).reshape(shape)
        h, l, s = rgb_to_hls(pixels)
        return hls_to_rgb(np.clip(h + dh, 0, 180), np.clip(l + dl, 0, 255), np.clip(s + ds, 0, 255))


def mirror_flags(u, mirror, rand_mirror):
    """Per-sample horizontal flips (``mirror``, or a coin flip each with ``rand_mirror``)."""
    if mirror:
        return np.ones(len(u), bool)
    if rand_mirror:
        return u[:, _MIRROR] < 0.5
    return np.zeros(len(u), bool)


def contrast_illumination(u, max_contrast, max_illumination):
    """Per-sample contrast factors in [1 - c, 1 + c] and illumination offsets in [-i, i]."""
    contrast = u[:, _CONTRAST] * max_contrast * 2 - max_contrast + 1
    illum = u[:, _ILLUM] * max_illumination * 2 - max_illumination
    return contrast.astype(np.float32), illum.astype(np.float32)
