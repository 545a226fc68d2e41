"""Common-subexpression elimination, the graph pass MXNet 1.9.1 runs when it binds an executor.

Two operator nodes are one when they apply the same operator with the same attributes to the same input
entries; the node first in graph order stays. Operators whose outputs are not a function of their inputs
(random draws, training-mode ops such as Dropout, stateful or state-updating ops) and multi-output nodes
are never merged. When a merge makes two graph outputs the same entry, each repeat becomes a ``_copy`` of the
previous one (named ``<node>_<output index>_copy``), so every output keeps an array of its own.

``MXNET_ELIMINATE_COMMON_EXPR=0`` turns the pass off (it is on by default, as in MXNet).
"""
import os

from .graph import Node, topo_order
from .symbol import Symbol

__all__ = ['enabled', 'eliminate_common_expr', 'optimized']


def enabled():
    """Whether binding eliminates common expressions (``MXNET_ELIMINATE_COMMON_EXPR``, default on)."""
    return os.environ.get('MXNET_ELIMINATE_COMMON_EXPR', '1').strip().lower() not in ('0', 'false', 'off', '')


def _random(op):
    # MXNet keeps ops that draw random numbers apart (they request a random resource)
    name = op.name
    return 'random' in name or name.startswith('_sample_') or name == '_shuffle'


def _mergeable(node):
    op = node.op
    if op is None or op.train_aware or op.bind_state or _random(op):
        return False
    p = node.params
    return not op.aux_names(p) and len(op.output_names(p)) == 1


def eliminate_common_expr(symbol):
    """``symbol`` with its common subexpressions merged; ``symbol`` itself when there are none."""
    nodes = topo_order(symbol._outputs)
    canon = {}  # id(node) -> the node standing for it
    seen = {}  # (op, attrs, inputs) -> node
    merged = False
    for n in nodes:
        if not _mergeable(n):
            continue
        key = (n.op.name, tuple(sorted(n.attrs.items())),
               tuple((id(canon.get(id(src), src)), k) for src, k in n.inputs))
        first = seen.setdefault(key, n)
        if first is not n:
            canon[id(n)] = first
            merged = True
    if not merged:
        return symbol
    new = {}  # id(old node) -> node of the new graph (variables stay the same objects)

    def image(node):
        node = canon.get(id(node), node)
        return new.get(id(node), node)
    for n in nodes:
        if n.op is None or id(n) in canon:
            continue
        m = Node(n.op, n.name, n.attrs, [(image(src), k) for src, k in n.inputs], n.versions)
        m._p = n._p
        new[id(n)] = m
    from .._op.registry import get as _get_op
    copy_op = _get_op('_copy')
    heads, last = [], {}
    for node, k in symbol._outputs:
        entry = (image(node), k)
        key = (id(entry[0]), k)
        prev = last.get(key)
        if prev is not None:
            src = prev[0]
            entry = (Node(copy_op, '%s_%d_copy' % (src.name, prev[1]), {}, [prev]), 0)
        last[key] = entry
        heads.append(entry)
    return Symbol(heads)


def optimized(symbol):
    """The graph an executor runs for ``symbol``: common expressions eliminated unless turned off."""
    return eliminate_common_expr(symbol) if enabled() else symbol
