"""``mx.image.ImageIter``: batches of decoded, augmented images from a RecordIO file or an image list.

Samples come from ``path_imgrec`` (with ``path_imgidx`` for shuffling and partitioning), or from image
files under ``path_root`` listed in ``path_imglist`` (``index \\t label(s) \\t path`` lines) or ``imglist``
(``[label(s)..., path]`` items). Each is decoded (RGB), run through the augmenters and transposed to CHW.
"""
import logging
import numbers
import os
import random

import numpy as np

from .. import ndarray as nd
from .. import recordio
from ..io.base import DataBatch, DataDesc, DataIter
from .image import imdecode
from .augment import CreateAugmenter

__all__ = ['ImageIter']

_LABEL_DTYPES = ('int32', 'float32', 'int64', 'float64')
_LAST_BATCH = ('pad', 'discard', 'roll_over')


class ImageIter(DataIter):
    """Image iterator with MXNet's augmentation choices (keyword arguments of :func:`CreateAugmenter`,
    unless ``aug_list`` is given).

    Batches have data ``(batch_size,) + data_shape`` (float32) and label ``(batch_size,)``, or
    ``(batch_size, label_width)``. ``last_batch_handle``: 'pad' fills the last batch from the start of the
    data (``pad`` counts those), 'discard' drops it, 'roll_over' keeps it and completes it with the first
    samples of the next epoch (after ``reset()``). ``shuffle`` reorders the samples at each reset.
    """

    def __init__(self, batch_size, data_shape, label_width=1, path_imgrec=None, path_imglist=None,
                 path_root=None, path_imgidx=None, shuffle=False, part_index=0, num_parts=1, aug_list=None,
                 imglist=None, data_name='data', label_name='softmax_label', dtype='float32',
                 last_batch_handle='pad', **kwargs):
        super().__init__(batch_size)
        if not (path_imgrec or path_imglist or isinstance(imglist, list)):
            raise ValueError('%s: one of path_imgrec, path_imglist or imglist is required'
                             % type(self).__name__)
        if dtype not in _LABEL_DTYPES:
            raise ValueError('%s: label dtype %s not supported (use one of %s)'
                             % (type(self).__name__, dtype, ', '.join(_LABEL_DTYPES)))
        if last_batch_handle not in _LAST_BATCH:
            raise ValueError('%s: last_batch_handle must be one of %s, got %r'
                             % (type(self).__name__, ', '.join(_LAST_BATCH), last_batch_handle))
        self.imgrec, self.imgidx = None, None
        if path_imgrec:
            if path_imgidx:
                self.imgrec = recordio.MXIndexedRecordIO(path_imgidx, path_imgrec, 'r')
                self.imgidx = list(self.imgrec.keys)
            else:
                self.imgrec = recordio.MXRecordIO(path_imgrec, 'r')
        keys = None
        if path_imglist:
            self.imglist, keys = self._read_imglist(path_imglist, dtype)
        elif isinstance(imglist, list):
            self.imglist, keys = self._parse_imglist(imglist, dtype)
        else:
            self.imglist = None
        self.path_root = path_root or ''
        data_shape = tuple(data_shape)
        self.check_data_shape(data_shape)
        self.provide_data = [DataDesc(data_name, (batch_size,) + data_shape)]
        label_shape = (batch_size, label_width) if label_width > 1 else (batch_size,)
        self.provide_label = [DataDesc(label_name, label_shape)]
        self.batch_size = batch_size
        self.data_shape = data_shape
        self.label_width = label_width
        self.shuffle = shuffle
        if self.imgrec is None:
            self.seq = keys
        elif shuffle or num_parts > 1 or path_imgidx:
            if self.imgidx is None:
                raise ValueError('%s: shuffle and num_parts > 1 need path_imgidx with path_imgrec'
                                 % type(self).__name__)
            self.seq = self.imgidx
        else:
            self.seq = None
        if num_parts > 1:
            if not 0 <= part_index < num_parts:
                raise ValueError('part_index %d out of range for num_parts %d' % (part_index, num_parts))
            share = len(self.seq) // num_parts
            self.seq = self.seq[part_index * share:(part_index + 1) * share]
        self.auglist = CreateAugmenter(data_shape, **kwargs) if aug_list is None else aug_list
        self.last_batch_handle = last_batch_handle
        self.num_image = len(self.seq) if self.seq is not None else None
        self.cur = 0
        self._allow_read = True
        self._cache = None  # (data, label, count) of a rolled-over partial batch
        self.reset()

    # ---- sources ------------------------------------------------------------------------------
    @staticmethod
    def _read_imglist(path, dtype):
        imglist, keys = {}, []
        with open(path) as f:
            for line in f:
                fields = line.strip().split('\t')
                if len(fields) < 3:
                    continue
                key = int(fields[0])
                imglist[key] = (nd.array([float(v) for v in fields[1:-1]], dtype=dtype), fields[-1])
                keys.append(key)
        return imglist, keys

    @staticmethod
    def _parse_imglist(items, dtype):
        imglist, keys = {}, []
        for index, item in enumerate(items, 1):
            if len(item) > 2:
                label = nd.array(item[:-1], dtype=dtype)
            elif isinstance(item[0], numbers.Number):
                label = nd.array([item[0]], dtype=dtype)
            else:
                label = nd.array(item[0], dtype=dtype)
            key = str(index)
            imglist[key] = (label, item[-1])
            keys.append(key)
        return imglist, keys

    # ---- iteration ----------------------------------------------------------------------------
    def reset(self):
        """Back to the first sample (reshuffled with ``shuffle``); a rolled-over batch is kept."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.last_batch_handle != 'roll_over' or self._cache is None:
            if self.imgrec is not None:
                self.imgrec.reset()
            self.cur = 0
            self._allow_read = True

    def hard_reset(self):
        """Back to the first sample, dropping any rolled-over batch."""
        self._cache = None
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.imgrec is not None:
            self.imgrec.reset()
        self.cur = 0
        self._allow_read = True

    def next_sample(self):
        """(label, encoded image bytes) of the next sample; StopIteration at the end of the data (which
        rewinds the source, except with 'discard')."""
        if not self._allow_read:
            raise StopIteration
        if self.seq is None:
            s = self.imgrec.read()
            if s is None:
                if self.last_batch_handle != 'discard':
                    self.imgrec.reset()
                raise StopIteration
            header, img = recordio.unpack(s)
            return header.label, img
        if self.cur >= self.num_image:
            if self.last_batch_handle != 'discard':
                self.cur = 0
            raise StopIteration
        idx = self.seq[self.cur]
        self.cur += 1
        if self.imgrec is not None:
            header, img = recordio.unpack(self.imgrec.read_idx(idx))
            return (header.label if self.imglist is None else self.imglist[idx][0]), img
        label, fname = self.imglist[idx]
        return label, self.read_image(fname)

    def _new_batch(self):
        return nd.zeros((self.batch_size,) + self.data_shape), nd.empty(self.provide_label[0].shape)

    def _put_sample(self, batch_data, batch_label, i, label, raw):
        """Decode, augment and store one sample at row ``i``; returns how many rows it filled (0: skipped)."""
        data = self.imdecode(raw)
        try:
            self.check_valid_image(data)
        except RuntimeError as e:
            logging.debug('Invalid image, skipping: %s', e)
            return 0
        data = self.augmentation_transform(data)
        batch_data[i] = self.postprocess_data(data)
        label = label.asnumpy() if isinstance(label, nd.NDArray) else np.asarray(label, np.float32)
        batch_label[i] = nd.array(label.reshape(batch_label.shape[1:]))
        return 1

    def _batchify(self, batch_data, batch_label, start=0):
        """Fill rows ``start``.. of the batch; the number of rows filled in all. StopIteration when the
        data ended before any row was filled."""
        i = start
        try:
            while i < self.batch_size:
                label, raw = self.next_sample()
                i += self._put_sample(batch_data, batch_label, i, label, raw)
        except StopIteration:
            if not i:
                raise
        return i

    def next(self):
        """The next DataBatch (see ``last_batch_handle``)."""
        if self._cache is not None:
            batch_data, batch_label, i = self._cache
        else:
            batch_data, batch_label = self._new_batch()
            i = self._batchify(batch_data, batch_label)
        pad = self.batch_size - i
        if pad:
            if self.last_batch_handle == 'discard':
                raise StopIteration
            if self.last_batch_handle == 'roll_over' and self._cache is None:
                self._cache = (batch_data, batch_label, i)
                raise StopIteration
            self._batchify(batch_data, batch_label, i)
            if self.last_batch_handle == 'pad':
                self._allow_read = False
            else:
                self._cache = None
        return DataBatch([batch_data], [batch_label], pad=pad)

    # ---- hooks ------------------------------------------------------------------------------------
    def check_data_shape(self, data_shape):
        """ValueError unless ``data_shape`` is (3, H, W)."""
        if len(data_shape) != 3:
            raise ValueError('data_shape should have length 3, with dimensions CxHxW')
        if data_shape[0] != 3:
            raise ValueError('This iterator expects inputs to have 3 channels.')

    def check_valid_image(self, data):
        """RuntimeError for an empty decoded image."""
        if len(data[0].shape) == 0:
            raise RuntimeError('Data shape is wrong')

    def imdecode(self, s):
        """Decode ``s`` with :func:`mx.image.imdecode`; failures raise RuntimeError naming the sample."""
        try:
            return imdecode(s)
        except Exception as e:
            where = self.cur - 1
            idx = self.seq[where % self.num_image] if self.seq is not None and self.num_image else where
            if self.imglist is not None and idx in self.imglist:
                msg = 'filename: %s' % self.imglist[idx][1]
            else:
                msg = 'index: %s' % idx
            raise RuntimeError('Broken image %s, %s' % (msg, e)) from None

    def read_image(self, fname):
        """The bytes of image file ``fname`` under ``path_root``."""
        with open(os.path.join(self.path_root, fname), 'rb') as f:
            return f.read()

    def augmentation_transform(self, data):
        """``data`` run through every augmenter of ``auglist``."""
        for aug in self.auglist:
            data = aug(data)
        return data

    def postprocess_data(self, datum):
        """HWC -> CHW, the layout of a batch."""
        return nd.transpose(datum, axes=(2, 0, 1))
