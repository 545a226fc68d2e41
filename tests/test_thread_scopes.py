"""Per-thread scopes, settable on the class as in MXNet 1.9.1: Context.default_ctx, AttrScope.current,
NameManager.current."""
import threading

import mxnet as mx
from mxnet.attribute import AttrScope
from mxnet.context import Context
from mxnet.name import NameManager


def _in_thread(fn):
    out = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


def test_default_context_per_thread():
    assert Context.default_ctx == mx.cpu(0)

    def other():
        Context.default_ctx = mx.cpu(3)
        return Context.default_ctx, mx.current_context()
    assert _in_thread(other) == (mx.cpu(3), mx.cpu(3))
    assert Context.default_ctx == mx.cpu(0)
    with mx.cpu(2):
        assert Context.default_ctx == mx.cpu(2)
        assert _in_thread(lambda: Context.default_ctx) == mx.cpu(0)


def test_attr_scope_per_thread():
    old = AttrScope.current
    try:
        AttrScope.current = AttrScope(y='hi')
        assert _in_thread(lambda: AttrScope.current._attr) == {}
        assert mx.sym.Variable('v').attr('y') == 'hi'

        def other():
            AttrScope.current = AttrScope(x='hello')
            return mx.sym.Variable('w').list_attr()
        assert _in_thread(other) == {'x': 'hello'}
        assert AttrScope.current._attr == {'y': 'hi'}
    finally:
        AttrScope.current = old


def test_name_manager_per_thread():
    old = NameManager.current
    try:
        NameManager.current = NameManager()
        assert mx.sym.FullyConnected(mx.sym.Variable('d'), num_hidden=2).name == 'fullyconnected0'

        def other():
            NameManager.current = NameManager()
            return mx.sym.FullyConnected(mx.sym.Variable('d'), num_hidden=2).name
        assert _in_thread(other) == 'fullyconnected0'
        assert mx.sym.FullyConnected(mx.sym.Variable('d'), num_hidden=2).name == 'fullyconnected1'
    finally:
        NameManager.current = old
