"""The symbolic graph: nodes, their topological order, and the plan a graph is flattened into to run.

A graph is a list of output entries ``(node, index)``; nodes are variables (``op is None``) or applications of a
registered operator with string attributes, exactly what MXNet's JSON stores. :class:`Plan` flattens a graph
once into variable slots and operator steps; ``Plan.function`` is its evaluation as a plain function of the
input tensors. ``mx.sym.Symbol`` (symbol.py) is the user-facing view of a graph, ``Executor`` (executor.py) the
MXNet binding semantics around a plan.
"""
from ..base import MXNetError

__all__ = ['Node', 'topo_order', 'aux_var_ids', 'copy_graph', 'Plan']


class Node:
    """One graph node. ``attrs`` holds strings: the op's parameters as given, plus ``__hidden__`` keys."""
    __slots__ = ('op', 'name', 'attrs', 'inputs', 'versions', '_p')

    def __init__(self, op, name, attrs=None, inputs=(), versions=None):
        self.op = op
        self.name = name
        self.attrs = dict(attrs or {})
        self.inputs = list(inputs)
        self.versions = versions  # JSON entry versions as read from a file; None: derive (aux inputs are 1)
        self._p = None

    @property
    def is_var(self):
        return self.op is None

    @property
    def params(self):
        """The op's parsed parameters (attributes of the form ``__x__`` are not parameters)."""
        if self._p is None:
            self._p = self.op.parse({k: v for k, v in self.attrs.items()
                                     if not (k.startswith('__') and k.endswith('__'))})
        return self._p

    def num_args(self):
        return len(self.op.input_names(self.params, len(self.inputs)))

    def num_outputs(self):
        return 1 if self.op is None else len(self.op.output_names(self.params))

    def num_visible(self):
        return 1 if self.op is None else self.op.visible_outputs(self.params)

    def output_name(self, i):
        if self.op is None:
            return self.name
        return '%s_%s' % (self.name, self.op.output_names(self.params)[i])

    def __repr__(self):
        return '<Node %s %s>' % (self.op.name if self.op else 'null', self.name)


def topo_order(entries):
    """Nodes reachable from ``entries`` in DFS post-order (inputs first, in input order), as nnvm orders them."""
    order, seen = [], set()
    for node, _ in entries:
        if id(node) in seen:
            continue
        stack = [(node, 0)]
        seen.add(id(node))
        while stack:
            n, i = stack.pop()
            if i < len(n.inputs):
                stack.append((n, i + 1))
                child = n.inputs[i][0]
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, 0))
            else:
                order.append(n)
    return order


def aux_var_ids(nodes):
    """ids of the variables that feed an auxiliary-state slot of some operator."""
    aux = set()
    for n in nodes:
        if n.op is not None and n.op.aux:
            k = n.num_args()
            for (src, _) in n.inputs[k:]:
                if src.op is None:
                    aux.add(id(src))
    return aux


def copy_graph(entries):
    """A fresh copy of the nodes reachable from ``entries`` (variables too); the copied entries."""
    mapping = {}
    for n in topo_order(entries):
        c = Node(n.op, n.name, n.attrs, [(mapping[id(s)], i) for s, i in n.inputs], n.versions)
        mapping[id(n)] = c
    return [(mapping[id(n)], i) for n, i in entries]


class Plan:
    """A graph flattened once (at bind time): variable slots and op steps, so evaluation never walks the graph.

    ``arg_names``/``aux_names`` give the order of the argument and auxiliary-state tensors that ``run`` takes;
    ``function(is_train)`` is the evaluation as a plain function of those tensors (what torch.compile traces).
    """

    def __init__(self, symbol):
        entries = symbol._outputs if hasattr(symbol, '_outputs') else list(symbol)
        nodes = topo_order(entries)
        aux = aux_var_ids(nodes)
        arg_names = [n.name for n in nodes if n.op is None and id(n) not in aux]
        aux_names = [n.name for n in nodes if n.op is None and id(n) in aux]
        index = {id(n): i for i, n in enumerate(nodes)}
        self.num_nodes = len(nodes)
        self.var_slots = []  # (node index, 'arg'|'aux', position)
        self.steps = []  # (node index, node, input refs)
        for i, n in enumerate(nodes):
            if n.op is None:
                if id(n) in aux:
                    self.var_slots.append((i, 'aux', aux_names.index(n.name)))
                else:
                    self.var_slots.append((i, 'arg', arg_names.index(n.name)))
            else:
                p = n.params
                if n.op.bind_state:  # state that lives as long as this executor (Custom's CustomOp)
                    from .._op.registry import Attrs
                    p = Attrs(dict(vars(p), bind_state={}))
                self.steps.append((i, n, p, [(index[id(s)], k) for s, k in n.inputs]))
        self.heads = [(index[id(n)], k) for n, k in entries]
        self.arg_names, self.aux_names = arg_names, aux_names
        self._nodes = nodes

    def infer(self, kind, known):
        """One inference pass over the graph (``kind`` 'shape' or 'type', see infer.infer_graph): the
        ``{(id(node), index): value}`` of every entry decided from the variables' ``known`` values."""
        from .infer import infer_graph
        return infer_graph(self._nodes, None, kind, known)

    def head_values(self, values):
        """The values of the graph's outputs in ``values`` (from ``infer``), None where undecided."""
        nodes = self._nodes
        return [values.get((id(nodes[j]), k)) for j, k in self.heads]

    def var_values(self, values):
        """(argument values, auxiliary-state values) in ``values`` (from ``infer``), None where undecided."""
        nodes = self._nodes
        out = {'arg': [None] * len(self.arg_names), 'aux': [None] * len(self.aux_names)}
        for i, kind, pos in self.var_slots:
            out[kind][pos] = values.get((id(nodes[i]), 0))
        return out['arg'], out['aux']

    def has_partial_shapes(self):
        """Whether a creation op is declared with unknown (0 or -1) dims (see ``fill_partial_shapes``)."""
        return any(not refs and any(d <= 0 for d in (getattr(p, 'shape', None) or ()))
                   for _, _, p, refs in self.steps)

    def fill_partial_shapes(self, shapes, values=None):
        """Creation ops declared with unknown (0 or -1) dims (an RNN's begin_state zeros) take the shapes that
        inference gives them for these argument/aux ``shapes`` (or the shape ``values`` of an inference already
        run on them); those it cannot decide stay as declared."""
        todo = [k for k, (_, node, p, refs) in enumerate(self.steps)
                if not refs and any(d <= 0 for d in (getattr(p, 'shape', None) or ()))]
        if not todo:
            return
        from .._op.registry import Attrs
        if values is None:
            values = self.infer('shape', shapes)
        for k in todo:
            i, node, p, refs = self.steps[k]
            s = values.get((id(node), 0))
            if s is not None:
                self.steps[k] = (i, node, Attrs(dict(vars(p), shape=tuple(s))), refs)

    def run(self, arg_tensors, aux_tensors, is_train, monitor=None, monitor_all=False, watched=None):
        """Evaluate every step; ``monitor(name, NDArray)`` sees each node output as ``<node>_<output>`` (with
        ``monitor_all`` first each input: a variable under its own name, then ``<node>_<input>``). With a
        ``watched`` list (a recorded pass), each node on the gradient path appends ``(name, input metas,
        gradients)``, the gradients that it passes to its inputs being filled in during backward."""
        vals = [None] * self.num_nodes
        for i, kind, pos in self.var_slots:
            vals[i] = (arg_tensors[pos] if kind == 'arg' else aux_tensors[pos],)
        for i, node, p, refs in self.steps:
            ins = [vals[j][k] for j, k in refs]
            op = node.op
            if monitor is not None and monitor_all:
                _report_inputs(monitor, node, ins)
            if watched is not None:
                ins = _watch_input_grads(node, p, ins, watched)
            try:
                res = op.compute(p, *ins, is_train=is_train) if op.train_aware else op.compute(p, *ins)
            except MXNetError as e:
                raise MXNetError('Error in operator %s: %s' % (node.name, e)) from None
            except (RuntimeError, ValueError, IndexError, TypeError) as e:
                from ..ndarray.register import compute_error
                raise MXNetError('Error in operator %s: %s' % (node.name, compute_error(op, ins, e))) from None
            vals[i] = res if isinstance(res, (tuple, list)) else (res,)
            if monitor is not None:
                for k, t in enumerate(vals[i]):
                    monitor(node.output_name(k), _wrap(t.detach()))
        return [vals[j][k] for j, k in self.heads]

    def function(self, is_train=False):
        """``fn(arg_tensors, aux_tensors) -> [output tensors]``: the graph as one function of its inputs (in
        ``arg_names``/``aux_names`` order), with no monitor or bookkeeping, so ``torch.compile(fn,
        fullgraph=True)`` traces it into one graph. Its gradients are torch autograd's through the operators'
        computes (MXNet's conventions in mxnet/_op/gradients.py); in training BatchNorm updates its moving
        statistics, the auxiliary tensors, in place (a mutation torch.compile carries over)."""
        run = self.run

        def fn(arg_tensors, aux_tensors):
            return run(arg_tensors, aux_tensors, is_train)
        return fn


def _watch_input_grads(node, p, ins, watched):
    """``ins`` with each grad-requiring argument (not auxiliary state) replaced by an alias of its own, whose
    gradient -- this node's share of the input's gradient, an output of MXNet's backward node -- is kept."""
    n = len(ins) - len(node.op.aux_names(p))
    if not any(t.requires_grad for t in ins[:n]):
        return ins
    grads = [None] * n
    out = list(ins)
    for k in range(n):
        t = ins[k]
        if t.requires_grad:
            alias = out[k] = t.view_as(t)
            alias.register_hook(lambda g, k=k: grads.__setitem__(k, g.detach()))
    watched.append((node.name, [(t.shape, t.dtype, t.device) for t in ins[:n]], grads))
    return out


def _report_inputs(monitor, node, ins):
    p = node.params
    if node.op.monitor_inputs is None:
        names = node.op.input_names(p, len(node.inputs)) + node.op.aux_names(p)
    else:
        names = node.op.monitor_inputs(p, len(node.inputs))
    for (src, _), name, t in zip(node.inputs, names, ins):
        arr = _wrap(t.detach())
        if src.op is None:
            monitor(src.name, arr)
        monitor('%s_%s' % (node.name, name), arr)


def _wrap(t):
    from ..ndarray.ndarray import wrap
    return wrap(t)
