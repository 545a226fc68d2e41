"""Symbol construction, naming, attributes, composition, inference and the executor (expected values were read
off MXNet 1.9.1)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


def test_tutorial_symbols_and_names():
    with mx.name.NameManager():
        a = mx.sym.Variable('a')
        b = mx.sym.Variable('b')
        c = a + b
        assert repr((a, b, c)) == '(<Symbol a>, <Symbol b>, <Symbol _plus0>)'
        assert [s.name for s in (a * 2, 2 - a, -a, a ** b, a == b, a / 2, a % b)] == [
            '_mulscalar0', '_rminusscalar0', '_mulscalar1', '_power0', '_equal0', '_divscalar0', '_mod0']
        assert mx.sym.elemwise_add(a, b).name == 'elemwise_add0'
    assert mx.sym is mx.symbol


def test_lists_and_groups():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    c = a + b
    g = mx.sym.Group([a, c])
    assert repr(g) == '<Symbol group [a, %s]>' % c.name
    assert g.name is None
    assert g.list_outputs() == ['a', c.name + '_output']
    assert g.get_children().list_outputs() == ['a', 'b']
    assert c.get_children().list_outputs() == ['a', 'b']
    assert a.get_children() is None
    assert c.list_arguments() == ['a', 'b'] and c.list_inputs() == ['a', 'b']
    assert g[1].name == c.name and g[c.name + '_output'].name == c.name
    with pytest.raises(ValueError):
        g['nope']


def test_variable_attributes():
    d = mx.sym.Variable('data', lr_mult=2, shape=(2, 3), dtype='float16')
    attrs = d.list_attr()
    assert attrs['__lr_mult__'] == '2' and attrs['lr_mult'] == '2'
    assert attrs['__dtype__'] == '2' and attrs['__shape__'] == '(2, 3)'
    assert d.attr('lr_mult') == '2' and d.attr('__lr_mult__') == '2'
    assert mx.sym.Variable('x', attr={'foo': 'bar'}).list_attr() == {'foo': 'bar'}
    with pytest.raises(ValueError):
        mx.sym.Variable('x', foo='bar')


def test_attr_scope_and_prefix():
    a = mx.sym.var('a')
    with mx.AttrScope(ctx_group='dev1'):
        z = mx.sym.elemwise_add(a, a, name='q')
    assert z.list_attr() == {'__ctx_group__': 'dev1', 'ctx_group': 'dev1'}
    with mx.name.Prefix('net_'):
        s = mx.sym.elemwise_mul(a, a)
    assert s.name == 'net_elemwise_mul0'


def test_compose_and_copy():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    net = a * b
    x = mx.sym.var('x')
    net2 = net(a=x + 1)
    assert net2.list_arguments() == ['x', 'b']
    assert net.list_arguments() == ['a', 'b']
    cp = net2.__copy__()
    assert cp.tojson() == net2.tojson()


def test_infer_shape_and_type():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    c = a + b
    assert c.infer_shape(a=(2, 3)) == ([(2, 3), (2, 3)], [(2, 3)], [])
    assert c.infer_shape() == (None, None, None)
    assert c.infer_shape_partial() == ([(), ()], [()], [])
    assert c.infer_type(a='float32') == ([np.float32, np.float32], [np.float32], [])
    with pytest.raises(MXNetError, match=r'Error in operator _plus\d+: Incompatible attr at 1-th input: '
                                         r'expected \[2,3\], got \[3,3\]'):
        c.infer_shape(a=(2, 3), b=(3, 3))


def test_cast_infer_type_tutorial():
    a = mx.sym.Variable('data')
    b = mx.sym.Cast(data=a, dtype='float16')
    arg, out, _ = b.infer_type(data='float32')
    assert (arg, out) == ([np.float32], [np.float16])
    c = mx.sym.Cast(data=a, dtype='uint8')
    arg, out, _ = c.infer_type(data='int32')
    assert (arg, out) == ([np.int32], [np.uint8])


def test_json_round_trip(tmp_path):
    a, b = mx.sym.var('a'), mx.sym.var('b')
    c = a + b
    fname = str(tmp_path / 'symbol-c.json')
    c.save(fname)
    c2 = mx.symbol.load(fname)
    assert c.tojson() == c2.tojson()
    assert c2.list_arguments() == ['a', 'b']


def test_json_format_scalar():
    a = mx.sym.var('a')
    s = mx.sym._plus_scalar(a, scalar=1, name='_plusscalar0')
    assert s.tojson() == (
        '{\n  "nodes": [\n    {\n      "op": "null", \n      "name": "a", \n      "inputs": []\n    }, \n'
        '    {\n      "op": "_plus_scalar", \n      "name": "_plusscalar0", \n      "attrs": {"scalar": "1"}, \n'
        '      "inputs": [[0, 0, 0]]\n    }\n  ], \n  "arg_nodes": [0], \n  "node_row_ptr": [0, 1, 2], \n'
        '  "heads": [[1, 0, 0]], \n  "attrs": {"mxnet_version": ["int", 10901]}\n}')


def test_executor_forward_backward(ctx):
    a, b = mx.sym.var('a'), mx.sym.var('b')
    c = (a + b) * a
    ex = c.simple_bind(ctx, a=(2, 3), b=(2, 3))
    ex.arg_dict['a'][:] = 2
    ex.arg_dict['b'][:] = 3
    out = ex.forward(is_train=True)[0]
    assert np.all(out.asnumpy() == 10)
    ex.backward()
    assert np.all(ex.grad_dict['a'].asnumpy() == 7)
    assert np.all(ex.grad_dict['b'].asnumpy() == 2)
    ex2 = c.bind(ctx, {'a': mx.nd.ones((2,)), 'b': mx.nd.ones((2,))},
                 args_grad={'a': mx.nd.ones((2,)), 'b': mx.nd.zeros((2,))}, grad_req={'a': 'add', 'b': 'write'})
    ex2.forward(is_train=True)
    ex2.backward(mx.nd.array([1, 2]))
    assert ex2.grad_dict['a'].asnumpy().tolist() == [4.0, 7.0]
    assert ex2.grad_dict['b'].asnumpy().tolist() == [1.0, 2.0]
    assert c.eval(ctx=ctx, a=mx.nd.ones((2,)), b=mx.nd.ones((2,)))[0].asnumpy().tolist() == [2.0, 2.0]


def test_symbol_pickle_bool_children_and_hidden_kwargs():
    import pickle
    from mxnet.base import NotImplementedForSymbol
    data = mx.sym.Variable('data')
    fc = mx.sym.FullyConnected(data, num_hidden=3, name='fc', lr_mult=2)
    # MXNet keeps ctx_group / lr_mult / wd_mult given as keyword arguments as node attributes
    assert fc.attr_dict()['fc'] == {'num_hidden': '3', '__lr_mult__': '2', 'lr_mult': '2'}
    assert pickle.loads(pickle.dumps(fc)).tojson() == fc.tojson()
    with pytest.raises(NotImplementedForSymbol):
        bool(data)
    sliced = mx.sym.SliceChannel(data, num_outputs=3, name='slice')
    assert sliced.get_children().list_outputs() == ['data']  # each head node once
    assert data.get_children() is None


@pytest.mark.parametrize('src,target,reverse,dst', [
    ((2, 3, 5, 5), (0, -1), False, (2, 75)),
    ((2, 3, 5, 6), (-3, -3), False, (6, 30)),
    ((64, 1, 2, 3), (-4, 16, -1, -2), False, (16, 4, 1, 2, 3)),
    ((2, 3, 5, 5), (0, -1), True, (5, 30)),
])
def test_reshape_infers_an_unknown_input_dim_from_its_output(src, target, reverse, dst):
    """MXNet's Reshape fills one unknown (0) data dim from a known output shape."""
    for i in range(len(src)):
        partial = tuple(0 if k == i else d for k, d in enumerate(src))
        net = mx.sym.elemwise_add(mx.sym.var('data').reshape(target, reverse=reverse), mx.sym.ones(shape=dst))
        ins, outs, _ = net.infer_shape(data=partial)
        assert ins == [src] and outs == [dst]
