"""Fused optimizer updates (sgd_update, adam_update, ftrl_update, ...): the returned new weight against numpy.

The state updates (written in place) are checked in tests/test_optimizer_ops.py. References follow MXNet 1.9.1:
the gradient is ``clip(rescale_grad * grad)`` (clipping when clip_gradient >= 0), no bias correction inside the
kernels.
"""
import numpy as np

from opdb import Case, ErrorCase, rand

F = ('float32', 'float64')
S = (3, 4)
BASE = {'lr': 0.1, 'wd': 0.05, 'rescale_grad': 0.7, 'clip_gradient': 0.3}


def _g(grad, rescale_grad=1.0, clip_gradient=-1.0, **_):
    g = grad * rescale_grad
    return np.clip(g, -clip_gradient, clip_gradient) if clip_gradient >= 0 else g


def _pos(n_signed, n_pos):
    """inputs(): n_signed arrays in [-1, 1), then n_pos in [0.1, 1.1) (variances, accumulators)."""
    def make(rng, dtype):
        return ([rng.uniform(-1, 1, S).astype(dtype) for _ in range(n_signed)]
                + [rng.uniform(0.1, 1.1, S).astype(dtype) for _ in range(n_pos)])
    return make


def _sgd(w, g, lr, wd=0.0, **kw):
    return (1 - lr * wd) * w - lr * _g(g, **kw)


def _sgd_mom(w, g, mom, lr, momentum=0.0, wd=0.0, **kw):
    return w + momentum * mom - lr * wd * w - lr * _g(g, **kw)


def _adam(w, g, mean, var, lr, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
          clip_gradient=-1.0):
    g = g * rescale_grad + wd * w
    if clip_gradient >= 0:
        g = np.clip(g, -clip_gradient, clip_gradient)
    mean = beta1 * mean + (1 - beta1) * g
    var = beta2 * var + (1 - beta2) * g * g
    return w - lr * mean / (np.sqrt(var) + epsilon)


def _ftrl(w, g, z, n, lr, lamda1=0.01, beta=1.0, wd=0.0, **kw):
    g = _g(g, **kw)
    z = z + g - (np.sqrt(n + g * g) - np.sqrt(n)) * w / lr
    n = n + g * g
    return (np.sign(z) * lamda1 - z) / ((beta + np.sqrt(n)) / lr + wd) * (np.abs(z) > lamda1)


def _rmsprop(w, g, n, lr, gamma1=0.95, epsilon=1e-8, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
             clip_weights=-1.0):
    g = g * rescale_grad + wd * w
    if clip_gradient >= 0:
        g = np.clip(g, -clip_gradient, clip_gradient)
    n = (1 - gamma1) * g * g + gamma1 * n
    out = w - lr * g / np.sqrt(n + epsilon)
    return np.clip(out, -clip_weights, clip_weights) if clip_weights >= 0 else out


def _signum(w, g, mom, lr, momentum=0.0, wd=0.0, wd_lh=0.0, **kw):
    mom = momentum * mom - (1 - momentum) * wd * w - (1 - momentum) * _g(g, **kw)
    return (1 - lr * wd_lh) * w + lr * np.sign(mom)


def _lamb1(w, g, mean, var, t, wd, beta1=0.9, beta2=0.999, epsilon=1e-6, bias_correction=True, **kw):
    g = _g(g, **kw)
    mean = beta1 * mean + (1 - beta1) * g
    var = beta2 * var + (1 - beta2) * g * g
    if bias_correction:
        mean, var = mean / (1 - beta1 ** t), var / (1 - beta2 ** t)
    return mean / (np.sqrt(var) + epsilon) + wd * w


def _lamb2(w, g, r1, r2, lr, lower_bound=-1.0, upper_bound=-1.0):
    r1 = r1[0]
    if lower_bound >= 0:
        r1 = max(r1, lower_bound)
    if upper_bound >= 0:
        r1 = min(r1, upper_bound)
    ratio = 1.0 if r1 == 0 or r2[0] == 0 else r1 / r2[0]
    return w - lr * ratio * g


def _lamb2_inputs(rng, dtype):
    return [rng.uniform(-1, 1, S).astype(dtype), rng.uniform(-1, 1, S).astype(dtype),
            np.array([1.5], dtype), np.array([2.0], dtype)]


def _lars_inputs(rng, dtype):
    return [rng.uniform(0.1, 1, 4).astype(dtype), np.array([1.0, 0.0, 4.0, 2.0], dtype),
            np.array([0.5, 1.0, 0.0, 3.0], dtype), rng.uniform(0, 0.1, 4).astype(dtype)]


def _lars(lrs, wss, gss, wds, eta, eps, rescale_grad=1.0):
    wn, gn = np.sqrt(wss), np.sqrt(gss) * rescale_grad
    return np.where((wn > 0) & (gn > 0), lrs * eta * wn / (gn + wds * wn + eps), lrs)


# the symbol path re-runs forward on the same bound arrays, whose states the op mutates (MXNet 1.9.1 cannot
# compose these ops into symbols at all)
STATEFUL = {'sym': 'mutates its state inputs: a re-run forward pass sees updated states'}

CASES = [
    Case('sgd_update', rand(S, S), _sgd, BASE, dtypes=F, grad=False),
    Case('sgd_update', rand(S, S), _sgd, {'lr': 0.2}, dtypes=F, grad=False, name='sgd_update_plain'),
    Case('sgd_mom_update', rand(S, S, S), _sgd_mom, dict(BASE, momentum=0.9), dtypes=F, grad=False, gaps=STATEFUL),
    Case('adam_update', _pos(3, 1), _adam, dict(BASE, beta1=0.8, beta2=0.9, epsilon=1e-3), dtypes=F,
         grad=False, gaps=STATEFUL),
    Case('ftrl_update', _pos(3, 1), _ftrl, dict(BASE, lamda1=0.02, beta=1.5), dtypes=F, grad=False, gaps=STATEFUL),
    Case('rmsprop_update', _pos(2, 1), _rmsprop, dict(BASE, gamma1=0.9, epsilon=1e-3, clip_weights=0.5),
         dtypes=F, grad=False, gaps=STATEFUL),
    Case('signsgd_update', rand(S, S), lambda w, g, lr, wd=0.0, **_: (1 - lr * wd) * w - lr * np.sign(g), BASE,
         dtypes=F, grad=False),
    Case('signum_update', rand(S, S, S), _signum, dict(BASE, momentum=0.9, wd_lh=0.01), dtypes=F,
         grad=False, gaps=STATEFUL),
    Case('lamb_update_phase1', _pos(3, 1), _lamb1, {'t': 3, 'wd': 0.05, 'rescale_grad': 0.7, 'clip_gradient': 0.3},
         dtypes=F, grad=False, gaps=STATEFUL),
    Case('lamb_update_phase1', _pos(3, 1), _lamb1, {'t': 2, 'wd': 0.0, 'bias_correction': False}, dtypes=F,
         grad=False, gaps=STATEFUL, name='lamb_update_phase1_nobias'),
    Case('lamb_update_phase2', _lamb2_inputs, _lamb2, {'lr': 0.1, 'lower_bound': 0.5, 'upper_bound': 1.2},
         dtypes=F, grad=False),
    Case('multi_lars', _lars_inputs, _lars, {'eta': 0.5, 'eps': 1e-3, 'rescale_grad': 0.7}, dtypes=F, grad=False),
    Case('multi_sum_sq', rand((3, 2), (5,)),
         lambda a, b, num_arrays: np.array([(a.astype(np.float64) ** 2).sum(), (b.astype(np.float64) ** 2).sum()]),
         {'num_arrays': 2}, dtypes=('float32',), grad=False),
]

ERROR_CASES = [
    ErrorCase('sgd_update', rand(S, S), {}, match='lr'),
    ErrorCase('multi_sum_sq', rand(S), {'num_arrays': 2}, match='missing|num_arrays'),
]
