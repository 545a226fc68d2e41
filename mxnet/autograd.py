"""``mx.autograd``: recording imperative NDArray computation and differentiating it (on torch autograd).

``x.attach_grad()`` makes ``x`` a variable with a gradient buffer ``x.grad``; operations inside
``with autograd.record():`` are recorded; ``y.backward()`` writes (grad_req 'write') or adds ('add') the
gradients into the buffers.
"""
import threading

import torch

from .base import MXNetError
from . import _intgrad

# ``__all__`` (at the end) holds the public names, NDArray and Symbol too, as MXNet's star import gives them.

class _State(threading.local):
    """Per-thread autograd state (MXNet keeps it per thread too); the class attributes are the defaults."""
    recording = False
    training = False


_state = _State()
_grad_enabled = torch.is_grad_enabled
_no_grad = torch.no_grad


def is_recording():
    """Whether operations on variables are being recorded for differentiation."""
    return _state.recording


def is_training():
    """Whether operators run in training mode (Dropout drops, BatchNorm uses batch statistics)."""
    return _state.training


def set_recording(is_recording):  # noqa: F811  (MXNet's parameter name)
    """Turn recording on or off in this thread; returns the previous state."""
    prev = _state.recording
    _state.recording = bool(is_recording)
    if is_recording and not _grad_enabled():  # e.g. inside pause(): torch must build the graph again
        torch.set_grad_enabled(True)
    return prev


def set_training(train_mode):  # noqa: F811
    """Turn training mode on or off in this thread; returns the previous state."""
    prev = _state.training
    _state.training = bool(train_mode)
    return prev


def unrecorded(tensors):
    """True when an input tensor is part of a graph (a variable or a recorded result) but this thread is not
    recording: the operation must then run untracked, as MXNet records only inside ``record()``.
    Dispatch calls this (or the same test inlined) before computing."""
    for t in tensors:
        if t.requires_grad:
            return not _state.recording and _grad_enabled()
    return False


class _Scope:
    def __init__(self, recording, training):
        self._rec, self._train = recording, training
        self._prev = None
        self._grad_mode = None

    def __enter__(self):
        self._prev = (set_recording(self._rec) if self._rec is not None else None,
                      set_training(self._train) if self._train is not None else None)
        if self._rec is not None:
            self._grad_mode = torch.is_grad_enabled()
            torch.set_grad_enabled(self._rec)
        return self

    def __exit__(self, *exc):
        if self._rec is not None:
            set_recording(self._prev[0])
            torch.set_grad_enabled(self._grad_mode)
        if self._train is not None:
            set_training(self._prev[1])


def record(train_mode=True):  # noqa: F811
    """Scope in which operations are recorded for differentiation (training mode by default)."""
    return _Scope(True, train_mode)


def pause(train_mode=False):  # noqa: F811
    """Scope in which recording is suspended."""
    return _Scope(False, train_mode)


def train_mode():
    return _Scope(None, True)


def predict_mode():
    return _Scope(None, False)


# ---- variables and gradients ----------------------------------------------------------------------
def _on_grad(t):
    buf, req = t._mx_grad, t._mx_req
    g = t.grad
    if g is not None and buf is not None:
        with torch.no_grad():
            if g.dtype is not buf._data.dtype:  # the float64 shadow of an integer variable
                g = g.to(buf._data.dtype)
            if req == 'add':
                buf._data.add_(g)
            elif req == 'write':
                buf._data.copy_(g)
        getattr(t, '_mx_owner', t)._mx_fresh = True
    t.grad = None


def _make_variable(arr, grad_buf, req):
    if req not in ('write', 'add', 'null'):
        raise MXNetError("grad_req must be 'write', 'add' or 'null', got %r" % (req,))
    t = arr._data
    leaf = _intgrad.plain(t).detach()
    if req != 'null':
        if leaf.is_floating_point() or leaf.is_complex():
            tracked = leaf
        else:  # an integer variable: torch tracks its float64 shadow
            tracked = leaf.to(torch.float64)
            leaf = _intgrad.shadowed(leaf, tracked)
            tracked._mx_owner = leaf
            leaf._mx_grad = grad_buf
        tracked.requires_grad_(True)
        tracked._mx_grad = grad_buf
        tracked._mx_req = req
        tracked.register_post_accumulate_grad_hook(_on_grad)
    arr._data = leaf


def mark_variables(variables, gradients, grad_reqs='write'):
    """Make ``variables`` differentiable with ``gradients`` as their gradient buffers."""
    from .ndarray.ndarray import NDArray
    if isinstance(variables, NDArray):
        variables, gradients = [variables], [gradients]
    reqs = [grad_reqs] * len(variables) if isinstance(grad_reqs, str) else list(grad_reqs)
    for v, g, r in zip(variables, gradients, reqs):
        _make_variable(v, g, r)


def _heads(heads, head_grads):
    from .ndarray.ndarray import NDArray
    if isinstance(heads, NDArray):
        heads = [heads]
        head_grads = [head_grads] if head_grads is not None else None
    ts, gs = [], []
    for i, h in enumerate(heads):
        t = _intgrad.graph_tensor(h._data)
        if not t.requires_grad:
            raise MXNetError('Cannot differentiate node because it is not in a computational graph. You need to '
                             'set is_recording to true or use autograd.record() to save computational graphs '
                             'for backward.')
        node = t.grad_fn
        if node is not None and node.metadata.get('mx_released'):
            raise MXNetError('Trying to differentiate a graph a second time, but its buffers were freed by the '
                             'first backward: pass retain_graph=True to the first backward')
        ts.append(t)
        hg = head_grads[i] if head_grads is not None else None
        hg = torch.ones_like(t) if hg is None else _intgrad.graph_tensor(hg._data)
        gs.append(hg.to(t.dtype) if hg.dtype is not t.dtype else hg)
    return ts, gs


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):  # noqa: F811
    """Accumulate gradients of ``heads`` into the attached gradient buffers."""
    ts, gs = _heads(heads, head_grads)
    torch.autograd.backward(ts, gs, retain_graph=retain_graph)
    if not retain_graph:
        _release(ts)


def _release(ts):
    """Mark the graphs of ``ts`` as consumed (torch notices only where a node saved tensors; MXNet always does)."""
    for t in ts:
        if t.grad_fn is not None:
            t.grad_fn.metadata['mx_released'] = True


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False, train_mode=True):  # noqa
    """Gradients of ``heads`` with respect to ``variables`` (returned, not written to the buffers)."""
    from .ndarray.ndarray import NDArray, wrap
    ts, gs = _heads(heads, head_grads)
    single = isinstance(variables, NDArray)
    vs = [variables] if single else list(variables)
    res = torch.autograd.grad(ts, [_intgrad.graph_tensor(v._data) for v in vs], gs, retain_graph=retain_graph,
                              create_graph=create_graph, allow_unused=True)
    if not (create_graph if retain_graph is None else retain_graph):
        _release(ts)
    return [wrap(_grad_result(r, v._data, create_graph)) for r, v in zip(res, vs)]


def _drop_grad(t):
    t.grad = None


def _grad_result(r, v, create_graph):
    """A gradient from torch as MXNet hands it out: zeros where ``v`` was not reached, a real tensor for torch's
    lazy zeros, and with ``create_graph`` always part of the graph (MXNet records the backward pass, so a gradient
    that is constant in the variables, as that of ``radians`` or ``clip``, can be differentiated again: to zero)."""
    if r is None:
        r = torch.zeros_like(v)
    elif r._is_zerotensor():
        r = torch.zeros(r.shape, dtype=r.dtype, device=r.device)
    if r.dtype is not v.dtype:  # the gradient of an integer variable, from its shadow
        r = _intgrad.cast(r, v.dtype, torch.Tensor.to) if create_graph else r.detach().to(v.dtype)
        return r
    if create_graph and not r.requires_grad:
        r = r.detach().requires_grad_(True)  # a constant leaf: differentiates to zero, gathers no .grad
        r.register_post_accumulate_grad_hook(_drop_grad)
    return r


# ---- the tape: which operator made each recorded result (for get_symbol) ----------------------------
def note(op, params, inputs, outputs):
    """Record on the torch graph that ``op`` (an OpDef) with ``params`` (a dict of given values) made tensors
    ``outputs`` from tensors ``inputs``; dispatch calls it while recording."""
    rec = None
    for j, o in enumerate(outputs):
        t = _intgrad.graph_tensor(o)
        node = getattr(t, 'grad_fn', None)
        if node is None:
            continue
        meta = node.metadata
        if rec is None:
            rec = (op, params, [_entry(_intgrad.graph_tensor(i)) for i in inputs])
        if meta.get('mx_op', rec) is not rec:  # the node of an input (an op that returned it): keep its record
            continue
        meta['mx_op'] = rec
        meta.setdefault('mx_out', {})[t.output_nr] = j


def _entry(t):
    if t.grad_fn is not None:
        return (t.grad_fn, t.output_nr)
    return t if t.requires_grad else None  # a variable, or a constant (None: a fresh input each time)


def _given(op, p):
    """The parameters of ``p`` (a dict, or parsed Attrs) that differ from ``op``'s defaults."""
    if isinstance(p, dict) or p is None:
        return p or {}
    out = {}
    for k, v in vars(p).items():
        f = op.params.get(k)
        if f is None or v is None:
            continue
        try:
            same = bool(v == f.default)
        except Exception:
            same = False
        if not same:
            out[k] = v
    return out


def get_symbol(x):
    """The Symbol of the recorded computation that produced NDArray ``x``: variables ``var<i>`` for the
    arrays with gradients, ``null<i>`` for the other inputs."""
    from .symbol import Symbol as _Sym
    from .symbol.register import create
    from .symbol.symbol import Node
    counter = [0]
    made = {}

    def var(prefix):
        s = _Sym([(Node(None, '%s%d' % (prefix, counter[0]), {}), 0)])
        counter[0] += 1
        return s

    def build(entry):
        if entry is None:
            return var('null')
        if isinstance(entry, torch.Tensor):
            key = ('leaf', id(entry))
            if key not in made:
                made[key] = (entry, var('var'))
            return made[key][1]
        node, idx = entry
        rec = node.metadata.get('mx_op')
        if rec is None:  # made by an operation that is not an operator (a view, an in-place write)
            key = ('node', id(node))
            if key not in made:
                made[key] = (node, var('var'))
            return made[key][1]
        key = ('op', id(rec))
        if key not in made:
            op, params, ins = rec
            made[key] = (rec, create(op, op.name.lower(), [build(e) for e in ins], {}, _given(op, params),
                                     name='node_%d' % len([k for k in made if k[0] == 'op'])))
        sym = made[key][1]
        return sym[node.metadata['mx_out'].get(idx, 0)] if len(sym._outputs) > 1 else sym

    t = _intgrad.graph_tensor(x._data)
    if t.grad_fn is None:
        if not t.requires_grad:
            raise MXNetError('get_symbol: the array is not in a computational graph (record it with '
                             'autograd.record())')
        return build(t)
    return build((t.grad_fn, t.output_nr))


class Function:
    """A user-defined differentiable function: subclass with ``forward(*inputs)`` and ``backward(*out_grads)``
    on NDArrays; ``save_for_backward`` keeps arrays for backward."""

    def __init__(self):
        self.saved_tensors = ()

    def save_for_backward(self, *args):
        self.saved_tensors = args

    def __call__(self, *inputs):
        from .ndarray.ndarray import NDArray, wrap
        fn = self

        class _Fn(torch.autograd.Function):
            @staticmethod
            def forward(ctx, *ts):
                with pause():
                    outs = fn.forward(*[wrap(t.detach()) for t in ts])
                single = isinstance(outs, NDArray)
                ctx.single = single
                outs = [outs] if single else list(outs)
                return tuple(o._data for o in outs)

            @staticmethod
            def backward(ctx, *gs):
                with pause():
                    res = fn.backward(*[wrap(g) for g in gs])
                res = [res] if isinstance(res, NDArray) else list(res)
                return tuple(r._data for r in res)

        outs = _Fn.apply(*[x._data for x in inputs])
        outs = [wrap(o) for o in outs]
        return outs[0] if len(outs) == 1 else outs


def _fresh_grad(arr):
    """Whether a backward pass wrote NDArray ``arr``'s gradient since the flag was last cleared."""
    return getattr(arr._data, '_mx_fresh', False)


def _set_fresh_grad(arr, value):
    if _intgrad.in_graph(arr._data):
        arr._data._mx_fresh = bool(value)


# MXNet's autograd module also hands on NDArray and Symbol (``from mxnet.autograd import *``); they are looked up
# when first asked for, so that this module stays a leaf that the array and graph modules can import.
def __getattr__(name):
    if name == 'NDArray':
        from .ndarray.ndarray import NDArray
        return NDArray
    if name == 'Symbol':
        from .symbol.symbol import Symbol
        return Symbol
    raise AttributeError('module %r has no attribute %r' % (__name__, name))


__all__ = sorted(n for n, v in list(globals().items()) if not n.startswith('_')
                 and not isinstance(v, type(threading))) + ['NDArray', 'Symbol']
