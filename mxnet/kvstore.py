"""``mx.kv``: the single-process key-value stores 'local' and 'device' (gradient aggregation across devices)."""
import torch

from .base import MXNetError
from .ndarray.ndarray import NDArray

__all__ = ['KVStore', 'create']


def _key(k):
    return k if isinstance(k, (str, int)) else int(k)


class KVStore:
    """Values by key; ``push`` sums the pushed arrays (and applies the optimizer if one is set), ``pull``
    copies the stored value out."""

    def __init__(self, kv_type='local'):
        self._type = kv_type
        self._store = {}
        self._updater = None
        self._optimizer = None

    @property
    def type(self):
        return self._type

    @property
    def rank(self):
        return 0

    @property
    def num_workers(self):
        return 1

    def init(self, key, value):
        """Set initial values (a key and an NDArray, or lists of both)."""
        for k, v in self._pairs(key, value):
            if k in self._store:
                raise MXNetError('duplicate init of key %s' % k)
            if self._store and isinstance(k, str) != isinstance(next(iter(self._store)), str):
                raise MXNetError('Mixed key types are not allowed: key %r next to keys of type %s'
                                 % (k, type(next(iter(self._store))).__name__))
            self._store[k] = v.copy()

    def _get(self, k):
        if k not in self._store:
            raise MXNetError("key %s doesn't exist. Did you init?" % k)
        return self._store[k]

    def _pairs(self, key, value):
        if isinstance(key, (list, tuple)):
            if len(key) != len(value):
                raise MXNetError('key and value lists differ in length')
            return [(_key(k), v) for k, v in zip(key, value)]
        return [(_key(key), value)]

    def push(self, key, value, priority=0):
        """Sum the value(s) pushed for each key (a list per key sums over devices) into the store."""
        for k, v in self._pairs(key, value):
            stored = self._get(k)
            vals = v if isinstance(v, (list, tuple)) else [v]
            for x in vals:
                if x.shape != stored.shape:
                    raise MXNetError('push of key %s: value of shape %s does not match the stored shape %s'
                                     % (k, x.shape, stored.shape))
            total = vals[0]._data.to(stored._data.device).clone()
            for x in vals[1:]:
                total += x._data.to(total.device)
            if self._updater is not None:
                grad = NDArray(total)
                self._updater(k, grad, stored)
            else:
                stored._data.copy_(total)

    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Copy the stored value(s) into ``out`` (an NDArray or a list per key). Sparse outputs are skipped
        when ``ignore_sparse`` (MXNet's default: use ``row_sparse_pull`` for them)."""
        assert out is not None
        for k, o in self._pairs(key, out):
            outs = o if isinstance(o, (list, tuple)) else [o]
            stored = self._get(k)
            for x in outs:
                if ignore_sparse and x.stype != 'default':
                    continue
                x._data.copy_(stored._data.to(x._data.device))

    def pushpull(self, key, value, out=None, priority=0):
        """``push`` then ``pull`` in one call: with no updater the pulled value is the sum of the pushed ones
        (an all-reduce); ``out`` defaults to ``value`` (the sum written back in place)."""
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority, ignore_sparse=False)

    def row_sparse_pull(self, key, out=None, priority=0, row_ids=None):
        """Pull rows ``row_ids`` (an int NDArray per output) of the stored row_sparse value(s) into ``out``:
        the other rows of each output become zero."""
        assert out is not None and row_ids is not None, 'row_sparse_pull needs out and row_ids'
        keys = key if isinstance(key, (list, tuple)) else [key]
        outs = out if isinstance(key, (list, tuple)) else [out]
        ids = row_ids if isinstance(key, (list, tuple)) else [row_ids]
        if len(outs) != len(keys) or len(ids) != len(keys):
            raise MXNetError('row_sparse_pull: %d keys but %d outputs and %d row_ids'
                             % (len(keys), len(outs), len(ids)))
        for k, o, r in zip(keys, outs, ids):
            stored = self._get(_key(k))
            os_ = o if isinstance(o, (list, tuple)) else [o]
            rs = r if isinstance(r, (list, tuple)) else [r] * len(os_)
            if len(rs) != len(os_):
                raise MXNetError('row_sparse_pull of key %s: %d outputs but %d row_ids' % (k, len(os_), len(rs)))
            for x, rid in zip(os_, rs):
                if x.stype != 'row_sparse':
                    raise MXNetError('row_sparse_pull of key %s: the output must be row_sparse, got stype %s'
                                     % (k, x.stype))
                t = stored._data.to(x._data.device)
                rows = rid._data.reshape(-1).to(device=t.device, dtype=torch.int64)
                x._data.zero_()
                x._data[rows] = t[rows]

    def broadcast(self, key, value, out, priority=0):
        self.init(key, value)
        self.pull(key, out, priority)

    def set_optimizer(self, optimizer):
        from . import optimizer as opt
        self._optimizer = optimizer
        self._updater = opt.get_updater(optimizer)

    def _set_updater(self, updater):
        self._updater = updater

    def save_optimizer_states(self, fname, dump_optimizer=False):
        from .symbol.json_io import atomic_write
        assert self._updater is not None, 'Cannot save states for distributed training'
        atomic_write(fname, self._updater.get_states(dump_optimizer))

    def load_optimizer_states(self, fname):
        assert self._updater is not None, 'Cannot load states for distributed training'
        with open(fname, 'rb') as f:
            self._updater.set_states(f.read(), repr(fname))

    def init_params(self, names, param_arrays, arg_params):
        """Module's start-up: one key per parameter name, holding its initial value."""
        for name in names:
            if name not in self._store:
                self.init(name, arg_params[name])

    def set_gradient_compression(self, compression_params):
        pass

    def barrier(self):
        pass


def create(name='local'):
    """A KVStore: 'local' and 'device' (and their variants) run in this process; 'dist_*' needs a cluster."""
    if not isinstance(name, str):
        raise TypeError('name must be a string')
    if name.startswith('dist'):
        raise MXNetError('KVStore %s needs a distributed launcher, which this implementation does not provide'
                         % name)
    if name not in ('local', 'device', 'local_update_cpu', 'local_allreduce_cpu', 'local_allreduce_device',
                    'nccl'):
        raise MXNetError('Unknown KVStore type %s' % name)
    return KVStore(name)


def create_for_module(kvstore, num_device, arg_params):
    """(kvstore or None, update_on_kvstore) as Module uses them; one device needs no store."""
    if kvstore is None:
        return None, False
    if isinstance(kvstore, KVStore):
        return kvstore, False
    if num_device == 1 and 'dist' not in kvstore:
        return None, False
    return create(kvstore), False
