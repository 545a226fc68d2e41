"""``mx.io.ImageRecordIter``: batches of decoded, augmented images from a RecordIO image file.

Records are read in the calling thread and decoded/augmented in a thread pool (``preprocess_threads``
workers, each taking a slice of a batch), several batches ahead (``prefetch_buffer``), so a training loop
does not wait on JPEG decoding. The random choices of a batch are drawn up front as one array of uniforms,
and normalisation runs once per batch, vectorised.
"""
import io
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..base import MXNetError
from ..context import cpu
from .. import ndarray as nd
from ..image import codec
from .. import recordio
from .base import DataDesc, DataBatch, DataIter
from .native import warn_unknown
from . import image_aug

__all__ = ['ImageRecordIter']

_DTYPES = {'float32': np.float32, 'uint8': np.uint8, 'int8': np.int8}

# MXNet options this implementation does not perform (augmenters, .lst labels), with their no-op values.
_UNSUPPORTED_AUG = {
    'brightness': 0.0, 'contrast': 0.0, 'saturation': 0.0,
    'pca_noise': 0.0, 'random_resized_crop': False, 'max_random_area': 1.0, 'min_random_area': 1.0,
    'max_random_aspect_ratio': 0.0, 'min_random_aspect_ratio': None, 'path_imglist': '',
}
# MXNet's default-augmenter options (mx.io.image_aug.DefaultAugmenter) with their defaults
_AUG_OPTIONS = {
    'max_rotate_angle': 0, 'rotate': -1, 'rotate_list': '', 'max_shear_ratio': 0.0, 'max_aspect_ratio': 0.0,
    'min_random_scale': 1.0, 'max_random_scale': 1.0, 'max_img_size': 1e10, 'min_img_size': 0.0,
    'random_h': 0, 'random_s': 0, 'random_l': 0,
}


def _decode(payload, gray):
    """uint8 RGB ``HxWx3`` (or ``HxW`` gray) pixels of an encoded image; Pillow is called directly when
    OpenCV is missing (the common JPEG/PNG modes need no conversion copy)."""
    if codec.cv2 is None and not gray:
        from PIL import Image
        try:
            im = Image.open(io.BytesIO(payload))
            if im.mode == 'RGB':
                return np.asarray(im)
        except Exception:  # noqa: BLE001 -- codec.decode reports it
            pass
    return codec.decode(payload, codec.IMREAD_GRAYSCALE if gray else codec.IMREAD_COLOR, to_rgb=True)


def _part_offsets(offsets, file_size, num_parts, part_index):
    """The record offsets of part ``part_index`` when a file is split like dmlc's InputSplit: equal byte
    ranges (aligned to 4), each record going to the range its first byte falls in."""
    step = (file_size + num_parts - 1) // num_parts
    step = (step + 3) // 4 * 4
    lo, hi = step * part_index, step * (part_index + 1)
    return [o for o in offsets if lo <= o < hi]


def _read_index(path_imgidx, file_size):
    """Sorted, de-duplicated record offsets from a ``.idx`` file (C++ readers use only the offsets)."""
    with open(path_imgidx) as f:
        tokens = f.read().split()
    if len(tokens) % 2:
        raise MXNetError('ImageRecordIter: malformed index file %s' % path_imgidx)
    offs = sorted({int(v) for v in tokens[1::2]})
    return [o for o in offs if o < file_size]


class ImageRecordIter(DataIter):
    """Iterate over an image RecordIO file (made by ``im2rec`` or :func:`mx.recordio.pack_img`).

    Each image is decoded (RGB channel order, or grayscale when ``data_shape[0] == 1``), augmented by
    MXNet's default augmenter (:class:`mx.io.image_aug.DefaultAugmenter`: ``resize``, then one affine warp
    for ``max_rotate_angle``/``rotate``/``rotate_list``, ``max_shear_ratio``, ``min/max_random_scale``,
    ``max_aspect_ratio``, ``min/max_img_size``, then ``pad``, the crop, and ``random_h/s/l`` shifts in HLS
    space), with ``max_random_contrast``/``max_random_illumination`` applied in the normalisation;
    ``seed_aug`` makes each record's augmentation a function of (seed_aug, record index). In short: resized
    so its shorter edge is ``resize`` pixels, padded by ``pad`` pixels of ``fill_value``, cropped to
    ``data_shape`` (centre crop, or a random one with ``rand_crop``; ``max_crop_size``/``min_crop_size``
    crop a random-size square and resize it), mirrored horizontally (``mirror``, or at random with
    ``rand_mirror``), then normalised as ``(x - mean) / std * scale`` where ``mean`` is ``mean_img`` (an
    NDArray file, computed over the data set and saved when missing) or ``mean_r/g/b``.

    Batches have ``data`` of shape ``(batch_size,) + data_shape`` in ``dtype`` ('float32'; 'uint8' gives raw
    pixels; 'int8' gives ``clip(x - mean)``) and ``label`` of shape ``(batch_size,)``, or
    ``(batch_size, label_width)`` for multi-label records. With ``round_batch`` the last batch is filled
    from the start of the data and ``pad`` counts those samples; as in MXNet they are then skipped at the
    start of the next epoch. Without it the last batch is zero-filled and ``pad`` says how many samples
    are filler (MXNet reports 0 there).
    """

    def __init__(self, path_imgrec, data_shape, batch_size, label_width=1, path_imgidx=None, shuffle=False,
                 resize=-1, rand_crop=False, rand_mirror=False, mirror=False, mean_img='', mean_r=0.0,
                 mean_g=0.0, mean_b=0.0, std_r=1.0, std_g=1.0, std_b=1.0, scale=1.0, max_crop_size=-1,
                 min_crop_size=-1, pad=0, fill_value=255, inter_method=1, preprocess_threads=4,
                 prefetch_buffer=4, round_batch=True, seed=0, num_parts=1, part_index=0,
                 data_name='data', label_name='softmax_label', dtype='float32', seed_aug=None,
                 max_random_contrast=0.0, max_random_illumination=0.0, **kwargs):
        super().__init__(batch_size)
        aug_opts = {k: kwargs.pop(k) for k in list(kwargs) if k in _AUG_OPTIONS}
        for name, default in _UNSUPPORTED_AUG.items():
            if name in kwargs and kwargs[name] != default:
                raise MXNetError('ImageRecordIter: option %s=%r is not supported by this implementation'
                                 % (name, kwargs[name]))
        # Other options are ignored, as MXNet's iterator ignores unknown ones; say which.
        warn_unknown('ImageRecordIter', _UNSUPPORTED_AUG, kwargs, what='unknown or unused argument')
        if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise MXNetError('ImageRecordIter: batch_size must be a positive int, got %r' % (batch_size,))
        data_shape = tuple(int(v) for v in data_shape)
        if len(data_shape) != 3 or data_shape[0] not in (1, 3):
            raise MXNetError('ImageRecordIter: data_shape must be (channels, height, width) with 1 or 3 '
                             'channels, got %s' % (data_shape,))
        dtype = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
        if dtype not in _DTYPES:
            raise MXNetError('ImageRecordIter: unknown dtype %r (supported: float32, uint8, int8)' % (dtype,))
        if not os.path.isfile(path_imgrec):
            raise MXNetError('ImageRecordIter: cannot find any files that match the URI pattern %s'
                             % path_imgrec)
        if not 0 <= part_index < num_parts:
            raise MXNetError('ImageRecordIter: part_index %d out of range for num_parts %d'
                             % (part_index, num_parts))
        self.data_shape = data_shape
        self.label_width = int(label_width)
        self.shuffle = bool(shuffle)
        self.round_batch = bool(round_batch)
        self.dtype = _DTYPES[dtype]
        self.data_name, self.label_name = data_name, label_name
        self._augmenter = image_aug.DefaultAugmenter(
            data_shape, resize=resize, rand_crop=rand_crop, max_crop_size=max_crop_size,
            min_crop_size=min_crop_size, pad=pad, fill_value=fill_value, inter_method=inter_method, **aug_opts)
        self._mirror, self._rand_mirror = bool(mirror), bool(rand_mirror)
        self._seed_aug = None if seed_aug is None else int(seed_aug)
        self._contrast, self._illumination = float(max_random_contrast), float(max_random_illumination)
        self._threads = max(1, int(preprocess_threads))
        self._std = np.array([std_r, std_g, std_b][:data_shape[0]], np.float32).reshape(-1, 1, 1)
        self._scale = np.float32(scale)
        self._mean = np.array([mean_r, mean_g, mean_b][:data_shape[0]], np.float32).reshape(-1, 1, 1)

        self._file = open(path_imgrec, 'rb')
        offsets, size = recordio._record_offsets(self._file)
        if path_imgidx:
            offsets = _read_index(path_imgidx, size)
        self._offsets = _part_offsets(offsets, size, num_parts, part_index) if num_parts > 1 else offsets
        if not self._offsets:
            raise MXNetError('ImageRecordIter: no records in %s (part %d of %d)'
                             % (path_imgrec, part_index, num_parts))
        self._rng = np.random.RandomState(seed)
        self._pool = ThreadPoolExecutor(max_workers=max(1, int(preprocess_threads)))
        self._prefetch = max(1, int(prefetch_buffer))
        if mean_img:
            self._mean = self._load_or_make_mean(mean_img)
        self._start = 0
        self._queue = deque()
        self._current = None
        self._new_epoch()
        # MXNet prepares the first batch on construction, so bad records/options fail here.
        self._first = self._next_batch()

    # -- properties -------------------------------------------------------------------------------------
    @property
    def provide_data(self):
        return [DataDesc(self.data_name, (self.batch_size,) + self.data_shape, self.dtype, 'NCHW')]

    @property
    def provide_label(self):
        shape = (self.batch_size,) if self.label_width == 1 else (self.batch_size, self.label_width)
        return [DataDesc(self.label_name, shape, np.float32, 'NCHW')]

    # -- epoch bookkeeping ------------------------------------------------------------------------------
    def _new_epoch(self):
        n = len(self._offsets)
        self._order = self._rng.permutation(n) if self.shuffle else np.arange(n)
        self._cursor, self._start = self._start, 0
        self._done = self._cursor >= n
        self._queue.clear()

    def _plan_batch(self):
        """Record positions (and the pad count) of the next batch of this epoch, or None at its end."""
        n = len(self._order)
        if self._done:
            return None
        idx = list(self._order[self._cursor:self._cursor + self.batch_size])
        self._cursor += len(idx)
        pad = self.batch_size - len(idx)
        if self._cursor >= n:
            self._done = True
        if pad and self.round_batch:
            idx += [self._order[i % n] for i in range(pad)]
            self._start = pad % n
        return idx, pad

    def _fill_queue(self):
        while len(self._queue) < self._prefetch:
            plan = self._plan_batch()
            if plan is None:
                return
            idx, pad = plan
            if self._seed_aug is not None:
                u = image_aug.seeded_uniforms(self._seed_aug, idx)
            else:
                u = self._rng.random_sample((len(idx), image_aug.NUM_DRAWS))
            raws = [self._read_raw(self._offsets[i]) for i in idx]
            step = -(-len(raws) // self._threads)
            futs = [self._pool.submit(self._load_chunk, raws[k:k + step], u[k:k + step])
                    for k in range(0, len(raws), step)]
            self._queue.append((futs, u, pad))

    def _read_raw(self, offset):
        self._file.seek(offset)
        return recordio._read_record(self._file, self._file.name)

    def _next_batch(self):
        self._fill_queue()
        if not self._queue:
            return None
        futs, u, pad = self._queue.popleft()
        self._fill_queue()  # keep the workers busy while this batch is assembled
        c, h, w = self.data_shape
        pixels = np.zeros((self.batch_size, h, w, c), np.uint8)
        lshape = (self.batch_size,) if self.label_width == 1 else (self.batch_size, self.label_width)
        label = np.zeros(lshape, np.float32)
        k = 0
        for fut in futs:
            imgs, labels = fut.result()
            pixels[k:k + len(imgs)] = imgs
            label[k:k + len(imgs)] = labels
            k += len(imgs)
        if self._augmenter.hls and c == 3:
            pixels[:k] = self._augmenter.shift_hls(pixels[:k], u)
        flips = image_aug.mirror_flags(u, self._mirror, self._rand_mirror)
        if flips.any():
            pixels[:k][flips] = pixels[:k][flips][:, :, ::-1]
        data = self._normalize(pixels.transpose(0, 3, 1, 2), u)
        return DataBatch([nd.from_numpy(data)], [nd.from_numpy(label)], pad=pad)

    # -- per-sample work (runs in the pool) ---------------------------------------------------------------
    def _decode_augment(self, raw, u):
        header, payload = recordio.unpack(raw)
        if header.flag > 0:
            if header.flag != self.label_width:
                raise MXNetError('ImageRecordIter: the record file provides %d-dimensional labels but '
                                 'label_width is %d' % (header.flag, self.label_width))
            label = np.asarray(header.label, np.float32)
        else:
            if self.label_width != 1:
                raise MXNetError('ImageRecordIter: label_width must be 1 unless the record file is packed '
                                 'with multi-dimensional labels (got label_width=%d)' % self.label_width)
            label = np.float32(header.label)
        gray = self.data_shape[0] == 1
        try:
            img = _decode(payload, gray)
        except MXNetError as e:
            raise MXNetError('ImageRecordIter: %s: the image of record id %d cannot be decoded: %s'
                             % (self._file.name, header.id, e)) from None
        img = self._augmenter(img, u)
        return (img[..., None] if gray else img), label

    def _load_chunk(self, raws, u):
        """Decoded, augmented uint8 ``HxWxC`` images and the labels of consecutive samples of a batch."""
        out = [self._decode_augment(raw, row) for raw, row in zip(raws, u)]
        return [o[0] for o in out], [o[1] for o in out]

    def _normalize(self, x, u):
        """``((x - mean) / std * contrast + illumination) * scale`` over an ``NCHW`` uint8 batch (MXNet's
        normalisation; contrast and illumination vary per sample when their maxima are set)."""
        if self.dtype == np.uint8:
            return np.ascontiguousarray(x)
        y = x.astype(np.float32, order='C')
        y -= self._mean
        if self.dtype == np.int8:
            return np.clip(y, -128, 127).astype(np.int8, order='C')
        y /= self._std
        if self._contrast or self._illumination:
            n = len(u)
            contrast, illum = image_aug.contrast_illumination(u, self._contrast, self._illumination)
            y[:n] *= contrast.reshape(-1, 1, 1, 1)
            y[:n] += illum.reshape(-1, 1, 1, 1)
        if self._scale != 1:
            y *= self._scale
        return y

    def _load_or_make_mean(self, path):
        """The mean image from ``path`` (an ``mx.nd.save`` file with key 'mean_img'); when the file is
        missing, the mean of all (augmented) images is computed and saved there, as MXNet does."""
        if os.path.isfile(path):
            mean = nd.load(path)
            mean = mean['mean_img'] if isinstance(mean, dict) else mean[0]
            mean = mean.asnumpy().astype(np.float32)
            if mean.shape != self.data_shape:
                raise MXNetError('ImageRecordIter: mean_img %s has shape %s, expected data_shape %s'
                                 % (path, mean.shape, self.data_shape))
            return mean
        total = np.zeros(self.data_shape[1:] + self.data_shape[:1], np.float64)
        centre = np.full((1, image_aug.NUM_DRAWS), 0.5)  # the middle of every random range
        chunk = 256
        for k in range(0, len(self._offsets), chunk):
            raws = [self._read_raw(o) for o in self._offsets[k:k + chunk]]
            imgs, _ = self._load_chunk(raws, np.repeat(centre, len(raws), 0))
            total += np.sum(imgs, axis=0, dtype=np.float64)
        mean = (total / len(self._offsets)).astype(np.float32).transpose(2, 0, 1)
        nd.save(path, {'mean_img': nd.array(mean, ctx=cpu())})
        return mean

    # -- DataIter protocol ----------------------------------------------------------------------------------
    def reset(self):
        self._first = None
        self._new_epoch()

    def iter_next(self):
        if self._first is not None:
            self._current, self._first = self._first, None
        else:
            self._current = self._next_batch()
        return self._current is not None

    def next(self):
        if not self.iter_next():
            raise StopIteration
        return self._current

    def getdata(self):
        return self._current.data[0]

    def getlabel(self):
        return self._current.label[0]

    def getpad(self):
        return self._current.pad

    def getindex(self):
        return None

    def __del__(self):
        pool = getattr(self, '_pool', None)
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        f = getattr(self, '_file', None)
        if f is not None:
            f.close()
