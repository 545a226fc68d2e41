"""The fused optimizer update operators: ``sgd_update``, ``adam_update``, ``ftrl_update``, the mixed-precision
(``mp_*``) and multi-tensor (``multi_*``, ``preloaded_multi_*``) variants, LAMB's two phases, AdamW, ...

MXNet contract: each op returns the updated weight (``out=weight`` updates in place) and writes the new optimizer
states into its state inputs (``mom``, ``mean``/``var``, ``weight32``, ...), which MXNet marks mutable. The
gradient is first multiplied by ``rescale_grad`` and, when ``clip_gradient >= 0``, clipped to
``[-clip_gradient, clip_gradient]``; ``wd`` is the L2 weight decay. The ``mp_*`` ops keep a float32 master copy
``weight32`` (updated in place) and return it cast to the weight's dtype. No bias correction happens inside the
kernels: the optimizers fold it into ``lr``.

Lazy updates: with a ``row_sparse`` gradient and ``lazy_update`` (sgd, sgd_mom, adam; always for ftrl and the
sparse adagrad), only the rows the gradient stores (its non-zero rows here) are updated, weight decay and state
decay included, when the states have the weight's storage type, as MXNet dispatches it.
"""
import math

import torch

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Bool, Float, FloatTuple, Int, Shape

_RSP = 'row_sparse'


# ---- helpers ----------------------------------------------------------------------------------------------
def _grad(p, grad, rescale=None, clip=None):
    """``rescale_grad * grad`` clipped to [-clip_gradient, clip_gradient] when clip_gradient >= 0."""
    g = grad * (p.rescale_grad if rescale is None else rescale)
    c = p.clip_gradient if clip is None else clip
    return g.clamp(-c, c) if c >= 0 else g


def _clip(x, c):
    return x.clamp(-c, c) if c >= 0 else x


def _rows(grad):
    """Row ids of the rows a row_sparse gradient stores (its non-zero rows)."""
    if grad.dim() == 0 or grad.shape[0] == 0:
        return torch.zeros(0, dtype=torch.int64, device=grad.device)
    return torch.nonzero(grad.reshape(grad.shape[0], -1).ne(0).any(dim=1)).reshape(-1)


def _lazy(kernel, p, weight, grad, states):
    """Run ``kernel`` on the gradient's stored rows only; the other rows of weight and states stay as they are."""
    rows = _rows(grad)
    sub = [s.index_select(0, rows) for s in states]
    new = kernel(p, weight.index_select(0, rows), grad.index_select(0, rows), *sub)
    for s, ss in zip(states, sub):
        s.index_copy_(0, rows, ss)
    out = weight.clone()
    out.index_copy_(0, rows, new.to(out.dtype))
    return out


def _lazy_op(kernel, when):
    """Compute of an op that updates lazily when ``when(p, stypes)`` holds (stypes: the inputs' storage types)."""
    def compute(p, weight, grad, *states, stypes=None):
        if stypes is not None and stypes[1] == _RSP and when(p, stypes) and weight.dim() > 0:
            return _lazy(kernel, p, weight, grad, list(states))
        return kernel(p, weight, grad, *states)
    compute.__doc__ = kernel.__doc__
    return compute


def _lazy_flag_and_same_stype(p, stypes):
    return p.lazy_update and all(s == stypes[0] for s in stypes[2:])


def _all_rsp(p, stypes):
    return all(s == _RSP for s in stypes)


def _def(opdef):
    """Register an update op: MXNet gives them no gradient."""
    opdef.gradient = None
    register(opdef)


def _set(dst, value):
    dst.copy_(value)
    return dst


def _same_shapes(p, shapes):
    s = next((x for x in shapes if x is not None), None)
    return [s] * len(shapes), [s], []


def _types_first(p, types):
    """Output of the weight's dtype; inputs of mixed dtypes are allowed (float16 weight, float32 master)."""
    return list(types), [types[0]], []


def _update_op(name, kernel, inputs, params, doc, lazy=None, mixed=False):
    compute = _lazy_op(kernel, lazy) if lazy is not None else (lambda p, *xs: kernel(p, *xs))
    _def(OpDef(name, compute, inputs=inputs, params=params, doc=doc,
                   infer_shape=_same_shapes, infer_type=_types_first if mixed else None,
                   same_dtype=not mixed, stype_aware=lazy is not None))


def _params(*groups):
    out = {}
    for g in groups:
        out.update(g)
    return out


_LR = {'lr': Float(doc='learning rate')}
_MOM = {'momentum': Float(0.0, 'momentum')}
_WD_RG_CLIP = {'wd': Float(0.0, 'weight decay (L2 penalty)'), 'rescale_grad': Float(1.0, 'gradient multiplier'),
               'clip_gradient': Float(-1.0, 'clip the gradient to [-c, c]; off when < 0')}
_LAZY = {'lazy_update': Bool(True, 'update only the stored rows of a row_sparse gradient')}


# ---- SGD, NAG -----------------------------------------------------------------------------------------------
def _sgd(p, weight, grad):
    return weight * (1. - p.lr * p.wd) - p.lr * _grad(p, grad)


def _sgd_mom(p, weight, grad, mom):
    _set(mom, p.momentum * mom - (p.lr * p.wd) * weight - p.lr * _grad(p, grad))
    return weight + mom


def _mp(kernel):
    """The mixed-precision form of ``kernel(p, weight, grad, *states)``: inputs (weight, grad, *states,
    weight32); the float32 master ``weight32`` is updated in place and returned cast to weight's dtype."""
    def mp(p, weight, grad, *rest):
        w32 = rest[-1]
        w32.copy_(kernel(p, w32, grad.to(w32.dtype), *rest[:-1]))
        return w32.to(weight.dtype)
    mp.__doc__ = kernel.__doc__
    return mp


def _nag_mom(p, weight, grad, mom):
    # MXNet's kernel, as it runs in place (out=weight): its last line reads the already updated weight
    g = _grad(p, grad)
    mom.mul_(p.momentum)
    new = weight - mom + (p.momentum + 1.) * (mom - p.lr * (g + p.wd * weight))
    mom.sub_(p.lr * (g + p.wd * new))
    return new


_update_op('sgd_update', _sgd, ('weight', 'grad'), _params(_LR, _WD_RG_CLIP, _LAZY),
           'SGD step: ``weight = (1 - lr * wd) * weight - lr * clip(rescale_grad * grad)``.',
           lazy=lambda p, st: p.lazy_update)
_update_op('sgd_mom_update', _sgd_mom, ('weight', 'grad', 'mom'), _params(_LR, _MOM, _WD_RG_CLIP, _LAZY),
           'SGD with momentum: ``mom = momentum * mom - lr * wd * weight - lr * clip(rescale_grad * grad); '
           'weight += mom``.', lazy=_lazy_flag_and_same_stype)
_update_op('mp_sgd_update', _mp(_sgd), ('weight', 'grad', 'weight32'), _params(_LR, _WD_RG_CLIP, _LAZY),
           'sgd_update on the float32 master copy weight32; returns it in the weight\'s dtype.', mixed=True)
_update_op('mp_sgd_mom_update', _mp(_sgd_mom), ('weight', 'grad', 'mom', 'weight32'),
           _params(_LR, _MOM, _WD_RG_CLIP, _LAZY),
           'sgd_mom_update on the float32 master copy weight32 (mom float32).', mixed=True)
_update_op('nag_mom_update', _nag_mom, ('weight', 'grad', 'mom'), _params(_LR, _MOM, _WD_RG_CLIP),
           'Nesterov momentum: ``mom = momentum * mom; weight = weight - mom + (1 + momentum) * (mom - lr * '
           '(g + wd * weight)); mom -= lr * (g + wd * weight)`` with g the rescaled, clipped gradient.')
_update_op('mp_nag_mom_update', _mp(_nag_mom), ('weight', 'grad', 'mom', 'weight32'),
           _params(_LR, _MOM, _WD_RG_CLIP), 'nag_mom_update on the float32 master copy weight32.', mixed=True)


# ---- Adam, RMSProp, FTRL, FTML, Signum --------------------------------------------------------------------
def _adam(p, weight, grad, mean, var):
    g = _clip(grad * p.rescale_grad + p.wd * weight, p.clip_gradient)
    mean.mul_(p.beta1).add_(g, alpha=1. - p.beta1)
    var.mul_(p.beta2).addcmul_(g, g, value=1. - p.beta2)
    return weight - p.lr * mean / (var.sqrt() + p.epsilon)


_BETAS = {'beta1': Float(0.9, 'decay of the first moment'), 'beta2': Float(0.999, 'decay of the second moment'),
          'epsilon': Float(1e-8, 'added to the denominator')}
_update_op('adam_update', _adam, ('weight', 'grad', 'mean', 'var'), _params(_LR, _BETAS, _WD_RG_CLIP, _LAZY),
           'Adam step (no bias correction; fold it into lr): ``g = clip(rescale_grad * grad + wd * weight); '
           'mean = beta1 * mean + (1 - beta1) * g; var = beta2 * var + (1 - beta2) * g**2; '
           'weight -= lr * mean / (sqrt(var) + epsilon)``.', lazy=_lazy_flag_and_same_stype)


def _rmsprop(p, weight, grad, n):
    g = _clip(grad * p.rescale_grad + p.wd * weight, p.clip_gradient)
    _set(n, (1. - p.gamma1) * g * g + p.gamma1 * n)
    return _clip(weight - p.lr * g / (n + p.epsilon).sqrt(), p.clip_weights)


def _rmspropalex(p, weight, grad, n, g_avg, delta):
    g = _clip(grad * p.rescale_grad + p.wd * weight, p.clip_gradient)
    _set(n, (1. - p.gamma1) * g * g + p.gamma1 * n)
    _set(g_avg, (1. - p.gamma1) * g + p.gamma1 * g_avg)
    _set(delta, p.gamma2 * delta - p.lr * g / (n - g_avg * g_avg + p.epsilon).sqrt())
    return _clip(weight + delta, p.clip_weights)


_RMS = {'gamma1': Float(0.95, 'decay of the squared-gradient average')}
_CLIPW = {'clip_weights': Float(-1.0, 'clip the new weight to [-c, c]; off when < 0')}
_update_op('rmsprop_update', _rmsprop, ('weight', 'grad', 'n'),
           _params(_LR, _RMS, {'epsilon': Float(1e-8, 'added under the square root')}, _WD_RG_CLIP, _CLIPW),
           'RMSProp: ``g = clip(rescale_grad * grad + wd * weight); n = (1 - gamma1) * g**2 + gamma1 * n; '
           'weight = clip_weights(weight - lr * g / sqrt(n + epsilon))``.')
_update_op('rmspropalex_update', _rmspropalex, ('weight', 'grad', 'n', 'g', 'delta'),
           _params(_LR, _RMS, {'gamma2': Float(0.9, 'momentum of delta'),
                               'epsilon': Float(1e-8, 'added under the square root')}, _WD_RG_CLIP, _CLIPW),
           'Centered RMSProp (Graves): ``n`` and ``g`` average g**2 and g; '
           '``delta = gamma2 * delta - lr * g / sqrt(n - g_avg**2 + epsilon); weight += delta``.')


def _ftrl(p, weight, grad, z, n):
    g = _grad(p, grad)
    z.add_(g - ((n + g * g).sqrt() - n.sqrt()) * weight / p.lr)
    n.addcmul_(g, g)
    return (z.sign() * p.lamda1 - z) / ((p.beta + n.sqrt()) / p.lr + p.wd) * (z.abs() > p.lamda1).to(weight.dtype)


_update_op('ftrl_update', _ftrl, ('weight', 'grad', 'z', 'n'),
           _params(_LR, {'lamda1': Float(0.01, 'L1 regularization'), 'beta': Float(1.0, 'per-coordinate lr term')},
                   _WD_RG_CLIP),
           'FTRL-proximal: ``z += g - (sqrt(n + g**2) - sqrt(n)) * weight / lr; n += g**2; weight = '
           '(sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (|z| > lamda1)``.', lazy=_all_rsp)


def _ftml(p, weight, grad, d, v, z):
    g = _clip(grad * p.rescale_grad + p.wd * weight, p.clip_grad)
    _set(v, p.beta2 * v + (1. - p.beta2) * g * g)
    d_t = (1. - p.beta1 ** p.t) / p.lr * ((v / (1. - p.beta2 ** p.t)).sqrt() + p.epsilon)
    _set(z, p.beta1 * z + (1. - p.beta1) * g - (d_t - p.beta1 * d) * weight)
    _set(d, d_t)
    return -z / d_t


_update_op('ftml_update', _ftml, ('weight', 'grad', 'd', 'v', 'z'),
           _params(_LR, {'beta1': Float(0.6, 'decay of z'), 'beta2': Float(0.999, 'decay of v'),
                         'epsilon': Float(1e-8, 'added to the denominator'), 't': Int(doc='update count')},
                   {'wd': Float(0.0, 'weight decay'), 'rescale_grad': Float(1.0, 'gradient multiplier'),
                    'clip_grad': Float(-1.0, 'clip the gradient to [-c, c]; off when < 0')}),
           'Follow the Moving Leader: ``d_t = (1 - beta1**t) / lr * (sqrt(v / (1 - beta2**t)) + epsilon); '
           'z = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * weight; weight = -z / d_t``.')


def _signsgd(p, weight, grad):
    return (1. - p.lr * p.wd) * weight - p.lr * grad.sign()


def _signum(p, weight, grad, mom):
    g = _grad(p, grad)
    _set(mom, p.momentum * mom - (1. - p.momentum) * p.wd * weight - (1. - p.momentum) * g)
    return (1. - p.lr * p.wd_lh) * weight + p.lr * mom.sign()


_update_op('signsgd_update', _signsgd, ('weight', 'grad'), _params(_LR, _WD_RG_CLIP),
           'signSGD: ``weight = (1 - lr * wd) * weight - lr * sign(grad)``.')
_update_op('signum_update', _signum, ('weight', 'grad', 'mom'),
           _params(_LR, _MOM, _WD_RG_CLIP, {'wd_lh': Float(0.0, 'decoupled weight decay')}),
           'Signum: ``mom = momentum * mom - (1 - momentum) * (wd * weight + g); '
           'weight = (1 - lr * wd_lh) * weight + lr * sign(mom)``.')


# ---- AdaGrad ----------------------------------------------------------------------------------------------
def _adagrad(p, weight, grad, history):
    if p.wd != 0:
        raise MXNetError('sparse adagrad_update does not support wd (got wd=%s)' % p.wd)
    g = _grad(p, grad)
    history.addcmul_(g, g)
    return weight - p.lr * g / (history + p.epsilon).sqrt()


def _group_adagrad(p, weight, grad, history):
    g = _grad(p, grad)
    if history.dim() != 1 or (weight.dim() and history.shape[0] != weight.shape[0]):
        raise MXNetError('group_adagrad_update: history must have shape (%d,), got %s'
                         % (weight.shape[0] if weight.dim() else 1, tuple(history.shape)))
    sq = (g * g).reshape(g.shape[0], -1).mean(dim=1)
    history.add_(sq)
    div = history.sqrt().add_(p.epsilon).reshape((-1,) + (1,) * (g.dim() - 1))
    return weight - p.lr * g / div


_update_op('_sparse_adagrad_update', _adagrad, ('weight', 'grad', 'history'),
           _params(_LR, {'epsilon': Float(1e-7, 'added under the square root')}, _WD_RG_CLIP),
           'AdaGrad (row_sparse gradients update only their rows): ``history += g**2; '
           'weight -= lr * g / sqrt(history + epsilon)``; wd must be 0.', lazy=lambda p, st: True)
_def(OpDef('_contrib_group_adagrad_update', _lazy_op(_group_adagrad, lambda p, st: True),
               inputs=('weight', 'grad', 'history'), stype_aware=True,
               params=_params(_LR, {'rescale_grad': Float(1.0, 'gradient multiplier'),
                                    'clip_gradient': Float(-1.0, 'clip the gradient to [-c, c]; off when < 0'),
                                    'epsilon': Float(1e-5, 'added to the denominator')}),
               infer_shape=lambda p, s: (s, [s[0]], []),
               doc='Group AdaGrad: one history value per row: ``history += mean(g**2 over the row); '
                   'weight -= lr * g / (sqrt(history) + epsilon)``.'))


# ---- LAMB ---------------------------------------------------------------------------------------------------
def _lamb1(p, weight, grad, mean, var):
    g = _grad(p, grad)
    mean.mul_(p.beta1).add_(g, alpha=1. - p.beta1)
    var.mul_(p.beta2).addcmul_(g, g, value=1. - p.beta2)
    if p.bias_correction:
        r = (mean / (1. - p.beta1 ** p.t)) / ((var / (1. - p.beta2 ** p.t)).sqrt() + p.epsilon)
    else:
        r = mean / (var.sqrt() + p.epsilon)
    return r + p.wd * weight


def _mp_lamb1(p, weight, grad, mean, var, weight32):
    return _lamb1(p, weight32, grad.to(weight32.dtype), mean, var)


def _trust_lr(lr, r1, r2, lower, upper):
    """``lr * r1 / r2`` (r1 bounded by lower/upper when >= 0); ``lr`` when either norm is 0."""
    r1 = r1.reshape(()).float()
    r2 = r2.reshape(()).float()
    if lower >= 0:
        r1 = r1.clamp(min=lower)
    if upper >= 0:
        r1 = r1.clamp(max=upper)
    return torch.where((r1 == 0) | (r2 == 0), torch.ones_like(r1), r1 / r2) * lr


def _lamb2(p, weight, g, r1, r2):
    return weight - _trust_lr(p.lr, r1, r2, p.lower_bound, p.upper_bound).to(weight.dtype) * g


def _mp_lamb2(p, weight, g, r1, r2, weight32):
    # MXNet 1.9.1 writes only the output here: weight32 is read, not updated
    return (weight32 - _trust_lr(p.lr, r1, r2, p.lower_bound, p.upper_bound) * g).to(weight.dtype)


_LAMB1 = _params({'beta1': Float(0.9, 'decay of the first moment'), 'beta2': Float(0.999, 'second moment decay'),
                  'epsilon': Float(1e-6, 'added to the denominator'), 't': Int(doc='update count'),
                  'bias_correction': Bool(True, 'divide the moments by 1 - beta**t'),
                  'wd': Float(doc='weight decay'), 'rescale_grad': Float(1.0, 'gradient multiplier'),
                  'clip_gradient': Float(-1.0, 'clip the gradient to [-c, c]; off when < 0')})
_LAMB2 = {'lr': Float(doc='learning rate'), 'lower_bound': Float(-1.0, 'lower bound of ||weight||; off when < 0'),
          'upper_bound': Float(-1.0, 'upper bound of ||weight||; off when < 0')}


def _float32_out(p, types):
    return list(types), ['float32'], []


_def(OpDef('lamb_update_phase1', _lamb1, inputs=('weight', 'grad', 'mean', 'var'), params=_LAMB1,
               infer_shape=_same_shapes,
               doc='LAMB phase 1: update mean/var in place and return the direction '
                   '``g = mean_hat / (sqrt(var_hat) + epsilon) + wd * weight``.'))
_def(OpDef('mp_lamb_update_phase1', _mp_lamb1, inputs=('weight', 'grad', 'mean', 'var', 'weight32'),
               params=_LAMB1, infer_shape=_same_shapes, infer_type=_float32_out, same_dtype=False,
               doc='lamb_update_phase1 on the float32 master copy weight32; the direction is float32.'))


def _phase2_shapes(p, shapes):
    s = shapes[0] if shapes[0] is not None else shapes[1]
    return [s, s, (1,), (1,)] + [s] * (len(shapes) - 4), [s], []


_def(OpDef('lamb_update_phase2', _lamb2, inputs=('weight', 'g', 'r1', 'r2'), params=_LAMB2,
               infer_shape=_phase2_shapes,
               doc='LAMB phase 2: ``weight -= lr * r1 / r2 * g`` (r1 = ||weight|| bounded, r2 = ||g||; '
                   'the ratio is 1 when either is 0).'))
_def(OpDef('mp_lamb_update_phase2', _mp_lamb2, inputs=('weight', 'g', 'r1', 'r2', 'weight32'),
               params=_LAMB2, infer_shape=_phase2_shapes, infer_type=_types_first, same_dtype=False,
               doc='lamb_update_phase2 from the float32 master copy weight32, cast to the weight\'s dtype '
                   '(weight32 itself is not updated, as in MXNet 1.9.1).'))


# ---- multi-tensor ops -----------------------------------------------------------------------------------
def _group_names(per, count_param):
    def names(p):
        n = getattr(p, count_param)
        return ['%s_%d' % (k, i) for i in range(n) for k in per]
    return names


def _multi_shapes(per, extra=0):
    def rule(p, shapes):
        ws = [shapes[i] for i in range(0, len(shapes) - extra, per)]
        return list(shapes), ws, []
    return rule


def _multi_types(per, extra=0):
    def rule(p, types):
        return list(types), [types[i] for i in range(0, len(types) - extra, per)], []
    return rule


def _check_count(name, values, n, what):
    if len(values) != n:
        raise MXNetError('%s: %s has %d values but num_weights=%d' % (name, what, len(values), n))


def _multi(name, kernel, per, mp, preloaded=False):
    """multi_[mp_]sgd[_mom]_update: inputs (weight, grad[, mom][, weight32]) per weight, outputs the weights."""
    state_names = {2: ('weight', 'grad'), 3: ('weight', 'grad', 'mom' if not mp else 'weight32'),
                   4: ('weight', 'grad', 'mom', 'weight32')}[per]
    extra = 2 if preloaded else 0
    base = _group_names(state_names, 'num_weights')

    def inputs(p):
        return base(p) + (['lrs', 'wds'] if preloaded else [])

    def compute(p, *xs):
        n = p.num_weights
        if len(xs) != per * n + extra:
            raise MXNetError('%s: expected %d inputs for num_weights=%d, got %d' % (name, per * n + extra, n, len(xs)))
        if preloaded:
            lrs, wds = xs[-2].tolist(), xs[-1].tolist()
        else:
            lrs, wds = p.lrs, p.wds
        _check_count(name, lrs, n, 'lrs')
        _check_count(name, wds, n, 'wds')
        outs = []
        for i in range(n):
            group = xs[per * i:per * (i + 1)]
            q = _Sub(p, lr=lrs[i], wd=wds[i])
            outs.append(kernel(q, *group))
        return tuple(outs)

    params = {} if preloaded else {'lrs': FloatTuple(doc='learning rates'), 'wds': FloatTuple(doc='weight decays')}
    if per == 4 or (per == 3 and not mp):
        params['momentum'] = Float(0.0, 'momentum')
    params.update({'rescale_grad': Float(1.0, 'gradient multiplier'),
                   'clip_gradient': Float(-1.0, 'clip the gradient to [-c, c]; off when < 0'),
                   'num_weights': Int(1, 'number of weights', low=1)})
    _def(OpDef(name, compute, inputs=inputs, params=params,
                   outputs=lambda p: ['output%d' % i for i in range(p.num_weights)],
                   infer_shape=_multi_shapes(per, extra), infer_type=_multi_types(per, extra), same_dtype=False,
                   doc='%s for num_weights weights in one call (lrs/wds %s); each weight\'s states are updated in '
                       'place and the new weights returned.'
                       % (kernel.__name__.strip('_'), 'given as the last two inputs' if preloaded else
                          'one value per weight')))


class _Sub:
    """A parameter set with some fields replaced (one weight's lr/wd of a multi-tensor op)."""

    def __init__(self, base, **kw):
        self.__dict__.update(base.__dict__)
        self.__dict__.update(kw)


_sgd.__name__, _sgd_mom.__name__ = 'sgd_update', 'sgd_mom_update'
_mp_sgd, _mp_sgd_mom = _mp(_sgd), _mp(_sgd_mom)
_mp_sgd.__name__, _mp_sgd_mom.__name__ = 'mp_sgd_update', 'mp_sgd_mom_update'
for _pre in (False, True):
    _prefix = 'preloaded_multi_' if _pre else 'multi_'
    _multi(_prefix + 'sgd_update', _sgd, 2, False, _pre)
    _multi(_prefix + 'sgd_mom_update', _sgd_mom, 3, False, _pre)
    _multi(_prefix + 'mp_sgd_update', _mp_sgd, 3, True, _pre)
    _multi(_prefix + 'mp_sgd_mom_update', _mp_sgd_mom, 4, True, _pre)


def _multi_sum_sq(p, *xs):
    if len(xs) != p.num_arrays:
        raise MXNetError('multi_sum_sq: num_arrays=%d but %d inputs were given' % (p.num_arrays, len(xs)))
    if not xs:
        return torch.zeros(0, dtype=torch.float32)
    norms = torch._foreach_norm([x.float() for x in xs])
    return torch.stack(norms).square()


_def(OpDef('multi_sum_sq', _multi_sum_sq, variadic='num_arrays', same_dtype=False,
               params={'num_arrays': Int(doc='number of input arrays', low=1)},
               infer_shape=lambda p, s: (list(s), [(p.num_arrays,)], []),
               infer_type=lambda p, t: (list(t), ['float32'], []),
               doc='The sum of squares of each input array, as a float32 array of shape (num_arrays,).'))


def _multi_lars(p, lrs, weights_sum_sq, grads_sum_sq, wds):
    w_norm = weights_sum_sq.sqrt()
    g_norm = (grads_sum_sq * (p.rescale_grad * p.rescale_grad)).sqrt()
    scaled = lrs * p.eta * w_norm / (g_norm + wds * w_norm + p.eps)
    return torch.where((w_norm > 0) & (g_norm > 0), scaled, lrs)


_def(OpDef('multi_lars', _multi_lars, inputs=('lrs', 'weights_sum_sq', 'grads_sum_sq', 'wds'),
               params={'eta': Float(doc='LARS coefficient'), 'eps': Float(doc='added to the denominator'),
                       'rescale_grad': Float(1.0, 'gradient multiplier')},
               infer_shape=_same_shapes,
               doc='LARS learning rates: ``lrs * eta * ||w|| / (||g|| + wds * ||w|| + eps)`` where both norms are '
                   'positive (||g|| of the rescaled gradient), else ``lrs``.'))


# ---- AdamW (rescale_grad is an NDArray input: the update is skipped when it is not finite) ------------------
def _adamw(p, weight, grad, mean, var, scale, keep_grad=True):
    g = _clip(grad * scale.to(grad.dtype), p.clip_gradient)
    if not keep_grad:  # MXNet's single-tensor kernel leaves the rescaled, clipped gradient in grad
        grad.copy_(g)
    mean.mul_(p.beta1).add_(g, alpha=1. - p.beta1)
    var.mul_(p.beta2).addcmul_(g, g, value=1. - p.beta2)
    return weight - p.eta * (p.lr * mean / (var.sqrt() + p.epsilon) + p.wd * weight)


def _skip_unless_finite(kernel):
    """Run ``kernel`` unless the rescale_grad input (last) is inf/nan: then the weight comes back unchanged."""
    def compute(p, *xs):
        scale = xs[-1].reshape(-1)[0]
        if not math.isfinite(float(scale)):
            return xs[0].clone()
        return kernel(p, *xs[:-1], scale, keep_grad=False) if kernel is _adamw else kernel(p, *xs[:-1], scale)
    return compute


def _mp_adamw(p, weight, grad, mean, var, weight32, scale):
    weight32.copy_(_adamw(p, weight32, grad.to(weight32.dtype), mean, var, scale))
    return weight32.to(weight.dtype)


_ADAMW = {'lr': Float(doc='learning rate'), 'beta1': Float(0.9, 'decay of the first moment'),
          'beta2': Float(0.999, 'decay of the second moment'), 'epsilon': Float(1e-8, 'added to the denominator'),
          'wd': Float(0.0, 'decoupled weight decay'), 'eta': Float(doc='schedule multiplier'),
          'clip_gradient': Float(-1.0, 'clip the gradient to [-c, c]; off when < 0')}


def _adamw_shapes(p, shapes):
    s = next((x for x in shapes[:-1] if x is not None), None)
    return [s] * (len(shapes) - 1) + [(1,)], [s], []


_def(OpDef('_adamw_update', _skip_unless_finite(_adamw),
               inputs=('weight', 'grad', 'mean', 'var', 'rescale_grad'), params=_ADAMW,
               infer_shape=_adamw_shapes,
               doc='AdamW: ``g = clip(rescale_grad * grad); mean, var as Adam; weight -= eta * (lr * mean / '
                   '(sqrt(var) + epsilon) + wd * weight)``; skipped when rescale_grad is not finite.'))
_def(OpDef('_mp_adamw_update', _skip_unless_finite(_mp_adamw),
               inputs=('weight', 'grad', 'mean', 'var', 'weight32', 'rescale_grad'), params=_ADAMW,
               infer_shape=_adamw_shapes, infer_type=_types_first,
               same_dtype=False, doc='_adamw_update on the float32 master copy weight32.'))


def _multi_adamw(name, per, kernel):
    base = _group_names(('weight', 'grad', 'mean', 'var', 'weight32')[:per], 'num_weights')

    def compute(p, *xs):
        n = p.num_weights
        if len(xs) != per * n + 1:
            raise MXNetError('%s: expected %d inputs for num_weights=%d, got %d' % (name, per * n + 1, n, len(xs)))
        for what in ('lrs', 'wds', 'etas'):
            _check_count(name, getattr(p, what), n, what)
        scale = xs[-1].reshape(-1)[0]
        if not math.isfinite(float(scale)):
            return tuple(xs[per * i].clone() for i in range(n))
        return tuple(kernel(_Sub(p, lr=p.lrs[i], wd=p.wds[i], eta=p.etas[i]), *xs[per * i:per * (i + 1)], scale)
                     for i in range(n))

    _def(OpDef(name, compute, inputs=lambda p: base(p) + ['rescale_grad'], same_dtype=False,
                   params={'lrs': FloatTuple(doc='learning rates'), 'beta1': Float(0.9, 'first moment decay'),
                           'beta2': Float(0.999, 'second moment decay'),
                           'epsilon': Float(1e-8, 'added to the denominator'),
                           'wds': FloatTuple(doc='weight decays'), 'etas': FloatTuple(doc='schedule multipliers'),
                           'clip_gradient': Float(-1.0, 'clip the gradient to [-c, c]; off when < 0'),
                           'num_weights': Int(1, 'number of weights', low=1)},
                   outputs=lambda p: ['output%d' % i for i in range(p.num_weights)],
                   infer_shape=_multi_shapes(per, 1), infer_type=_multi_types(per, 1),
                   doc='_adamw_update of num_weights weights in one call (the last input is rescale_grad).'))


_multi_adamw('_multi_adamw_update', 4, _adamw)
_multi_adamw('_multi_mp_adamw_update', 5, _mp_adamw)


def _multi_lamb(name, per):
    base = _group_names(('weight', 'grad', 'mean', 'var', 'weight32')[:per], 'num_tensors')

    def compute(p, *xs):
        n = p.num_tensors
        if len(xs) != per * n:
            raise MXNetError('%s: expected %d inputs for num_tensors=%d, got %d' % (name, per * n, n, len(xs)))
        for what in ('learning_rates', 'wds', 'step_count'):
            _check_count(name, getattr(p, what), n, what)
        ws = [xs[per * i] for i in range(n)]
        masters = [xs[per * i + 4] for i in range(n)] if per == 5 else ws
        grads = [xs[per * i + 1] for i in range(n)]
        means = [xs[per * i + 2] for i in range(n)]
        vars_ = [xs[per * i + 3] for i in range(n)]
        dirs = lamb_directions(masters, grads, means, vars_, p.step_count, p.wds, p.beta1, p.beta2, p.epsilon,
                               p.rescale_grad, p.clip_gradient, p.bias_correction)
        new = [m.clone() for m in masters]
        lamb_apply(new, dirs, p.learning_rates, p.lower_bound, p.upper_bound)
        if per == 5:
            torch._foreach_copy_(masters, new)
            return tuple(m.to(w.dtype) for m, w in zip(masters, ws))
        return tuple(new)

    _def(OpDef(name, compute, inputs=base, same_dtype=False,
                   params={'learning_rates': FloatTuple(doc='learning rates'),
                           'beta1': Float(0.9, 'first moment decay'), 'beta2': Float(0.999, 'second moment decay'),
                           'epsilon': Float(1e-6, 'added to the denominator'), 'wds': FloatTuple(doc='weight decays'),
                           'rescale_grad': Float(1.0, 'gradient multiplier'),
                           'lower_bound': Float(-1.0, 'lower bound of ||weight||; off when < 0'),
                           'upper_bound': Float(-1.0, 'upper bound of ||weight||; off when < 0'),
                           'clip_gradient': Float(-1.0, 'clip the gradient to [-c, c]; off when < 0'),
                           'bias_correction': Bool(True, 'divide the moments by 1 - beta**t'),
                           'step_count': Shape(doc='update count of each tensor'),
                           'num_tensors': Int(1, 'number of weights', low=1)},
                   outputs=lambda p: ['output%d' % i for i in range(p.num_tensors)],
                   infer_shape=_multi_shapes(per), infer_type=_multi_types(per),
                   doc='LAMB for num_tensors weights in one call: phase 1 and phase 2 per weight.'))


# ---- multi-tensor LAMB kernels (also used by mx.optimizer.LAMB) --------------------------------------------
def lamb_directions(weights, grads, means, vars_, steps, wds, beta1, beta2, epsilon, rescale_grad, clip_gradient,
                    bias_correction):
    """LAMB phase 1 on lists of tensors: updates ``means``/``vars_`` in place and returns the directions
    ``m_hat / (sqrt(v_hat) + epsilon) + wd * weight`` (new tensors); ``steps`` are the update counts."""
    g = torch._foreach_mul(grads, rescale_grad)
    if clip_gradient is not None and clip_gradient >= 0:
        torch._foreach_clamp_min_(g, -clip_gradient)
        torch._foreach_clamp_max_(g, clip_gradient)
    torch._foreach_mul_(means, beta1)
    torch._foreach_add_(means, g, alpha=1. - beta1)
    torch._foreach_mul_(vars_, beta2)
    torch._foreach_addcmul_(vars_, g, g, value=1. - beta2)
    denom = torch._foreach_sqrt(vars_)
    if bias_correction:
        torch._foreach_mul_(denom, [1. / math.sqrt(1. - beta2 ** t) for t in steps])
    torch._foreach_add_(denom, epsilon)
    r = torch._foreach_div(means, denom)
    if bias_correction:
        torch._foreach_mul_(r, [1. / (1. - beta1 ** t) for t in steps])
    for wd, pos in _by_value(wds).items():
        if wd != 0:
            torch._foreach_add_([r[i] for i in pos], [weights[i] for i in pos], alpha=wd)
    return r


def lamb_apply(weights, dirs, lrs, lower_bound, upper_bound):
    """LAMB phase 2 on lists: ``weight -= lr * trust_ratio * dir`` with the ratio ||weight|| / ||dir||
    (||weight|| clamped to the bounds when they are >= 0; ratio 1 when a norm is 0)."""
    if not weights:
        return
    r1 = torch.stack(torch._foreach_norm(weights)).float()
    r2 = torch.stack(torch._foreach_norm(dirs)).float()
    if lower_bound is not None and lower_bound >= 0:
        r1 = r1.clamp(min=lower_bound)
    if upper_bound is not None and upper_bound >= 0:
        r1 = r1.clamp(max=upper_bound)
    ratio = torch.where((r1 == 0) | (r2 == 0), torch.ones_like(r1), r1 / r2)
    step = ratio * torch.tensor(lrs, dtype=torch.float32, device=ratio.device)
    step = [s.to(w.dtype) for s, w in zip(step.neg().unbind(0), weights)]
    torch._foreach_mul_(dirs, step)
    torch._foreach_add_(weights, dirs)


def _by_value(values):
    out = {}
    for i, v in enumerate(values):
        out.setdefault(v, []).append(i)
    return out


_multi_lamb('_multi_lamb_update', 4)
_multi_lamb('_multi_mp_lamb_update', 5)
