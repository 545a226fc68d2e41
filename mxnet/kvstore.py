"""``mx.kv``: the single-process key-value stores 'local' and 'device' (gradient aggregation across devices)."""
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
        """Copy the stored value(s) into ``out`` (an NDArray or a list per key)."""
        assert out is not None
        for k, o in self._pairs(key, out):
            outs = o if isinstance(o, (list, tuple)) else [o]
            stored = self._get(k)
            for x in outs:
                x._data.copy_(stored._data.to(x._data.device))

    def pushpull(self, key, value, out=None, priority=0):
        self.push(key, value, priority)
        if out is not None:
            self.pull(key, out, priority)

    def row_sparse_pull(self, key, out=None, priority=0, row_ids=None):
        """Dense storage only: pulls whole rows (the requested rows are included)."""
        self.pull(key, out, priority)

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
            self._updater.set_states(f.read())

    def init_params(self, names, param_arrays, arg_params):
        """Module's start-up: one key per parameter index, holding its initial value."""
        for i, name in enumerate(names):
            if i not in self._store:
                self.init(i, arg_params[name])

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
