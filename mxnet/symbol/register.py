"""Generates the ``mx.sym.<op>`` functions from the operator registry."""
import inspect

from ..base import MXNetError
from .._op import registry
from .._op.params import DType, REQUIRED
from .. import _dtype
from .. import name as _name
from .. import attribute as _attribute
from ..ndarray.register import _docstring, default_input_names
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
    names = op.input_names(p, len(inputs)) + op.aux_names(p)
    if len(inputs) > len(names):
        raise MXNetError('Operator %s takes %d inputs (%s) but %d were given'
                         % (op.name, len(names), ', '.join(names), len(inputs)))
    slots = list(inputs) + [None] * (len(names) - len(inputs))
    for k, v in kw_inputs.items():
        if k not in names:
            raise MXNetError('Cannot find argument \'%s\' in operator %s. Possible arguments: %s'
                             % (k, op.name, ', '.join(names + list(op.params))))
        slots[names.index(k)] = v
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
    hint = public_name.lower()

    def fn(*args, name=None, attr=None, **kwargs):
        hidden = [k for k in kwargs if (k.startswith('__') and k.endswith('__')) or k in HIDDEN_KEYS]
        if hidden:  # MXNet keeps ``__layout__=...``, ``lr_mult=...`` and the like as node attributes
            attr = dict(attr or {}, **{k: str(kwargs.pop(k)) for k in hidden})
        kw_inputs = {k: v for k, v in kwargs.items() if isinstance(v, Symbol)}
        # an explicit None is kept for a parameter that accepts it (sort's axis=None flattens); elsewhere
        # None means "not given" (a missing input, or the parameter's default)
        params = {k: v for k, v in kwargs.items() if not isinstance(v, Symbol)
                  and (v is not None or (k in op.params and op.params[k].optional))}
        pos = []
        i = 0
        if op.variadic:
            pos, i = list(args), len(args)
            if pos and isinstance(pos[0], (list, tuple)) and len(pos) == 1:
                pos = list(pos[0])
        else:
            while i < len(args) and (args[i] is None or isinstance(args[i], Symbol)):
                pos.append(args[i])
                i += 1
        free = [k for k in op.params if k not in params]
        for k, v in zip(free, args[i:]):
            params[k] = v
        if len(args) - i > len(free):
            raise TypeError('%s() got too many positional arguments' % public_name)
        while pos and pos[-1] is None:
            pos.pop()
        return create(op, hint, pos, kw_inputs, params, name=name, attr=attr)

    fn.__name__ = public_name
    fn.__qualname__ = public_name
    P = inspect.Parameter
    sig = [P('data', P.VAR_POSITIONAL)] if op.variadic else [
        P(n, P.POSITIONAL_OR_KEYWORD, default=None)
        for n in default_input_names(op)]
    sig += [P(k, P.KEYWORD_ONLY, default=(None if f.default is REQUIRED else f.default))
            for k, f in op.params.items()]
    sig += [P('name', P.KEYWORD_ONLY, default=None), P('attr', P.KEYWORD_ONLY, default=None),
            P('kwargs', P.VAR_KEYWORD)]
    fn.__signature__ = inspect.Signature(sig)
    fn.__doc__ = _docstring(op).replace('NDArray', 'Symbol')
    fn.opdef = op
    return fn


def generate(namespace):
    for name, op in registry.all_ops().items():
        if name not in namespace:
            namespace[name] = make_function(op, name)
