"""mx.viz: print_summary and plot_network against MXNet 1.9.1's output (tests/fixtures/visualization)."""
import importlib.util
import json
import os
import shutil

import pytest

import mxnet as mx

graphviz = pytest.importorskip('graphviz')

_HERE = os.path.join(os.path.dirname(__file__), 'fixtures', 'visualization')
_spec = importlib.util.spec_from_file_location('make_viz', os.path.join(_HERE, 'make_viz.py'))
make_viz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_viz)
with open(os.path.join(_HERE, 'viz_reference.json')) as _f:
    REFERENCE = json.load(_f)

CASES = [(net, name, kind, kwargs) for net, (_, shape) in make_viz.NETS.items()
         for name, kind, kwargs in make_viz.CALLS(shape)]
needs_dot = pytest.mark.skipif(shutil.which('dot') is None, reason='the graphviz dot program is not installed')


@pytest.mark.parametrize('net,name,kind,kwargs', CASES, ids=['%s/%s' % c[:2] for c in CASES])
def test_matches_reference(net, name, kind, kwargs):
    build = make_viz.NETS[net][0]
    assert make_viz.run(mx, build, kind, kwargs) == REFERENCE['%s/%s' % (net, name)]


def test_plot_network_object():
    net = make_viz.mlp(mx)
    dot = mx.viz.plot_network(net, title='mlp', save_format='svg', shape={'data': (2, 100)})
    assert isinstance(dot, graphviz.Digraph)
    assert dot.name == 'mlp' and dot.format == 'svg'
    assert 'fc1_weight' not in dot.source and 'label="FullyConnected\n128"' in dot.source
    assert 'fc1 -> data [label=100 arrowtail=open dir=back]' in dot.source


@needs_dot
def test_render(tmp_path):
    dot = mx.viz.plot_network(make_viz.convnet(mx), save_format='svg', shape={'data': (1, 3, 28, 28)})
    path = dot.render(filename='convnet', directory=str(tmp_path))
    assert path.endswith('convnet.svg') and os.path.exists(path)
    svg = open(path).read()
    assert '<svg' in svg and 'Convolution' in svg and '5x5/1, 20' in svg and '#fb8072' in svg


def test_errors():
    net = make_viz.mlp(mx)
    with pytest.raises(TypeError):
        mx.viz.plot_network('not a symbol')
    with pytest.raises(TypeError):
        mx.viz.print_summary(42)
    with pytest.raises(ValueError, match='Input shape is incomplete'):
        mx.viz.print_summary(net, shape={})
    with pytest.raises(ValueError, match='Input shape is incomplete'):
        mx.viz.plot_network(net, shape={})


def test_repeated_names_warn():
    a = mx.sym.Variable('x')
    b = mx.sym.FullyConnected(mx.sym.Variable('x'), num_hidden=2, name='fc')
    with pytest.warns(RuntimeWarning, match='Repeated names: x'):
        mx.viz.plot_network(mx.sym.Group([a, b]))
