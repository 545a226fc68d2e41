"""Reductions, matrix products and sorting beyond the opdb cases: NDArray methods, MXNet's gradient of
max/min on ties, output dtypes of multi-output ops, type/shape inference and the cost of ``dot``."""
import numpy as np
import pytest
import torch

import mxnet as mx
from mxnet._op import registry


def _arr(x, ctx, dtype='float32'):
    return mx.nd.array(np.asarray(x), dtype=dtype, ctx=ctx)


def test_methods(ctx):
    x = _arr(np.arange(24).reshape(2, 3, 4), ctx)
    assert x.sum().asnumpy().tolist() == [276.0]
    assert x.sum(axis=1, exclude=True).shape == (3,)
    assert x.mean(axis=(0, 2), keepdims=True).shape == (1, 3, 1)
    assert x.max(axis=-1).asnumpy().tolist() == [[3, 7, 11], [15, 19, 23]]
    assert x.argmax(axis=2).dtype == np.float32
    assert x.argmax_channel().asnumpy().tolist() == [[2] * 4] * 2
    assert x.norm(ord=1).asnumpy().tolist() == [276.0]
    assert x.topk(k=2).shape == (2, 3, 2)
    assert x.sort(is_ascend=False)[0, 0].asnumpy().tolist() == [3, 2, 1, 0]
    assert x.argsort(axis=None, dtype='int32').dtype == np.int32
    for name in ('prod', 'nansum', 'nanprod', 'min', 'argmin'):
        assert callable(getattr(x, name))
    # aliases are functions only, as in MXNet
    assert mx.nd.sum_axis(x, axis=0).shape == (3, 4) and not hasattr(x, 'sum_axis')


@pytest.mark.parametrize('op', ['max', 'min'])
def test_extreme_gradient_goes_to_every_tie(op, ctx):
    """MXNet sends the full output gradient to each element equal to the max/min (torch would split it)."""
    x = _arr([[1, 3, 3], [3, 3, 1]] if op == 'max' else [[1, 1, 3], [3, 1, 1]], ctx)._data.requires_grad_()
    with mx.autograd.record():
        y = getattr(mx.nd, op)(mx.nd.NDArray(x), axis=1)._data
    y.backward(torch.ones_like(y))
    want = [[0, 1, 1], [1, 1, 0]] if op == 'max' else [[1, 1, 0], [0, 1, 1]]
    assert x.grad.cpu().tolist() == want


def test_topk_output_dtypes(ctx):
    x = _arr([[3, 1, 3, 2]], ctx, 'float16')
    vals, idx = mx.nd.topk(x, k=2, ret_typ='both')
    assert (vals.dtype, idx.dtype) == (np.float16, np.float32)  # indices default to float32
    assert idx.asnumpy().tolist() == [[0, 2]]  # ties keep their original order
    assert mx.nd.topk(x, k=2, ret_typ='mask', dtype='int64').dtype == np.float16
    out = mx.nd.zeros((1, 2), ctx=ctx, dtype='float16')
    mx.nd.topk(x, k=2, ret_typ='value', out=out)
    assert out.asnumpy().tolist() == [[3, 3]]
    assert isinstance(mx.nd.sort(x), mx.nd.NDArray)  # the indices output of sort is hidden


def test_type_and_shape_inference():
    topk = registry.get('topk')
    p = topk.parse({'ret_typ': 'both', 'k': 2, 'dtype': 'int32'})
    assert topk.infer_type(p, ['float16'])[1] == ['float16', 'int32']
    assert topk.infer_shape(p, [(3, 4)])[1] == [(3, 2), (3, 2)]
    assert topk.output_names(p) == ['output0', 'output1'] and topk.visible_outputs(p) == 2
    p = topk.parse({'ret_typ': 'value'})
    assert topk.visible_outputs(p) == 1
    norm = registry.get('norm')
    assert norm.infer_type(norm.parse({'out_dtype': 'float64'}), ['float32'])[1] == ['float64']
    argsort = registry.get('argsort')
    assert argsort.infer_type(argsort.parse({'dtype': 'int64'}), ['float32'])[1] == ['int64']
    dot = registry.get('dot')
    assert dot.infer_shape(dot.parse({'transpose_b': True}), [(2, 3, 4), (5, 6, 4)])[1] == [(2, 3, 5, 6)]
    s = registry.get('sum')
    assert s.infer_shape(s.parse({'axis': '(0, 2)', 'keepdims': 'True'}), [(2, 3, 4)])[1] == [(1, 3, 1)]
    assert s.infer_shape(s.parse({}), [(2, 3, 4)])[1] == [(1,)]


def test_dot_is_one_matmul(ctx, monkeypatch):
    """A 2-D dot (transposed or not) is exactly one torch.matmul on views of the inputs."""
    a = _arr(np.random.RandomState(0).rand(64, 32), ctx)
    calls = []
    real = torch.matmul

    def counting(x, y):
        calls.append((x.data_ptr(), y.data_ptr()))
        return real(x, y)

    monkeypatch.setattr(torch, 'matmul', counting)
    out = mx.nd.dot(a, a, transpose_a=True)
    assert len(calls) == 1 and calls[0] == (a._data.data_ptr(), a._data.data_ptr())
    np.testing.assert_allclose(out.asnumpy(), a.asnumpy().T @ a.asnumpy(), rtol=1e-5)
