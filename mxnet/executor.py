"""Executor: a Symbol bound to arrays on a context; ``forward`` evaluates the graph and ``backward`` fills the
gradient arrays (torch autograd, MXNet's ``grad_req`` write/add/null)."""
import numpy as np
import torch

from .base import MXNetError
from . import _dtype
from . import engine as _engine
from .context import Context
from .ndarray.ndarray import NDArray, wrap
from .ndarray.register import compute_error
from .symbol.symbol import topo_order, aux_var_ids

__all__ = ['Executor']

_REQS = ('null', 'write', 'add', 'inplace')

try:  # the engine behind torch.autograd.grad, without its per-call argument checks
    from torch.autograd.variable import Variable as _Variable
    _ENGINE = _Variable._execution_engine
except (ImportError, AttributeError):  # pragma: no cover -- other torch versions
    _ENGINE = None


def _grads(heads, leaves, head_grads):
    """d(heads)/d(leaves) weighted by ``head_grads`` (None for a leaf the heads do not use); the graph is
    freed."""
    if _ENGINE is None:
        return torch.autograd.grad(heads, leaves, head_grads, allow_unused=True)
    return _ENGINE.run_backward(tuple(heads), tuple(head_grads), False, False, tuple(leaves), True, False)


def _by_name(values, names, what, allow_missing=False):
    """Values in ``names`` order from a dict or a list (MXNet's ValueError for a missing key or a bad length)."""
    if values is None:
        return [None] * len(names)
    if isinstance(values, dict):
        missing = [n for n in names if n not in values]
        if missing and not allow_missing:
            raise ValueError('key `%s` is missing in `%s`' % (missing[0], what))
        return [values.get(n) for n in names]
    values = list(values)
    if len(values) != len(names):
        raise ValueError('Length of %s does not match the number of %s (%d given, %d expected: %s)'
                         % (what, 'auxiliary states' if what == 'aux_states' else 'arguments', len(values),
                            len(names), ', '.join(names)))
    return values


class _Plan:
    """The graph flattened once at bind time: variable slots and op steps, so forward never walks the graph."""

    def __init__(self, symbol):
        nodes = topo_order(symbol._outputs)
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
                    from ._op.registry import Attrs
                    p = Attrs(dict(vars(p), bind_state={}))
                self.steps.append((i, n, p, [(index[id(s)], k) for s, k in n.inputs]))
        self.heads = [(index[id(n)], k) for n, k in symbol._outputs]
        self.arg_names, self.aux_names = arg_names, aux_names
        self._nodes = nodes

    def fill_partial_shapes(self, shapes):
        """Creation ops declared with unknown (0 or -1) dims (an RNN's begin_state zeros) take the shapes that
        inference gives them for these argument/aux ``shapes``; those it cannot decide stay as declared."""
        todo = [k for k, (_, node, p, refs) in enumerate(self.steps)
                if not refs and any(d <= 0 for d in (getattr(p, 'shape', None) or ()))]
        if not todo:
            return
        from .symbol.infer import infer_graph
        from ._op.registry import Attrs
        values = infer_graph(self._nodes, None, 'shape', shapes)
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
                raise MXNetError('Error in operator %s: %s' % (node.name, compute_error(op, ins, e))) from None
            vals[i] = res if isinstance(res, (tuple, list)) else (res,)
            if monitor is not None:
                for k, t in enumerate(vals[i]):
                    monitor(node.output_name(k), wrap(t.detach()))
        return [vals[j][k] for j, k in self.heads]


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
        arr = wrap(t.detach())
        if src.op is None:
            monitor(src.name, arr)
        monitor('%s_%s' % (node.name, name), arr)


def _reuse(arr, shape):
    """``arr`` for an unchanged ``shape``, a view of its first elements for a shape no larger, else a new
    zero array of its dtype on its device (None stays None)."""
    if arr is None:
        return None
    shape = tuple(shape)
    if arr.shape == shape:
        return arr
    t = arr._data
    n = int(np.prod(shape))
    if n <= t.numel() and t.is_contiguous():
        return wrap(t.reshape(-1)[:n].view(shape))
    return wrap(torch.zeros(shape, dtype=t.dtype, device=t.device))


def _group_contexts(symbol, group2ctx):
    """``{variable name: Context}`` for the variables whose ``ctx_group`` attribute (their own, else that of
    the first operator reading them) names a group of ``group2ctx``."""
    nodes = topo_order(symbol._outputs)
    places = {}
    for n in nodes:
        if n.op is None:
            g = n.attrs.get('__ctx_group__')
            if g in group2ctx:
                places[n.name] = group2ctx[g]
    for n in nodes:
        g = n.attrs.get('__ctx_group__') if n.op is not None else None
        if g in group2ctx:
            for src, _ in n.inputs:
                if src.op is None:
                    places.setdefault(src.name, group2ctx[g])
    return {k: v if isinstance(v, Context) else Context(v) for k, v in places.items()}


class Executor:
    """A bound symbol. Arrays: ``arg_arrays``/``arg_dict``, ``grad_arrays``/``grad_dict``, ``aux_arrays``/
    ``aux_dict``, ``outputs``/``output_dict``."""

    def __init__(self, symbol, ctx, args, args_grad=None, grad_req='write', aux_states=None):
        self._symbol = symbol
        self._ctx = ctx if isinstance(ctx, Context) else Context(ctx)
        self._plan = _Plan(symbol)
        arg_names, aux_names = self._plan.arg_names, self._plan.aux_names
        self.arg_arrays = _by_name(args, arg_names, 'args')
        for n, a in zip(arg_names, self.arg_arrays):
            if not isinstance(a, NDArray):
                raise MXNetError('bind: argument %s must be an NDArray, got %s' % (n, type(a).__name__))
        self.aux_arrays = _by_name(aux_states, aux_names, 'aux_states') if aux_names else []
        if isinstance(grad_req, str):
            reqs = [grad_req] * len(arg_names)
        elif isinstance(grad_req, dict):
            reqs = [grad_req.get(n, 'null') for n in arg_names]
        else:
            reqs = list(grad_req)
        for r in reqs:
            if r not in _REQS:
                raise MXNetError('grad_req must be one of %s, got %r' % (_REQS, r))
        grads = _by_name(args_grad, arg_names, 'args_grad', allow_missing=True)
        self._grad_req = ['write' if r == 'inplace' else r for r in reqs]
        self._grad_req = [r if g is not None else 'null' for r, g in zip(self._grad_req, grads)]
        self._grad_idx = [i for i, r in enumerate(self._grad_req) if r != 'null']
        self._leaf_cache = {}
        # MXNet keeps a given gradient array under grad_req 'null' (untouched) and lists absent ones as None
        self.grad_arrays = grads
        self.arg_dict = dict(zip(arg_names, self.arg_arrays))
        self.grad_dict = dict(zip(arg_names, self.grad_arrays))
        self.aux_dict = dict(zip(aux_names, self.aux_arrays))
        shapes = {n: a.shape for n, a in self.arg_dict.items()}
        shapes.update((n, a.shape) for n, a in self.aux_dict.items())
        self._plan.fill_partial_shapes(shapes)
        self.outputs = self._alloc_outputs()
        self._heads = None
        self._eval_forward = False  # the last forward ran without recording: backward records it again
        self._watched = None  # the nodes whose input gradients the monitor sees after backward
        self._leaves = None
        self._monitor = None
        self._monitor_all = False
        self._error = None  # the asynchronous error of the last forward (see mx.engine)

    def _alloc_outputs(self):
        """Zero output arrays of the inferred shapes and dtypes (MXNet allocates them at bind time)."""
        known = {n: a.shape for n, a in self.arg_dict.items()}
        known.update((n, a.shape) for n, a in self.aux_dict.items())
        types = {n: a.dtype for n, a in self.arg_dict.items()}
        types.update((n, a.dtype) for n, a in self.aux_dict.items())
        try:
            _, shapes, _ = self._symbol.infer_shape(**known)
            _, dtypes, _ = self._symbol.infer_type(**types)
        except Exception:  # noqa: BLE001 -- best effort: forward reports what is wrong with the inputs
            return []
        if shapes is None or dtypes is None:
            return []
        dev = self._ctx.torch_device
        return [wrap(torch.zeros(s, dtype=_dtype.to_torch(t), device=dev)) for s, t in zip(shapes, dtypes)]

    def _set_outputs(self, heads):
        """Write the head values into the output arrays in place (MXNet's outputs are bound arrays, free to be
        written by the caller: never the tensors that backward differentiates); an output whose shape or dtype
        was unknown at bind time is allocated here once."""
        outs = self.outputs
        if len(outs) != len(heads):
            outs = self.outputs = [None] * len(heads)
        for k, h in enumerate(heads):
            o = outs[k]
            h = h.detach()
            if o is not None and o._data.shape == h.shape and o._data.dtype is h.dtype \
                    and o._data.device == h.device:
                o._data.copy_(h)
            else:
                outs[k] = wrap(h.clone())

    @classmethod
    def simple_bind(cls, symbol, ctx, grad_req='write', type_dict=None, shared_exec=None, shapes=None,
                    group2ctx=None):
        """Allocate every array from input shapes (and dtypes) by inference, then bind. With ``group2ctx``
        (``{ctx_group: Context}``) a variable made under ``AttrScope(ctx_group=g)`` is allocated on
        ``group2ctx[g]`` (its gradient too); the others on ``ctx``."""
        # MXNet reads only the tuple-valued keywords as shapes and ignores any other keyword
        shapes = {k: v for k, v in (shapes or {}).items() if isinstance(v, (tuple, list))}
        arg_shapes, _, aux_shapes = symbol.infer_shape(**shapes)
        if arg_shapes is None:
            partial, _, _ = symbol.infer_shape_partial(**shapes)
            unknown = [n for n, s in zip(symbol.list_arguments(), partial) if s == ()]
            raise MXNetError('simple_bind: cannot infer the shapes of %s from the given shapes %s'
                             % (', '.join(unknown), shapes))
        types = {k: v for k, v in (type_dict or {}).items()}
        arg_types, _, aux_types = symbol.infer_type(**types)
        if arg_types is None:
            arg_types = [np.float32] * len(arg_shapes)
            aux_types = [np.float32] * len(aux_shapes)
        ctx = ctx if isinstance(ctx, Context) else Context(ctx)
        dev = ctx.torch_device
        arg_names, aux_names = symbol.list_arguments(), symbol.list_auxiliary_states()
        if isinstance(grad_req, str):
            reqs = {n: grad_req for n in arg_names}
        elif isinstance(grad_req, dict):
            reqs = {n: grad_req.get(n, 'null') for n in arg_names}
        else:
            reqs = dict(zip(arg_names, grad_req))
        shared = shared_exec.arg_dict if shared_exec is not None else {}
        shared_grads = shared_exec.grad_dict if shared_exec is not None else {}
        shared_aux = shared_exec.aux_dict if shared_exec is not None else {}

        places = _group_contexts(symbol, group2ctx) if group2ctx else {}

        def alloc(name, shape, t, pool):
            old = pool.get(name)
            tdt = _dtype.to_torch(t)
            if old is not None and old.shape == tuple(shape) and old._data.dtype is tdt:
                return old
            c = places.get(name, ctx)
            return wrap(torch.zeros(shape, dtype=tdt, device=c.torch_device), c)
        args = [alloc(n, s, t, shared) for n, s, t in zip(arg_names, arg_shapes, arg_types)]
        grads = [alloc(n, s, t, shared_grads) if reqs[n] != 'null' else None
                 for n, s, t in zip(arg_names, arg_shapes, arg_types)]
        aux = [alloc(n, s, t, shared_aux) for n, s, t in zip(aux_names, aux_shapes, aux_types)]
        return cls(symbol, ctx, args, dict(zip(arg_names, grads)), reqs, aux)

    # ---- running ----------------------------------------------------------------------------------
    def forward(self, is_train=False, **kwargs):
        """Evaluate the graph (training mode when ``is_train``); kwargs copy new input values first."""
        for k, v in kwargs.items():
            if not isinstance(v, (NDArray, np.ndarray)):
                raise ValueError('only accept keyword argument of NDArrays and numpy.ndarray')
            dst = self.arg_dict.get(k)
            if dst is None:
                raise TypeError('Unknown argument %s' % k)
            if tuple(v.shape) != dst.shape:
                raise ValueError('Shape not match! Argument %s, need: %s, received: %s'
                                 % (k, dst.shape, tuple(v.shape)))
            if isinstance(v, NDArray):
                dst._data.copy_(v._data)
            else:
                dst[:] = v
        self._run(is_train, is_train)
        return self.outputs

    def _run(self, is_train, record):
        """One forward pass in training mode or not, recorded for backward when ``record``."""
        args = [a._data for a in self.arg_arrays]
        aux = [a._data for a in self.aux_arrays]
        self._eval_forward = not record
        token = _engine.mark()
        if record and self._grad_idx:
            leaves = []
            cache = self._leaf_cache
            for i in self._grad_idx:
                t = args[i]
                hit = cache.get(i)
                if hit is not None and hit[0] is t:
                    args[i] = hit[1]
                    leaves.append((i, hit[1]))
                elif t.is_floating_point():
                    # a grad-requiring alias of the array (same storage), kept while the array keeps its tensor
                    leaf = args[i] = t.detach().requires_grad_(True)
                    cache[i] = (t, leaf)
                    leaves.append((i, leaf))
            mon = self._monitor
            self._watched = watched = [] if mon is not None else None
            if torch.is_grad_enabled():
                heads = self._plan.run(args, aux, is_train, mon, self._monitor_all, watched)
            else:
                with torch.enable_grad():
                    heads = self._plan.run(args, aux, is_train, mon, self._monitor_all, watched)
            self._leaves = leaves
            self._heads = heads
        else:
            with torch.no_grad():
                heads = self._plan.run(args, aux, is_train, self._monitor, self._monitor_all)
            self._leaves = None
            self._heads = None
        self._set_outputs(heads)
        # an asynchronous error inside the graph (or on an input) is MXNet's: the outputs carry it
        self._error = _engine.error_since(token, args + aux)
        if self._error is not None:
            for o in self.outputs:
                _engine.fail(o._data, self._error)

    def backward(self, out_grads=None, is_train=True):
        """Gradients of the outputs (weighted by ``out_grads``, default ones) into the gradient arrays."""
        if self._heads is None:
            if not self._grad_idx:
                return
            # MXNet differentiates the last forward whatever its mode: record that inference pass again;
            # before any forward it differentiates the bound arrays as they are (a training pass)
            self._run(not self._eval_forward, True)
        if out_grads is None:
            out_grads = [None] * len(self._heads)
        elif isinstance(out_grads, NDArray):
            out_grads = [out_grads]
        heads, hgrads = [], []
        checked = True
        for h, g in zip(self._heads, out_grads):
            if h.requires_grad:
                heads.append(h)
                hgrads.append(torch.ones_like(h) if g is None else g._data)
                checked = checked and g is None
        leaves = [t for _, t in self._leaves]
        if heads and leaves:
            # given head gradients go through torch.autograd.grad for its shape and dtype checks
            grads = _grads(heads, leaves, hgrads) if checked else \
                torch.autograd.grad(heads, leaves, hgrads, allow_unused=True)
        else:
            grads = [None] * len(leaves)
        for (i, _), g in zip(self._leaves, grads):
            dst = self.grad_arrays[i]._data
            if self._grad_req[i] == 'add':
                if g is not None:
                    dst.add_(g)
            elif g is None:
                dst.zero_()
            else:
                dst.copy_(g)
        if len(self._leaves) < len(self._grad_idx):  # integer inputs take no gradient: MXNet writes zeros
            done = {i for i, _ in self._leaves}
            for i in self._grad_idx:
                if i not in done and self._grad_req[i] == 'write':
                    self.grad_arrays[i]._data.zero_()
        if self._error is not None:
            for i in self._grad_idx:
                _engine.fail(self.grad_arrays[i]._data, self._error)
        if self._monitor is not None and self._watched:
            self._report_backward()

    def _report_backward(self):
        """Give the monitor the outputs of MXNet's backward nodes, in backward order: node ``X``'s gradients
        for its inputs as ``X_backward_output`` (``X_backward_output<k>`` for several inputs; zeros for an
        input that takes no gradient)."""
        watched, self._watched = self._watched, None
        for name, metas, grads in reversed(watched):
            n = len(metas)
            for k, (shape, dt, dev) in enumerate(metas):
                g = grads[k]
                arr = wrap(g if g is not None else torch.zeros(shape, dtype=dt, device=dev))
                self._monitor('%s_backward_output%s' % (name, k if n > 1 else ''), arr)

    # ---- arrays -----------------------------------------------------------------------------------
    @property
    def output_dict(self):
        return dict(zip(self._symbol.list_outputs(), self.outputs))

    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        """Copy parameter values into the bound arrays (names must exist unless ``allow_extra_params``)."""
        for src, dst, what in ((arg_params, self.arg_dict, 'arguments'),
                               (aux_params or {}, self.aux_dict, 'auxiliary states')):
            for name, arr in src.items():
                if name in dst:
                    dst[name][:] = arr
                elif not allow_extra_params:
                    raise ValueError('Find name "%s" that is not in the %s' % (name, what))

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs):
        """A new executor for new input shapes, sharing the parameter arrays whose shapes are unchanged.

        As in MXNet, an array whose shape changes without being given needs ``partial_shaping``, and one that
        grows needs ``allow_up_sizing``."""
        arg_shapes, _, aux_shapes = self._symbol.infer_shape(**kwargs)
        if arg_shapes is not None:
            olds = [a.shape for a in self.arg_arrays] + [a.shape for a in self.aux_arrays]
            names = self._plan.arg_names + self._plan.aux_names
            for name, old, new in zip(names, olds, list(arg_shapes) + list(aux_shapes)):
                if tuple(new) == tuple(old):
                    continue
                if name not in kwargs and not partial_shaping:
                    raise MXNetError('New shape of arg: %s does not match original. If you need to change the '
                                     'shape of an array not given, set partial_shaping=True' % name)
                if int(np.prod(new)) > int(np.prod(old)) and not allow_up_sizing:
                    raise MXNetError('New shape of arg: %s is larger than original. First making a big executor '
                                     'and then down sizing it is more efficient than the reverse. If you really '
                                     'want to up size, set allow_up_sizing=True to enable allocation of new '
                                     'arrays.' % name)
        else:
            raise MXNetError('reshape: cannot infer the shapes of every argument from %s' % kwargs)
        # as MXNet's, the arrays (outputs too) that do not grow are views of this executor's memory
        args = [_reuse(a, s) for a, s in zip(self.arg_arrays, arg_shapes)]
        grads = [_reuse(g, s) for g, s in zip(self.grad_arrays, arg_shapes)]
        aux = [_reuse(a, s) for a, s in zip(self.aux_arrays, aux_shapes)]
        reqs = [r if g is not None else 'null' for r, g in zip(self._grad_req, grads)]
        new = Executor(self._symbol, self._ctx, args, grads, reqs, aux)
        if len(new.outputs) == len(self.outputs):
            new.outputs = [_reuse(o, n.shape) if o.dtype == n.dtype else n
                           for o, n in zip(self.outputs, new.outputs)]
        return new

    def set_monitor_callback(self, callback, monitor_all=False):
        """Call ``callback(name, NDArray)`` for each node output during forward (inputs too with
        ``monitor_all``)."""
        self._monitor = callback
        self._monitor_all = monitor_all

    def debug_str(self):
        lines = ['Symbol Outputs:']
        lines += ['\toutput[%d]=%s' % (i, n) for i, n in enumerate(self._symbol.list_outputs())]
        for _, node, _, refs in self._plan.steps:
            lines.append('Op:%s, Name=%s' % (node.op.name, node.name))
        return '\n'.join(lines)
