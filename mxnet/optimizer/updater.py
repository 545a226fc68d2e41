"""Updater: applies an optimizer to (index, grad, weight) triples, keeping one state per index."""
import pickle


from ..ndarray.ndarray import NDArray
from .optimizer import Optimizer

__all__ = ['Updater', 'get_updater']


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

    def set_states(self, states):
        """Load states pickled by ``get_states`` (this package's or MXNet's)."""
        states = pickle.loads(states)
        if isinstance(states, tuple) and len(states) == 2:
            self.states, self.optimizer = states
        else:
            self.states = states
        self.states_synced = dict.fromkeys(self.states.keys(), False)

    def get_states(self, dump_optimizer=False):
        """Pickled states (NDArrays pickle in MXNet's format), with the optimizer if ``dump_optimizer``."""
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer):
    """An Updater for ``optimizer``."""
    return Updater(optimizer)


