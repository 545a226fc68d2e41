"""Image encode/decode/resize on numpy uint8 arrays, following OpenCV's conventions.

MXNet does its image work with OpenCV, so colour images are **BGR** (``HxWx3``) at this level and grayscale
images are ``HxW``. We use ``cv2`` when it is importable (bit-exact with MXNet's encoders) and Pillow otherwise.
Without cv2, bilinear resizing reproduces ``cv2.resize`` bit for bit; the other modes run on torch (OpenCV's
kernels, up to rounding).
"""
import io

import numpy as np
import torch

from ..base import MXNetError

try:  # optional: OpenCV gives byte-identical encodes and decodes with MXNet
    import cv2
except ImportError:  # pragma: no cover - depends on the environment
    cv2 = None

# OpenCV's imread flags, which MXNet's APIs take as ``flag`` / ``iscolor``.
IMREAD_UNCHANGED, IMREAD_GRAYSCALE, IMREAD_COLOR = -1, 0, 1


def _pil():
    try:
        from PIL import Image
    except ImportError as err:  # pragma: no cover
        raise MXNetError('image decoding needs OpenCV (cv2) or Pillow; install one of them') from err
    return Image


def decode(buf, flag=IMREAD_COLOR, to_rgb=False):
    """Decode encoded image bytes into a uint8 array as ``cv2.imdecode`` does: BGR(A) or ``HxW`` gray.

    ``flag`` 1: 3-channel BGR; 0: ``HxW`` grayscale; -1: as stored (gray ``HxW``, BGR or BGRA).
    ``to_rgb`` returns colour images in RGB(A) order instead.
    """
    buf = bytes(buf)
    if cv2 is not None:
        img = cv2.imdecode(np.frombuffer(buf, dtype=np.uint8), int(flag))
        if img is None:
            raise MXNetError('imdecode: cannot decode image data (%d bytes)' % len(buf))
        if to_rgb and img.ndim == 3:
            img = np.ascontiguousarray(img[:, :, [2, 1, 0, 3][:img.shape[2]]])
        return img
    Image = _pil()
    try:
        pil = Image.open(io.BytesIO(buf))
        if flag == IMREAD_GRAYSCALE and pil.format == 'JPEG':
            pil.draft('L', pil.size)  # libjpeg's own grayscale output (the Y channel), as OpenCV gets it
        pil.load()
    except Exception as err:
        raise MXNetError('imdecode: cannot decode image data (%d bytes): %s' % (len(buf), err)) from err
    if flag == IMREAD_GRAYSCALE:
        if pil.format == 'PNG' and pil.mode not in ('L', 'I', 'I;16'):
            return _libpng_gray(np.asarray(pil.convert('RGB')))
        return np.asarray(pil.convert('L'))
    if flag == IMREAD_UNCHANGED and pil.mode == 'L':
        return np.asarray(pil)
    mode = 'RGBA' if flag == IMREAD_UNCHANGED and pil.mode in ('RGBA', 'LA', 'PA') else 'RGB'
    arr = np.asarray(pil.convert(mode))
    if to_rgb:
        return arr
    return np.ascontiguousarray(arr[:, :, [2, 1, 0, 3][:arr.shape[2]]])


def _libpng_gray(rgb):
    """Gray from RGB with libpng's rgb_to_gray (0.299/0.587 in 15-bit fixed point, truncated), which is what
    OpenCV's PNG decoder uses for grayscale reads."""
    rgb = rgb.astype(np.uint32)
    return ((rgb[..., 0] * 9797 + rgb[..., 1] * 19234 + rgb[..., 2] * 3737) >> 15).astype(np.uint8)


def encode(img, img_fmt='.jpg', quality=95):
    """Encode a uint8 BGR / gray image as ``cv2.imencode(img_fmt, img, params)`` does in ``pack_img``.

    ``quality`` is the JPEG quality for '.jpg'/'.jpeg' and the PNG compression level for '.png'.
    """
    img = np.asarray(img)
    fmt = img_fmt.lower()
    if cv2 is not None:
        params = []
        if fmt in ('.jpg', '.jpeg'):
            params = [cv2.IMWRITE_JPEG_QUALITY, quality]
        elif fmt == '.png':
            params = [cv2.IMWRITE_PNG_COMPRESSION, quality]
        ok, out = cv2.imencode(img_fmt, img, params)
        if not ok:
            raise MXNetError('pack_img: failed to encode image as %s' % img_fmt)
        return out.tobytes()
    Image = _pil()
    if img.dtype != np.uint8:
        img = img.astype(np.uint8)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim == 3:
        img = img[:, :, [2, 1, 0, 3][:img.shape[2]]]  # BGR(A) -> RGB(A)
    fmt_name = Image.registered_extensions().get(fmt)
    if fmt_name is None:
        raise MXNetError('pack_img: unsupported image format %r' % img_fmt)
    kw = {}
    if fmt_name == 'JPEG':
        kw['quality'] = int(quality)
    elif fmt_name == 'PNG':
        kw['compress_level'] = int(min(max(quality, 0), 9))
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(img)).save(out, format=fmt_name, **kw)
    return out.getvalue()


# OpenCV interpolation codes -> torch interpolate modes (4, Lanczos, has no torch kernel: bicubic stands in).
_INTERP = {0: 'nearest', 1: 'bilinear', 2: 'bicubic', 3: 'area', 4: 'bicubic'}


def _linear_taps(ssize, dsize, clamp_weights):
    """Source indices and 11-bit fixed-point weights of OpenCV's INTER_LINEAR along one axis. OpenCV zeroes
    the fractional part at clamped columns but not at clamped rows (there the two rounded weights of the
    same source row may sum to 2047 or 2049); this is reproduced so results match bit for bit."""
    scale = 1.0 / (float(dsize) / ssize)
    f = ((np.arange(dsize) + 0.5) * scale - 0.5).astype(np.float32)
    s = np.floor(f).astype(np.int64)
    f = (f - s).astype(np.float32)
    if clamp_weights:
        f[s < 0] = 0
        s[s < 0] = 0
        edge = s >= ssize - 1
        f[edge] = 0
        s[edge] = ssize - 1
    w0 = np.round((np.float32(1) - f) * 2048).astype(np.int64)
    w1 = np.round(f * 2048).astype(np.int64)
    return np.clip(s, 0, ssize - 1), np.clip(s + 1, 0, ssize - 1), w0, w1


def _resize_linear(img, w, h):
    """Bit-exact ``cv2.resize(img, (w, h), interpolation=INTER_LINEAR)`` for uint8 images."""
    x0, x1, a0, a1 = _linear_taps(img.shape[1], w, True)
    y0, y1, b0, b1 = _linear_taps(img.shape[0], h, False)
    tail = (1,) * (img.ndim - 2)
    src = img.astype(np.int32)  # products stay below 2^27
    rows = np.take(src, x0, axis=1)
    rows *= a0.astype(np.int32).reshape((-1,) + tail)
    tmp = np.take(src, x1, axis=1)
    tmp *= a1.astype(np.int32).reshape((-1,) + tail)
    rows += tmp
    # OpenCV's vertical pass: 16-bit multiply-high of the rows shifted by 4, then a rounding shift by 2
    rows >>= 4
    out = np.take(rows, y0, axis=0)
    out *= b0.astype(np.int32).reshape((-1, 1) + tail)
    out >>= 16
    tmp = np.take(rows, y1, axis=0)
    tmp *= b1.astype(np.int32).reshape((-1, 1) + tail)
    tmp >>= 16
    out += tmp
    out += 2
    out >>= 2
    return np.clip(out, 0, 255).astype(np.uint8)


def resize(img, w, h, interp=1):
    """``cv2.resize(img, (w, h), interpolation=interp)`` for a uint8 ``HxW`` or ``HxWxC`` array."""
    if interp not in _INTERP:
        raise MXNetError('imresize: invalid interpolation method %r (valid: 0-4)' % (interp,))
    if w <= 0 or h <= 0:
        raise MXNetError('imresize: target size must be positive, got w=%d h=%d' % (w, h))
    if (img.shape[0], img.shape[1]) == (h, w):
        return img.copy()
    if cv2 is not None:
        return cv2.resize(img, (int(w), int(h)), interpolation=int(interp))
    if interp == 1:
        return _resize_linear(img, int(w), int(h))
    x = torch.from_numpy(np.ascontiguousarray(img))
    gray = x.dim() == 2
    x = (x[None, None] if gray else x.permute(2, 0, 1)[None]).to(torch.float32)
    mode = _INTERP[interp]
    kw = {} if mode in ('nearest', 'area') else {'align_corners': False}
    y = torch.nn.functional.interpolate(x, size=(int(h), int(w)), mode=mode, **kw)
    y = y.round_().clamp_(0, 255).to(torch.uint8)[0]
    return (y[0] if gray else y.permute(1, 2, 0)).numpy()
