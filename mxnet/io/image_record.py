"""``mx.io.ImageRecordIter``: batches of decoded, augmented images from a RecordIO image file.

Records are read in the calling thread and decoded/augmented in a thread pool (``preprocess_threads``
workers), several batches ahead (``prefetch_buffer``), so a training loop does not wait on JPEG decoding.
"""
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

__all__ = ['ImageRecordIter']

_DTYPES = {'float32': np.float32, 'uint8': np.uint8, 'int8': np.int8}

# MXNet options this implementation does not perform (augmenters, .lst labels), with their no-op values.
_UNSUPPORTED_AUG = {
    'max_rotate_angle': 0, 'rotate': -1, 'rotate_list': '', 'max_shear_ratio': 0.0, 'max_aspect_ratio': 0.0,
    'min_random_scale': 1.0, 'max_random_scale': 1.0, 'max_img_size': 1e10, 'min_img_size': 0.0,
    'random_h': 0, 'random_s': 0, 'random_l': 0, 'brightness': 0.0, 'contrast': 0.0, 'saturation': 0.0,
    'pca_noise': 0.0, 'random_resized_crop': False, 'max_random_area': 1.0, 'min_random_area': 1.0,
    'max_random_aspect_ratio': 0.0, 'min_random_aspect_ratio': None, 'path_imglist': '',
}


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

    Each image is decoded (RGB channel order, or grayscale when ``data_shape[0] == 1``), optionally resized
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
                 data_name='data', label_name='softmax_label', dtype='float32', **kwargs):
        super().__init__(batch_size)
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
        if inter_method not in (0, 1, 2, 3, 4):
            raise MXNetError('ImageRecordIter: inter_method %r is not supported (use 0-4)' % (inter_method,))
        self.data_shape = data_shape
        self.label_width = int(label_width)
        self.shuffle = bool(shuffle)
        self.round_batch = bool(round_batch)
        self.dtype = _DTYPES[dtype]
        self.data_name, self.label_name = data_name, label_name
        self._aug = dict(resize=int(resize), rand_crop=bool(rand_crop), rand_mirror=bool(rand_mirror),
                         mirror=bool(mirror), max_crop_size=int(max_crop_size),
                         min_crop_size=int(min_crop_size), pad=int(pad), fill_value=int(fill_value),
                         inter_method=int(inter_method))
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
            seeds = self._rng.randint(0, 2 ** 31 - 1, size=len(idx))
            futs = [self._pool.submit(self._load_sample, self._read_raw(self._offsets[i]), int(s))
                    for i, s in zip(idx, seeds)]
            self._queue.append((futs, pad))

    def _read_raw(self, offset):
        self._file.seek(offset)
        return recordio._read_record(self._file, self._file.name)

    def _next_batch(self):
        self._fill_queue()
        if not self._queue:
            return None
        futs, pad = self._queue.popleft()
        self._fill_queue()  # keep the workers busy while this batch is assembled
        data = np.zeros((self.batch_size,) + self.data_shape, self.dtype)
        lshape = (self.batch_size,) if self.label_width == 1 else (self.batch_size, self.label_width)
        label = np.zeros(lshape, np.float32)
        for k, fut in enumerate(futs):
            data[k], label[k] = fut.result()
        return DataBatch([nd.from_numpy(data)], [nd.from_numpy(label)], pad=pad)

    # -- per-sample work (runs in the pool) ---------------------------------------------------------------
    def _decode_augment(self, raw, rng):
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
        img = codec.decode(payload, codec.IMREAD_GRAYSCALE if gray else codec.IMREAD_COLOR, to_rgb=True)
        img = self._augment(img, rng)
        return (img[None] if gray else img.transpose(2, 0, 1)), label

    def _augment(self, img, rng):
        a = self._aug
        _, h, w = self.data_shape
        if a['resize'] > 0:
            rows, cols = img.shape[:2]
            if rows > cols:
                size = (a['resize'], a['resize'] * rows // cols)
            else:
                size = (a['resize'] * cols // rows, a['resize'])
            img = codec.resize(img, size[0], size[1], a['inter_method'])
        if a['pad'] > 0:
            p = a['pad']
            widths = ((p, p), (p, p)) + (((0, 0),) if img.ndim == 3 else ())
            img = np.pad(img, widths, constant_values=a['fill_value'])
        rows, cols = img.shape[:2]
        if a['max_crop_size'] != -1 or a['min_crop_size'] != -1:
            lo, hi = a['min_crop_size'], a['max_crop_size']
            if not (cols >= hi and rows >= hi and hi >= lo):
                raise MXNetError('ImageRecordIter: input image size %dx%d smaller than max_crop_size %d'
                                 % (rows, cols, hi))
            side = int(rng.randint(lo, hi + 1))
            y, x = self._crop_origin(rows - side, cols - side, rng)
            img = codec.resize(img[y:y + side, x:x + side], w, h, a['inter_method'])
        else:
            if rows < h or cols < w:
                raise MXNetError('ImageRecordIter: input image size %dx%d smaller than input shape %dx%d'
                                 % (rows, cols, h, w))
            y, x = self._crop_origin(rows - h, cols - w, rng)
            img = img[y:y + h, x:x + w]
        if a['mirror'] or (a['rand_mirror'] and rng.randint(2)):
            img = img[:, ::-1]
        return img

    def _crop_origin(self, dy, dx, rng):
        if self._aug['rand_crop']:
            return int(rng.randint(0, dy + 1)), int(rng.randint(0, dx + 1))
        return dy // 2, dx // 2

    def _load_sample(self, raw, seed):
        img, label = self._decode_augment(raw, np.random.RandomState(seed))
        return self._normalize(img), label

    def _normalize(self, img):
        if self.dtype == np.uint8:
            return img
        x = img.astype(np.float32) - self._mean
        if self.dtype == np.int8:
            return np.clip(x, -128, 127)
        return x / self._std * self._scale

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
        total = np.zeros(self.data_shape, np.float64)
        futs = [self._pool.submit(self._decode_augment, self._read_raw(o), np.random.RandomState(0))
                for o in self._offsets]
        for fut in futs:
            total += fut.result()[0]
        mean = (total / len(futs)).astype(np.float32)
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
