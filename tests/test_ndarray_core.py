"""Contexts kept on arrays, inplace shape methods, assignment ops, CachedOp, contrib predicates, the ctypes
C-API shim, and graph-inference / JSON details of MXNet 1.9.1."""
import ctypes
import json

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


def test_cpu_device_ids_are_kept_and_propagated():
    a = mx.nd.ones((2, 3), ctx=mx.cpu(1))
    assert a.context == mx.cpu(1)
    for r in (a + a, a + 1, 2 * a, -a, mx.nd.relu(a), a[0], a.reshape(3, 2), a.copy(), a.astype('int32'),
              mx.nd.concat(a, a, dim=0), mx.nd.split(a, num_outputs=3, axis=1)[0], a.T, a.flatten()):
        assert r.context == mx.cpu(1)
    assert mx.nd.zeros((1, 2), ctx=mx.Context('cpu_shared', 0)).context == mx.Context('cpu_shared', 0)
    with mx.cpu(3):
        assert mx.nd.array([1, 2]).context == mx.cpu(3)
        assert mx.nd.random.uniform(shape=(2,)).context == mx.cpu(3)
    b = a.as_in_context(mx.cpu(0))
    assert b.context == mx.cpu(0) and b is not a and mx.nd.zeros((1,)).context == mx.cpu(0)
    assert a.as_in_context(mx.cpu(1)) is a
    np.testing.assert_array_equal((a + b).asnumpy(), 2 * np.ones((2, 3)))  # all CPU ids share memory


def test_group2ctx_places_arguments_by_ctx_group():
    with mx.AttrScope(ctx_group='g1'):
        x = mx.sym.var('x')
        h = mx.sym.FullyConnected(x, num_hidden=4, name='fc1')
    with mx.AttrScope(ctx_group='g2'):
        out = mx.sym.FullyConnected(h, num_hidden=2, name='fc2')
    ex = out.simple_bind(mx.cpu(0), group2ctx={'g1': mx.cpu(1), 'g2': mx.cpu(2)}, x=(3, 5))
    want = {'x': 1, 'fc1_weight': 1, 'fc1_bias': 1, 'fc2_weight': 2, 'fc2_bias': 2}
    for name, arr in ex.arg_dict.items():
        assert arr.context == mx.cpu(want[name])
        assert ex.grad_dict[name].context == mx.cpu(want[name])
    ex.forward(x=mx.nd.ones((3, 5)))
    assert ex.outputs[0].shape == (3, 2)


def test_inplace_shape_methods_share_memory():
    x = mx.nd.arange(6).reshape(1, 2, 3)
    f, s, e = x.flatten(inplace=True), x.squeeze(inplace=True), x.expand_dims(axis=0, inplace=True)
    copy = x.squeeze()
    assert (f.shape, s.shape, e.shape) == ((1, 6), (2, 3), (1, 1, 2, 3))
    x[:] = 7
    assert (f.asnumpy() == 7).all() and (s.asnumpy() == 7).all() and (e.asnumpy() == 7).all()
    assert copy.asnumpy()[0, 0] == 0
    with pytest.raises(MXNetError):
        x.squeeze(axis=1, inplace=True)


def test_slice_contiguity_matches_numpy():
    shape = (4, 5, 6)
    x = np.zeros(shape)
    for key in [(slice(None), slice(1, 3), slice(None)), (slice(0, 1), slice(1, 3), slice(None)),
                (slice(2, 3), slice(None), slice(None, None, 2)), (slice(None, None, -1), slice(0, 1), slice(0, 1)),
                (slice(None), slice(None), slice(0, 0))]:
        assert mx.nd.NDArray._basic_indexing_slice_is_contiguous(key, shape) == x[key].flags.contiguous, key


def test_setitem_drops_leading_unit_axes_and_numpy_scalars():
    a = mx.nd.zeros((3, 3))
    a[0] = np.ones((1, 1, 3)) * 2
    b = mx.nd.zeros(1)
    b[0] = np.float32(1.5)
    assert a.asnumpy()[0].tolist() == [2, 2, 2] and b.asnumpy()[0] == 1.5
    with pytest.raises(ValueError):
        a[0] = np.ones((2, 3))


def test_assign_ops_and_fill_element_0index():
    x = mx.nd.ones((2, 3, 4))
    mx.nd._internal._crop_assign(x, mx.nd.zeros((2, 1, 3)), begin=(0, 0, 0), end=(2, 1, 3), out=x)
    ref = np.ones((2, 3, 4))
    ref[:, 0:1, 0:3] = 0
    np.testing.assert_array_equal(x.asnumpy(), ref)
    y = mx.nd._internal._slice_assign_scalar(mx.nd.zeros((4, 5)), scalar=7, begin=(None, 4), end=(None, 0),
                                             step=(2, -2))
    ref = np.zeros((4, 5))
    ref[::2, 4:0:-2] = 7
    np.testing.assert_array_equal(y.asnumpy(), ref)
    with pytest.raises(MXNetError):
        mx.nd._internal._slice_assign(mx.nd.zeros((3, 3)), mx.nd.zeros((2, 2)), begin=(0,), end=(1,))
    out = mx.nd.fill_element_0index(mx.nd.zeros((2, 3)), mx.nd.array([5, 6]), mx.nd.array([2, 0]))
    np.testing.assert_array_equal(out.asnumpy(), [[0, 0, 5], [6, 0, 0]])


def test_contrib_predicates():
    x = mx.nd.array([np.inf, -np.inf, np.nan, 1.0])
    assert mx.nd.contrib.isinf(x).asnumpy().tolist() == [1, 1, 0, 0]
    assert mx.nd.contrib.isnan(x).asnumpy().tolist() == [0, 0, 1, 0]
    assert mx.nd.contrib.isfinite(x).asnumpy().tolist() == [0, 0, 0, 1]


def test_cached_op_runs_and_records():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    op = mx.nd.CachedOp(a * b + 1)
    x, y = mx.nd.array([1.0, 2.0]), mx.nd.array([3.0, 4.0])
    np.testing.assert_array_equal(op(x, y).asnumpy(), [4, 9])
    out = mx.nd.zeros((2,))
    assert op(x, y, out=out) is out and out.asnumpy().tolist() == [4, 9]
    x.attach_grad()
    with mx.autograd.record():
        z = op(x, y)
    z.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [3, 4])
    with pytest.raises(MXNetError):
        op(x)


def test_dtype_enum_takes_numpy_types_and_broadcast_like_rejects_empty_axes():
    idx = mx.nd.topk(mx.nd.array([3, 1, 2]), k=2, dtype=np.int32)
    assert idx.dtype == np.int32 and idx.asnumpy().tolist() == [0, 2]
    with pytest.raises(MXNetError):
        mx.nd.broadcast_like(mx.nd.ones((1, 2)), mx.nd.ones((3, 2)), lhs_axes=(), rhs_axes=())


def test_dlpack_through_c_api_shim():
    from mxnet.base import _LIB, NDArrayHandle, check_call
    x = mx.nd.array([[1, 2], [3, 4]])
    cap = x.to_dlpack_for_read()
    getp = ctypes.pythonapi.PyCapsule_GetPointer  # default int result: the address's low 32 bits
    getp.restype, getp.argtypes = ctypes.c_int, [ctypes.py_object, ctypes.c_char_p]
    try:
        ptr = ctypes.c_void_p(getp(cap, b'dltensor') & 0xFFFFFFFF)
    finally:
        getp.restype, getp.argtypes = ctypes.c_int, None
    handle = NDArrayHandle()
    check_call(_LIB.MXNDArrayFromDLPack(ptr, ctypes.byref(handle)))
    ctypes.pythonapi.PyCapsule_SetName(ctypes.py_object(cap), b'used_dltensor')
    y = mx.nd.NDArray(handle=handle)
    np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())
    y[0, 0] = 9  # shares memory
    assert x.asnumpy()[0, 0] == 9


def test_infer_shape_checks_every_node_and_fills_elementwise_inputs():
    v, x = mx.sym.var('V'), mx.sym.var('x')
    with pytest.raises(MXNetError):
        (mx.sym.transpose(v) + (x + v)).infer_shape(x=(2, 3))
    data = mx.sym.var('data', shape=(1, 0, 0, 0))
    conv = mx.sym.Convolution(mx.sym.cast(data, dtype='float16'), mx.sym.cast(mx.sym.var('w'), dtype='float16'),
                              num_filter=8, kernel=(3, 3), no_bias=True)
    args, _, _ = conv.infer_shape_partial()
    assert args[1] == (8, 0, 3, 3)


def test_json_is_np_shape_attribute_and_legacy_unknown_dims():
    net = mx.sym.FullyConnected(mx.sym.var('data'), mx.sym.var('weight', shape=(4, 0)), num_hidden=4)
    assert 'is_np_shape' not in json.loads(net.tojson())['attrs']
    legacy = net.tojson()
    with mx.np_shape(True):
        assert json.loads(net.tojson())['attrs']['is_np_shape'] == ['int', 1]
        args, _, _ = mx.sym.load_json(legacy).infer_shape(data=(2, 5))
        assert args[1] == (4, 5)


def test_gen_atomic_symbol_and_prelu_init():
    s = mx.sym.RNN(mx.sym.var('d'), mx.sym.var('p'), mx.sym.var('h'), mx.sym.var('c'), state_size=4,
                   num_layers=1, state_outputs=True, mode='lstm', name='rnn')
    atom = s._gen_atomic_symbol()
    assert atom.list_arguments() == ['data', 'parameters', 'state', 'state_cell']
    assert len(atom.list_outputs()) == 3
    g = mx.sym.LeakyReLU(mx.sym.var('x'), act_type='prelu', name='pr')
    assert g.attr_dict()['pr_gamma']['__init__'] == '["Constant", {"value": 0.25}]'


def test_global_np_shape_reaches_other_threads():
    import threading
    seen = []
    mx.util.set_np_shape(2)
    try:
        t = threading.Thread(target=lambda: seen.append(mx.is_np_shape()))
        t.start()
        t.join()
    finally:
        mx.util.set_np_shape(0)
    assert seen == [True] and not mx.is_np_shape()
    assert mx.util._NumpyArrayScope(True)._is_np_array
