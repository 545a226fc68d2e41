"""A bound graph's evaluation (``Executor._plan.function``) is trace-clean: ``torch.compile(fullgraph=True)`` of
the forward and backward of LeNet and of a BatchNorm ResNet gives ONE graph each, with the eager values.

Forward+backward is compiled as torch supports it: the compiled function is the forward of the graph; dynamo
hands it to the backend as one graph, and AOT autograd (the ``aot_eager`` backend, no C compiler needed)
derives the backward graph from it, run by ``torch.autograd.grad`` on the outputs. MXNet's gradient
conventions (SoftmaxOutput ignores the head gradient) live in the traced autograd Functions, so they hold in
the compiled backward too.
"""
import os
import sys

import numpy as np
import pytest
import torch

import mxnet as mx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'fixtures', 'training'))
import nets  # noqa: E402

dynamo = pytest.importorskip('torch._dynamo', reason='torch.compile (dynamo) is not available in this torch')
try:
    from torch._dynamo.backends.common import aot_autograd
    from functorch.compile import make_boxed_func
except ImportError:  # pragma: no cover
    pytest.skip('AOT autograd is not available in this torch', allow_module_level=True)
try:  # torch.compile is unsupported on some Python versions and builds: then there is nothing to check
    torch.compile(lambda x: x + 1, fullgraph=True, backend='aot_eager')(torch.ones(2))
except Exception as e:  # noqa: BLE001 -- pragma: no cover
    pytest.skip('torch.compile does not run here: %s' % e, allow_module_level=True)


def _counting_backend():
    """A dynamo backend that counts the graphs it is given (and AOT's forward/backward graphs), then runs
    them eagerly."""
    counts = {'graphs': 0, 'forward': 0, 'backward': 0}

    def fw(gm, example_inputs):
        counts['forward'] += 1
        return make_boxed_func(gm.forward)

    def bw(gm, example_inputs):
        counts['backward'] += 1
        return make_boxed_func(gm.forward)

    aot = aot_autograd(fw_compiler=fw, bw_compiler=bw)

    def backend(gm, example_inputs):
        counts['graphs'] += 1
        return aot(gm, example_inputs)
    return backend, counts


def _bound(sym, shape, seed=0):
    ex = sym.simple_bind(mx.cpu(), data=shape, softmax_label=(shape[0],))
    rs = np.random.RandomState(seed)
    for name, arr in ex.arg_dict.items():
        arr[:] = rs.uniform(-0.5, 0.5, size=arr.shape)
    ex.arg_dict['softmax_label'][:] = rs.randint(0, 10, size=shape[0])
    for name, arr in ex.aux_dict.items():
        arr[:] = 1.0 if name.endswith('_var') else 0.0
    return ex


def _inputs(ex):
    args = [a._data.detach().clone().requires_grad_(a._data.is_floating_point() and n != 'softmax_label')
            for n, a in zip(ex._plan.arg_names, ex.arg_arrays)]
    aux = [a._data.detach().clone() for a in ex.aux_arrays]
    return args, aux


def _step(fn, args, aux):
    outs = fn(args, aux)
    leaves = [a for a in args if a.requires_grad]
    grads = torch.autograd.grad(outs, leaves, [torch.ones_like(o) for o in outs])
    return [o.detach() for o in outs], grads


@pytest.mark.parametrize('name,shape', [('lenet', (2, 1, 28, 28)), ('resnet', (2, 3, 8, 8))])
def test_one_graph_forward_backward(name, shape):
    sym = nets.lenet(mx) if name == 'lenet' else nets.resnet(mx, stem=4, stages=((4, (1, 1)), (8, (2, 2))))
    ex = _bound(sym, shape)
    fn = ex._plan.function(is_train=True)
    backend, counts = _counting_backend()
    dynamo.reset()
    compiled = torch.compile(fn, fullgraph=True, backend=backend)

    args, aux = _inputs(ex)
    want_outs, want_grads = _step(fn, args, aux)
    args_c, aux_c = _inputs(ex)
    got_outs, got_grads = _step(compiled, args_c, aux_c)
    assert counts == {'graphs': 1, 'forward': 1, 'backward': 1}
    for a, b in zip(got_outs + list(got_grads), want_outs + list(want_grads)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5)
    for a, b in zip(aux_c, aux):  # BatchNorm's moving statistics are updated in place, as in eager
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-6)
    if aux:
        assert not all(np.allclose(a.numpy(), 0) or np.allclose(a.numpy(), 1) for a in aux)

    # a second step with new values reuses the graph (no recompilation)
    _step(compiled, *_inputs(_bound(sym, shape, seed=1)))
    assert counts['graphs'] == 1


def test_executor_matches_compiled_function():
    """The executor's own forward/backward gives what the compiled plan function gives."""
    sym = nets.lenet(mx)
    ex = _bound(sym, (2, 1, 28, 28))
    backend, counts = _counting_backend()
    dynamo.reset()
    compiled = torch.compile(ex._plan.function(is_train=True), fullgraph=True, backend=backend)
    args, aux = _inputs(ex)
    outs, grads = _step(compiled, args, aux)
    ex.forward(is_train=True)
    ex.backward()
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), outs[0].numpy(), rtol=1e-5, atol=1e-6)
    leaves = [n for n, a in zip(ex._plan.arg_names, args) if a.requires_grad]
    for n, g in zip(leaves, grads):
        np.testing.assert_allclose(ex.grad_dict[n].asnumpy(), g.numpy(), rtol=1e-4, atol=1e-6)
    assert counts['graphs'] == 1
