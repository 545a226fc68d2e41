"""The one place that touches torch's private or version-dependent entry points.

Everything here has a public fallback, and under ``torch.compile`` tracing (``is_compiling()``) each helper
takes the public, traceable path, so the operators' compute functions stay pure: no storage pointers, no
C-level shortcuts, nothing dynamo must break the graph for.
"""
import torch

__all__ = ['is_compiling', 'shares_storage', 'function_apply', 'run_backward', 'rnn_kernel']

try:
    _is_compiling = torch.compiler.is_compiling
except AttributeError:  # pragma: no cover -- torch < 2.3
    def _is_compiling():
        return False


def is_compiling():
    """True while torch.compile (dynamo) traces the calling code."""
    return _is_compiling()


def shares_storage(t, x):
    """Whether tensor ``t`` is backed by ``x``'s memory (a view of it). False for shape-only (meta) tensors
    and while tracing, where the compiled graph owns its intermediate values and aliasing is torch's concern."""
    if not isinstance(t, torch.Tensor) or t.device.type == 'meta' or _is_compiling():
        return False
    return t.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()


def function_apply(fn_cls):
    """``fn_cls.apply`` (a torch.autograd.Function) through torch's C entry point, skipping the Python-side
    argument handling that costs microseconds per call; the public ``apply`` while tracing or under functorch
    transforms (vmap, grad), which need it."""
    try:
        fast = torch._C._FunctionBase.__dict__['apply'].__get__(None, fn_cls)
        active = torch._C._are_functorch_transforms_active
    except (AttributeError, KeyError):  # pragma: no cover -- other torch versions
        return fn_cls.apply
    public = fn_cls.apply

    def apply(*args):
        if _is_compiling() or active():
            return public(*args)
        return fast(*args)
    return apply


try:  # the engine behind torch.autograd.grad, without its per-call argument checks
    from torch.autograd.variable import Variable as _Variable
    _ENGINE = _Variable._execution_engine
except (ImportError, AttributeError):  # pragma: no cover -- other torch versions
    _ENGINE = None


def run_backward(heads, head_grads, leaves):
    """d(heads)/d(leaves) weighted by ``head_grads`` (None for a leaf the heads do not use); the graph is
    kept (MXNet allows several backward calls after one forward). The head gradients must match the heads'
    shapes and dtypes (unchecked on the fast path)."""
    if _ENGINE is None or _is_compiling():
        return torch.autograd.grad(heads, leaves, head_grads, allow_unused=True, retain_graph=True)
    return _ENGINE.run_backward(tuple(heads), tuple(head_grads), True, False, tuple(leaves), True, False)


def rnn_kernel(mode):
    """torch's fused multi-layer RNN kernel for MXNet's ``mode`` (lstm, gru, rnn_tanh, rnn_relu), called as
    ``torch.nn.RNN`` calls it: ``(input, hx, flat_weights, has_biases, num_layers, dropout, train,
    bidirectional, batch_first)`` or, packed, ``(data, batch_sizes, hx, flat_weights, has_biases, ...)``."""
    vf = getattr(torch, '_VF', None)
    return getattr(vf if vf is not None else torch, mode)
