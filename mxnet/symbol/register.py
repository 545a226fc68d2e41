"""Generates the ``mx.sym.<op>`` functions from the operator registry."""
from ..base import MXNetError
from .._op import registry
from .._op import frontend
from .._op.params import DType
from .. import _dtype
from .. import name as _name
from .. import attribute as _attribute
from .symbol import Symbol, Node, Variable, HIDDEN_KEYS

__all__ = ['create', 'make_function', 'generate']


def _attr_string(field, v):
    """MXNet's frontend stores ``str(value)``; dtypes by name."""
    if isinstance(v, str):
        return v
    if isinstance(field, DType) and v is not None:
        return _dtype.dtype_name(v)
    if isinstance(v, (tuple, list)):  # numpy 2 prints its scalars as np.int64(5): store plain numbers
        v = type(v)(x.item() if hasattr(x, 'item') and not isinstance(x, (tuple, list)) else x for x in v)
    return str(v)


def create(op, hint, inputs, kw_inputs, params, name=None, attr=None):
    """Apply ``op`` to symbol inputs: a new node (missing inputs become variables ``<name>_<input>``)."""
    strs = {}
    for k, v in params.items():
        field = op.params.get(k, op.extra_param)
        if field is None:
            raise MXNetError('Cannot find argument \'%s\' in operator %s. Possible arguments: %s'
                             % (k, op.name, ', '.join(op.params) or '(none)'))
        strs[k] = _attr_string(field, v)
    if op.variadic and op.variadic not in strs:
        strs[op.variadic] = str(len(inputs))
    p = op.parse(strs)
    name = _name.current().get(name, hint)
    scope = _attribute.current().get(attr)
    node_attrs = dict(strs)
    for k, v in scope.items():
        node_attrs['__%s__' % k if k in HIDDEN_KEYS else k] = v
    names, slots = frontend.place_inputs(op, p, inputs, kw_inputs)
    entries = []
    for argname, s in zip(names, slots):
        if s is None:
            vattrs = dict(node_attrs)
            vattrs.update(op.var_attrs.get(argname, {}))
            s = Symbol([(Node(None, '%s_%s' % (name, argname), vattrs), 0)])
        elif not isinstance(s, Symbol):
            raise TypeError('Operator %s: input %s must be a Symbol, got %s' % (op.name, argname, type(s).__name__))
        if len(s._outputs) != 1:
            raise MXNetError('Operator %s: input %s is a symbol with %d outputs; a single output is required'
                             % (op.name, argname, len(s._outputs)))
        src = s._outputs[0]
        if src[0].op is None and argname in op.var_attrs:
            for k, v in op.var_attrs[argname].items():
                src[0].attrs.setdefault(k, v)
        entries.append(src)
    node = Node(op, name, node_attrs, entries)
    node._p = p
    return Symbol([(node, i) for i in range(op.visible_outputs(p))])


def make_function(op, public_name):
    """The ``mx.sym`` function of ``op``: a new node over its inputs (Symbols), named by ``name=`` or the name
    manager, with node attributes ``attr=`` (and ``__key__=`` keywords)."""
    hint = public_name.lower()
    bind = frontend.Binder(op, Symbol, HIDDEN_KEYS).bind

    def fn(*args, name=None, attr=None, **kwargs):
        pos, kw_inputs, params, hidden = bind(args, kwargs)
        if hidden:  # MXNet keeps ``__layout__=...``, ``lr_mult=...`` and the like as node attributes
            attr = dict(attr or {}, **hidden)
        return create(op, hint, pos, kw_inputs, params, name=name, attr=attr)

    fn.__name__ = public_name
    fn.__qualname__ = public_name
    fn.__signature__ = frontend.signature(op, ('name', 'attr'))
    fn.__doc__ = frontend.docstring(op, 'Symbol')
    fn.opdef = op
    return fn


def generate(namespace):
    for name, op in registry.all_ops().items():
        if name not in namespace:
            namespace[name] = make_function(op, name)
