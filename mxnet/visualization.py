"""Network visualisation (``mx.viz``): a layer table (``print_summary``) and a Graphviz drawing
(``plot_network``), both read from the symbol's JSON graph as MXNet 1.9.1 does."""
import json
import re
import warnings

from .symbol import Symbol

__all__ = ['print_summary', 'plot_network']

# fill colours by operator category (MXNet's palette)
_INPUT, _LAYER, _ACTIVATION, _NORM, _POOL, _RESHAPE, _SOFTMAX, _OTHER = (
    '#8dd3c7', '#fb8072', '#ffffb3', '#bebada', '#80b1d3', '#fdb462', '#b3de69', '#fccde5')
_WEIGHT_SUFFIXES = ('_weight', '_bias', '_beta', '_gamma', '_moving_var', '_moving_mean', '_running_var',
                    '_running_mean')


def _dims(text):
    """The integers of a shape attribute string, as strings: '(5, 5)' -> ['5', '5']."""
    return re.findall(r'\d+', text)


def _xjoin(values):
    return 'x'.join(str(v) for v in values)


def _internal_values(symbol, given, kind):
    """{output name of every internal entry: shape or numpy type} from the given input shapes/types."""
    internals = symbol.get_internals()
    infer = internals.infer_shape if kind == 'shape' else internals.infer_type
    _, outs, _ = infer(**given)
    if outs is None:
        raise ValueError('Input %s is incomplete' % kind)
    return dict(zip(internals.list_outputs(), outs))


def _graph(symbol, what):
    if not isinstance(symbol, Symbol):
        raise TypeError('symbol must be %s' % what)
    return json.loads(symbol.tojson())


def print_summary(symbol, shape=None, line_length=120, positions=[.44, .64, .74, 1.]):  # noqa: B006
    """Print a table of the layers of ``symbol``: name (type), output shape (without the batch axis, when
    ``shape`` gives the input shapes), parameter count and the layers feeding it, then the total parameter
    count. ``positions`` are the column ends, as fractions of ``line_length`` or absolute."""
    conf = _graph(symbol, 'Symbol')
    shapes = _internal_values(symbol, shape, 'shape') if shape is not None else None
    nodes = conf['nodes']
    # MXNet takes the first head entry [node, output, version] as a set of node ids; node 0 (the first
    # input) is listed through it.
    heads = set(conf['heads'][0])
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def row(fields):
        line = ''
        for field, end in zip(fields, positions):
            line = (line + str(field))[:end]
            line += ' ' * (end - len(line))
        print(line)

    def entry_shape(node):
        if shapes is None:
            return None
        return shapes.get(node['name'] + '_output' if node['op'] != 'null' else node['name'])

    def layer(node, out_shape):
        op, attrs = node['op'], node.get('attrs', {})
        previous, fan_in = [], 0
        if op != 'null':
            for src_id, _, _ in node['inputs']:
                src = nodes[src_id]
                if src['op'] != 'null' or src_id in heads:
                    previous.append(src['name'])
                    s = entry_shape(src)
                    if s is not None:
                        fan_in += int(s[1])
        params = 0
        if op == 'Convolution':
            params = fan_in * int(attrs['num_filter']) // int(attrs.get('num_group', '1'))
            for k in _dims(attrs['kernel']):
                params *= int(k)
            if attrs.get('no_bias') != 'True':
                params += int(attrs['num_filter'])
        elif op == 'FullyConnected':
            params = (fan_in + (attrs.get('no_bias') != 'True')) * int(attrs['num_hidden'])
        elif op == 'BatchNorm':
            if shapes is not None:
                params = 2 * int(shapes[node['name'] + '_output'][1])
        elif op == 'Embedding':
            params = int(attrs['input_dim']) * int(attrs['output_dim'])
        row(['%s(%s)' % (node['name'], op), _xjoin(out_shape), params, previous[0] if previous else ''])
        for name in previous[1:]:
            row(['', '', '', name])
        return params

    print('_' * line_length)
    row(['Layer (type)', 'Output Shape', 'Param #', 'Previous Layer'])
    print('=' * line_length)
    total = 0
    for i, node in enumerate(nodes):
        if node['op'] == 'null' and i > 0:
            continue
        out_shape = []
        if node['op'] != 'null' or i in heads:
            s = entry_shape(node)
            out_shape = list(s[1:]) if s is not None else []
        total += layer(node, out_shape)
        print(('=' if i == len(nodes) - 1 else '_') * line_length)
    print('Total params: %d' % total)
    print('_' * line_length)


def _label_and_colour(op, name, attrs):
    """MXNet's node label and fill colour for an operator node."""
    if op == 'Convolution':
        stride = _xjoin(_dims(attrs['stride'])) if 'stride' in attrs else '1'
        return 'Convolution\n%s/%s, %s' % (_xjoin(_dims(attrs['kernel'])), stride, attrs['num_filter']), _LAYER
    if op == 'FullyConnected':
        return 'FullyConnected\n%s' % attrs['num_hidden'], _LAYER
    if op == 'BatchNorm':
        return name, _NORM
    if op == 'Activation':
        return 'Activation\n%s' % attrs['act_type'], _ACTIVATION
    if op == 'LeakyReLU':
        return 'LeakyReLU\n%s' % attrs.get('act_type', 'Leaky'), _ACTIVATION
    if op == 'Pooling':
        kernel = _xjoin(_dims(attrs['kernel'])) if 'kernel' in attrs else '[]'
        stride = _xjoin(_dims(attrs['stride'])) if 'stride' in attrs else '1'
        return 'Pooling\n%s, %s/%s' % (attrs.get('pool_type', 'max'), kernel, stride), _POOL
    if op in ('Concat', 'Flatten', 'Reshape'):
        return name, _RESHAPE
    if op == 'Softmax':
        return name, _SOFTMAX
    if op == 'Custom':
        return attrs['op_type'], _OTHER
    return name, _OTHER


def plot_network(symbol, title='plot', save_format='pdf', shape=None, dtype=None, node_attrs={},  # noqa: B006
                 hide_weights=True):
    """A ``graphviz.Digraph`` of the graph computing ``symbol``: one box per operator (labelled with its main
    parameters, coloured by kind), ovals for inputs, weight/bias-like inputs hidden when ``hide_weights``;
    with ``shape`` (and ``dtype``) given, edges are labelled with the tensor shapes (without the batch axis)
    and types. ``node_attrs`` override the Graphviz node attributes; ``render()``/``view()`` need the ``dot``
    program."""
    try:
        from graphviz import Digraph
    except ImportError:
        raise ImportError('Draw network requires graphviz library') from None
    conf = _graph(symbol, 'a Symbol')
    shapes = _internal_values(symbol, shape, 'shape') if shape is not None else None
    types = _internal_values(symbol, dtype, 'type') if dtype is not None else None
    nodes = conf['nodes']
    names = [n['name'] for n in nodes]
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        warnings.warn('There are multiple variables with the same name in your graph, this may result in '
                      'cyclic graph. Repeated names: ' + ','.join(repeated), RuntimeWarning)
    base_attrs = {'shape': 'box', 'fixedsize': 'true', 'width': '1.3', 'height': '0.8034', 'style': 'filled'}
    base_attrs.update(node_attrs)
    dot = Digraph(name=title, format=save_format)

    hidden = set()
    for node in nodes:
        op, name = node['op'], node['name']
        attr = dict(base_attrs)
        if op == 'null':
            if name.endswith(_WEIGHT_SUFFIXES):
                # not drawn either way; when shown, Graphviz draws the edge's end as a plain node
                if hide_weights:
                    hidden.add(name)
                continue
            attr['shape'] = 'oval'
            label, attr['fillcolor'] = name, _INPUT
        else:
            label, attr['fillcolor'] = _label_and_colour(op, name, node.get('attrs', {}))
        dot.node(name=name, label=label, **attr)

    def entry_key(src, index):
        """Output name of the entry feeding an edge (MXNet labels multi-output inputs by their last output)."""
        if src['op'] == 'null':
            return src['name']
        key = src['name'] + '_output'
        n_out = src.get('attrs', {}).get('num_outputs')
        if n_out is not None:
            key += str(int(n_out) - 1)
        table = shapes if shapes is not None else types
        if key not in table:  # multi-output op without num_outputs: the entry's own output
            key = _output_name(src, index)
        return key

    for node in nodes:
        if node['op'] == 'null':
            continue
        inputs = node['inputs'][:1] if node['op'] == '_contrib_BilinearResize2D' else node['inputs']
        for src_id, index, _ in inputs:
            src = nodes[src_id]
            if src['name'] in hidden:
                continue
            attr = {'dir': 'back', 'arrowtail': 'open', 'label': ''}
            if shapes is not None:
                attr['label'] = _xjoin(shapes[entry_key(src, index)][1:])
            if types is not None:
                attr['label'] += '(%s)' % types[entry_key(src, index)].__name__
            dot.edge(tail_name=node['name'], head_name=src['name'], **attr)
    return dot


def _output_name(node, index):
    """The name of output ``index`` of a JSON graph node, as ``list_outputs`` gives it."""
    from ._op import registry
    from .symbol.symbol import Node
    return Node(registry.get(node['op']), node['name'], node.get('attrs', {})).output_name(index)
