"""``mx.engine``: the execution engine's knobs.

MXNet groups consecutive operators into bulks to cut scheduling cost; torch runs eagerly, so the bulk size is
kept (and returned, as MXNet does) but changes no result. The engine also keeps MXNet's asynchronous errors
(below): an operator that fails at run time poisons its outputs instead of raising at the call.
"""
import contextlib
import weakref

__all__ = ['set_bulk_size', 'bulk']

_bulk_size = [15]  # MXNet's default MXNET_EXEC_BULK_EXEC_MAX_NODE_TRAIN


def set_bulk_size(size):
    """Set the maximum number of operators per bulk; returns the previous value."""
    prev = _bulk_size[0]
    _bulk_size[0] = int(size)
    return prev


@contextlib.contextmanager
def bulk(size):
    """``with mx.engine.bulk(size):`` -- bulk up to ``size`` operators inside the block."""
    prev = set_bulk_size(size)
    try:
        yield
    finally:
        set_bulk_size(prev)


# ---- asynchronous errors ---------------------------------------------------------------------------
# MXNet's engine runs an operator later, so an error inside it (normal() with scale < 0) is not raised at the
# call: it is stored on the operator's outputs, inherited by every operator that reads them, and raised where
# a value is waited for (asnumpy, wait_to_read, waitall). Raising it clears it from every array that carries
# it; an error whose arrays are all gone is dropped. Here an error is kept per torch storage (views such as
# ``a, b = failed`` share it) while some tensor registered with it is alive.
pending = {}  # (device, data_ptr) -> [exception, [weakref to tensor]]; tested as ``if pending`` by dispatch
_raised = [0, None]  # how many errors were ever registered, and the latest one


def _key(t):
    return (t.device, t.untyped_storage().data_ptr())


def _forget(key, ref):
    entry = pending.get(key)
    if entry is not None:
        refs = entry[1]
        if ref in refs:
            refs.remove(ref)
        if not refs:
            del pending[key]


def fail(tensor, exc):
    """Mark ``tensor`` (and the views of its storage) as failed with ``exc``; returns the tensor."""
    if tensor.device.type == 'meta' or tensor.numel() == 0:
        return tensor
    key = _key(tensor)
    entry = pending.get(key)
    if entry is None or entry[0] is not exc:
        entry = pending[key] = [exc, []]
        if _raised[1] is not exc:
            _raised[0] += 1
            _raised[1] = exc
    refs = entry[1]
    if not any(r() is tensor for r in refs):
        refs.append(weakref.ref(tensor, lambda r, k=key: _forget(k, r)))
    return tensor


def error_of(tensors):
    """The pending error of the first failed tensor among ``tensors``, or None (call only when ``pending``)."""
    for t in tensors:
        if t.device.type != 'meta':
            entry = pending.get(_key(t))
            if entry is not None:
                return entry[0]
    return None


def mark():
    """A token for :func:`error_since`."""
    return _raised[0]


def error_since(token, inputs=()):
    """The error registered since ``mark()`` gave ``token`` (a graph run by the executor, whose inner
    operators do not propagate errors), else the pending error of one of ``inputs``, else None."""
    if _raised[0] != token:
        return _raised[1]
    return error_of(inputs) if pending else None


def propagate(inputs, outputs):
    """Outputs computed from a failed input fail with its error (call only when ``pending``)."""
    exc = error_of(inputs)
    if exc is not None:
        for o in outputs:
            fail(o, exc)


def _clear(exc):
    for k in [k for k, e in pending.items() if e[0] is exc]:
        del pending[k]


def rethrow(tensor):
    """Raise the pending error of ``tensor``'s storage, if any, clearing it everywhere."""
    if pending:
        exc = error_of((tensor,))
        if exc is not None:
            _clear(exc)
            raise exc


def rethrow_all():
    """Raise the first pending error and clear them all (``mx.nd.waitall``)."""
    if pending:
        exc = next(iter(pending.values()))[0]
        pending.clear()
        raise exc
