"""Every opdb Case, checked through both front ends.

mx.nd.<op> against its numpy reference on each dtype (and a numerical gradient check); mx.sym.<op> over
variables: infer_shape / infer_type against what the nd compute produced, bind + forward against the numpy
reference, and backward against the nd (autograd) gradient.
"""
import numpy as np
import pytest
import torch

import mxnet as mx
from mxnet.test_utils import assert_almost_equal

from opdb import collect

CASES = collect('CASES')
ERRORS = collect('ERROR_CASES')
_TOL = {'float16': (1e-2, 1e-2), 'float32': (1e-4, 1e-5), 'float64': (1e-7, 1e-9)}


def _params(case, dtype):
    return {k: (v(dtype) if callable(v) else v) for k, v in case.params.items()}


def _cases_by_dtype():
    for c in CASES:
        for dt in c.dtypes:
            yield pytest.param(c, dt, id='%s-%s' % (c.name, dt))


def _gap(case, dtype, front):
    """xfail a known gap: ``gaps`` keys are a dtype (both front ends), or 'sym' / 'sym-<dtype>' (mx.sym only)."""
    keys = (dtype,) if front == 'nd' else (dtype, 'sym', 'sym-' + dtype)
    for k in keys:
        if k in case.gaps:
            pytest.xfail(case.gaps[k])


def _as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _check_values(case, dtype, gots, want):
    wants = _as_list(want)
    assert len(gots) == len(wants), (len(gots), len(wants))
    rtol, atol = case.tol.get(dtype, _TOL.get(dtype, (0, 0)))
    exp_dt = case.out_dtype(dtype) if callable(case.out_dtype) else (case.out_dtype or dtype)
    for g, w in zip(gots, wants):
        w = np.asarray(w)
        assert g.shape == w.shape, (g.shape, w.shape)
        assert np.dtype(g.dtype) == np.dtype(exp_dt), (g.dtype, exp_dt)
        assert_almost_equal(g.asnumpy(), w.astype(g.asnumpy().dtype) if w.dtype != object else w,
                            rtol=rtol, atol=atol)


@pytest.mark.parametrize('case,dtype', list(_cases_by_dtype()))
def test_forward(case, dtype, ctx):
    _gap(case, dtype, 'nd')
    rng = np.random.RandomState(0)
    xs = case.inputs(rng, dtype)
    params = _params(case, dtype)
    got = getattr(mx.nd, case.op)(*[mx.nd.array(x, dtype=x.dtype, ctx=ctx) for x in xs], **params)
    gots = _as_list(got)
    for g in gots:
        assert g.context == ctx
    _check_values(case, dtype, gots, case.ref(*xs, **params))


def _bind_symbol(case, xs, params, ctx, grad_req='null'):
    """mx.sym.<op> over variables x0, x1, ... and an executor bound to the arrays ``xs`` (aux states included)."""
    names = ['x%d' % i for i in range(len(xs))]
    sym = getattr(mx.sym, case.op)(*[mx.sym.Variable(n) for n in names], **params)
    arrays = {n: mx.nd.array(x, dtype=x.dtype, ctx=ctx) for n, x in zip(names, xs)}
    args = {n: arrays[n] for n in sym.list_arguments()}
    aux = {n: arrays[n] for n in sym.list_auxiliary_states()}
    assert sorted(list(args) + list(aux)) == sorted(names), (sym.list_arguments(), sym.list_auxiliary_states())
    grads = None
    if grad_req != 'null':
        grads = {n: mx.nd.zeros(a.shape, dtype=a.dtype, ctx=ctx) for n, a in args.items()
                 if np.dtype(a.dtype).kind == 'f'}
    ex = sym.bind(ctx, args, args_grad=grads, grad_req=grad_req, aux_states=aux)
    return sym, ex, arrays


@pytest.mark.parametrize('case,dtype', list(_cases_by_dtype()))
def test_symbol(case, dtype, ctx):
    """infer_shape / infer_type agree with the nd compute; bind + forward agree with the numpy reference."""
    _gap(case, dtype, 'sym')
    rng = np.random.RandomState(0)
    xs = case.inputs(rng, dtype)
    params = _params(case, dtype)
    sym, ex, arrays = _bind_symbol(case, xs, params, ctx)
    nd_outs = _as_list(getattr(mx.nd, case.op)(*[arrays['x%d' % i] for i in range(len(xs))], **params))
    shapes = {n: a.shape for n, a in arrays.items()}
    if case.dynamic_shape:  # known only once run: infer_shape cannot decide, the partial form leaves it ()
        assert sym.infer_shape(**shapes) == (None, None, None)
        arg_shapes, out_shapes, aux_shapes = sym.infer_shape_partial(**shapes)
        assert out_shapes == [()] * len(nd_outs)
    else:
        arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**shapes)
        assert out_shapes == [o.shape for o in nd_outs], ('infer_shape', out_shapes, [o.shape for o in nd_outs])
    assert arg_shapes == [arrays[n].shape for n in sym.list_arguments()]
    assert aux_shapes == [arrays[n].shape for n in sym.list_auxiliary_states()]
    arg_types, out_types, aux_types = sym.infer_type(**{n: a.dtype for n, a in arrays.items()})
    assert [np.dtype(t) for t in out_types] == [np.dtype(o.dtype) for o in nd_outs], \
        ('infer_type', out_types, [o.dtype for o in nd_outs])
    assert [np.dtype(t) for t in arg_types] == [np.dtype(arrays[n].dtype) for n in sym.list_arguments()]
    outs = ex.forward(is_train=False)
    for o in outs:
        assert o.context == ctx
    _check_values(case, dtype, list(outs), case.ref(*xs, **params))


def _grad_cases():
    return [c for c in CASES if c.grad and 'float64' in c.dtypes]


@pytest.mark.parametrize('case', _grad_cases(), ids=repr)
def test_gradient(case, ctx):
    """Directional numerical derivative of the torch compute against autograd (float64)."""
    rng = np.random.RandomState(0)
    xs = case.inputs(rng, 'float64')
    op = getattr(mx.nd, case.op)
    inputs = [mx.nd.array(x, dtype='float64', ctx=ctx) for x in xs]
    params = _params(case, 'float64')
    ts = [i._data.clone().requires_grad_(i._data.is_floating_point()) for i in inputs]

    def f(*tensors):
        with mx.autograd.record(train_mode=False):  # dispatch builds a graph only while recording
            outs = op(*[mx.nd.NDArray(t) for t in tensors], **params)
        return [o._data for o in _as_list(outs)]

    outs = f(*ts)
    heads = [torch.as_tensor(rng.uniform(-1, 1, size=o.shape), dtype=o.dtype, device=o.device) for o in outs]
    loss = sum((o * h).sum() for o, h in zip(outs, heads) if o.is_floating_point())
    if not isinstance(loss, torch.Tensor) or not loss.requires_grad:
        pytest.skip('no differentiable output')
    grads = torch.autograd.grad(loss, [t for t in ts if t.requires_grad], allow_unused=True)
    dirs = [torch.as_tensor(rng.uniform(-1, 1, size=t.shape), dtype=t.dtype, device=t.device)
            if t.requires_grad else torch.zeros_like(t) for t in ts]
    eps = 1e-6

    def lossf(tensors):
        with torch.no_grad():
            return float(sum((o.detach() * h).sum() for o, h in zip(f(*tensors), heads) if o.is_floating_point()))
    def shifted(sign):
        return [t + sign * eps * d if t.requires_grad else t for t, d in zip(ts, dirs)]
    num = (lossf(shifted(1)) - lossf(shifted(-1))) / (2 * eps)
    ana = float(sum((g * d).sum() for g, d in zip(grads, [d for d, t in zip(dirs, ts) if t.requires_grad])
                    if g is not None))
    assert abs(num - ana) <= 1e-5 * max(1.0, abs(num)), (num, ana)


@pytest.mark.parametrize('case', _grad_cases(), ids=repr)
def test_symbol_backward(case, ctx):
    """Executor.backward with random head gradients equals mx.autograd's gradient of the nd compute (float64)."""
    _gap(case, 'float64', 'sym')
    rng = np.random.RandomState(0)
    xs = case.inputs(rng, 'float64')
    params = _params(case, 'float64')
    sym, ex, arrays = _bind_symbol(case, xs, params, ctx, grad_req='write')
    nd_in = [arrays['x%d' % i].copy() for i in range(len(xs))]
    wanted = [n for n in sym.list_arguments() if ex.grad_dict.get(n) is not None]
    for n in wanted:
        nd_in[int(n[1:])].attach_grad()
    with mx.autograd.record(train_mode=False):  # the mode the forward cases are checked in
        nd_outs = _as_list(getattr(mx.nd, case.op)(*nd_in, **params))
    heads = [mx.nd.array(rng.uniform(-1, 1, size=o.shape), dtype=o.dtype, ctx=ctx) for o in nd_outs]
    diff = [k for k, o in enumerate(nd_outs) if o._data.requires_grad]
    if not diff or not wanted:
        pytest.skip('no differentiable output')
    mx.autograd.backward([nd_outs[k] for k in diff], [heads[k] for k in diff])
    ex.forward(is_train=False)
    ex.backward(heads)
    for n in wanted:
        assert_almost_equal(ex.grad_dict[n].asnumpy(), nd_in[int(n[1:])].grad.asnumpy(), rtol=1e-7, atol=1e-9,
                            names=('sym grad ' + n, 'nd grad ' + n))


@pytest.mark.parametrize('case', ERRORS, ids=repr)
def test_errors(case, ctx):
    rng = np.random.RandomState(0)
    xs = [mx.nd.array(x, dtype=x.dtype, ctx=ctx) for x in case.inputs(rng, 'float32')]
    with pytest.raises(case.exc, match=case.match):  # at the call, or (MXNet's asynchronous errors) at the read
        for o in _as_list(getattr(mx.nd, case.op)(*xs, **case.params)):
            o.wait_to_read()
