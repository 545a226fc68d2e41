"""``mx.image``: image decoding and resizing helpers (the subset the data iterators need)."""
import numpy as np

from ..base import MXNetError
from .. import ndarray as nd
from . import codec

__all__ = ['imdecode', 'imresize']


def _as_bytes(buf):
    if isinstance(buf, nd.NDArray):
        return buf.asnumpy().astype(np.uint8).tobytes()
    if isinstance(buf, np.ndarray):
        return buf.astype(np.uint8).tobytes()
    if isinstance(buf, (bytes, bytearray, memoryview)):
        return bytes(buf)
    raise TypeError('imdecode: buf must be bytes, bytearray or a uint8 array, got %s' % type(buf).__name__)


def imdecode(buf, flag=1, to_rgb=1, out=None):
    """Decode an encoded image into an ``HxWxC`` uint8 NDArray.

    ``flag`` 1 gives 3 channels, 0 gives 1 (grayscale); ``to_rgb`` 1 returns RGB order, 0 OpenCV's BGR.
    """
    img = codec.decode(_as_bytes(buf), codec.IMREAD_COLOR if flag else codec.IMREAD_GRAYSCALE, bool(to_rgb))
    if img.ndim == 2:
        img = img[:, :, None]
    res = nd.array(img, dtype=np.uint8)
    if out is not None:
        out[:] = res
        return out
    return res


def imresize(src, w, h, interp=1, out=None):
    """Resize an ``HxWxC`` uint8 image NDArray to ``h x w`` (OpenCV interpolation code ``interp``)."""
    arr = src.asnumpy() if isinstance(src, nd.NDArray) else np.asarray(src)
    if arr.ndim != 3:
        raise MXNetError('imresize: expected an HxWxC image, got shape %s' % (arr.shape,))
    res = codec.resize(arr.astype(np.uint8), int(w), int(h), int(interp))
    if res.ndim == 2:
        res = res[:, :, None]
    res = nd.array(res, dtype=np.uint8)
    if out is not None:
        out[:] = res
        return out
    return res
