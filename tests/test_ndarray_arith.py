"""NDArray infix arithmetic and mx.nd.add/subtract/...: dispatch, scalar casting, in-place writes, errors.

Expected values were read from MXNet 1.9.1.
"""
import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError


def nd(values, dtype='float32', ctx=None):
    return mx.nd.array(values, dtype=dtype, ctx=ctx)


def check(arr, values, dtype, ctx):
    assert isinstance(arr, mx.nd.NDArray)
    assert arr.context == ctx
    assert np.dtype(arr.dtype) == np.dtype(dtype), (arr.dtype, dtype)
    np.testing.assert_array_equal(arr.asnumpy(), np.array(values, dtype=dtype))


# ---- scalars on integer arrays: the scalar is cast to the dtype -------------------------------------
@pytest.mark.parametrize('expr,values', [
    (lambda x: x + 1.5, [2, 3, 4, -3]),
    (lambda x: x - 1.5, [0, 1, 2, -5]),
    (lambda x: x * 0.5, [0, 0, 0, 0]),
    (lambda x: x / 2, [0, 1, 1, -2]),
    (lambda x: x ** 0.5, [1, 1, 1, 1]),
    (lambda x: x ** 2.7, [1, 4, 9, 16]),
    (lambda x: x % 3, [1, 2, 0, 2]),
    (lambda x: x % -3, [-2, -1, 0, -1]),
    (lambda x: x % 0, [0, 0, 0, 0]),
    (lambda x: x % 2.5, [1, 0, 1, 0]),
    (lambda x: 1.5 - x, [0, -1, -2, 5]),
    (lambda x: 7 / x, [7, 3, 2, -1]),
    (lambda x: 2 ** x, [2, 4, 8, 0]),
    (lambda x: 7 % x, [0, 1, 1, -1]),
    (lambda x: x > 1.5, [0, 1, 1, 0]),
    (lambda x: x == 1.5, [1, 0, 0, 0]),
    (lambda x: 1.5 < x, [0, 1, 1, 0]),
    (lambda x: -x, [-1, -2, -3, 4]),
    (lambda x: abs(x), [1, 2, 3, 4]),
    (lambda x: mx.nd.maximum(x, 1.5), [1, 2, 3, 1]),
    (lambda x: mx.nd.minimum(2.5, x), [1, 2, 2, -4]),
])
def test_int32_scalar_semantics(expr, values, ctx):
    check(expr(nd([1, 2, 3, -4], 'int32', ctx)), values, 'int32', ctx)


def test_int_array_array(ctx):
    x = nd([1, 2, 3, -4], 'int32', ctx)
    check(x / nd([2, 2, -3, 3], 'int32', ctx), [0, 1, -1, -1], 'int32', ctx)
    check(x % nd([2, 2, -3, 3], 'int32', ctx), [1, 0, 0, 2], 'int32', ctx)
    check(x ** nd([2, 0, 2, 3], 'int32', ctx), [1, 1, 9, -64], 'int32', ctx)
    check(x - nd([2, 2, 2, 2], 'int32', ctx), [-1, 0, 1, -6], 'int32', ctx)
    check(nd([-7, 7], 'int64', ctx) / nd([2, -2], 'int64', ctx), [-3, -3], 'int64', ctx)
    check(-7 / nd([2, -2], 'int64', ctx), [-3, 3], 'int64', ctx)


def test_small_int_types_wrap(ctx):
    check(nd([100, 3], 'int8', ctx) * 2, [-56, 6], 'int8', ctx)
    check(nd([1, 2], 'int8', ctx) + 300, [45, 46], 'int8', ctx)
    check(nd([1, 2], 'uint8', ctx) - 3, [254, 255], 'uint8', ctx)
    check(1 - nd([200, 3], 'uint8', ctx), [57, 254], 'uint8', ctx)
    check(-nd([1, 2], 'uint8', ctx), [255, 254], 'uint8', ctx)
    check(nd([200, 3], 'uint8', ctx) / 7, [28, 0], 'uint8', ctx)


def test_int64_scalar_is_a_double(ctx):
    check(nd([1, 2], 'int64', ctx) + 2 ** 40, [2 ** 40 + 1, 2 ** 40 + 2], 'int64', ctx)
    # 2**53 + 1 is not a double: MXNet adds 2**53
    check(nd([1, 2], 'int64', ctx) + (2 ** 53 + 1), [2 ** 53 + 1, 2 ** 53 + 2], 'int64', ctx)


def test_float_semantics(ctx):
    check(nd([1, -1, 0], ctx=ctx) / 0, [np.inf, -np.inf, np.nan], 'float32', ctx)
    check(nd([1, -1, 0.5], ctx=ctx) % 0, [0, 0, 0], 'float32', ctx)
    check(nd([5.5, -5.5, 5.5, -5.5], ctx=ctx) % nd([2, 2, -2, -2], ctx=ctx), [1.5, 0.5, -0.5, -1.5], 'float32', ctx)
    check(nd([5.5, -5.5], ctx=ctx) % -2, [-0.5, -1.5], 'float32', ctx)
    check(7 % nd([2, -3, 0], ctx=ctx), [1, -2, 0], 'float32', ctx)
    check(1 / nd([0, 2, -4], ctx=ctx), [np.inf, 0.5, -0.25], 'float32', ctx)
    check(nd([2048], 'float16', ctx) + 1, [2048], 'float16', ctx)
    check(nd([2048], 'float16', ctx) + 3, [2052], 'float16', ctx)
    r = nd([-2, 3], ctx=ctx) ** 0.5
    assert np.isnan(r.asnumpy()[0]) and abs(r.asnumpy()[1] - 3 ** 0.5) < 1e-6
    check(mx.nd.maximum(nd([1, np.nan, 3], ctx=ctx), nd([2, 1, np.nan], ctx=ctx)), [2, np.nan, np.nan], 'float32',
          ctx)
    check(mx.nd.maximum(nd([1, np.nan, 3], ctx=ctx), 2), [2, np.nan, 3], 'float32', ctx)


def test_comparisons_give_input_dtype(ctx):
    a = nd([1, 2], ctx=ctx)
    check(a == nd([1, 3], ctx=ctx), [1, 0], 'float32', ctx)
    check(a != 1, [0, 1], 'float32', ctx)
    check(a >= 2, [0, 1], 'float32', ctx)
    check(1 <= a, [1, 1], 'float32', ctx)
    check(1.5 < a, [0, 1], 'float32', ctx)
    check(nd([[1], [2]], ctx=ctx) == a, [[1, 0], [0, 1]], 'float32', ctx)
    check(nd([1, 2], 'float64', ctx) < nd([2, 2], 'float64', ctx), [1, 0], 'float64', ctx)


def test_bool_arrays(ctx):
    b = nd([1, 0], 'bool', ctx)
    check(b * 2, [2, 0], 'int64', ctx)
    check(b == 1, [1, 0], 'int64', ctx)
    check(-b, [-1, 0], 'int64', ctx)
    with pytest.raises(MXNetError, match='broadcast_equal does not support boolean type'):
        b == nd([1, 1], 'bool', ctx)
    with pytest.raises(MXNetError, match='broadcast_add does not support boolean type'):
        b + b


# ---- reflected forms and the module functions -------------------------------------------------------
def test_reflected(ctx):
    a = nd([1, 2, 4], ctx=ctx)
    check(1 - a, [0, -1, -3], 'float32', ctx)
    check(2 / a, [2, 1, 0.5], 'float32', ctx)
    check(2 ** a, [2, 4, 16], 'float32', ctx)
    check(3 + a, [4, 5, 7], 'float32', ctx)
    check(3 * a, [3, 6, 12], 'float32', ctx)
    check(5 % a, [0, 1, 1], 'float32', ctx)
    check(np.float64(1.5) + a, [2.5, 3.5, 5.5], 'float32', ctx)
    check(a * np.int64(3), [3, 6, 12], 'float32', ctx)
    check(a + True, [2, 3, 5], 'float32', ctx)


@pytest.mark.parametrize('fn,lhs,rhs,values', [
    (mx.nd.add, 1, [1, 2], [2, 3]),
    (mx.nd.subtract, 1, [1, 2], [0, -1]),
    (mx.nd.multiply, [1, 2], 3, [3, 6]),
    (mx.nd.divide, 2, [1, 2], [2, 1]),
    (mx.nd.true_divide, [1, 2], 2, [0.5, 1]),
    (mx.nd.modulo, 2, [1, 2], [0, 0]),
    (mx.nd.power, 2, [1, 2], [2, 4]),
    (mx.nd.maximum, 1.5, [1, 2], [1.5, 2]),
    (mx.nd.minimum, [1, 2], 1.5, [1, 1.5]),
    (mx.nd.equal, 2, [1, 2], [0, 1]),
    (mx.nd.not_equal, [1, 2], 2, [1, 0]),
    (mx.nd.greater, 2, [1, 2, 3], [1, 0, 0]),
    (mx.nd.greater_equal, 2, [1, 2, 3], [1, 1, 0]),
    (mx.nd.lesser, 2, [1, 2, 3], [0, 0, 1]),
    (mx.nd.lesser_equal, 2, [1, 2, 3], [0, 1, 1]),
    (mx.nd.logical_and, 3, [4, 0, 3], [1, 0, 1]),
    (mx.nd.logical_or, [4, 0, 3], 0, [1, 0, 1]),
    (mx.nd.logical_xor, [4, 0, 3], 0, [1, 0, 1]),
    (mx.nd.lesser, [[2]], [1, 2, 3], [[0, 0, 1]]),
    (mx.nd.add, [[1], [2]], [10, 20], [[11, 21], [12, 22]]),
])
def test_module_functions(fn, lhs, rhs, values, ctx):
    wrap = lambda v: nd(v, ctx=ctx) if isinstance(v, list) else v  # noqa: E731
    check(fn(wrap(lhs), wrap(rhs)), values, 'float32', ctx)


def test_module_functions_on_numbers():
    assert mx.nd.add(1, 2) == 3
    assert mx.nd.divide(1, 2) == 0.5
    assert mx.nd.maximum(1, 2) == 2
    assert mx.nd.power(2, 3) == 8
    assert mx.nd.modulo(7, 3) == 1
    for fn, want in [(mx.nd.equal, 0), (mx.nd.greater, 0), (mx.nd.lesser, 1), (mx.nd.logical_and, 1)]:
        r = fn(1, 2)
        assert type(r) is int and r == want
    assert not hasattr(mx.nd, 'hypot')


def test_module_functions_reject_other_types(ctx):
    a = nd([1, 2], ctx=ctx)
    for bad in ([1, 2], np.array([1, 2]), 'a', None):
        with pytest.raises(TypeError, match='not supported'):
            mx.nd.add(a, bad)
    with pytest.raises(TypeError, match='unexpected keyword'):
        mx.nd.add(a, 1, out=a)


# ---- operators Python does not have in MXNet --------------------------------------------------------
def test_unsupported_operands(ctx):
    a = nd([1, 2], ctx=ctx)
    for op in (lambda: a == None, lambda: a != None, lambda: a > None,  # noqa: E711
               lambda: a == [1, 2], lambda: a + np.array([1, 2]), lambda: a + 'a'):
        with pytest.raises(TypeError, match='not supported'):
            op()
    with pytest.raises(TypeError):
        +a
    with pytest.raises(TypeError):
        a // 2


# ---- in-place -------------------------------------------------------------------------------------
def test_inplace_keeps_identity_and_views(ctx):
    b = nd(np.ones((2, 3)), ctx=ctx)
    view = b[0]
    before = id(b)
    b += nd([1, 2, 3], ctx=ctx)
    assert id(b) == before
    check(b, [[2, 3, 4], [2, 3, 4]], 'float32', ctx)
    check(view, [2, 3, 4], 'float32', ctx)
    b -= 1
    b *= nd(np.full((2, 3), 2.0), ctx=ctx)
    b /= 4
    check(b, [[0.5, 1, 1.5], [0.5, 1, 1.5]], 'float32', ctx)
    b %= 1
    check(view, [0.5, 0, 0.5], 'float32', ctx)
    assert id(b) == before


def test_inplace_int_semantics(ctx):
    c = nd([1, 2, 3], 'int32', ctx)
    cid = id(c)
    c += 1.7
    check(c, [2, 3, 4], 'int32', ctx)
    c /= 2
    check(c, [1, 1, 2], 'int32', ctx)
    c *= 3
    c -= 1
    c %= 4
    check(c, [2, 2, 1], 'int32', ctx)
    assert id(c) == cid
    c **= 2  # no in-place power in MXNet: a new array
    check(c, [4, 4, 1], 'int32', ctx)
    assert id(c) != cid


def test_inplace_self_and_overlap(ctx):
    a = nd([1, 2, 3], ctx=ctx)
    a += a
    check(a, [2, 4, 6], 'float32', ctx)
    m = nd([[1, 2], [3, 4]], ctx=ctx)
    m += m[0]  # the right side is a view of the row being written: computed from the old values
    check(m, [[2, 4], [4, 6]], 'float32', ctx)


def test_inplace_errors(ctx):
    b = nd(np.ones(3), ctx=ctx)
    with pytest.raises(MXNetError, match=r'Shape inconsistent, Provided = \[3\], inferred shape=\[2,3\]'):
        b += nd(np.ones((2, 3)), ctx=ctx)
    with pytest.raises(MXNetError, match='expected float32, got int32'):
        b += nd([1, 1, 1], 'int32', ctx)
    with pytest.raises(TypeError, match='not supported'):
        b += 'x'
    check(b, [1, 1, 1], 'float32', ctx)


def test_inplace_on_variable_outside_record(ctx):
    w = nd([1.0, 2.0], ctx=ctx)
    w.attach_grad()
    with mx.autograd.record():
        loss = (w * w).sum()
    loss.backward()
    w -= 0.5 * w.grad
    check(w, [0, 0], 'float32', ctx)


# ---- errors ---------------------------------------------------------------------------------------
def test_errors(ctx):
    with pytest.raises(MXNetError, match=r'Incompatible attr at 1-th input \(rhs\): expected float32, got int32'):
        nd([1, 2], ctx=ctx) + nd([1, 2], 'int32', ctx)
    with pytest.raises(MXNetError, match=r'operands could not be broadcast together with shapes \[2,3\] \[4,3\]'):
        nd(np.ones((2, 3)), ctx=ctx) + nd(np.ones((4, 3)), ctx=ctx)
    with pytest.raises(MXNetError, match=r'expected \[2,3\], got \[3,2\]'):
        mx.nd.elemwise_add(nd(np.ones((2, 3)), ctx=ctx), nd(np.ones((3, 2)), ctx=ctx))
    with pytest.raises(MXNetError, match='division by zero'):
        nd([1, 2], 'int32', ctx) / 0


# ---- scalar ops through mx.nd, and autograd through infix -----------------------------------------
def test_scalar_op_is_int_param(ctx):
    x = nd([1, 2, 3, -4], 'int32', ctx)
    check(mx.nd._plus_scalar(x, scalar=1.5), [2, 3, 4, -3], 'int32', ctx)
    check(mx.nd._plus_scalar(x, scalar=1.5, is_int=False), [2.5, 3.5, 4.5, -2.5], 'float64', ctx)
    check(mx.nd._plus_scalar(x), [2, 3, 4, -3], 'int32', ctx)  # scalar defaults to 1
    check(mx.nd._rminus_scalar(x, 1.5, False), [0.5, -0.5, -1.5, 5.5], 'float64', ctx)
    op = mx._op.registry.get('_plus_scalar')
    assert list(op.params) == ['scalar', 'is_int']
    assert op.infer_type(op.parse({'is_int': False}), ['int32'])[1] == ['float64']
    assert op.infer_type(op.parse({}), ['int32'])[1] == ['int32']


def test_infix_gradients(ctx):
    a = nd([1.0, 2.0, 4.0], ctx=ctx)
    b = nd([2.0, 3.0, 5.0], ctx=ctx)
    a.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        y = (a * b + a) / b - a ** 2 + 1 - 2 / a - abs(-a)
    y.backward()
    an, bn = a.asnumpy(), b.asnumpy()
    np.testing.assert_allclose(a.grad.asnumpy(), (bn + 1) / bn - 2 * an + 2 / an ** 2 - 1, rtol=1e-6)
    np.testing.assert_allclose(b.grad.asnumpy(), -an / bn ** 2, rtol=1e-6)


def test_chain_matches_numpy(ctx):
    rng = np.random.RandomState(0)
    an, bn = rng.uniform(0.5, 2, (2, 3)).astype('float32'), rng.uniform(0.5, 2, (2, 3)).astype('float32')
    a, b = nd(an, ctx=ctx), nd(bn, ctx=ctx)
    np.testing.assert_allclose(mx.nd.relu((a * b + a) / b - a).asnumpy(),
                               np.maximum((an * bn + an) / bn - an, 0), rtol=1e-6, atol=1e-7)
