"""An estimate of the memory an executor's graph needs, planned as MXNet plans it: a pool of buffers that
an entry takes when it is produced and gives back after its last reader, the smallest free buffer that fits
being reused first. ``Executor.debug_str`` reports it (``Total N MB allocated``).

Bound arrays (arguments, their gradients, auxiliary states, head gradients) are not counted. In a backward
pass, the forward entries that a differentiated node reads stay until its gradient is computed, and each
node's gradient with respect to an operator output is one more entry.
"""
import bisect

import numpy as np

from .. import _dtype

__all__ = ['planned_bytes']


class _Pool:
    def __init__(self):
        self.free = []  # sorted sizes of the free buffers
        self.total = 0

    def take(self, size):
        k = bisect.bisect_left(self.free, size)
        if k < len(self.free):
            return self.free.pop(k)
        self.total += size
        return size

    def give(self, size):
        bisect.insort(self.free, size)


def planned_bytes(nodes, heads, shapes, dtypes, grad_ids=()):
    """Bytes of the pooled buffers for running ``nodes`` (topological order) to ``heads``, then backward
    through the nodes in ``grad_ids`` (ids; empty: no backward pass). ``shapes`` and ``dtypes`` map
    ``(id(node), output index)`` to what inference gave; an unknown entry counts 0 bytes."""
    def size(e):
        s, t = shapes.get(e), dtypes.get(e)
        if s is None or t is None:
            return 0
        return int(np.prod(s, dtype=np.int64)) * _dtype.to_torch(t).itemsize
    head_set = {(id(n), k) for n, k in heads}
    ops = [n for n in nodes if n.op is not None]
    backward = [n for n in ops if id(n) in grad_ids and n.op.gradient is True]
    uses, bw_uses = {}, {}
    for n in ops:
        for src, k in n.inputs:
            if src.op is not None:
                uses[(id(src), k)] = uses.get((id(src), k), 0) + 1
    for n in backward:
        for src, k in n.inputs:
            if src.op is not None:
                bw_uses[(id(src), k)] = bw_uses.get((id(src), k), 0) + 1
    pool, held = _Pool(), {}

    def release(e, table):
        table[e] -= 1
        if table[e] == 0 and e not in head_set and not bw_uses.get(e) and e in held:
            pool.give(held.pop(e))
    for n in ops:
        outs = [(id(n), j) for j in range(n.num_outputs())]
        for e in outs:
            held[e] = pool.take(size(e))
        for src, k in n.inputs:
            if src.op is not None:
                release((id(src), k), uses)
        for e in outs:  # an output nothing reads (an internal output)
            if not uses.get(e) and e not in head_set and not bw_uses.get(e):
                pool.give(held.pop(e))
    grads = {}
    for n in reversed(backward):
        for src, k in n.inputs:
            e = (id(src), k)
            if src.op is not None and e not in grads:
                grads[e] = pool.take(size(e))
        for j in range(n.num_outputs()):
            g = grads.pop((id(n), j), None)
            if g is not None:
                pool.give(g)
        for src, k in n.inputs:
            if src.op is not None:
                release((id(src), k), bw_uses)
    return pool.total
