"""Iterators wrapping others: ``mx.io.ResizeIter`` and ``mx.io.PrefetchingIter``."""
import threading

from ..base import MXNetError
from .base import DataDesc, DataBatch, DataIter

__all__ = ['ResizeIter', 'PrefetchingIter']


class _FromCurrentBatch(DataIter):
    """Iterators whose getdata/getlabel/getindex/getpad read the batch they last produced."""
    current_batch = None

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad


class ResizeIter(_FromCurrentBatch):
    """Makes an epoch of ``data_iter`` exactly ``size`` batches: restarts the inner iterator when it runs
    out, and stops early when it has more. ``reset()`` resets the inner iterator only if ``reset_internal``
    (otherwise the next epoch continues where the last stopped)."""

    def __init__(self, data_iter, size, reset_internal=True):
        super().__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, 'default_bucket_key'):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self):
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self):
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True


def _renamed(descs, mapping):
    if mapping is None:
        return list(descs)
    out = []
    for d in descs:
        d = d if isinstance(d, DataDesc) else DataDesc(*d)
        out.append(DataDesc(mapping[d.name], d.shape, d.dtype))
    return out


class PrefetchingIter(_FromCurrentBatch):
    """Reads the next batch of each of ``iters`` in a background thread while the current one is used, and
    joins them: a batch holds the data (and labels) of every iterator, in order. ``rename_data`` /
    ``rename_label`` (one {old: new} dict per iterator) rename the descriptions. The iterators must yield
    the same number of batches with equal ``pad``."""

    def __init__(self, iters, rename_data=None, rename_label=None):
        super().__init__()
        if not isinstance(iters, list):
            iters = [iters]
        assert iters, 'PrefetchingIter needs at least one iterator'
        self.n_iter = len(iters)
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        first = self.provide_data[0]
        self.batch_size = first[1][0]
        self.data_ready = [threading.Event() for _ in iters]
        self.data_taken = [threading.Event() for _ in iters]
        for e in self.data_taken:
            e.set()
        self.started = True
        self.current_batch = None
        self.next_batch = [None] * self.n_iter
        self.prefetch_threads = [threading.Thread(target=self._prefetch, args=(i,), daemon=True)
                                 for i in range(self.n_iter)]
        for t in self.prefetch_threads:
            t.start()

    def _prefetch(self, i):
        while True:
            self.data_taken[i].wait()
            if not self.started:
                break
            try:
                self.next_batch[i] = self.iters[i].next()
            except StopIteration:
                self.next_batch[i] = None
            except Exception as e:  # surfaced to the consumer by iter_next
                self.next_batch[i] = e
            self.data_taken[i].clear()
            self.data_ready[i].set()
            if not self.started:  # close() may have set data_taken while this batch was read: don't wait again
                break

    def close(self):
        """Stop the background threads."""
        if not getattr(self, 'started', False):
            return
        self.started = False
        for e in self.data_taken:
            e.set()
        for t in self.prefetch_threads:
            t.join()

    def __del__(self):
        self.close()

    @property
    def provide_data(self):
        renames = self.rename_data or [None] * self.n_iter
        return sum((_renamed(it.provide_data, r) for r, it in zip(renames, self.iters)), [])

    @property
    def provide_label(self):
        renames = self.rename_label or [None] * self.n_iter
        return sum((_renamed(it.provide_label, r) for r, it in zip(renames, self.iters)), [])

    def reset(self):
        for e in self.data_ready:
            e.wait()
        for it in self.iters:
            it.reset()
        for e in self.data_ready:
            e.clear()
        for e in self.data_taken:
            e.set()

    def iter_next(self):
        for e in self.data_ready:
            e.wait()
        for b in self.next_batch:
            if isinstance(b, Exception):
                raise b
        if all(b is None for b in self.next_batch):
            return False
        if any(b is None for b in self.next_batch) or \
                any(b.pad != self.next_batch[0].pad for b in self.next_batch):
            raise MXNetError('PrefetchingIter: number of entry mismatches between iterators')
        nb = self.next_batch
        self.current_batch = DataBatch(sum((list(b.data) for b in nb), []),
                                       sum((list(b.label or []) for b in nb), []),
                                       nb[0].pad, nb[0].index,
                                       provide_data=self.provide_data, provide_label=self.provide_label)
        for e in self.data_ready:
            e.clear()
        for e in self.data_taken:
            e.set()
        return True

    def next(self):
        if self.iter_next():
            return self.current_batch
        raise StopIteration

