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

    A 0 in a creation op's ``shape`` or a variable's ``__shape__`` is an unknown dimension, as in MXNet
    (an RNN's ``begin_state`` zeros of shape ``(0, num_hidden)``): such dims become symbolic placeholders
    that are unified with the concrete dims they meet, and entries still holding one stay unknown.
    """
    values = _run(nodes, kind, known, {})
    if kind != 'shape':
        return values
    seeds = _partial_seeds(nodes, known, values)
    if not seeds:
        return values
    subst = {}
    for _ in range(4):
        resolved = {k: _subst(v, subst) for k, v in seeds.items()}
        found = {}
        values = _run(nodes, kind, known, resolved, found)
        if not found:
            break
        subst.update(found)
    return {k: v for k, v in values.items() if not any(d >= _SYM for d in v)}


# Placeholder dims are _SYM + (i << 16): above any real dimension, apart from each other by more than a dim
# added to them, and a product of two still fits int64.
_SYM = 1 << 30
_UNIFY = []  # the substitutions found by the current symbolic run ({placeholder: dim}), innermost last


def _partial_seeds(nodes, known, values):
    """{entry: shape with placeholders} for creation ops and variables whose shape has 0 dims."""
    seeds = {}
    for n in nodes:
        if (id(n), 0) in values:
            continue
        if n.op is None:
            if n.name in known:
                continue
            s = n.attrs.get('__shape__')
            if not s:
                continue
            import ast
            shape = tuple(ast.literal_eval(s))
        elif not n.inputs and isinstance(getattr(n.params, 'shape', None), tuple):
            shape = n.params.shape
        else:
            continue
        if shape and 0 in shape and all(d >= 0 for d in shape):
            seeds[(id(n), 0)] = tuple(_SYM + ((len(seeds) * 8 + i) << 16) if d == 0 else d
                                     for i, d in enumerate(shape))
    return seeds


def _subst(shape, subst):
    out = []
    for d in shape:
        seen = 0
        while d in subst and seen < 64:
            d, seen = subst[d], seen + 1
        out.append(d)
    return tuple(out)


def _run(nodes, kind, known, seeds, found=None):
    values = dict(seeds)
    if found is not None:
        _UNIFY.append(found)
    try:
        return _fixed_point(nodes, kind, known, values)
    finally:
        if found is not None:
            _UNIFY.pop()


def _fixed_point(nodes, kind, known, values):
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
            try:
                new_ins, outs, auxs = n.op.infer_shape(p, ins)
            except MXNetError:
                # a rule may reject placeholder dims: let it fill those inputs in instead, to unify them
                if not _UNIFY or not any(v is not None and any(d >= _SYM for d in v) for v in ins):
                    raise
                new_ins, outs, auxs = n.op.infer_shape(
                    p, [None if v is not None and any(d >= _SYM for d in v) else v for v in ins])
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
        if kind == 'shape' and _UNIFY and len(old) == len(v) and _unify(old, v):
            merged = tuple(b if a >= _SYM else a for a, b in zip(old, v))
            values[key] = merged
            return merged != old
        raise error(old, v)
    return False


def _unify(a, b):
    """Record placeholder = dim for each differing pair of ``a`` and ``b``; False if a pair of real dims differ."""
    found = _UNIFY[-1]
    pairs = [(x, y) for x, y in zip(a, b) if x != y]
    if any(x < _SYM and y < _SYM for x, y in pairs):
        return False
    for x, y in pairs:
        if x >= _SYM and y < _SYM:
            found.setdefault(x, y)
        elif y >= _SYM and x < _SYM:
            found.setdefault(y, x)
    return True
