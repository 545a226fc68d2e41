"""Which nodes of a graph a backward pass reaches, as MXNet's gradient pass decides it at bind time.

The heads' gradients flow to every node above them, except through an operator whose gradient is zero
(``OpDef.gradient == 'zero'``: BlockGrad), where the backward pass stops. An operator without a gradient
(``OpDef.gradient is None``) on that path makes binding for backward an error, as in MXNet.
"""
from ..base import MXNetError
from .graph import topo_order

__all__ = ['gradient_nodes', 'check_differentiable']


def gradient_nodes(outputs, nodes=None):
    """ids of the nodes (variables included) that take a non-zero gradient from the output ``entries``."""
    nodes = topo_order(outputs) if nodes is None else nodes
    live = {id(n) for n, _ in outputs}
    for n in reversed(nodes):
        if id(n) in live and n.op is not None and n.op.gradient is True:
            live.update(id(src) for src, _ in n.inputs)
    return live


def check_differentiable(outputs, nodes=None):
    """MXNetError naming the first operator on the backward path that has no gradient."""
    nodes = topo_order(outputs) if nodes is None else nodes
    live = gradient_nodes(outputs, nodes)
    for n in reversed(nodes):
        if id(n) in live and n.op is not None and n.op.gradient is None:
            raise MXNetError("Operator %s is non-differentiable because it didn't register FGradient attribute."
                             % n.op.name)
