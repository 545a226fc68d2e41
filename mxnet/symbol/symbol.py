"""Symbol: a graph of operators over named variables (``mx.sym``).

A Symbol is a list of output entries ``(node, index)`` of a graph (nodes, topological order and the flattened
plan live in graph.py); this module is the user-facing API over it.
"""
import copy as _copy

import numpy as np

from ..base import MXNetError, NotImplementedForSymbol, numeric_types
from .. import _dtype
from .. import name as _name
from .. import attribute as _attribute
from .graph import Node, topo_order, aux_var_ids, copy_graph as _copy_graph  # noqa: F401 -- re-exported

__all__ = ['Symbol', 'Variable', 'var', 'Group', 'Node']

HIDDEN_KEYS = ('ctx_group', 'lr_mult', 'wd_mult', 'force_mirroring', 'mirror_stage')


def _fmt_shape(s):
    return '(' + ','.join(str(d) for d in s) + (',)' if len(s) == 1 else ')')


class Symbol:
    """A symbolic expression with one or more outputs."""
    __slots__ = ('_outputs', '__weakref__')

    def __init__(self, outputs):
        self._outputs = list(outputs)

    # ---- structure --------------------------------------------------------------------------------
    @property
    def name(self):
        """The name of a single-output symbol's node; None for a group."""
        if len(self._outputs) != 1:
            nodes = {id(n) for n, _ in self._outputs}
            if len(nodes) == 1 and len(self._outputs) == self._outputs[0][0].num_visible():
                return self._outputs[0][0].name
            return None
        return self._outputs[0][0].name

    def _nodes(self):
        return topo_order(self._outputs)

    def list_arguments(self):
        """Names of the input variables that are not auxiliary states, in graph order."""
        nodes = self._nodes()
        aux = aux_var_ids(nodes)
        return [n.name for n in nodes if n.op is None and id(n) not in aux]

    def list_auxiliary_states(self):
        """Names of the variables holding auxiliary states (BatchNorm's moving_mean ...)."""
        nodes = self._nodes()
        aux = aux_var_ids(nodes)
        return [n.name for n in nodes if n.op is None and id(n) in aux]

    def list_inputs(self):
        return [n.name for n in self._nodes() if n.op is None]

    def list_outputs(self):
        return [n.output_name(i) for n, i in self._outputs]

    def __len__(self):
        return len(self._outputs)

    def __iter__(self):
        return (Symbol([e]) for e in self._outputs)

    def __getitem__(self, index):
        if isinstance(index, str):
            names = self.list_outputs()
            hits = [i for i, n in enumerate(names) if n == index]
            if not hits:
                raise ValueError('Cannot find output that matches name "%s"' % index)
            if len(hits) > 1:
                raise ValueError('There are multiple outputs with name "%s"' % index)
            index = hits[0]
        if isinstance(index, slice):
            return Symbol(self._outputs[index])
        if not -len(self._outputs) <= index < len(self._outputs):
            raise IndexError('Symbol has %d outputs; index %d is out of range' % (len(self._outputs), index))
        return Symbol([self._outputs[index]])

    def get_internals(self):
        """A group of every node's visible outputs, in graph order."""
        outs = []
        for n in self._nodes():
            outs.extend((n, i) for i in range(n.num_visible()))
        return Symbol(outs)

    def get_children(self):
        """The inputs of this symbol's head nodes (each node once) as a group, or None for a variable."""
        heads, seen = [], set()
        for n, _ in self._outputs:
            if id(n) not in seen:
                seen.add(id(n))
                heads.append(n)
        entries = [e for n in heads for e in n.inputs]
        return Symbol(entries) if entries else None

    def __bool__(self):
        raise NotImplementedForSymbol(self.__bool__, 'bool')

    __nonzero__ = __bool__

    def __reduce__(self):
        """Pickle as MXNet does: by the graph's JSON."""
        from .json_io import load_json
        return load_json, (self.tojson(),)

    def __repr__(self):
        name = self.name
        if name is None:
            return '<Symbol group [%s]>' % ', '.join(n.name for n, _ in self._outputs)
        return '<Symbol %s>' % name

    __str__ = __repr__

    def __hash__(self):
        return id(self)

    # ---- attributes -------------------------------------------------------------------------------
    def attr(self, key):
        """The string value of attribute ``key`` of the head node (hidden keys found by their plain name)."""
        if len(self._outputs) != 1:
            return None
        attrs = self._outputs[0][0].attrs
        if key in attrs:
            return attrs[key]
        if key in HIDDEN_KEYS:
            return attrs.get('__%s__' % key)
        return None

    def list_attr(self, recursive=False):
        """The head node's attributes; hidden keys appear both as ``__key__`` and ``key``."""
        if recursive:
            raise DeprecationWarning('Symbol.list_attr with recursive=True has been deprecated. '
                                     'Please use attr_dict instead.')
        return _visible_attrs(self._outputs[0][0].attrs) if len(self._outputs) == 1 else {}

    def attr_dict(self):
        """{node name: attributes} for every node with attributes."""
        return {n.name: _visible_attrs(n.attrs) for n in self._nodes() if n.attrs}

    def _set_attr(self, **kwargs):
        for k, v in kwargs.items():
            if not isinstance(v, str):
                raise ValueError('Set Attr only accepts string values')
            key = '__%s__' % k if k in HIDDEN_KEYS else k
            for n, _ in self._outputs:
                n.attrs[key] = v
                n._p = None

    # ---- composition ------------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        """A copy of this graph with input variables replaced by symbols (positionally or by name)."""
        s = self.__copy__()
        s._compose(*args, **kwargs)
        return s

    def _compose(self, *args, **kwargs):
        name = kwargs.pop('name', None)
        if args and kwargs:
            raise TypeError('compose only accept input Symbols either as positional or keyword arguments, '
                            'not both')
        for v in list(args) + list(kwargs.values()):
            if not isinstance(v, Symbol):
                raise TypeError('Compose expect `Symbol` as arguments')
            if len(v._outputs) != 1:
                raise MXNetError('Cannot compose with a symbol of %d outputs' % len(v._outputs))
        nodes = self._nodes()
        if args:
            arg_names = self.list_arguments()
            kwargs = dict(zip(arg_names, args))
        repl = {}
        for n in nodes:
            if n.op is None and n.name in kwargs:
                repl[id(n)] = kwargs[n.name]._outputs[0]
        for n in nodes:
            n.inputs = [repl.get(id(src), (src, i)) if src.op is None else (src, i) for src, i in n.inputs]
        self._outputs = [repl.get(id(n), (n, i)) if n.op is None else (n, i) for n, i in self._outputs]
        if name is not None and len(self._outputs) == 1:
            self._outputs[0][0].name = name

    def __copy__(self):
        return Symbol(_copy_graph(self._outputs))

    def __deepcopy__(self, memo=None):
        return self.__copy__()

    def deepcopy(self):
        return self.__copy__()

    # ---- inference --------------------------------------------------------------------------------
    def infer_shape(self, *args, **kwargs):
        """(arg_shapes, out_shapes, aux_shapes) from the given input shapes; all None if undecidable."""
        res = self._infer('shape', args, kwargs)
        if res is None:
            return None, None, None
        return res

    def infer_shape_partial(self, *args, **kwargs):
        """As infer_shape, for what can be decided: an unknown dim is 0 (-1 under ``mx.np_shape()``), a shape
        of unknown rank ``()`` (None under ``np_shape``)."""
        return self._infer('shape', args, kwargs, partial=True)

    def infer_type(self, *args, **kwargs):
        """(arg_types, out_types, aux_types) as numpy types from the given input dtypes."""
        res = self._infer('type', args, kwargs)
        if res is None:
            return None, None, None
        return res

    def infer_type_partial(self, *args, **kwargs):
        return self._infer('type', args, kwargs, partial=True)

    def _infer(self, kind, args, kwargs, partial=False):
        from .infer import infer_graph
        nodes = self._nodes()
        arg_names = self.list_arguments()
        known = {}
        if args:
            if len(args) > len(arg_names):
                raise MXNetError('infer_%s: %d positional inputs given but the symbol has %d arguments'
                                 % (kind, len(args), len(arg_names)))
            for n, v in zip(arg_names, args):
                if v is not None:
                    known[n] = v
        if kwargs:
            inputs = set(arg_names).union(self.list_auxiliary_states())
            for k in kwargs:
                if k not in inputs:
                    raise MXNetError('infer_%s error: %r is not an input of the symbol (arguments: %s)'
                                     % (kind, k, ', '.join(arg_names)))
        for k, v in kwargs.items():
            if v is not None:
                known[k] = v
        if kind == 'type':
            known = {k: _dtype.dtype_name(v) if not isinstance(v, (int, np.integer)) or isinstance(v, bool)
                     else _dtype.FLAG2NAME[int(v)] for k, v in known.items()}
        else:
            known = {k: tuple(int(d) for d in v) for k, v in known.items()}
        unknown_dim = None
        if partial and kind == 'shape':
            from ..util import is_np_shape
            unknown_dim = -1 if is_np_shape() else 0
        values = infer_graph(nodes, self._outputs, kind, known, unknown_dim)
        aux = aux_var_ids(nodes)
        args_v = [values.get((id(n), 0)) for n in nodes if n.op is None and id(n) not in aux]
        aux_v = [values.get((id(n), 0)) for n in nodes if n.op is None and id(n) in aux]
        outs_v = [values.get((id(n), i)) for n, i in self._outputs]
        if kind == 'type':
            conv = lambda t: None if t is None else _dtype.to_numpy(_dtype.NAME2TORCH[t])  # noqa: E731
        else:
            conv = lambda s: s  # noqa: E731
        if not partial and any(v is None for v in args_v + aux_v + outs_v):
            return None
        # a shape of unknown rank: () in MXNet's legacy shape mode, None under np_shape
        unknown = () if kind == 'shape' and unknown_dim != -1 else None
        fix = lambda vs: [unknown if v is None else conv(v) for v in vs]  # noqa: E731
        return fix(args_v), fix(outs_v), fix(aux_v)

    # ---- shape and type views (as NDArray's) -------------------------------------------------------
    def reshape(self, *shape, **kwargs):
        """``mx.sym.reshape(self, shape)``: MXNet's special codes (0, -1, -2, -3, -4) and ``reverse`` apply."""
        from .. import symbol as _sym
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])
        if shape:
            kwargs['shape'] = tuple(shape)
        return _sym.reshape(self, **kwargs)

    def astype(self, dtype):
        """``mx.sym.Cast(self, dtype)``."""
        from .. import symbol as _sym
        return _sym.Cast(self, dtype=dtype)

    # ---- evaluation -------------------------------------------------------------------------------
    def simple_bind(self, ctx, grad_req='write', type_dict=None, stype_dict=None, group2ctx=None,
                    shared_arg_names=None, shared_exec=None, shared_buffer=None, **kwargs):
        """An Executor with arrays allocated from the given input shapes (``data=(32, 100)``)."""
        from ..executor import Executor
        return Executor.simple_bind(self, ctx, grad_req, type_dict, shared_exec, kwargs, group2ctx, stype_dict,
                                    shared_arg_names, shared_buffer)

    def bind(self, ctx, args, args_grad=None, grad_req='write', aux_states=None, group2ctx=None,
             shared_exec=None):
        """An Executor over the given argument arrays (list in list_arguments order, or dict)."""
        from ..executor import Executor
        return Executor(self, ctx, args, args_grad, grad_req, aux_states)

    def eval(self, ctx=None, **kwargs):
        """Bind the given arrays, run forward, and return the list of outputs."""
        from ..context import current_context
        ex = self.bind(ctx or current_context(), kwargs, grad_req='null')
        return ex.forward()

    # ---- serialisation ----------------------------------------------------------------------------
    def tojson(self, remove_amp_cast=True):
        """The graph in MXNet's JSON format (as MXNet 1.9.1 writes it)."""
        from .json_io import to_json
        return to_json(self)

    def save(self, fname, remove_amp_cast=True):
        """Write ``tojson()`` to ``fname`` (atomically)."""
        from .json_io import save
        save(self, fname)

    def get_backend_symbol(self, backend):
        return self

    def _gen_atomic_symbol(self):
        """A symbol of this symbol's head operator alone (same op, name and attributes) on fresh input
        variables named after its inputs; all of the operator's outputs."""
        node = self._outputs[0][0]
        if node.op is None:
            raise MXNetError('_gen_atomic_symbol: %s is a variable, not an operator' % node.name)
        p = node.params
        names = node.op.input_names(p, len(node.inputs)) + node.op.aux_names(p)
        inputs = [(Node(None, names[k] if k < len(names) else 'input%d' % k), 0) for k in range(len(node.inputs))]
        atom = Node(node.op, node.name, node.attrs, inputs)
        return Symbol([(atom, i) for i in range(atom.num_visible())])

    def optimize_for(self, backend, *args, **kwargs):
        return self


def _visible_attrs(attrs):
    out = dict(attrs)
    for k in HIDDEN_KEYS:
        hk = '__%s__' % k
        if hk in attrs:
            out[k] = attrs[hk]
    return out


def Variable(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None, stype=None,
             profiler_scope=None, **kwargs):
    """A named input of the graph, with optional shape, dtype, learning-rate/weight-decay multipliers and
    initializer (stored as ``__shape__``, ``__dtype__``, ``__lr_mult__``, ``__wd_mult__``, ``__init__``)."""
    if not isinstance(name, str):
        raise TypeError('Expect a string for variable `name`')
    attrs = _attribute.current().get(attr)
    attrs = {('__%s__' % k if k in HIDDEN_KEYS else k): v for k, v in attrs.items()}
    if shape is not None:  # an int is a 1-d shape, as in MXNet
        attrs['__shape__'] = str(tuple(shape) if isinstance(shape, (tuple, list)) else (int(shape),))
    if lr_mult is not None:
        attrs['__lr_mult__'] = str(lr_mult)
    if wd_mult is not None:
        attrs['__wd_mult__'] = str(wd_mult)
    if dtype is not None:
        attrs['__dtype__'] = str(_dtype.NAME2FLAG[_dtype.dtype_name(dtype)])
    if init is not None:
        attrs['__init__'] = init if isinstance(init, str) else init.dumps()
    if stype is not None:
        attrs['__storage_type__'] = str({'default': 0, 'row_sparse': 1, 'csr': 2}[stype])
    for k, v in kwargs.items():
        if k.startswith('__') and k.endswith('__'):
            attrs[k] = str(v)
        else:
            raise ValueError('Attribute name=%s is not supported. Additional attributes must start and end '
                             'with double underscores, e.g, __yourattr__' % k)
    return Symbol([(Node(None, name, attrs), 0)])


var = Variable


def Group(symbols, create_fn=None):
    """One symbol whose outputs are the outputs of ``symbols``, in order."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError('Expected a list of symbols as input')
    outs = []
    for s in symbols:
        outs.extend(s._outputs)
    return Symbol(outs)
