"""Machinery shared by the file-backed iterators that MXNet implements in C++ (CSVIter, LibSVMIter, MNISTIter).

MXNet exposes them as factory functions taking keyword arguments only (given as strings or Python values)
that return an ``MXDataIter``; ``data_name``/``label_name`` name its outputs. Unknown keys are ignored as
MXNet's C++ iterators ignore them, with a warning naming them. The first batch is read at construction, so bad
files and shapes fail there, and ``provide_data``/``provide_label`` describe that first batch. Batches are
float32 (or ``dtype``) NDArrays on cpu(0).
"""
import gzip
import warnings

import numpy as np
import torch

from ..base import MXNetError
from ..ndarray.ndarray import wrap
from .._op import params as P
from .base import DataDesc, DataBatch, DataIter

__all__ = ['MXDataIter']

_ITER_DTYPES = ('float32', 'float64', 'float16', 'bfloat16', 'int32', 'int64', 'int8', 'uint8')


def batch_size_param(**kw):
    return P.Int(low=0, **kw)


def dtype_param():
    return P.Enum(_ITER_DTYPES, default=None)


# keyword arguments every C++-style iterator takes (MXNet's Python wrapper consumes them)
_NAME_SPEC = {'data_name': P.Str(default='data'), 'label_name': P.Str(default='softmax_label')}


def warn_unknown(iter_name, known, kwargs, stacklevel=3, what='unknown argument'):
    """Warn about keyword arguments ``iter_name`` does not use (MXNet ignores unknown ones silently)."""
    unknown = sorted(k for k in kwargs if k not in known)
    if unknown:
        warnings.warn('%s: ignoring %s%s %s' % (iter_name, what, 's' if len(unknown) > 1 else '',
                                                ', '.join(unknown)), stacklevel=stacklevel)


def parse_params(iter_name, spec, args, kwargs):
    """Typed values of ``kwargs`` per ``spec`` ({name: Param}) plus ``data_name``/``label_name``, with
    MXNet's messages for bad input."""
    spec = dict(spec, **_NAME_SPEC)
    warn_unknown(iter_name, spec, kwargs, stacklevel=4)
    parsed = {}
    for name, field in spec.items():
        if name not in kwargs:
            if field.default is P.REQUIRED:
                raise MXNetError('Required parameter %s of %s is not presented'
                                 % (name, _type_desc(field)))
            parsed[name] = field.default
            continue
        value = kwargs[name]
        if isinstance(value, str) and value == 'NULL' and isinstance(field, P.Str):
            parsed[name] = None
            continue
        try:
            parsed[name] = field.parse(value)
        except (ValueError, TypeError):
            raise MXNetError("Invalid Parameter format for %s expect %s but value='%s'"
                             % (name, _type_desc(field), value)) from None
    if args:
        raise TypeError('%s can only accept keyword arguments' % iter_name)
    return parsed


def _type_desc(field):
    if isinstance(field, P.Int) and field.low == 0:
        return 'int (non-negative)'
    return field.type_name


def open_maybe_gz(path):
    """A binary file object; ``.gz`` files are decompressed. Missing files raise MXNetError."""
    try:
        return gzip.open(path, 'rb') if str(path).endswith('.gz') else open(path, 'rb')
    except OSError as e:
        raise MXNetError('%s: No such file or directory (%s)' % (path, e.strerror)) from None


def split_range(n, num_parts, part_index):
    """[begin, end) of part ``part_index`` when ``n`` items are cut into ``num_parts`` near-equal parts."""
    if not 0 <= part_index < num_parts:
        raise MXNetError('part_index %d out of range for num_parts %d' % (part_index, num_parts))
    return n * part_index // num_parts, n * (part_index + 1) // num_parts


def batch_label_shape(label_shape):
    """Per-sample label shape inside a batch: a one-element label_shape gives a 1-d (batch,) label."""
    return () if int(np.prod(label_shape)) == 1 else tuple(label_shape)


class RecordBatcher:
    """MXNet's batch loader over in-memory records (``data[i]``, ``label[i]``).

    An incomplete final batch is filled, with ``round_batch``, by wrapping around to the first records
    (``pad`` = number wrapped; the next epoch then continues after them instead of from the start); without
    it the missing slots keep what the previous batch left there (zeros at first) and ``pad`` counts them.
    """

    def __init__(self, data, label, batch_size, round_batch):
        self.data, self.label = data, label
        self.batch_size, self.round_batch = batch_size, round_batch
        self.pos = 0
        self.num_overflow = 0
        self.buf_data = np.zeros((batch_size,) + data.shape[1:], data.dtype)
        self.buf_label = np.zeros((batch_size,) + label.shape[1:], label.dtype)
        self.buf_index = np.zeros(batch_size, np.uint64)

    def before_first(self):
        if not self.round_batch or self.num_overflow == 0:
            self.pos = 0
        else:
            self.num_overflow = 0

    def _fill(self, dst, src, count):
        self.buf_data[dst:dst + count] = self.data[src:src + count]
        self.buf_label[dst:dst + count] = self.label[src:src + count]
        self.buf_index[dst:dst + count] = np.arange(src, src + count, dtype=np.uint64)

    def next(self):
        """(data, label, index, pad) numpy copies, or None at the end of the epoch."""
        if self.num_overflow:
            return None
        n, bs = self.data.shape[0], self.batch_size
        top = min(bs, n - self.pos)
        if top <= 0:
            return None
        self._fill(0, self.pos, top)
        self.pos += top
        pad = 0
        if top < bs:
            if self.round_batch:
                need = bs - top
                if need > n:
                    raise MXNetError('Check failed: number of input must be bigger than batch size '
                                     '(%d records, batch_size %d)' % (n, bs))
                self._fill(top, 0, need)
                self.pos = self.num_overflow = pad = need
            else:
                pad = bs - top
        return self.buf_data.copy(), self.buf_label.copy(), self.buf_index.copy(), pad


class MXDataIter(DataIter):
    """An iterator of batches produced by a batch source (``_next_batch``/``_before_first`` of subclasses).

    ``next()`` gives DataBatches of one data and one label array; ``getdata()``/``getlabel()`` return the
    current batch's arrays (not lists); ``getindex()`` the uint64 record indices.
    """

    def __init__(self, data_name='data', label_name='softmax_label'):
        super().__init__()
        self._current = None
        self.first_batch = None
        self.first_batch = self.next()
        data, label = self.first_batch.data[0], self.first_batch.label[0]
        self.provide_data = [DataDesc(data_name, data.shape, data.dtype)]
        self.provide_label = [DataDesc(label_name, label.shape, label.dtype)]
        self.batch_size = data.shape[0]

    def _next_batch(self):
        """(data, label, index, pad) as numpy arrays, or None at the end; implemented by subclasses."""
        raise NotImplementedError

    def _before_first(self):
        raise NotImplementedError

    def reset(self):
        self.first_batch = None
        self._current = None
        self._before_first()

    def _advance(self):
        raw = self._next_batch()
        if raw is None:
            self._current = None
            return False
        data, label, index, pad = raw
        self._current = DataBatch(data=[wrap(torch.from_numpy(data))], label=[wrap(torch.from_numpy(label))],
                                  pad=pad, index=index)
        return True

    def next(self):
        if self.first_batch is not None:
            batch, self.first_batch = self.first_batch, None
            return batch
        if self._advance():
            return self._current
        raise StopIteration

    def iter_next(self):
        if self.first_batch is not None:
            self._current, self.first_batch = self.first_batch, None
            return True
        return self._advance()

    def getdata(self):
        return self._current.data[0]

    def getlabel(self):
        return self._current.label[0]

    def getindex(self):
        return self._current.index

    def getpad(self):
        return self._current.pad


class BatchedRecordIter(MXDataIter):
    """An MXDataIter over records held in memory, batched by a RecordBatcher."""

    def __init__(self, data, label, batch_size, round_batch, **names):
        if batch_size <= 0:
            raise MXNetError('batch_size must be positive, got %d' % batch_size)
        self._batcher = RecordBatcher(data, label, batch_size, round_batch)
        super().__init__(**names)

    def _next_batch(self):
        return self._batcher.next()

    def _before_first(self):
        self._batcher.before_first()
