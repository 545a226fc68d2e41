"""Shape and dtype inference over a graph: operator rules run forwards, and may fill unknown inputs backwards,
until nothing changes."""
import threading

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


def infer_graph(nodes, heads, kind, known, unknown_dim=None):
    """{(id(node), output index): shape or dtype name} for every entry that could be decided; with an
    ``unknown_dim`` (0, or -1 under ``np_shape``), also the partly decided shapes, that value standing for
    their unknown dims.

    ``known`` maps variable names to given values; a variable's ``__shape__``/``__dtype__`` is used otherwise.
    Inconsistent values raise MXNetError naming the operator, the input and both values.

    A 0 in a creation op's ``shape``, a variable's ``__shape__`` or a given shape (-1 under ``np_shape``) is an
    unknown dimension, as in MXNet (an RNN's ``begin_state`` zeros of shape ``(0, num_hidden)``): such dims
    become symbolic placeholders that are unified with the concrete dims they meet; an operator meeting them
    is run on two sets of probe values (see ``_probe``), and entries still holding one stay unknown.
    """
    seeds = _partial_seeds(nodes, known) if kind == 'shape' else None
    if not seeds:
        return _run(nodes, kind, known, {})
    known = {k: v for k, v in known.items() if not any(d <= 0 for d in v)}
    subst = {}
    for _ in range(4):
        resolved = {k: _subst(v, subst) for k, v in seeds.items()}
        found = {}
        values = _run(nodes, kind, known, resolved, found)
        if not found:
            break
        subst.update(found)
    if unknown_dim is not None:
        return {k: tuple(unknown_dim if d >= _SYM else d for d in v) for k, v in values.items()}
    return {k: v for k, v in values.items() if not any(d >= _SYM for d in v)}


# Placeholder dims are _SYM + (i << 16): above any real dimension, apart from each other by more than a dim
# added to them, and a product of two still fits int64.
_SYM = 1 << 30
_STATE = threading.local()  # .found: the {placeholder: dim} substitutions of the current run (None: no placeholders)


def _found():
    return getattr(_STATE, 'found', None)


def _partial_seeds(nodes, known):
    """{entry: shape with placeholders} for creation ops and variables whose shape has 0 dims."""
    seeds = {}
    from ..util import is_np_shape
    unknown = -1 if is_np_shape() else 0
    for n in nodes:
        if n.op is None:
            if n.name in known:
                shape = tuple(known[n.name])
                if shape and unknown in shape and all(d >= -1 for d in shape):
                    seeds[(id(n), 0)] = tuple(_SYM + ((len(seeds) * 8 + i) << 16) if d == unknown else d
                                             for i, d in enumerate(shape))
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
        marks = (-1,) if unknown == -1 else (0, -1)  # MXNet 1.x reads a -1 there as unknown too
        if shape and any(d in marks for d in shape) and all(d >= -1 for d in shape):
            seeds[(id(n), 0)] = tuple(_SYM + ((len(seeds) * 8 + i) << 16) if d in marks else d
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
    outer, _STATE.found = _found(), found
    outer_fresh, _STATE.fresh = getattr(_STATE, 'fresh', None), {}
    try:
        return _fixed_point(nodes, kind, known, dict(seeds))
    finally:
        _STATE.found, _STATE.fresh = outer, outer_fresh


def _fixed_point(nodes, kind, known, values):
    for n in nodes:
        if n.op is None:
            v = known.get(n.name)
            if v is None:
                v = _var_value(n, kind)
            if v is not None:
                values[(id(n), 0)] = tuple(v) if kind == 'shape' else v
    ops = [n for n in nodes if n.op is not None]
    checked = {}  # node id: the input values its rule last ran on
    for _ in range(len(ops) + 2):
        changed = False
        for n in ops:
            changed |= _infer_node(n, kind, values, checked)
        if not changed:
            break
    return values


def _infer_node(n, kind, values, checked):
    p = n.params
    entries = n.inputs
    ins = [values.get((id(src), i)) for src, i in entries]
    if kind == 'shape' and n.op.reverse_shape is not None and _reverse(n, p, ins, values):
        return True
    if kind == 'shape' and _waits(n, ins):
        return False
    if kind == 'shape' and None in ins and getattr(n.op._infer_shape, 'elementwise', False):
        out = values.get((id(n), 0))  # an elementwise op's inputs have its output's shape
        if out is not None:
            ins = [out if v is None else v for v in ins]
    if all(v is not None for v in ins):
        # once per set of input values, even when other nodes' rules decided every input and output: this
        # node's rule checks them (MXNet runs every operator's rule)
        if checked.get(id(n)) == ins and all((id(n), j) in values for j in range(n.num_outputs())):
            return False
        checked[id(n)] = ins
    n_args = n.num_args()
    try:
        if kind == 'shape':
            if _found() is not None and any(v is not None and any(d >= _SYM for d in v) for v in ins):
                res = _probe(n, p, ins)
                if res is None:
                    return False
                new_ins, outs, auxs = res
            else:
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


def _waits(n, ins):
    """True while an input that the op's shape rule needs fully known (its ``known_inputs`` indices, where's
    condition) is unknown or partly known: MXNet's rule then decides nothing, not even the other inputs."""
    for k in getattr(n.op._infer_shape, 'known_inputs', ()):
        v = ins[k] if k < len(ins) else None
        if v is None or (_found() is not None and any(d >= _SYM for d in v)):
            return True
    return False


def _reverse(n, p, ins, values):
    """Fill the placeholder dims of ``n``'s inputs from its known outputs by the op's ``reverse_shape`` rule;
    True if an input changed."""
    if _found() is None or not any(v is not None and any(d >= _SYM for d in v) for v in ins):
        return False
    outs = [values.get((id(n), j)) for j in range(n.num_outputs())]
    if any(o is None or any(d >= _SYM for d in o) for o in outs):
        return False
    given = [None if v is None else tuple(0 if d >= _SYM else d for d in v) for v in ins]
    try:
        new = n.op.reverse_shape(p, given, outs)
    except MXNetError as e:
        raise MXNetError('Error in operator %s: %s' % (n.name, e)) from None
    changed = False
    for k, ((src, i), v) in enumerate(zip(n.inputs, new)):
        if v is None or 0 in v:  # still unknown
            continue
        changed |= _assign(values, (id(src), i), v, 'shape', lambda old, v, k=k: MXNetError(
            'Error in operator %s: Shape inconsistent, Provided = %s, inferred shape=%s (input %s)'
            % (n.name, _fmt('shape', old, True), _fmt('shape', v), _input_name(n, p, k))))
    return changed


def _probe(n, p, ins):
    """The shape rule of node ``n`` for inputs holding placeholder dims: the rule runs twice, each placeholder
    set to a different probe value each time; a result dim equal in both runs is known, one that follows a
    placeholder's probe values is that placeholder, any other is a new unknown. If the rule rejects the
    probes, the inputs' placeholders first take the dims found at the same position in the other inputs (the
    merge of MXNet's elementwise rules); None if it still does."""
    try:
        return _probe_once(n, p, ins)
    except Exception:  # noqa: BLE001 -- a rule refusing the probe values: try the merged inputs
        pass
    merged = _merge_positions(ins)
    if merged != ins:
        try:
            return _probe_once(n, p, merged)
        except Exception:  # noqa: BLE001 -- a rule refusing the merged inputs: let it fill them in
            pass
    # the inputs holding placeholders given as unknown: a rule that fills inputs from the data (a weight of
    # FullyConnected, RNN's parameters) decides them, and assigning unifies the placeholders with its dims
    blanked = [None if v is not None and any(d >= _SYM for d in v) else v for v in ins]
    if blanked == ins or all(v is None for v in blanked):
        return None
    try:
        return n.op.infer_shape(p, blanked)
    except Exception:  # noqa: BLE001 -- undecidable here: the shapes stay unknown, as MXNet leaves them
        return None


def _probe_once(n, p, ins):
    syms = sorted({d for v in ins if v is not None for d in v if d >= _SYM})
    runs = []
    for base in (1009, 2003):
        table = {d: base + 16 * i for i, d in enumerate(syms)}
        concrete = [None if v is None else tuple(table.get(d, d) for d in v) for v in ins]
        runs.append((table, n.op.infer_shape(p, concrete)))
    (ta, ra), (tb, rb) = runs
    back = {v: d for d, v in ta.items()}
    fresh = _STATE.fresh
    # an op marked ``keeps_unknown`` (slice, slice_axis) leaves an output dim unknown wherever its data's dim at
    # that position is unknown, as MXNet's shape rule does, even when the result would not depend on it
    follow = ins[0] if getattr(n.op, 'keeps_unknown', False) and ins and ins[0] is not None else ()

    def shape_back(sa, sb, key):
        if sa is None or sb is None or len(sa) != len(sb):
            return None
        out = []
        for k, (x, y) in enumerate(zip(sa, sb)):
            if k < len(follow) and follow[k] >= _SYM and key[1] == 1:
                out.append(follow[k] if x == ta[follow[k]] and y == tb[follow[k]]
                           else fresh.setdefault(key + (k,), _SYM + ((1 << 13) + len(fresh) << 16)))
            elif x == y:
                out.append(int(x))
            elif x in back and tb[back[x]] == y:
                out.append(back[x])
            else:
                out.append(fresh.setdefault(key + (k,), _SYM + ((1 << 13) + len(fresh) << 16)))
        return tuple(out)
    return tuple([shape_back(a, b, (id(n), g, j)) for j, (a, b) in enumerate(zip(ga, gb))]
                 for g, (ga, gb) in enumerate(zip(ra, rb)))


def _merge_positions(ins):
    """``ins`` with each placeholder dim replaced by the known dim (else the first placeholder) that another
    input has at the same position."""
    at = {}
    for v in ins:
        for k, d in enumerate(v or ()):
            if d < _SYM:
                at[k] = d
            else:
                at.setdefault(k, d)
    return [None if v is None else tuple(at[k] if d >= _SYM else d for k, d in enumerate(v)) for v in ins]


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
        if kind == 'shape' and _found() is not None and len(old) == len(v) and _unify(old, v):
            merged = tuple(b if a >= _SYM else a for a, b in zip(old, v))
            values[key] = merged
            return merged != old
        raise error(old, v)
    return False


def _unify(a, b):
    """Record placeholder = dim for each differing pair of ``a`` and ``b``; False if a pair of real dims differ."""
    found = _found()
    pairs = [(x, y) for x, y in zip(a, b) if x != y]
    if any(x < _SYM and y < _SYM for x, y in pairs):
        return False
    for x, y in pairs:
        if x >= _SYM and y < _SYM:
            found.setdefault(x, y)
        elif y >= _SYM and x < _SYM:
            found.setdefault(y, x)
    return True
