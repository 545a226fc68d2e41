"""Contexts and NDArray printing, compared with MXNet 1.9.1 (fixtures/context/expected.json was recorded
by running fixtures/context/cases.py with the reference MXNet; its arrays live on cpu(0), so '@cpu(0)'
stands for the test context here)."""
import importlib.util
import json
import os

import numpy as np
import pytest
import torch

import mxnet as mx
from mxnet import context as mx_context

HERE = os.path.join(os.path.dirname(__file__), 'fixtures', 'context')
_spec = importlib.util.spec_from_file_location('ctx_cases', os.path.join(HERE, 'cases.py'))
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
with open(os.path.join(HERE, 'expected.json')) as _f:
    EXPECTED = json.load(_f)


@pytest.mark.parametrize('name', sorted(cases.CONTEXTS))
def test_context_repr(name):
    assert repr(cases.CONTEXTS[name]()) == EXPECTED['contexts'][name]


@pytest.mark.parametrize('name', sorted(cases.ARRAYS))
def test_ndarray_repr(name, ctx):
    want = EXPECTED['arrays'][name].replace('@cpu(0)', '@%s' % ctx)
    assert repr(cases.ARRAYS[name]()) == want


def test_context_facts():
    assert json.loads(json.dumps(cases.facts())) == EXPECTED['facts']


def test_repr_literal():
    assert repr(mx.nd.ones((1, 2), ctx=mx.cpu())) == '\n[[1. 1.]]\n<NDArray 1x2 @cpu(0)>'


def test_unknown_device_type_is_key_error_and_mxnet_error():
    with pytest.raises(KeyError):
        mx.Context('tpu')
    with pytest.raises(mx.MXNetError, match='tpu'):
        mx.Context('tpu')


def test_contexts_usable_as_dict_keys_and_in_sets():
    assert len({mx.cpu(), mx.cpu(0), mx.Context('cpu', 0), mx.gpu(0), mx.gpu(1)}) == 3
    assert mx.Context(mx.gpu(2)) == mx.gpu(2) and mx.Context(mx.gpu(2)) is not mx.gpu(2)


def test_with_sets_default_of_array_creation(ctx):
    assert mx.current_context() == ctx == mx.context.current_context()
    assert mx.nd.ones((2,)).context == ctx
    with mx.cpu(0):
        assert mx.nd.zeros((1,)).context == mx.cpu(0)
        with ctx:
            assert mx.nd.zeros((1,)).context == ctx
    assert mx.current_context() == ctx


def test_with_restores_after_exception():
    before = mx.current_context()
    with pytest.raises(ValueError):
        with mx.gpu(7):
            raise ValueError('boom')
    assert mx.current_context() == before


def test_num_gpus_counts_cuda_devices():
    n = mx.context.num_gpus()
    assert isinstance(n, int) and n == (torch.cuda.device_count() if torch.cuda.is_available() else 0)
    assert mx.num_gpus() == n


@pytest.mark.skipif(mx.context.num_gpus() > 0, reason='this machine has a GPU')
def test_missing_gpu_is_an_mxnet_error():
    with pytest.raises(mx.MXNetError, match=r'gpu\(0\)'):
        mx.nd.ones((2,), ctx=mx.gpu(0))


def test_as_in_context_same_context_is_identity(ctx):
    a = mx.nd.ones((2, 2))
    assert a.as_in_context(ctx) is a
    b = a.copyto(ctx)
    assert b is not a and b.context == ctx
    np.testing.assert_array_equal(b.asnumpy(), a.asnumpy())


_SAME_CONTEXT = 'require all inputs live on the same context'


def test_operands_on_different_devices_raise(monkeypatch, ctx):
    """Simulated second device: a meta tensor, which context_of reports as gpu(1) for this test."""
    real = mx_context.context_of
    monkeypatch.setattr(mx_context, 'context_of',
                        lambda dev: mx.gpu(1) if dev.type == 'meta' else real(dev))
    here = mx.nd.ones((2, 3))
    there = mx.nd.NDArray(torch.empty((2, 3), device='meta'))
    msg = 'Operator broadcast_add %s. But the first argument is on %s while the 2-th argument is on gpu(1)' \
        % (_SAME_CONTEXT, ctx)
    with pytest.raises(mx.MXNetError) as e:
        here + there
    assert msg in str(e.value)
    with pytest.raises(mx.MXNetError, match=_SAME_CONTEXT):
        mx.nd.add(here, there)


@pytest.mark.skipif(mx.context.num_gpus() == 0, reason='needs a GPU')
def test_operands_on_cpu_and_gpu_raise():
    a = mx.nd.ones((2, 3), ctx=mx.cpu())
    b = mx.nd.ones((2, 3), ctx=mx.gpu(0))
    with pytest.raises(mx.MXNetError) as e:
        a + b
    assert ('Operator broadcast_add %s. But the first argument is on cpu(0) while the 2-th argument is on '
            'gpu(0)' % _SAME_CONTEXT) in str(e.value)
    np.testing.assert_array_equal((b.as_in_context(a.context) + a).asnumpy(), np.full((2, 3), 2, np.float32))
    assert repr(b).endswith('<NDArray 2x3 @gpu(0)>')
