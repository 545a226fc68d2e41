"""The front-end builder shared by ``mx.nd`` and ``mx.sym``: for one OpDef, the generated function's Python
signature and docstring, and the binding of a call's ``*args, **kwargs`` into (inputs, params).

Each front-end keeps only what differs: mx.nd runs the op on NDArrays (``out=``), mx.sym makes a graph node
(``name=``, ``attr=``). The binding rules, as MXNet's generated functions apply them:

- positional arguments of the front-end's array type are inputs; so is a ``None`` in an input slot (a
  missing input: mx.sym makes a variable for it); the positional arguments after the inputs are the
  parameters in declaration order (``mx.nd.sum(x, 1)`` is ``axis=1``);
- a variadic op (``num_args``) takes every positional argument as an input (one list of them too) and its
  count parameter defaults to their number;
- a keyword whose value is of the array type is an input; ``__key__`` keywords (and the front-end's
  ``hidden_keys``) are node attributes, not parameters;
- an explicit ``None`` is a parameter's value: kept for one that accepts it (``sort(x, axis=None)``
  flattens), an error for the others, as in MXNet.
"""
import inspect

from ..base import MXNetError
from .params import REQUIRED
from .registry import Attrs

__all__ = ['default_input_names', 'signature', 'docstring', 'Binder', 'place_inputs']


def default_input_names(op):
    """The inputs an op takes with its default parameters (for signatures, docs and positional slots)."""
    if not callable(op.inputs):
        return list(op.inputs) + ([] if callable(op.aux) else list(op.aux))
    p = Attrs({k: (None if f.default is REQUIRED else f.default) for k, f in op.params.items()})
    try:
        return op.input_names(p) + op.aux_names(p)
    except Exception:  # a rule that needs a required parameter
        return ['data']


def all_input_names(op):
    """Every input an op can take under some parameters (MXNet lists them all in the generated signature, so
    a positional ``None`` fills an input slot first: ``BilinearResize2D(data, None, mode=...)``): the
    longest input list over the defaults and each Bool / Enum parameter set to each of its values."""
    names = default_input_names(op)
    if not callable(op.inputs):
        return names
    base = {k: (None if f.default is REQUIRED else f.default) for k, f in op.params.items()}
    for k, f in op.params.items():
        values = getattr(f, 'choices', None) or ((True, False) if f.type_name == 'boolean' else ())
        for v in values:
            p = Attrs(dict(base, **{k: v}))
            try:
                alt = op.input_names(p) + op.aux_names(p)
            except Exception:  # noqa: BLE001 -- a rule that needs other parameters
                continue
            if len(alt) > len(names):
                names = alt
    return names


def signature(op, trailing):
    """``inspect.Signature`` of a generated function: inputs, parameters, then the front-end's own keywords
    ``trailing`` (names, default None; mx.nd: out, name; mx.sym: name, attr) and ``**kwargs``."""
    P = inspect.Parameter
    params = []
    if op.variadic:
        params.append(P('data', P.VAR_POSITIONAL))
    else:
        params += [P(n, P.POSITIONAL_OR_KEYWORD, default=None) for n in default_input_names(op)]
    kind = P.KEYWORD_ONLY if op.variadic else P.POSITIONAL_OR_KEYWORD
    for k, f in op.params.items():
        if f.default is not REQUIRED:
            default = f.default
        else:  # the count of a variadic op defaults to the number of inputs
            default = P.empty if kind is P.KEYWORD_ONLY and k != op.variadic else None
        params.append(P(k, kind, default=default))
    params += [P(n, kind, default=None) for n in trailing]
    params.append(P('kwargs', P.VAR_KEYWORD))
    return inspect.Signature(params)


def docstring(op, array='NDArray'):
    """The generated function's docstring: the op's doc, its inputs (of type ``array``) and parameters."""
    lines = [(op.doc or op.name).strip(), '', 'Parameters', '----------']
    if op.variadic:
        lines += ['data : %s[]' % array, '    Input arrays.']
    elif not callable(op.inputs):
        for n in list(op.inputs) + ([] if callable(op.aux) else list(op.aux)):
            lines += ['%s : %s' % (n, array), '    Input %s.' % n]
    for k, f in op.params.items():
        lines += ['%s : %s' % (k, f.describe())]
        if f.doc:
            lines += ['    ' + f.doc]
    if array == 'NDArray':
        lines += ['out : NDArray, optional', '    The output array.']
    else:
        lines += ['name : str, optional', '    Name of the resulting symbol.']
    lines += ['', 'Returns', '-------', 'out : %s or list of %ss' % (array, array)]
    if op.aliases:
        lines += ['', 'Also registered as: ' + ', '.join(op.aliases)]
    return '\n'.join(lines)


class Binder:
    """Binds the calls of one op's generated function: ``bind(args, kwargs)`` gives (positional inputs,
    keyword inputs, params, hidden attributes). ``input_type``: the front-end's array class (or tuple)."""

    def __init__(self, op, input_type, hidden_keys=()):
        self.op = op
        self.input_type = input_type
        self.hidden_keys = frozenset(hidden_keys)
        self.param_names = tuple(op.params)
        # positional slots a None may fill (a missing input); past them a None is a parameter's value
        self.slots = None if op.variadic else len(all_input_names(op))

    def bind(self, args, kwargs):
        op, itype, declared = self.op, self.input_type, self.op.params
        params, kw_inputs, hidden = {}, {}, {}
        for k, v in kwargs.items():
            if isinstance(v, itype):
                kw_inputs[k] = v
            elif k in declared:
                params[k] = v
            elif (k.startswith('__') and k.endswith('__')) or k in self.hidden_keys:
                hidden[k] = str(v)
            elif op.extra_param is not None:
                params[k] = v
            else:  # an unknown name: a missing input by keyword (None) or an error found when placing inputs
                kw_inputs[k] = v
        if op.variadic:
            pos = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
            i = len(args)
        else:
            pos, i, n = [], 0, len(args)
            slots = n if self.slots is None else self.slots
            while i < n and (isinstance(args[i], itype) or (args[i] is None and i < slots)):
                pos.append(args[i])
                i += 1
            while pos and pos[-1] is None:
                pos.pop()
        rest = args[i:]
        if rest:
            free = [k for k in self.param_names if k not in params]
            if len(rest) > len(free):
                raise TypeError('%s() takes at most %d positional parameters after its inputs, got %d'
                                % (op.name, len(free), len(rest)))
            params.update(zip(free, rest))
        if op.variadic and op.variadic not in params:
            params[op.variadic] = len(pos)
        return pos, kw_inputs, params, hidden


def place_inputs(op, p, pos, kw_inputs):
    """(names, slots): the input (and auxiliary state) names of ``op`` with parameters ``p``, and the given
    inputs in their slots (None where missing)."""
    names = op.input_names(p, len(pos)) + op.aux_names(p)
    if len(pos) > len(names):
        raise MXNetError('Operator %s takes %d inputs (%s) but %d were given'
                         % (op.name, len(names), ', '.join(names), len(pos)))
    slots = list(pos) + [None] * (len(names) - len(pos))
    for k, v in kw_inputs.items():
        if k not in names:
            if v is None and k in all_input_names(op):  # an input these parameters drop (no_bias)
                continue
            if k in op.params:
                raise TypeError('%s: parameter %s cannot be an array' % (op.name, k))
            raise MXNetError('Cannot find argument \'%s\' in operator %s. Possible arguments: %s'
                             % (k, op.name, ', '.join(names + list(op.params))))
        idx = names.index(k)
        if slots[idx] is not None:
            raise TypeError('%s() got multiple values for input %s' % (op.name, k))
        slots[idx] = v
    return names, slots
