"""DataLoader: batches of a Dataset, read in order or shuffled, in this thread or by worker threads."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ... import ndarray as nd
from . import sampler as _sampler

__all__ = ['DataLoader', 'default_batchify_fn']


def default_batchify_fn(data):
    """Stack samples into a batch: NDArrays with ``nd.stack``, tuples element by element, others via numpy."""
    if isinstance(data[0], nd.NDArray):
        return nd.stack(*data)
    if isinstance(data[0], tuple):
        data = zip(*data)
        return [default_batchify_fn(i) for i in data]
    data = np.asarray(data)
    return nd.array(data, dtype=data.dtype)


default_mp_batchify_fn = default_batchify_fn


class DataLoader:
    """Iterates over ``dataset`` in mini-batches of ``batch_size`` (or per ``batch_sampler``).

    ``shuffle`` draws a random order each epoch; ``last_batch`` is 'keep', 'discard' or 'rollover';
    ``batchify_fn`` merges samples (default: stacking); ``num_workers > 0`` reads batches in that many threads,
    keeping ``prefetch`` (default ``2 * num_workers``) batches ahead."""

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None, batch_sampler=None,
                 batchify_fn=None, num_workers=0, pin_memory=False, pin_device_id=0, prefetch=None,
                 thread_pool=False, timeout=120, try_nopython=None):
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._timeout = timeout
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError('batch_size must be specified unless batch_sampler is specified')
            if sampler is None:
                if shuffle:
                    sampler = _sampler.RandomSampler(len(dataset))
                else:
                    sampler = _sampler.SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError('shuffle must not be specified if sampler is specified')
            batch_sampler = _sampler.BatchSampler(sampler, batch_size, last_batch if last_batch else 'keep')
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise ValueError('batch_size, shuffle, sampler and last_batch must not be specified if '
                             'batch_sampler is specified.')
        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._prefetch = max(0, int(prefetch) if prefetch is not None else 2 * self._num_workers)
        self._batchify_fn = batchify_fn if batchify_fn is not None else default_batchify_fn

    def _batch(self, indices):
        return self._batchify_fn([self._dataset[idx] for idx in indices])

    def __iter__(self):
        if self._num_workers == 0:
            for batch in self._batch_sampler:
                yield self._batch(batch)
            return
        with ThreadPoolExecutor(self._num_workers) as pool:
            pending = []
            it = iter(self._batch_sampler)
            for batch in it:
                pending.append(pool.submit(self._batch, batch))
                if len(pending) > self._prefetch:
                    break
            while pending:
                result = pending.pop(0).result(timeout=self._timeout)
                nxt = next(it, None)
                if nxt is not None:
                    pending.append(pool.submit(self._batch, nxt))
                yield result

    def __len__(self):
        return len(self._batch_sampler)
