"""``mx.io.NDArrayIter``: batches over in-memory arrays."""
from collections import OrderedDict

import numpy as np
import torch

from ..ndarray.ndarray import NDArray, wrap
from ..ndarray.utils import array
from .base import DataDesc, DataBatch, DataIter

__all__ = ['NDArrayIter']

_LAST_BATCH_HANDLES = ('pad', 'discard', 'roll_over')


def _is_named_pairs(data):
    return len(data) > 0 and all(isinstance(d, tuple) and len(d) == 2 and isinstance(d[0], str) for d in data)


def init_data(data, allow_empty, default_name):
    """Canonical ``[(name, NDArray)]`` sorted by name, from an array, a list of arrays, a dict or (name, array)
    pairs. A lone array is named ``default_name``; several unnamed ones ``_<i>_<default_name>``."""
    assert data is not None or allow_empty
    if data is None:
        data = []
    if isinstance(data, (np.ndarray, NDArray, torch.Tensor)):
        data = [data]
    if isinstance(data, list):
        if not allow_empty:
            assert len(data) > 0
        if _is_named_pairs(data):  # accepted here as an extension; MXNet 1.9.1 raises TypeError
            data = OrderedDict(data)
        elif len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict(('_%d_%s' % (i, default_name), d) for i, d in enumerate(data))
    if not isinstance(data, dict):
        raise TypeError('Input must be NDArray, numpy.ndarray, h5py.Dataset a list of them or dict with them as '
                        'values')
    out = []
    for k, v in data.items():
        if not isinstance(v, NDArray):
            try:
                v = array(v)
            except Exception:
                raise TypeError("Invalid type '%s' for %s, should be NDArray, numpy.ndarray or h5py.Dataset"
                                % (type(v), k)) from None
        out.append((k, v))
    return sorted(out, key=lambda kv: kv[0])


class NDArrayIter(DataIter):
    """Iterates over arrays (NDArray, numpy, dict or list of them) in batches of ``batch_size`` along the
    ``N`` axis of ``layout``.

    ``last_batch_handle`` decides the final incomplete batch: 'pad' fills it with samples from the start
    (``pad`` counts them), 'discard' drops it, 'roll_over' keeps its samples and prepends them to the
    first batch of the next epoch (that batch reports ``pad`` = number of carried samples). With ``shuffle``
    the data is permuted with ``numpy.random`` at construction and at every ``reset()``.
    """

    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle='pad', data_name='data',
                 label_name='softmax_label', layout='NCHW'):
        super().__init__(batch_size)
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError('NDArrayIter: batch_size must be a positive integer, got %r' % (batch_size,))
        if last_batch_handle not in _LAST_BATCH_HANDLES:
            raise ValueError('last_batch_handle must be one of %s, got %r' % (_LAST_BATCH_HANDLES,
                                                                            last_batch_handle))
        self.data = init_data(data, allow_empty=False, default_name=data_name)
        self.label = init_data(label, allow_empty=True, default_name=label_name)
        self.layout = layout
        self.idx = np.arange(self.data[0][1].shape[0])
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = batch_size
        self.cursor = -batch_size
        self.num_data = self.idx.shape[0]
        self._cache_data = None
        self._cache_label = None
        self.reset()
        self.data_list = [x[1] for x in self.data] + [x[1] for x in self.label]
        self.num_source = len(self.data_list)

    @property
    def _axis(self):
        return self.layout.find('N')

    def _descs(self, source):
        ax = self._axis
        return [DataDesc(k, v.shape[:ax] + (self.batch_size,) + v.shape[ax + 1:], v.dtype, layout=self.layout)
                for k, v in source]

    @property
    def provide_data(self):
        """DataDescs of the data batches (batch dimension = ``batch_size``)."""
        return self._descs(self.data)

    @property
    def provide_label(self):
        """DataDescs of the label batches."""
        return self._descs(self.label)

    def hard_reset(self):
        """Start over from the first sample, dropping any rolled-over samples."""
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._cache_data = None
        self._cache_label = None

    def reset(self):
        """Start a new epoch; with 'roll_over' the next epoch begins with the carried-over samples."""
        if self.shuffle:
            self._shuffle_data()
        if self.last_batch_handle == 'roll_over' and self.num_data - self.batch_size < self.cursor < self.num_data:
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self):
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self):
        if not self.iter_next():
            raise StopIteration
        data = self.getdata()
        label = self.getlabel()
        if data[0]._data.shape[self._axis] != self.batch_size:
            # incomplete final batch ('discard' / 'roll_over'): keep it for a rolled-over next epoch
            self._cache_data = data
            self._cache_label = label
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _slice(self, source, start=0, end=None):
        if not source:
            return []
        if end is None:  # as MXNet: the length of the source's first array
            end = source[0][1]._data.shape[0]
        ax = self._axis
        out = []
        for _, v in source:
            t = v._data
            stop = min(end, t.shape[ax])
            begin = start if start < stop else stop
            out.append(wrap(t.narrow(ax, begin, stop - begin).clone()))
        return out

    def _concat(self, first, second):
        if not first or not second:
            return first if first else second
        return [wrap(torch.cat([a._data, b._data], dim=self._axis)) for a, b in zip(first, second)]

    def _batchify(self, source):
        assert self.cursor < self.num_data, 'DataIter needs reset.'
        bs, n, cur = self.batch_size, self.num_data, self.cursor
        if self.last_batch_handle == 'roll_over' and -bs < cur < 0:
            assert self._cache_data is not None or self._cache_label is not None, \
                'next epoch should have cached data'
            # data and label are batchified one after the other; each consumes its own cache
            if self._cache_data is not None:
                cached, self._cache_data = self._cache_data, None
            else:
                cached, self._cache_label = self._cache_label, None
            return self._concat(cached, self._slice(source, 0, cur + bs))
        if self.last_batch_handle == 'pad' and cur + bs > n:
            pad = bs - n + cur
            head = self._slice(source, cur)
            whole, rest = divmod(pad, n)
            if pad > n:
                tail = [wrap(a._data.repeat(*((whole,) + (1,) * (a.ndim - 1))))
                        for a in self._slice(source, 0, n)]
                if rest:
                    tail = self._concat(tail, self._slice(source, 0, rest))
            else:
                tail = self._slice(source, 0, pad)
            return self._concat(head, tail)
        return self._slice(source, cur, min(cur + bs, n))

    def getdata(self):
        return self._batchify(self.data)

    def getlabel(self):
        return self._batchify(self.label)

    def getpad(self):
        if self.last_batch_handle == 'pad' and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == 'roll_over' and -self.batch_size < self.cursor < 0:
            return -self.cursor
        return 0

    def _shuffle_data(self):
        np.random.shuffle(self.idx)
        self.data = _take(self.data, self.idx)
        self.label = _take(self.label, self.idx)


def _take(source, idx):
    """Rows ``idx`` of each array (dtype and context kept)."""
    out = []
    for k, v in source:
        index = torch.from_numpy(idx).to(v._data.device)
        out.append((k, wrap(v._data.index_select(0, index))))
    return out
