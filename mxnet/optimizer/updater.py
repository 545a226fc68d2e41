"""Updater: applies an optimizer to (index, grad, weight) triples, keeping one state per index.

States files (``get_states``) are pickles of plain data only -- a dict index -> state (NDArrays, tuples), with
the optimizer when dumped -- as MXNet 1.9.1 writes and reads them. One extra entry, ``RESUME_KEY``, holds what
MXNet does not save but the next updates depend on (update counts, the lr scheduler's state, Nadam's
``m_schedule``) and optionally a stamp of the ``.params`` file saved with it; MXNet's updater ignores it. Files
are read only through ``mxnet._safe_pickle`` (no code runs from them).
"""
import numbers
import pickle

from ..base import MXNetError
from .. import _safe_pickle

from ..ndarray.ndarray import NDArray
from .optimizer import Optimizer

__all__ = ['Updater', 'get_updater', 'RESUME_KEY']

RESUME_KEY = '__mxnet_resume__'
_RESUME_VERSION = 1
# optimizer attributes, besides the update counts, that change as it updates
_OPT_ATTRS = ('num_update', 'm_schedule')


def _plain(v):
    """Whether ``v`` is plain data (numbers, strings, None, lists/tuples/dicts of them)."""
    if v is None or isinstance(v, (bool, numbers.Number, str)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_plain(x) for x in v)
    if isinstance(v, dict):
        return all(_plain(k) and _plain(x) for k, x in v.items())
    return False


def _resume_state(opt, params_sha256=None):
    sched = getattr(opt, 'lr_scheduler', None)
    return {
        'version': _RESUME_VERSION,
        'optimizer': {a: getattr(opt, a) for a in _OPT_ATTRS if hasattr(opt, a) and _plain(getattr(opt, a))},
        'index_update_counts': {d: dict(c) for d, c in getattr(opt, '_all_index_update_counts', {}).items()},
        'lr_scheduler': None if sched is None else
        {'class': type(sched).__name__, 'state': {k: v for k, v in vars(sched).items() if _plain(v)}},
        'params_sha256': params_sha256,
    }


def _restore(opt, resume, what):
    """Apply a ``RESUME_KEY`` entry to ``opt``."""
    try:
        if not isinstance(resume, dict) or not isinstance(resume.get('version'), int):
            raise TypeError('not a dict with a version')
        if resume['version'] > _RESUME_VERSION:
            return  # written by a newer version: its extra state is unknown here
        attrs = resume.get('optimizer') or {}
        counts = resume.get('index_update_counts') or {}
        if not _plain(attrs) or not _plain(counts) or not all(isinstance(c, dict) for c in counts.values()):
            raise TypeError('update counts are not plain numbers')
        for a, v in attrs.items():
            if a in _OPT_ATTRS:
                setattr(opt, a, v)
        if counts:
            opt._all_index_update_counts = {d: dict(c) for d, c in counts.items()}
            first = 0 if 0 in opt._all_index_update_counts else next(iter(opt._all_index_update_counts))
            opt._index_update_count = opt._all_index_update_counts[first]
        sched, saved = getattr(opt, 'lr_scheduler', None), resume.get('lr_scheduler')
        if sched is not None and isinstance(saved, dict) and saved.get('class') == type(sched).__name__:
            state = saved.get('state') or {}
            if not _plain(state):
                raise TypeError('lr scheduler state is not plain data')
            for k, v in state.items():
                if isinstance(k, str) and k in vars(sched):
                    setattr(sched, k, v)
    except (TypeError, AttributeError, KeyError, ValueError, StopIteration) as e:
        raise MXNetError('%s: malformed %s entry (%s)' % (what, RESUME_KEY, e)) from None


def _split(obj, what):
    """(states dict, optimizer or None, resume entry or None) of a loaded states pickle."""
    from .optimizer import Optimizer
    optimizer = None
    if isinstance(obj, tuple) and len(obj) == 2:
        obj, optimizer = obj
        if not isinstance(optimizer, Optimizer):
            raise MXNetError('%s: expected (states, optimizer), got an optimizer of type %s'
                             % (what, type(optimizer).__name__))
    if not isinstance(obj, dict):
        raise MXNetError('%s: expected a dict of optimizer states, got %s' % (what, type(obj).__name__))
    states = dict(obj)
    return states, optimizer, states.pop(RESUME_KEY, None)


def states_stamp(data, what='optimizer states'):
    """The ``.params`` stamp (sha256 hex) recorded in states bytes ``data``, or None."""
    resume = _split(_safe_pickle.loads(data, what), what)[2]
    return resume.get('params_sha256') if isinstance(resume, dict) else None


class Updater:
    """``updater(index, grad, weight)`` (or lists of each): create states on first sight, then update.

    Built-in optimizers get all weights of one dtype in one call (one set of multi-tensor kernels). A custom
    optimizer gets one weight per call unless it implements the aggregated path itself, as in MXNet: it sets
    ``aggregate_num > 0`` and then receives lists of up to ``aggregate_num`` weights in
    ``update_multi_precision`` (and so in ``update``, when it overrides only that). An ``aggregate_num``
    inherited from a built-in (SGD's 4) does not send lists to a custom ``update``."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self.aggregate_updates = optimizer.aggregate_num > 0

    def _lists_ok(self):
        cls = type(self.optimizer)
        return (cls.update is Optimizer.update and cls.update_multi_precision is Optimizer.update_multi_precision
                and cls._step is not Optimizer._step)

    def _chunked(self):
        """Whether a custom optimizer takes lists (chunks of ``aggregate_num``) rather than single weights."""
        opt = self.optimizer
        if opt.aggregate_num <= 0:
            return False
        cls = type(opt)
        if cls.update_multi_precision is not Optimizer.update_multi_precision:
            return True  # it overrides the entry point that MXNet hands the lists to
        builtin = next(k for k in cls.__mro__ if k.__module__ == Optimizer.__module__)
        return builtin is Optimizer  # its own aggregate_num, not one inherited from a built-in optimizer

    def __call__(self, index, grad, weight):
        if isinstance(index, (list, tuple)):
            indices, grads, weights = list(index), list(grad), list(weight)
        else:
            indices, grads, weights = [index], [grad], [weight]
        opt = self.optimizer
        if weights:
            opt._set_current_context(weights[0].context.device_id)
        states = self.states
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                idx = indices[i] = idx.decode()
            if idx not in states:
                states[idx] = opt.create_state_multi_precision(idx, weights[i])
                self.states_synced[idx] = True
            elif not self.states_synced[idx]:
                states[idx] = self.sync_state_context(states[idx], weights[i].context)
                self.states_synced[idx] = True
        if self._lists_ok():
            chunk = None
        elif self.aggregate_updates and self._chunked():
            chunk = opt.aggregate_num
        else:
            for i, w, g in zip(indices, weights, grads):
                opt.update_multi_precision(i, w, g, states[i])
            return
        by_dtype = {}
        for i, w, g in zip(indices, weights, grads):
            by_dtype.setdefault(w._data.dtype, []).append((i, w, g))
        for group in by_dtype.values():
            idxs, ws, gs = (list(x) for x in zip(*group))
            step = chunk or len(idxs)
            for s in range(0, len(idxs), step):
                sl = slice(s, s + step)
                opt.update_multi_precision(idxs[sl], ws[sl], gs[sl], [states[i] for i in idxs[sl]])

    def sync_state_context(self, state, context):
        """``state`` (NDArrays, possibly nested in tuples/lists) moved to ``context``."""
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states, what='optimizer states'):
        """Load states written by ``get_states`` (this package's or MXNet's), through the restricted reader:
        a file naming any callable raises MXNetError. Update counts and lr-scheduler state saved with them are
        restored too, so training resumes exactly where it stopped."""
        states, optimizer, resume = _split(_safe_pickle.loads(states, what), what)
        self.states = states
        if optimizer is not None:
            self.optimizer = optimizer
        if resume is not None:
            _restore(self.optimizer, resume, what)
        self.states_synced = dict.fromkeys(self.states.keys(), False)

    def get_states(self, dump_optimizer=False, params_sha256=None):
        """Pickled states (NDArrays pickle in MXNet's format), with the optimizer if ``dump_optimizer``, and
        the ``RESUME_KEY`` entry (``params_sha256`` stamps the ``.params`` file saved alongside)."""
        states = dict(self.states)
        states[RESUME_KEY] = _resume_state(self.optimizer, params_sha256)
        return pickle.dumps((states, self.optimizer) if dump_optimizer else states, protocol=4)


def get_updater(optimizer):
    """An Updater for ``optimizer``."""
    return Updater(optimizer)


