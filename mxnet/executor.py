"""Executor: a Symbol bound to arrays on a context; ``forward`` evaluates the graph and ``backward`` fills the
gradient arrays (torch autograd, MXNet's ``grad_req`` write/add/null)."""
import numpy as np
import torch

from .base import MXNetError
from . import _dtype
from ._op.errors import mx_shape
from . import engine as _engine
from . import _intgrad
from .context import Context
from .ndarray.ndarray import NDArray, wrap, with_context
from . import _torch_compat as _compat
from .symbol.symbol import Symbol
from .symbol.graph import Plan as _Plan, topo_order, aux_var_ids  # noqa: F401 -- _Plan re-exported

__all__ = ['Executor']

_REQS = ('null', 'write', 'add', 'inplace')


def _grads(heads, leaves, head_grads):
    """d(heads)/d(leaves) weighted by ``head_grads`` (None for a leaf the heads do not use); the graph is
    freed."""
    return _compat.run_backward(heads, head_grads, leaves)


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


_STYPE_FLAGS = {'0': 'default', '1': 'row_sparse', '2': 'csr'}


def _storage_types(symbol, stype_dict):
    """``{variable name: stype}`` from the variables' ``stype`` attributes, overridden by ``stype_dict``."""
    out = {}
    for n in topo_order(symbol._outputs):
        if n.op is None and n.attrs.get('__storage_type__') in ('1', '2'):
            out[n.name] = _STYPE_FLAGS[n.attrs['__storage_type__']]
    out.update(stype_dict or {})
    return out


class Executor:
    """A bound symbol. Arrays: ``arg_arrays``/``arg_dict``, ``grad_arrays``/``grad_dict``, ``aux_arrays``/
    ``aux_dict``, ``outputs``/``output_dict``."""

    def __init__(self, symbol, ctx, args, args_grad=None, grad_req='write', aux_states=None, _out_meta=None):
        # _out_meta: (output shapes, output dtypes) that simple_bind/reshape inferred (dtypes None: unknown), so
        # a bind infers the shapes once
        self._symbol = symbol
        self._ctx = ctx if isinstance(ctx, Context) else Context(ctx)
        from .symbol import cse
        self._optimized = cse.optimized(symbol)  # MXNet eliminates common expressions at bind time
        self._plan = _Plan(self._optimized)
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
        if self._grad_idx:  # MXNet builds the backward graph at bind: an op without gradient on it is an error
            from .symbol.gradient import check_differentiable
            check_differentiable(self._optimized._outputs, self._plan._nodes)
        self._leaf_cache = {}
        # MXNet keeps a given gradient array under grad_req 'null' (untouched) and lists absent ones as None
        self.grad_arrays = grads
        self.arg_dict = dict(zip(arg_names, self.arg_arrays))
        self.grad_dict = dict(zip(arg_names, self.grad_arrays))
        self.aux_dict = dict(zip(aux_names, self.aux_arrays))
        shapes = {n: a.shape for n, a in self.arg_dict.items()}
        shapes.update((n, a.shape) for n, a in self.aux_dict.items())
        values = None
        if self._plan.has_partial_shapes():
            values = self._plan.infer('shape', shapes)
            self._plan.fill_partial_shapes(shapes, values)
        self.outputs = self._alloc_outputs(shapes, values, _out_meta)
        self._heads = None
        self._eval_forward = False  # the last forward ran without recording: backward records it again
        self._watched = None  # the nodes whose input gradients the monitor sees after backward
        self._leaves = None
        self._monitor = None
        self._monitor_all = False
        self._error = None  # the asynchronous error of the last forward (see mx.engine)

    def _alloc_outputs(self, known, values=None, out_meta=None):
        """Zero output arrays of the inferred shapes and dtypes (MXNet allocates them at bind time): one
        inference of each over the plan from the bound arrays' ``known`` shapes (shape ``values`` of one already
        run are reused), none where ``out_meta`` gives them."""
        shapes, dtypes = out_meta if out_meta is not None else (None, None)
        try:
            if shapes is None:
                shapes = self._plan.head_values(values if values is not None
                                                else self._plan.infer('shape', known))
            if dtypes is None:
                types = {n: _dtype.dtype_name(a.dtype) for n, a in self.arg_dict.items()}
                types.update((n, _dtype.dtype_name(a.dtype)) for n, a in self.aux_dict.items())
                dtypes = self._plan.head_values(self._plan.infer('type', types))
        except MXNetError as e:
            if 'Incompatible attr' in str(e) and dtypes is None:  # bound arrays of mismatched dtypes, as MXNet
                raise MXNetError('bind: %s' % e) from None
            return []
        except Exception:  # noqa: BLE001 -- best effort: forward reports what is wrong with the inputs
            return []
        if any(s is None for s in shapes) or any(t is None for t in dtypes):
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
                    group2ctx=None, stype_dict=None, shared_arg_names=None, shared_buffer=None):
        """Allocate every array from input shapes (and dtypes) by inference, then bind. With ``group2ctx``
        (``{ctx_group: Context}``) a variable made under ``AttrScope(ctx_group=g)`` is allocated on
        ``group2ctx[g]`` (its gradient too); the others on ``ctx``.

        Sharing, as MXNet's: the arguments named in ``shared_arg_names`` (all same-named ones when it is None)
        and the auxiliary states reuse ``shared_exec``'s arrays (and gradients); with ``shared_buffer`` (a dict)
        every other argument reuses the buffer's array of its name (a view when it is large enough) and the
        buffer records the arrays made. A variable's ``stype`` (or ``stype_dict``) gives its storage type."""
        # MXNet reads only the tuple-valued keywords as shapes and ignores any other keyword
        shapes = {k: v for k, v in (shapes or {}).items() if isinstance(v, (tuple, list))}
        for k, v in shapes.items():
            if any(not isinstance(d, (int, np.integer)) or d < 0 for d in v):
                raise MXNetError('simple_bind: the shape of %s must be a tuple of non-negative integers, got %s'
                                 % (k, tuple(v)))
        arg_shapes, out_shapes, aux_shapes = symbol.infer_shape(**shapes)
        if arg_shapes is None:
            partial, _, _ = symbol.infer_shape_partial(**shapes)
            unknown = [n for n, s in zip(symbol.list_arguments(), partial) if s == ()]
            raise MXNetError('simple_bind: cannot infer the shapes of %s from the given shapes %s'
                             % (', '.join(unknown), shapes))
        types = {k: v for k, v in (type_dict or {}).items()}
        arg_types, out_types, aux_types = symbol.infer_type(**types)
        if arg_types is None:
            out_types = None
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
        if shared_arg_names is not None:
            keep = set(shared_arg_names)
            shared = {k: v for k, v in shared.items() if k in keep}
            shared_grads = {k: v for k, v in shared_grads.items() if k in keep}

        places = _group_contexts(symbol, group2ctx) if group2ctx else {}
        stypes = _storage_types(symbol, stype_dict)

        def alloc(name, shape, t, pool, stype='default'):
            old = pool.get(name)
            tdt = _dtype.to_torch(t)
            if old is not None and old.shape == tuple(shape) and old._data.dtype is tdt:
                return old
            if old is not None and shared_arg_names is not None and name in shared_arg_names:
                raise MXNetError('simple_bind: shared argument %s has shape %s in the shared executor but %s '
                                 'here' % (name, old.shape, tuple(shape)))
            c = places.get(name, ctx)
            arr = wrap(torch.zeros(shape, dtype=tdt, device=c.torch_device), c)
            if stype != 'default':  # sparse storage is dense underneath: only the array's class differs
                from .ndarray import sparse as _sparse
                arr = _sparse.tostype(arr, stype)
                with_context(arr, c)
            return arr

        def alloc_arg(name, shape, t):
            if name in shared or shared_buffer is None or stypes.get(name, 'default') != 'default' or \
                    (shared_arg_names is not None and name in shared_arg_names):
                return alloc(name, shape, t, shared, stypes.get(name, 'default'))
            buf = shared_buffer.get(name)
            tdt = _dtype.to_torch(t)
            n = int(np.prod(shape))
            if buf is not None and buf._data.dtype is tdt and buf._data.is_contiguous() and buf.size >= n:
                return buf if buf.shape == tuple(shape) else wrap(buf._data.reshape(-1)[:n].view(shape), buf.context)
            arr = shared_buffer[name] = alloc(name, shape, t, {})
            return arr
        args = [alloc_arg(n, s, t) for n, s, t in zip(arg_names, arg_shapes, arg_types)]
        grads = [alloc(n, s, t, shared_grads) if reqs[n] != 'null' else None
                 for n, s, t in zip(arg_names, arg_shapes, arg_types)]
        aux = [alloc(n, s, t, shared_aux) for n, s, t in zip(aux_names, aux_shapes, aux_types)]
        return cls(symbol, ctx, args, dict(zip(arg_names, grads)), reqs, aux,
                   _out_meta=(out_shapes, out_types))

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
                elif t.dtype is not torch.bool:  # an integer input: differentiated through a float64 shadow
                    leaf = args[i] = _intgrad.leaf(t)  # (not cached: the shadow copies the values)
                    leaves.append((i, _intgrad.graph_tensor(leaf)))
            mon = self._monitor
            self._watched = watched = [] if mon is not None else None
            with torch.enable_grad(), _intgrad.tracking():
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
        for k, (h, g) in enumerate(zip(self._heads, out_grads)):
            if g is not None and g._data.dtype is not h.dtype and not h.is_floating_point():
                g = wrap(g._data.to(h.dtype))  # a head gradient takes the integer output's dtype (truncates)
            h = _intgrad.graph_tensor(h)  # an integer output's float64 shadow
            if h.requires_grad:  # an output no gradient flows from (Proposal's) ignores its head gradient, as in MXNet
                if g is not None and tuple(g.shape) != tuple(h.shape):
                    raise MXNetError('backward: operands shape mismatch: head gradient %d has shape %s but output '
                                     '%d has shape %s' % (k, mx_shape(g.shape), k, mx_shape(h.shape)))
                heads.append(h)
                checked = checked and g is None
                g = torch.ones_like(h) if g is None else _intgrad.graph_tensor(g._data)
                hgrads.append(g if g.dtype is h.dtype else g.to(h.dtype))
        leaves = [t for _, t in self._leaves]
        if heads and leaves:
            # given head gradients go through torch.autograd.grad for its shape and dtype checks
            grads = _grads(heads, leaves, hgrads) if checked else \
                torch.autograd.grad(heads, leaves, hgrads, allow_unused=True, retain_graph=True)
        else:
            grads = [None] * len(leaves)
        for (i, _), g in zip(self._leaves, grads):
            dst = self.grad_arrays[i]._data
            if g is not None and g.dtype is not dst.dtype:  # from an integer input's shadow
                g = g.to(dst.dtype)
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
        arg_shapes, out_shapes, aux_shapes = self._symbol.infer_shape(**kwargs)
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
        out_types = [o.dtype for o in self.outputs] if len(self.outputs) == len(out_shapes) else None
        new = Executor(self._symbol, self._ctx, args, grads, reqs, aux,
                       _out_meta=(out_shapes, out_types))
        if len(new.outputs) == len(self.outputs):
            new.outputs = [_reuse(o, n.shape) if o.dtype == n.dtype else n
                           for o, n in zip(self.outputs, new.outputs)]
        new._monitor, new._monitor_all = self._monitor, self._monitor_all  # MXNet keeps the monitor callback
        return new

    def set_monitor_callback(self, callback, monitor_all=False):
        """Call ``callback(name, handle)`` for each node output during forward (inputs too with
        ``monitor_all``), as MXNet's C callback does: ``name`` as bytes, ``handle`` an ``NDArrayHandle``
        value that ``NDArray(ctypes.cast(handle, NDArrayHandle))`` turns into the array."""
        from . import _capi

        def c_style(name, arr):
            h = _capi.lend_handle(arr._data)
            try:
                callback(name.encode('utf-8'), h)
            finally:
                _capi.release(h)
        self._install_monitor(c_style, monitor_all)

    def _install_monitor(self, callback, monitor_all=False):
        """Call ``callback(name, NDArray)`` for each node output during forward (the Python-level hook that
        ``mx.monitor.Monitor`` uses)."""
        self._monitor = callback
        self._monitor_all = monitor_all

    def debug_str(self):
        """The bound graph's outputs and nodes, and (as MXNet's last line) the memory its plan takes:
        ``Total N MB allocated`` (see mxnet/symbol/memory.py)."""
        lines = ['Symbol Outputs:']
        lines += ['\toutput[%d]=%s' % (i, n) for i, n in enumerate(self._symbol.list_outputs())]
        for _, node, _, refs in self._plan.steps:
            lines.append('Op:%s, Name=%s' % (node.op.name, node.name))
        lines.append('Total %d MB allocated' % (self._planned_bytes() >> 20))
        return '\n'.join(lines)

    def _planned_bytes(self):
        from .symbol.infer import infer_graph
        from .symbol.memory import planned_bytes
        from .symbol.gradient import gradient_nodes
        nodes, heads = self._plan._nodes, self._optimized._outputs
        arrays = dict(self.arg_dict, **self.aux_dict)
        try:
            shapes = infer_graph(nodes, None, 'shape', {n: a.shape for n, a in arrays.items()})
            dtypes = infer_graph(nodes, None, 'type', {n: a.dtype for n, a in arrays.items()})
        except MXNetError:
            return 0
        grad_ids = gradient_nodes(heads, nodes) if self._grad_idx else ()
        return planned_bytes(nodes, heads, shapes, dtypes, grad_ids)

    def get_optimized_symbol(self):
        """The symbol this executor runs: the bound one after bind-time optimization (common expressions
        eliminated unless ``MXNET_ELIMINATE_COMMON_EXPR=0``)."""
        return Symbol(list(self._optimized._outputs))
