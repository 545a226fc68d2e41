"""Symbol JSON in MXNet's format: writing byte for byte as MXNet 1.9.1 does, reading every version MXNet 1.9.1
reads (including the 0.8-era ``param``/``attr`` files and their upgrades)."""
import json
import os

from ..base import MXNetError
from .._op import registry
from .symbol import Symbol, Node, topo_order, HIDDEN_KEYS

__all__ = ['to_json', 'save', 'load', 'load_json', 'fromjson', 'atomic_write']

MXNET_VERSION = 10901


# ---- writing --------------------------------------------------------------------------------------
def _s(text):
    return '"' + (text.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\r', '\\r')
                  .replace('\t', '\\t')) + '"'


def _multi(items, level, open_, close):
    if not items:
        return open_ + close
    pad = '\n' + '  ' * (level + 1)
    return open_ + ', '.join(pad + it for it in items).replace(', \n', ', \n') + '\n' + '  ' * level + close


def _ints(values, level):
    items = [str(v) for v in values]
    return _multi(items, level, '[', ']') if len(items) > 10 else '[' + ', '.join(items) + ']'


def _entries(entries, level):
    items = ['[%d, %d, %d]' % e for e in entries]
    return _multi(items, level, '[', ']') if len(items) > 10 else '[' + ', '.join(items) + ']'


def _strmap(d, level):
    items = ['%s: %s' % (_s(k), _s(v)) for k, v in sorted(d.items(), key=lambda kv: kv[0].encode('utf-8'))]
    return _multi(items, level, '{', '}') if len(items) > 1 else '{' + ''.join(items) + '}'


def graph_dict(sym):
    """(nodes, arg_nodes, node_row_ptr, heads) of ``sym`` with MXNet's numbering."""
    nodes = topo_order(sym._outputs)
    index = {id(n): i for i, n in enumerate(nodes)}
    rows = [0]
    for n in nodes:
        rows.append(rows[-1] + n.num_outputs())
    return nodes, index, rows


def to_json(sym):
    nodes, index, rows = graph_dict(sym)
    node_texts = []
    for n in nodes:
        fields = ['"op": %s' % _s(n.op.name if n.op else 'null'), '"name": %s' % _s(n.name)]
        if n.attrs:
            fields.append('"attrs": %s' % _strmap(n.attrs, 3))
        entries = []
        n_args = n.num_args() if n.op is not None else 0
        for k, (src, i) in enumerate(n.inputs):
            if n.versions is not None and k < len(n.versions):
                version = n.versions[k]
            else:
                version = 1 if (n.op is not None and k >= n_args and src.op is None) else 0
            entries.append((index[id(src)], i, version))
        fields.append('"inputs": %s' % _entries(entries, 3))
        node_texts.append(_multi(fields, 2, '{', '}'))
    top = ['"nodes": %s' % _multi(node_texts, 1, '[', ']'),
           '"arg_nodes": %s' % _ints([i for i, n in enumerate(nodes) if n.op is None], 1),
           '"node_row_ptr": %s' % _ints(rows, 1),
           '"heads": %s' % _entries([(index[id(n)], i, 0) for n, i in sym._outputs], 1),
           '"attrs": %s' % _graph_attrs()]
    return _multi(top, 0, '{', '}')


def _graph_attrs():
    """The graph's ``attrs``: the writer's version, and ``is_np_shape`` when saved under NumPy shape semantics
    (MXNet writes a one-entry map inline, a longer one a line per entry, keys sorted)."""
    from ..util import is_np_shape
    if not is_np_shape():
        return '{"mxnet_version": ["int", %d]}' % MXNET_VERSION
    return _multi(['"is_np_shape": ["int", 1]', '"mxnet_version": ["int", %d]' % MXNET_VERSION], 1, '{', '}')


def atomic_write(fname, data):
    """Write ``data`` (str or bytes) to ``fname`` atomically (see ``mxnet._atomic``)."""
    from .._atomic import write
    write(fname, data)


def save(sym, fname):
    if not isinstance(fname, (str, os.PathLike)):
        raise TypeError('fname required to be a string')
    atomic_write(fname, to_json(sym))


# ---- reading --------------------------------------------------------------------------------------
def _hidden_like(key):
    return any(key.startswith(h) or key.endswith(h) for h in HIDDEN_KEYS) and not (
        key.startswith('__') and key.endswith('__'))


def _fix_parsing(nodes):
    """Pre-1.9.1 files: hidden keys written without underscores move to ``__key__`` (on the node or on the
    variable of the op argument they name)."""
    for n in nodes:
        if n.op is None:
            for k in [k for k in n.attrs if k in HIDDEN_KEYS]:
                n.attrs['__%s__' % k] = n.attrs.pop(k)
            continue
        names = None
        for k in [k for k in list(n.attrs) if _hidden_like(k)]:
            if k in HIDDEN_KEYS:
                n.attrs['__%s__' % k] = n.attrs.pop(k)
                continue
            if names is None:
                try:
                    p = n.op.parse({a: v for a, v in n.attrs.items()
                                    if a in n.op.params})
                    names = n.op.input_names(p, len(n.inputs)) + n.op.aux_names(p)
                except MXNetError:
                    names = []
            for h in HIDDEN_KEYS:
                if k.endswith('_' + h):
                    arg = k[:-len(h) - 1]
                    if arg in names and names.index(arg) < len(n.inputs):
                        src = n.inputs[names.index(arg)][0]
                        if src.op is None:
                            src.attrs['__%s__' % h] = n.attrs.pop(k)
                    break


def _bad(msg, *args):
    raise MXNetError('Symbol JSON: ' + (msg % args if args else msg))


def _is_index(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _check_entry(e, what, limit):
    """``e`` is ``[node, output(, version)]`` with an integer node index in ``[0, limit)``."""
    if not isinstance(e, list) or len(e) not in (2, 3) or not all(_is_index(x) for x in e):
        _bad('%s must be a list [node_id, output_index, version] of integers, got %.80r', what, e)
    if not 0 <= e[0] < limit:
        _bad('%s refers to node %d, but only nodes 0..%d can be referred to there', what, e[0], limit - 1)
    if e[1] < 0:
        _bad('%s has a negative output index %d', what, e[1])


def _check_structure(g):
    """Types and index ranges of the whole document, before anything is built from it."""
    if not isinstance(g, dict) or 'nodes' not in g or 'heads' not in g:
        _bad('must be an object with "nodes" and "heads"')
    for key in g:
        if key not in ('nodes', 'arg_nodes', 'node_row_ptr', 'heads', 'attrs'):
            raise MXNetError('JSONReader: Unknown field %s' % key)
    nodes, heads = g['nodes'], g['heads']
    if not isinstance(nodes, list) or not nodes:
        _bad('"nodes" must be a non-empty list')
    if not isinstance(heads, list) or not heads:
        _bad('"heads" must be a non-empty list')
    if not isinstance(g.get('attrs') or {}, dict):
        _bad('"attrs" must be an object')
    for key in ('arg_nodes', 'node_row_ptr'):
        v = g.get(key, [])
        if not isinstance(v, list) or not all(_is_index(x) for x in v):
            _bad('"%s" must be a list of integers', key)
    for nid, jn in enumerate(nodes):
        if not isinstance(jn, dict):
            _bad('node %d must be an object, got %.80r', nid, jn)
        for key in jn:
            if key not in ('op', 'name', 'attrs', 'attr', 'param', 'inputs', 'control_deps', 'subgraphs',
                           'backward_source_id'):
                raise MXNetError('JSONReader: Unknown field %s in node %d' % (key, nid))
        for key in ('op', 'name'):
            if not isinstance(jn.get(key), str):
                _bad('node %d has no string "%s" field (got %.80r)', nid, key, jn.get(key))
        for key in ('attrs', 'attr', 'param'):
            v = jn.get(key)
            if v is not None and not isinstance(v, dict):
                _bad('node %d (%s): "%s" must be an object of strings, got %.80r', nid, jn['name'], key, v)
            for k, x in (v or {}).items():
                if not isinstance(x, str):
                    _bad('node %s: attribute %s must be a string', jn['name'], k)
        inputs = jn.get('inputs', [])
        if not isinstance(inputs, list):
            _bad('node %d (%s): "inputs" must be a list', nid, jn['name'])
        for e in inputs:
            _check_entry(e, 'node %d (%s) input' % (nid, jn['name']), nid)
        if not isinstance(jn.get('control_deps', []), list):
            _bad('node %d (%s): "control_deps" must be a list', nid, jn['name'])
    for e in heads:
        _check_entry(e, 'head', len(nodes))


def _num_outputs(node):
    return 1 if node.op is None else len(node.op.output_names(node.params))


def load_json(json_str):
    """The Symbol stored in a JSON string written by any MXNet version 1.9.1 can read."""
    try:
        g = json.loads(json_str)
    except RecursionError:
        raise MXNetError('Symbol JSON is nested too deeply') from None
    except ValueError as e:  # UnicodeDecodeError included
        raise MXNetError('Symbol JSON is not valid JSON: %s' % e) from None
    except TypeError:
        raise TypeError('load_json expects a str, bytes or bytearray, got %s' % type(json_str).__name__) from None
    _check_structure(g)
    version = 800
    gattrs = g.get('attrs') or {}
    if 'mxnet_version' in gattrs:
        v = gattrs['mxnet_version']
        if not (isinstance(v, list) and len(v) == 2 and _is_index(v[1])):
            _bad('attrs.mxnet_version must be ["int", VERSION], got %.80r', v)
        version = v[1]
    nodes = []
    for nid, jn in enumerate(g['nodes']):
        if jn.get('subgraphs'):
            raise MXNetError('Symbol JSON node %s uses subgraphs (control-flow operators), which are not '
                             'supported' % jn.get('name'))
        attrs = {}
        for key in ('attrs', 'attr'):
            attrs.update(jn.get(key) or {})
        for k, v in (jn.get('param') or {}).items():
            attrs.setdefault(k, v)
        op = None if jn['op'] == 'null' else registry.get(jn['op'])
        inputs = [(nodes[e[0]], e[1]) for e in jn.get('inputs', [])]
        versions = [e[2] if len(e) > 2 else 0 for e in jn.get('inputs', [])]
        nodes.append(Node(op, jn['name'], attrs, inputs, versions))
    if version < MXNET_VERSION:
        _fix_parsing(nodes)
    if version < 905:
        for n in nodes:
            if n.op is not None and n.op.name in ('argmax', 'argmin') and n.attrs.get('axis') == '-1':
                del n.attrs['axis']
    for n in nodes:
        if n.op is None:
            if n.inputs:
                _bad('variable %s has inputs', n.name)
            continue
        try:
            p = n.params
        except MXNetError as e:
            raise MXNetError('Cannot load symbol node %s (%s): %s' % (n.name, n.op.name, e)) from None
        if n.op.variadic and getattr(p, n.op.variadic, None) not in (None, len(n.inputs)):
            _bad('node %s (%s): %s=%s but the node has %d inputs', n.name, n.op.name, n.op.variadic,
                 getattr(p, n.op.variadic), len(n.inputs))
        for src, k in n.inputs:
            if k >= _num_outputs(src):
                _bad('node %s (%s) takes output %d of node %s, which has %d output(s)', n.name, n.op.name, k,
                     src.name, _num_outputs(src))
        names = n.op.input_names(p, len(n.inputs)) + n.op.aux_names(p)
        if version < 900 and len(n.inputs) < len(names):
            for argname in names[len(n.inputs):]:
                n.inputs.append((Node(None, '%s_%s' % (n.name, argname), dict(n.attrs)), 0))
                n.versions.append(0)
        if not n.op.variadic and len(n.inputs) != len(names):
            _bad('node %s (%s) has %d inputs, but the operator takes %d (%s)', n.name, n.op.name, len(n.inputs),
                 len(names), ', '.join(names))
        if version < 904:
            for argname, (src, _) in zip(names, n.inputs):
                if src.op is None:
                    for k, v in n.op.var_attrs.get(argname, {}).items():
                        src.attrs.setdefault(k, v)
    _numpy_shapes(nodes, gattrs)
    heads = [(nodes[h[0]], h[1]) for h in g['heads']]
    for node, k in heads:
        if k >= _num_outputs(node):
            _bad('head refers to output %d of node %s, which has %d output(s)', k, node.name, _num_outputs(node))
    return Symbol(heads)


def _numpy_shapes(nodes, gattrs):
    """Under NumPy shape semantics, a graph saved without them has its variables' unknown dims (0) turned
    into NumPy's unknown (-1), as MXNet does on load; a 0 in a graph saved with them is a zero-size dim."""
    from ..util import is_np_shape
    saved_np = 'is_np_shape' in gattrs and int(gattrs['is_np_shape'][1])
    if saved_np or not is_np_shape():
        return
    import ast
    for n in nodes:
        s = n.attrs.get('__shape__') if n.op is None else None
        if s:
            try:
                shape = tuple(ast.literal_eval(s))
            except (ValueError, SyntaxError, TypeError):
                continue
            if 0 in shape:
                n.attrs['__shape__'] = str(tuple(-1 if d == 0 else d for d in shape))


fromjson = load_json


def load(fname):
    """The Symbol saved in file ``fname`` (``*-symbol.json``)."""
    if not isinstance(fname, (str, os.PathLike)):
        raise TypeError('fname required to be a string')
    try:
        with open(fname, 'r', encoding='utf-8') as f:
            text = f.read()
    except OSError as e:
        raise MXNetError('Cannot open symbol file %s: %s' % (fname, e)) from None
    except UnicodeDecodeError as e:
        raise MXNetError('%s: a symbol file is UTF-8 JSON, but byte %d is not UTF-8' % (fname, e.start)) from None
    try:
        return load_json(text)
    except MXNetError as e:
        raise MXNetError('%s: %s' % (fname, e)) from None
