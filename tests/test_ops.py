"""Every opdb Case: mx.nd.<op> against its numpy reference on each dtype, plus a numerical gradient check."""
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


@pytest.mark.parametrize('case,dtype', list(_cases_by_dtype()))
def test_forward(case, dtype, ctx):
    if dtype in case.gaps:
        pytest.xfail(case.gaps[dtype])
    rng = np.random.RandomState(0)
    xs = case.inputs(rng, dtype)
    params = _params(case, dtype)
    got = getattr(mx.nd, case.op)(*[mx.nd.array(x, dtype=x.dtype, ctx=ctx) for x in xs], **params)
    want = case.ref(*xs, **params)
    gots = got if isinstance(got, list) else [got]
    wants = want if isinstance(want, (list, tuple)) else [want]
    assert len(gots) == len(wants)
    rtol, atol = case.tol.get(dtype, _TOL.get(dtype, (0, 0)))
    for g, w in zip(gots, wants):
        w = np.asarray(w)
        assert g.context == ctx
        assert g.shape == w.shape, (g.shape, w.shape)
        exp_dt = case.out_dtype(dtype) if callable(case.out_dtype) else (case.out_dtype or dtype)
        assert np.dtype(g.dtype) == np.dtype(exp_dt), (g.dtype, exp_dt)
        assert_almost_equal(g.asnumpy(), w.astype(g.asnumpy().dtype) if w.dtype != object else w,
                            rtol=rtol, atol=atol)


@pytest.mark.parametrize('case', [c for c in CASES if c.grad and 'float64' in c.dtypes], ids=repr)
def test_gradient(case, ctx):
    """Directional numerical derivative of the torch compute against autograd (float64)."""
    rng = np.random.RandomState(0)
    xs = case.inputs(rng, 'float64')
    op = getattr(mx.nd, case.op)
    inputs = [mx.nd.array(x, dtype='float64', ctx=ctx) for x in xs]
    params = _params(case, 'float64')
    ts = [i._data.clone().requires_grad_(i._data.is_floating_point()) for i in inputs]

    def f(*tensors):
        outs = op(*[mx.nd.NDArray(t) for t in tensors], **params)
        outs = outs if isinstance(outs, list) else [outs]
        return [o._data for o in outs]

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
            return float(sum((o * h).sum() for o, h in zip(f(*tensors), heads) if o.is_floating_point()))
    def shifted(sign):
        return [t + sign * eps * d if t.requires_grad else t for t, d in zip(ts, dirs)]
    num = (lossf(shifted(1)) - lossf(shifted(-1))) / (2 * eps)
    ana = float(sum((g * d).sum() for g, d in zip(grads, [d for d, t in zip(dirs, ts) if t.requires_grad])
                    if g is not None))
    assert abs(num - ana) <= 1e-5 * max(1.0, abs(num)), (num, ana)


@pytest.mark.parametrize('case', ERRORS, ids=repr)
def test_errors(case, ctx):
    rng = np.random.RandomState(0)
    xs = [mx.nd.array(x, dtype=x.dtype, ctx=ctx) for x in case.inputs(rng, 'float32')]
    with pytest.raises(case.exc, match=case.match):
        getattr(mx.nd, case.op)(*xs, **case.params)
