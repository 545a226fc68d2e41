"""Shape and dtype inference over a graph: operator rules run forwards, and may fill unknown inputs backwards,
until nothing changes."""
from ..base import MXNetError
from .. import _dtype

__all__ = ['infer_graph']


def _fmt(kind, v, provided=False):
    if kind == 'type':
        return str(v)
    if provided:
        return '[' + ','.join(str(d) for d in v) + ']'
    return '(' + ','.join(str(d) for d in v) + (',)' if len(v) == 1 else ')')


def _var_value(node, kind):
    if kind == 'shape':
        s = node.attrs.get('__shape__')
        if s:
            import ast
            shape = tuple(ast.literal_eval(s))
            if shape and all(d > 0 for d in shape):
                return shape
        return None
    t = node.attrs.get('__dtype__')
    if t is not None and t != '-1':
        return _dtype.FLAG2NAME.get(int(t))
    return None


def infer_graph(nodes, heads, kind, known):
    """{(id(node), output index): shape or dtype name} for every entry that could be decided.

    ``known`` maps variable names to given values; a variable's ``__shape__``/``__dtype__`` is used otherwise.
    Inconsistent values raise MXNetError naming the operator, the input and both values.
    """
    values = {}
    for n in nodes:
        if n.op is None:
            v = known.get(n.name)
            if v is None:
                v = _var_value(n, kind)
            if v is not None:
                values[(id(n), 0)] = tuple(v) if kind == 'shape' else v
    ops = [n for n in nodes if n.op is not None]
    for _ in range(len(ops) + 2):
        changed = False
        for n in ops:
            changed |= _infer_node(n, kind, values)
        if not changed:
            break
    return values


def _infer_node(n, kind, values):
    p = n.params
    entries = n.inputs
    ins = [values.get((id(src), i)) for src, i in entries]
    if all(v is not None for v in ins) and all((id(n), j) in values for j in range(n.num_outputs())):
        return False
    n_args = n.num_args()
    try:
        if kind == 'shape':
            new_ins, outs, auxs = n.op.infer_shape(p, ins)
        else:
            new_ins, outs, auxs = n.op.infer_type(p, ins)
    except MXNetError as e:
        raise MXNetError('Error in operator %s: %s' % (n.name, e)) from None
    new_ins = list(new_ins)
    if len(new_ins) == n_args and len(entries) > n_args:
        new_ins += list(auxs)
    changed = False
    for k, ((src, i), v) in enumerate(zip(entries, new_ins)):
        changed |= _assign(values, (id(src), i), v, kind, lambda old, v, k=k: MXNetError(
            'Error in operator %s: %s inconsistent, Provided = %s, inferred %s=%s (input %s)'
            % (n.name, 'Shape' if kind == 'shape' else 'Type', _fmt(kind, old, True),
               'shape' if kind == 'shape' else 'type', _fmt(kind, v), _input_name(n, p, k))))
    for j, v in enumerate(outs):
        changed |= _assign(values, (id(n), j), v, kind, lambda old, v, j=j: MXNetError(
            'Error in operator %s: output %d %s inconsistent: %s vs %s'
            % (n.name, j, kind, _fmt(kind, old), _fmt(kind, v))))
    return changed


def _input_name(n, p, k):
    names = n.op.input_names(p, len(n.inputs)) + n.op.aux_names(p)
    return names[k] if k < len(names) else k


def _assign(values, key, v, kind, error):
    """Record value ``v`` of graph entry ``key``; True if it was unknown, ``error(old, v)`` if it disagrees."""
    if v is None:
        return False
    v = tuple(v) if kind == 'shape' else v
    old = values.get(key)
    if old is None:
        values[key] = v
        return True
    if old != v:
        raise error(old, v)
    return False
