"""Gradients through integer arrays, which torch autograd cannot track.

MXNet lets an integer array be a variable (``attach_grad``) and records operations on it; its gradient is an
integer array. Here such an array's tensor is a ``ShadowedInt``: an integer tensor carrying ``_mx_shadow``, a
float64 tensor with the same values that torch autograd does track. While recording, every torch function applied
to a ``ShadowedInt`` runs twice: on the integers (the result) and on the shadows (the gradient path). An integer
result gets the float result as its shadow; a floating-point result is the float result itself, cast to the
result's dtype, so the graph continues into ordinary tensors. ``Cast`` of a recorded float array to an integer
dtype makes a ``ShadowedInt`` too (``shadowed``). Gradients reach the shadows and are cast to the integer
buffers at the end, as MXNet's integer backward would give them (exact for the sums and index moves of
slicing, ``topk``, ``boolean_mask``, ...).
"""
import threading

import torch
from torch.utils._pytree import tree_flatten, tree_map

_Tensor = torch.Tensor


class _Tracking(threading.local):
    depth = 0  # > 0 inside tracking(): an executor's recorded forward pass


_tracking = _Tracking()


def _recording():
    from .autograd import _state
    return (_state.recording or _tracking.depth > 0) and torch.is_grad_enabled()


class tracking:
    """Scope in which operations on ``ShadowedInt`` tensors are differentiated outside ``autograd.record()``
    (an executor records its forward pass without the imperative recording flag)."""

    def __enter__(self):
        _tracking.depth += 1
        return self

    def __exit__(self, *exc):
        _tracking.depth -= 1


def leaf(t):
    """A fresh integer variable over ``t``'s storage: a ``ShadowedInt`` whose float64 shadow is a leaf."""
    return shadowed(plain(t).detach(), plain(t).detach().to(torch.float64).requires_grad_(True))


def _plain(x):
    return x.as_subclass(_Tensor) if isinstance(x, ShadowedInt) else x


def _shadow(x):
    """An argument of the shadow computation: shadows for tensors, float64 for integer dtypes (casts)."""
    if isinstance(x, ShadowedInt):
        return x._mx_shadow
    if isinstance(x, torch.dtype) and not x.is_floating_point and not x.is_complex and x is not torch.bool:
        return torch.float64
    return x


def plain(t):
    """``t`` as a plain tensor (the same storage), without its shadow."""
    if not isinstance(t, ShadowedInt):
        return t
    with torch._C.DisableTorchFunctionSubclass():
        return t.as_subclass(_Tensor)


def shadowed(value, shadow):
    """``value`` (an integer tensor) with ``shadow`` (a float tensor in a graph) as its differentiable stand-in."""
    with torch._C.DisableTorchFunctionSubclass():
        out = value.as_subclass(ShadowedInt)
    out._mx_shadow = shadow
    return out


def graph_tensor(t):
    """The tensor that torch autograd tracks for ``t``: its shadow for a ``ShadowedInt``, else ``t``."""
    return t._mx_shadow if isinstance(t, ShadowedInt) else t


def in_graph(t):
    return t.requires_grad or isinstance(t, ShadowedInt)


def _join(real, fake):
    """The result of one output: ``real`` computed on integers, ``fake`` on the shadows."""
    if not isinstance(real, _Tensor) or not isinstance(fake, _Tensor) or not fake.requires_grad \
            or real.shape != fake.shape:
        return real
    if real.is_floating_point() or real.is_complex():
        return fake.to(real.dtype)
    if real.dtype is torch.bool:
        return real
    return shadowed(real, fake)


class ShadowedInt(_Tensor):
    """An integer tensor in an autograd graph (see the module's docstring)."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        with torch._C.DisableTorchFunctionSubclass():
            real = func(*tree_map(_plain, args), **tree_map(_plain, kwargs))
            flat, _ = tree_flatten(real)
            if not _recording() or not any(isinstance(r, _Tensor) for r in flat):
                return real
            try:
                fake = func(*tree_map(_shadow, args), **tree_map(_shadow, kwargs))
            except (RuntimeError, TypeError, ValueError, IndexError):  # e.g. the array used as an index
                return real
        if isinstance(real, _Tensor):
            return _join(real, fake)
        if isinstance(real, (tuple, list)) and isinstance(fake, (tuple, list)) and len(real) == len(fake):
            joined = [_join(r, f) for r, f in zip(real, fake)]
            return type(real)(*joined) if hasattr(real, '_fields') else type(real)(joined)  # namedtuple
        return real


def cast(t, dtype, convert):
    """``convert(t, dtype)``, kept in the graph when a recorded float ``t`` becomes integers: MXNet's Cast
    passes the gradient back (cast to ``t``'s dtype) whatever the two dtypes."""
    out = convert(t, dtype)
    if t.requires_grad and not out.requires_grad and out.dtype is not torch.bool and torch.is_grad_enabled():
        return shadowed(out, t.to(torch.float64))
    return out
