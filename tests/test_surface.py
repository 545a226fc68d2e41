"""The mxnet.* module surface: util, runtime, engine, library, profiler, base helpers, namespaces, star imports."""
import json
import os
import threading

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


def test_star_imports_hand_on_module_names():
    ns = {}
    exec('from mxnet.test_utils import *', ns)
    for name in ('mx', 'np', 'rnd', 'NDArray', 'assert_almost_equal', 'use_np', 'verify_generator', 'Features'):
        assert name in ns, name
    ns = {}
    exec('from mxnet.autograd import *', ns)
    assert ns['NDArray'] is mx.nd.NDArray and ns['record'] is mx.autograd.record


def test_base_helpers(monkeypatch):
    from mxnet.base import _as_list, data_dir, py_str
    assert _as_list(3) == [3] and _as_list((1, 2)) == [1, 2] and _as_list([4]) == [4]
    monkeypatch.setenv('MXNET_HOME', '/tmp/somewhere')
    assert data_dir() == '/tmp/somewhere'
    monkeypatch.delenv('MXNET_HOME')
    assert data_dir() == os.path.join(os.path.expanduser('~'), '.mxnet')
    assert py_str(b'abc') == 'abc'


def test_np_shape_scopes_are_thread_local_and_nest():
    assert not mx.is_np_shape()
    with mx.np_shape():
        assert mx.is_np_shape()
        with mx.np_shape(False):
            assert not mx.is_np_shape()
        assert mx.is_np_shape()
        seen = []
        t = threading.Thread(target=lambda: seen.append(mx.is_np_shape()))
        t.start()
        t.join()
        assert seen == [False]
    assert not mx.is_np_shape()

    @mx.use_np_shape
    def f():
        return mx.is_np_shape()
    assert f() is True and not mx.is_np_shape()
    assert mx.set_np_shape(True) is False
    assert mx.set_np_shape(False) is True


def test_util_env():
    from mxnet.util import getenv, setenv
    setenv('MXNET_SURFACE_TEST', '7')
    assert getenv('MXNET_SURFACE_TEST') == '7' == os.environ['MXNET_SURFACE_TEST']
    setenv('MXNET_SURFACE_TEST', None)
    assert getenv('MXNET_SURFACE_TEST') is None


def test_runtime_features():
    import torch
    f = mx.runtime.Features()
    assert f is mx.runtime.Features()
    assert len(f) >= 30 and 'CUDA' in f
    assert f.is_enabled('cuda') == torch.cuda.is_available()
    with pytest.raises(RuntimeError):
        f.is_enabled('no such feature')
    assert all(isinstance(x, mx.runtime.Feature) for x in mx.runtime.feature_list())


def test_engine_bulk_size():
    prev = mx.engine.set_bulk_size(7)
    with mx.engine.bulk(3):
        assert mx.engine.set_bulk_size(3) == 3
    assert mx.engine.set_bulk_size(prev) == 7


def test_library_load_is_a_clear_error(tmp_path):
    with pytest.raises(MXNetError, match='does NOT exist'):
        mx.library.load(str(tmp_path / 'libnothing.so'))
    lib = tmp_path / 'libext.so'
    lib.write_bytes(b'\x7fELF')
    with pytest.raises(MXNetError, match='cannot be loaded'):
        mx.library.load(str(lib))


def test_prefix_routed_namespaces():
    a = mx.nd.array(np.arange(6, dtype=np.float32).reshape(2, 3))
    out = mx.nd.linalg.gemm2(a, a, transpose_b=True)
    np.testing.assert_allclose(out.asnumpy(), a.asnumpy() @ a.asnumpy().T)
    assert mx.nd.linalg.gemm2.opdef is mx.nd._linalg_gemm2.opdef
    s = mx.sym.linalg.gemm2(mx.sym.var('x'), mx.sym.var('y'))
    assert s.list_arguments() == ['x', 'y']
    assert mx.nd.op.dot.opdef.name == 'dot' and mx.nd._internal._plus_scalar.opdef.name == '_plus_scalar'
    assert mx.contrib.nd.boolean_mask.opdef is mx.nd.contrib.boolean_mask.opdef
    with pytest.raises(AttributeError):
        mx.nd.contrib.no_such_operator


def test_ops_registered_later_appear_everywhere():
    from mxnet._op import registry
    name = '_contrib_surface_test_double'
    if registry.find(name) is None:
        registry.register(registry.OpDef(name, lambda p, x: x * 2, infer_shape=registry.same_shape()))
    x = mx.nd.array([1.0, 2.0])
    np.testing.assert_allclose(mx.nd.contrib.surface_test_double(x).asnumpy(), [2, 4])
    np.testing.assert_allclose(getattr(mx.nd, name)(x).asnumpy(), [2, 4])
    assert mx.sym.contrib.surface_test_double(mx.sym.var('d')).list_arguments() == ['d']


def test_profiler_trace_and_stats(tmp_path):
    from mxnet import profiler
    path = str(tmp_path / 'trace.json')
    profiler.set_config(profile_all=True, filename=path, aggregate_stats=True)
    profiler.dumps(reset=True)
    profiler.set_state('run')
    dom = profiler.Domain('TestDomain')
    task = profiler.Task(dom, 'work')
    task.start()
    (mx.nd.ones((10, 10)) * 2).wait_to_read()
    task.stop()
    c = profiler.Counter(dom, 'items', 1)
    c += 2
    profiler.Marker(dom, 'here').mark('process')
    with profiler.Event('evt'):
        pass
    profiler.set_state('stop')
    profiler.dump()
    trace = json.load(open(path))
    names = [e['name'] for e in trace['traceEvents']]
    assert trace['displayTimeUnit'] == 'ms'
    assert names.count('work') == 2 and 'here' in names and 'evt' in names
    counters = [e['args']['items'] for e in trace['traceEvents'] if e['name'] == 'items']
    assert counters == [1, 3]
    stats = json.loads(profiler.dumps(format='json'))
    assert set(stats) == {'Time', 'Memory', 'Unit'}
    assert stats['Time']['TestDomain']['work']['Count'] == 1
    table = profiler.dumps(sort_by='count', ascending=True)
    assert 'TestDomain' in table and 'work' in table
    with pytest.raises(MXNetError):
        profiler.set_state('go')
    with pytest.raises(MXNetError):
        profiler.set_config(no_such_option=True)


def test_contrib_amp_accepts_training_scripts():
    from mxnet.contrib import amp
    amp.init()
    with pytest.raises(ValueError):
        amp.init('int8')
    with pytest.raises(MXNetError):
        amp.convert_model(None, {}, {})
