"""MXNet's gradient conventions where they differ from the math: the one place that defines them.

Every other gradient is torch autograd's through the operators' computes. The exceptions, and the operators
that use them (graph-level declarations are ``OpDef.gradient``: ``'zero'`` for BlockGrad, None for ops
without a gradient, which mxnet/symbol/gradient.py checks at bind):

=====================================================  =========================================================
convention                                             helper, operators
=====================================================  =========================================================
the head gradient is ignored; the op gives its loss    ``loss_output``: SoftmaxOutput, Linear/Logistic/MAE
gradient, its label a zero gradient                    RegressionOutput, SVMOutput, MakeLoss (defs/loss.py)
the gradient passed back is all ones                   ``ones_gradient``: make_loss (defs/elemwise.py)
no gradient flows to the input (it takes zeros)        ``stop_gradient``: BlockGrad / stop_gradient
samplers pass zero gradients to their parameters       ``zero_gradient``: random_* / sample_* (defs/random.py)
max/min give the full gradient to every tied extreme   ``full_to_ties``: max, min (defs/reduce.py)
=====================================================  =========================================================

All are torch.autograd.Functions or plain torch code, traceable by torch.compile (see mxnet/_torch_compat.py).
"""
import torch

from .. import _torch_compat as _compat

__all__ = ['loss_output', 'ones_gradient', 'stop_gradient', 'zero_gradient', 'full_to_ties']


class _LossOutput(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, label, forward, gradient):
        out = forward(data)
        ctx.save_for_backward(data, out, label)
        ctx.gradient = gradient
        return out

    @staticmethod
    def backward(ctx, head):
        data, out, label = ctx.saved_tensors
        g = ctx.gradient(data, out, label, head)
        if g.dtype != data.dtype:
            g = g.to(data.dtype)
        lg = torch.zeros_like(label) if label is not None and ctx.needs_input_grad[1] else None
        return g, lg, None, None


_loss_apply = _compat.function_apply(_LossOutput)


def loss_output(data, label, forward, gradient):
    """``forward(data)``, whose gradient with respect to data is ``gradient(data, out, label, head_grad)``
    (the head gradient is the op's to use or ignore) and with respect to ``label`` (None: none) zero."""
    return _loss_apply(data, label, forward, gradient)


class _OnesGrad(torch.autograd.Function):
    """Identity whose gradient is 1 whatever the output gradient: MXNet's loss head."""

    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, g):
        return torch.ones_like(g)


def ones_gradient(x):
    """A copy of ``x`` whose gradient passed back is all ones, whatever the output gradient."""
    return _OnesGrad.apply(x)


def stop_gradient(x):
    """A copy of ``x`` through which no gradient flows."""
    return x.detach().clone()


class _ZeroGrad(torch.autograd.Function):
    """``out`` as a function of ``inputs`` with a zero gradient: MXNet's samplers pass no gradient to their
    parameters, but they stay in the autograd graph."""

    @staticmethod
    def forward(ctx, out, *inputs):
        ctx.metas = [(i.shape, i.dtype, i.device) for i in inputs]
        return out

    @staticmethod
    def backward(ctx, grad):
        return (None,) + tuple(torch.zeros(s, dtype=d, device=v) for s, d, v in ctx.metas)


def zero_gradient(out, *inputs):
    """``out`` (computed without gradient from ``inputs``) made a function of ``inputs`` whose gradient is 0."""
    if torch.is_grad_enabled() and any(i.requires_grad for i in inputs):
        return _ZeroGrad.apply(out, *inputs)
    return out


def full_to_ties(fn):
    """The reduction ``fn(x, dims, keepdim=True)`` (amax, amin) with MXNet's backward: the full output gradient
    to every element equal to the extreme (torch would split it among ties)."""
    def compute(x, dims):
        y = fn(x, dims, keepdim=True)
        if x.requires_grad and torch.is_grad_enabled():
            y = y.detach()
            tie = (x.detach() == y).to(x.dtype)
            y = y + ((x - x.detach()) * tie).sum(dims, keepdim=True)
        return y
    return compute
