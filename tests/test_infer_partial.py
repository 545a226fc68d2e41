"""Partial shape inference (MXNet 1.9.1's infer_shape_partial): unknown dims are 0 (-1 under mx.np_shape()),
shapes of unknown rank () (None under np_shape), and known dims flow through operators and back to inputs."""
import pytest

import mxnet as mx


def _args(sym, **shapes):
    arg, out, _ = sym.infer_shape_partial(**shapes)
    return dict(zip(sym.list_arguments(), arg)), out


def test_unknown_dims_merge_through_elementwise_and_layers():
    a = mx.sym.Variable('a', shape=(0, 10))
    b = mx.sym.Variable('b', shape=(12, 0))
    args, out = _args(a + b)
    assert args == {'a': (12, 10), 'b': (12, 10)} and out == [(12, 10)]
    assert (a + b).infer_shape()[0] == [(12, 10), (12, 10)]
    fc = mx.sym.FullyConnected(data=mx.sym.Variable('x', shape=(0, 10)), num_hidden=21, name='fc')
    args, _ = _args(fc + mx.sym.Variable('c', shape=(5, 0)))
    assert args['x'] == (5, 10) and args['c'] == (5, 21) and args['fc_weight'] == (21, 10)
    conv = mx.sym.Convolution(mx.sym.Variable('d', shape=(0, 10, 0, 0)), num_filter=21, kernel=(3, 3), pad=(1, 1))
    args, _ = _args(conv + mx.sym.Variable('e', shape=(5, 21, 32, 32)))
    assert args['d'] == (5, 10, 32, 32)
    cat = mx.sym.Concat(mx.sym.Variable('f', shape=(0, 10)), mx.sym.Variable('g', shape=(0, 5)), dim=1)
    args, _ = _args(mx.sym.Variable('h', shape=(2, 0)) + cat)
    assert (args['f'], args['g'], args['h']) == ((2, 10), (2, 5), (2, 15))


def test_given_shapes_with_unknown_dims():
    x, y = mx.sym.Variable('x'), mx.sym.Variable('y')
    assert mx.sym.dot(x, y).infer_shape_partial(x=(0, 3, 4), y=(4, 5))[1] == [(0, 3, 5)]
    assert mx.sym.batch_dot(x, y).infer_shape_partial(x=(0, 3, 4), y=(0, 4, 5))[1] == [(0, 3, 5)]
    assert mx.sym.batch_dot(x, y).infer_shape_partial(x=(0, 3, 4), y=(0, 0, 5))[1] == [()]
    assert mx.sym.transpose(x, axes=(0, 3, 2, 1)).infer_shape_partial(x=(0, 3, 8, 9))[1] == [(0, 9, 8, 3)]
    assert mx.sym.pick(x, y, axis=1).infer_shape_partial(x=(0, 3, 3), y=(0, 3))[1] == [(0, 3)]
    with mx.np_shape(True):
        assert mx.sym.dot(x, y).infer_shape_partial(x=(-1, 3, 4), y=(4, 5))[1] == [(-1, 3, 5)]
        assert mx.sym.batch_dot(x, y).infer_shape_partial(x=(-1, 3, 4), y=(-1, -1, 5))[1] == [None]
    # complete inference with anything unknown gives nothing
    assert mx.sym.dot(x, y).infer_shape(x=(0, 3, 4), y=(4, 5)) == (None, None, None)


def test_unknown_rank():
    s = mx.sym.sin(mx.sym.var('data'))
    assert s.infer_shape_partial() == ([()], [()], [])
    with mx.np_shape():
        assert s.infer_shape_partial() == ([None], [None], [])


def test_errors_of_known_dims_still_raise():
    a = mx.sym.Variable('a', shape=(0, 10))
    with pytest.raises(mx.MXNetError):
        (a + mx.sym.Variable('b')).infer_shape(a=(3, 10), b=(4, 10))
