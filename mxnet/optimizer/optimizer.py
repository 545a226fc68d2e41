"""Optimizers with MXNet 1.9.1's update rules.

Each built-in optimizer implements ``_step(indices, weights, grads, states, lrs, wds)`` on lists of torch
tensors, so one call updates every parameter (``torch._foreach_*`` multi-tensor kernels for SGD, NAG and
Adam); ``update(index, weight, grad, state)`` on one NDArray runs the same code on one-element lists, so both
paths do the same arithmetic. Update counts, learning-rate and weight-decay multipliers follow MXNet exactly.
"""
import math
import os
import warnings

import numpy as np
import torch

from ..ndarray.ndarray import NDArray
from ..ndarray.utils import zeros
from .._op.defs import optimizer_update as _kernels

__all__ = ['Optimizer', 'register', 'create', 'SGD', 'NAG', 'Adam', 'AdaGrad', 'RMSProp', 'AdaDelta', 'Adamax',
           'Nadam', 'Ftrl', 'FTML', 'Signum', 'LAMB', 'SGLD', 'DCASGD', 'ccSGD', 'Test']



def _t(x):
    return x._data if isinstance(x, NDArray) else x


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _groups(values, skip_zero=False):
    """{value: [positions]} of a list of floats (one foreach call per distinct learning rate / wd)."""
    out = {}
    for i, v in enumerate(values):
        if skip_zero and v == 0:
            continue
        out.setdefault(v, []).append(i)
    return out


def _sub(seq, pos):
    return seq if len(pos) == len(seq) else [seq[i] for i in pos]


def _add_scaled_(dst, src, scales):
    """dst[i] += scales[i] * src[i], one foreach call per distinct scale (zero scales skipped)."""
    for s, pos in _groups(scales, skip_zero=True).items():
        torch._foreach_add_(_sub(dst, pos), _sub(src, pos), alpha=s)


def _rescaled(grads, rescale, clip=None, weights=None, wds=None, clip_after_wd=False):
    """New tensors ``rescale * g`` (+ ``wd * w`` when ``weights`` given), clipped to [-clip, clip] before or
    after adding the weight decay as the MXNet kernel does."""
    g = torch._foreach_mul(grads, rescale)
    if clip is not None and not clip_after_wd:
        torch._foreach_clamp_min_(g, -clip)
        torch._foreach_clamp_max_(g, clip)
    if weights is not None:
        _add_scaled_(g, weights, wds)
    if clip is not None and clip_after_wd:
        torch._foreach_clamp_min_(g, -clip)
        torch._foreach_clamp_max_(g, clip)
    return g


class Optimizer:
    """Base class. ``learning_rate`` (or an ``lr_scheduler``), ``wd``, ``rescale_grad`` (gradients are
    multiplied by it first), ``clip_gradient`` (then clipped to [-c, c]), per-parameter multipliers from
    ``sym`` attributes ``__lr_mult__``/``__wd_mult__`` or ``set_lr_mult``/``set_wd_mult`` (weight decay is 0 by
    default for parameters whose name ends neither in ``_weight`` nor ``_gamma``), ``begin_num_update``,
    ``multi_precision`` (float16 weights updated through a float32 master copy)."""

    opt_registry = {}
    # MXNet's multi-precision state is (master, state) except for SGD and NAG: (state, master)
    _master_first = True

    def __init__(self, rescale_grad=1., param_idx2name=None, wd=0., clip_gradient=None, learning_rate=None,
                 lr_scheduler=None, sym=None, begin_num_update=0, multi_precision=False, param_dict=None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if lr_scheduler is not None and learning_rate is not None and lr_scheduler.base_lr != learning_rate:
            print(UserWarning('learning rate from ``lr_scheduler`` has been overwritten by ``learning_rate`` '
                              'in optimizer.'))
            lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        assert isinstance(param_idx2name, dict), 'param_idx2name should be a dict of param indexes to names.'
        self.idx2name = param_idx2name.copy()
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = False
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ---- registry -------------------------------------------------------------------------------
    @staticmethod
    def register(klass):
        """Register an Optimizer subclass under its lower-cased class name."""
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            warnings.warn('WARNING: New optimizer %s.%s is overriding existing optimizer %s.%s'
                          % (klass.__module__, klass.__name__, Optimizer.opt_registry[name].__module__,
                             Optimizer.opt_registry[name].__name__), stacklevel=2)
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """An instance of the optimizer registered as ``name`` (case-insensitive)."""
        if name.lower() in Optimizer.opt_registry:
            return Optimizer.opt_registry[name.lower()](**kwargs)
        raise ValueError('Cannot find optimizer %s' % name)

    # ---- learning rate and weight decay ---------------------------------------------------------------
    @property
    def learning_rate(self):
        return self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr

    def set_learning_rate(self, lr):
        """Set the learning rate (not allowed when an lr_scheduler drives it)."""
        if self.lr_scheduler is not None:
            raise UserWarning('LRScheduler of the optimizer has already been defined. Note that '
                              'set_learning_rate can mutate the value of the learning rate of the optimizer only '
                              'when the LRScheduler of the optimizer is undefined.')
        self.lr = lr

    def set_lr_scale(self, args_lrscale):
        """[DEPRECATED] Use set_lr_mult."""
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult):
        """Per-parameter learning-rate multipliers by name (or index): the symbol's ``__lr_mult__`` attributes,
        updated with ``args_lr_mult``."""
        self.lr_mult = {}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and '__lr_mult__' in attr[name]:
                    self.lr_mult[name] = float(attr[name]['__lr_mult__'])
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Per-parameter weight-decay multipliers: 0 for known names not ending in ``_weight``/``_gamma``, then
        the symbol's ``__wd_mult__`` attributes, then ``args_wd_mult``."""
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith('_weight') or n.endswith('_gamma')):
                self.wd_mult[n] = 0.0
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and '__wd_mult__' in attr[name]:
                    self.wd_mult[name] = float(attr[name]['__wd_mult__'])
        self.wd_mult.update(args_wd_mult)

    def _set_current_context(self, device_id):
        """Keep update counts per device (each device's copy counts its own updates)."""
        self._index_update_count = self._all_index_update_counts.setdefault(device_id, {})

    def _update_count(self, index):
        """Count one update of each index; ``num_update`` is the largest count."""
        counts = self._index_update_count
        for idx in _as_list(index):
            n = counts.get(idx, self.begin_num_update) + 1
            counts[idx] = n
            if n > self.num_update:
                self.num_update = n

    def _scaled(self, base, indices, attr):
        mults = getattr(self, attr)
        out = []
        for index in indices:
            v = base
            if index in self.param_dict:
                v *= getattr(self.param_dict[index], attr)
            elif index in mults:
                v *= mults[index]
            elif index in self.idx2name:
                v *= mults.get(self.idx2name[index], 1.0)
            out.append(v)
        return out

    def _get_lrs(self, indices):
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        return self._scaled(lr, indices, 'lr_mult')

    def _get_lr(self, index):
        return self._get_lrs([index])[0]

    def _get_wds(self, indices):
        return self._scaled(self.wd, indices, 'wd_mult')

    def _get_wd(self, index):
        return self._get_wds([index])[0]

    # ---- states and updates --------------------------------------------------------------------------
    def create_state(self, index, weight):
        """The auxiliary state (NDArrays, tuples of them, or None) of one weight."""

    def create_state_multi_precision(self, index, weight):
        """``create_state``, with a float32 master copy of float16 weights when ``multi_precision``."""
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            inner = self.create_state(index, master)
            return (master, inner) if self._master_first else (inner, master)
        if weight.dtype == np.float16 and not self.multi_precision:
            warnings.warn('Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. '
                          'Consider using multi_precision=True option of the %s optimizer'
                          % type(self).__name__, stacklevel=3)
        return self.create_state(index, weight)

    def _step(self, indices, weights, grads, states, lrs, wds):
        """Update the tensors ``weights`` in place (lists of torch tensors; ``states`` as created)."""
        raise NotImplementedError()

    def _lazy(self, weight, grad, state):
        """Whether this update touches only the rows a row_sparse ``grad`` stores (MXNet's lazy update)."""
        return False

    def update(self, index, weight, grad, state):
        """Update one weight (or lists of indices/weights/grads/states) in place with its gradient."""
        indices, weights, grads = _as_list(index), _as_list(weight), _as_list(grad)
        states = list(state) if isinstance(index, (list, tuple)) else [state]
        self._update_count(indices)
        self._run(indices, [w._data for w in weights], [g._data for g in grads], states,
                  [self._lazy(w, g, s) for w, g, s in zip(weights, grads, states)])

    def _run(self, indices, weights, grads, states, lazy):
        """``_step`` on tensors, the entries flagged in ``lazy`` on their gradient's stored rows only."""
        lrs, wds = self._get_lrs(indices), self._get_wds(indices)
        if any(lazy):
            for k in [k for k, z in enumerate(lazy) if z]:
                _lazy_step(self, indices[k], weights[k], grads[k], states[k], lrs[k], wds[k])
            keep = [k for k, z in enumerate(lazy) if not z]
            indices, weights, grads, states, lrs, wds = ([seq[k] for k in keep] for seq in
                                                         (indices, weights, grads, states, lrs, wds))
            if not indices:
                return
        self._step(indices, weights, grads, states, lrs, wds)

    def update_multi_precision(self, index, weight, grad, state):
        """``update``; float16 weights with a master copy are updated in float32, then cast back."""
        first = weight[0] if isinstance(weight, (list, tuple)) else weight
        if not (self.multi_precision and first.dtype == np.float16):
            self.update(index, weight, grad, state)
            return
        indices, weights, grads = _as_list(index), _as_list(weight), _as_list(grad)
        states = list(state) if isinstance(index, (list, tuple)) else [state]
        m, s = (0, 1) if self._master_first else (1, 0)
        if type(self).update is not Optimizer.update:  # a custom update(): run it on the float32 master copy
            many = isinstance(index, (list, tuple))
            masters = [st[m] for st in states]
            grads32 = [g.astype(np.float32) for g in grads]
            inner = [st[s] for st in states]
            self.update(index, masters if many else masters[0], grads32 if many else grads32[0],
                        inner if many else inner[0])
            for w, mw in zip(weights, masters):
                w._data.copy_(mw._data)
            return
        masters = [st[m]._data for st in states]
        self._update_count(indices)
        self._run(indices, masters, [g._data.float() for g in grads], [st[s] for st in states],
                  [self._lazy(st[m], g, st[s]) for g, st in zip(grads, states)])
        torch._foreach_copy_([w._data for w in weights], masters)

    def __getstate__(self):
        ret = self.__dict__.copy()
        ret.pop('param_dict', None)
        return ret

    def __setstate__(self, state):
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register
create = Optimizer.create_optimizer


def _lazy_step(opt, index, weight, grad, state, lr, wd):
    """``opt._step`` on the stored rows of a row_sparse gradient only (tensors ``weight``, ``grad``): weight and
    state rows elsewhere stay."""
    rows = torch.nonzero(grad.reshape(grad.shape[0], -1).ne(0).any(dim=1)).reshape(-1)
    views = []

    def sub(x):
        if isinstance(x, NDArray):
            part = NDArray(x._data.index_select(0, rows))
            views.append((x, part))
            return part
        if isinstance(x, (tuple, list)):
            return type(x)(sub(y) for y in x)
        return x
    w = weight.index_select(0, rows)
    opt._step([index], [w], [grad.index_select(0, rows)], [sub(state)], [lr], [wd])
    weight.index_copy_(0, rows, w)
    for full, part in views:
        full._data.index_copy_(0, rows, part._data)


def _stype_of(weight, lazy_update=True):
    return weight.stype if lazy_update else 'default'


def _zeros_like(weight, dtype=None, stype=None):
    return zeros(weight.shape, weight.context, dtype=weight.dtype if dtype is None else dtype, stype=stype)


def _same_stype(weight, state):
    states = state if isinstance(state, (tuple, list)) else [state]
    return all(s is None or s.stype == weight.stype for s in states)


def _clip_value(c):
    """MXNet's kernels take clip_gradient only when it is truthy."""
    return c if c else None


@register
class SGD(Optimizer):
    """SGD with momentum and weight decay (``lazy_update`` only matters for sparse gradients)::

        g = clip(rescale_grad * grad) + wd * weight
        mom = momentum * mom - lr * g;  weight += mom        (momentum > 0)
        weight -= lr * g                                     (momentum = 0)
    """
    _master_first = False

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.aggregate_num = int(os.getenv('MXNET_OPTIMIZER_AGGREGATION_SIZE', '4'))

    def create_state(self, index, weight):
        return _zeros_like(weight, stype=_stype_of(weight, self.lazy_update)) if self.momentum != 0.0 else None

    def _lazy(self, weight, grad, state):
        return self.lazy_update and grad.stype == 'row_sparse' and _same_stype(weight, state)

    def _step(self, indices, weights, grads, states, lrs, wds):
        neg_lrs = [-lr for lr in lrs]
        if self.momentum > 0 and not _clip_value(self.clip_gradient):
            # MXNet's kernel: mom = momentum * mom - lr * wd * weight - (lr * rescale_grad) * grad, so no
            # rescaled copy of the gradients is needed
            moms = [s._data for s in states]
            torch._foreach_mul_(moms, self.momentum)
            _add_scaled_(moms, weights, [a * wd for a, wd in zip(neg_lrs, wds)])
            _add_scaled_(moms, grads, [a * self.rescale_grad for a in neg_lrs])
            torch._foreach_add_(weights, moms)
            return
        g = _rescaled(grads, self.rescale_grad, _clip_value(self.clip_gradient), weights, wds)
        if self.momentum > 0:
            moms = [s._data for s in states]
            torch._foreach_mul_(moms, self.momentum)
            _add_scaled_(moms, g, neg_lrs)
            torch._foreach_add_(weights, moms)
        else:
            _add_scaled_(weights, g, neg_lrs)


@register
class ccSGD(SGD):  # noqa: N801 -- MXNet's name
    """[DEPRECATED] Same as SGD."""


@register
class NAG(Optimizer):
    """Nesterov accelerated gradient, as MXNet's in-place kernel computes it (``mom`` holds lr-scaled steps;
    its last term sees the already updated weight)::

        g = clip(rescale_grad * grad);  mom = momentum * mom
        weight = weight - mom + (1 + momentum) * (mom - lr * (g + wd * weight))
        mom = mom - lr * (g + wd * weight)
    """
    _master_first = False

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state(self, index, weight):
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _step(self, indices, weights, grads, states, lrs, wds):
        neg_lrs = [-lr for lr in lrs]
        if not self.momentum > 0:
            g = _rescaled(grads, self.rescale_grad, _clip_value(self.clip_gradient), weights, wds)
            _add_scaled_(weights, g, neg_lrs)
            return
        g = _rescaled(grads, self.rescale_grad, _clip_value(self.clip_gradient))
        moms = [s._data for s in states]
        torch._foreach_mul_(moms, self.momentum)
        step = torch._foreach_mul(weights, wds)
        torch._foreach_add_(step, g)
        torch._foreach_mul_(step, neg_lrs)
        torch._foreach_add_(step, moms)
        torch._foreach_sub_(weights, moms)
        torch._foreach_add_(weights, step, alpha=1. + self.momentum)
        step = torch._foreach_mul(weights, wds)
        torch._foreach_add_(step, g)
        _add_scaled_(moms, step, neg_lrs)


@register
class Adam(Optimizer):
    """Adam; the bias correction is folded into the learning rate, weight decay is added to the gradient::

        lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)
        g = clip(rescale_grad * grad + wd * weight)
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g**2
        weight -= lr_t * m / (sqrt(v) + epsilon)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        stype = _stype_of(weight, self.lazy_update)
        return (_zeros_like(weight, stype=stype), _zeros_like(weight, stype=stype))

    def _lazy(self, weight, grad, state):
        return self.lazy_update and grad.stype == 'row_sparse' and _same_stype(weight, state)

    def _step(self, indices, weights, grads, states, lrs, wds):
        counts = self._index_update_count
        steps = []
        for i, lr in zip(indices, lrs):
            t = counts[i]
            steps.append(-lr * math.sqrt(1. - self.beta2 ** t) / (1. - self.beta1 ** t))
        g = _rescaled(grads, self.rescale_grad, _clip_value(self.clip_gradient), weights, wds, clip_after_wd=True)
        mean = [s[0]._data for s in states]
        var = [s[1]._data for s in states]
        torch._foreach_mul_(mean, self.beta1)
        torch._foreach_add_(mean, g, alpha=1. - self.beta1)
        torch._foreach_mul_(var, self.beta2)
        torch._foreach_addcmul_(var, g, g, value=1. - self.beta2)
        denom = torch._foreach_sqrt(var)
        torch._foreach_add_(denom, self.epsilon)
        torch._foreach_addcdiv_(weights, mean, denom, steps)


class _Elementwise(Optimizer):
    """Optimizers whose rule is written per tensor: ``_rule(index, w, g, state, lr, wd)`` on torch tensors."""

    def _step(self, indices, weights, grads, states, lrs, wds):
        for args in zip(indices, weights, grads, states, lrs, wds):
            self._rule(*args)

    def _rule(self, index, w, g, state, lr, wd):
        raise NotImplementedError()

    def _clipped(self, g, clip):
        return g.clamp(-clip, clip) if clip is not None else g


@register
class AdaGrad(_Elementwise):
    """AdaGrad: ``g = clip(rescale_grad * grad); history += g**2;
    weight -= lr * (g / sqrt(history + eps) + wd * weight)``."""

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        return zeros(weight.shape, weight.context)

    def _rule(self, index, w, g, state, lr, wd):
        g = self._clipped(g * self.rescale_grad, self.clip_gradient)
        h = state._data
        h += g * g
        div = g / torch.sqrt(h + self.float_stable_eps)
        w += (div + w * wd) * -lr


@register
class RMSProp(_Elementwise):
    """RMSProp (Tieleman & Hinton) or, with ``centered``, Graves' version; ``clip_weights`` clips the result::

        g = clip(rescale_grad * grad + wd * weight)
        n = (1 - gamma1) * g**2 + gamma1 * n
        plain:    weight -= lr * g / sqrt(n + epsilon)
        centered: mg = (1 - gamma1) * g + gamma1 * mg
                  delta = gamma2 * delta - lr * g / sqrt(n - mg**2 + epsilon);  weight += delta
    """

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False,
                 clip_weights=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        n = 3 if self.centered else 1
        return tuple(zeros(weight.shape, weight.context) for _ in range(n))

    def _rule(self, index, w, g, state, lr, wd):
        g = self._clipped(g * self.rescale_grad + wd * w, _clip_value(self.clip_gradient))
        n = state[0]._data
        n.copy_((1 - self.gamma1) * (g * g) + self.gamma1 * n)
        if self.centered:
            mg, delta = state[1]._data, state[2]._data
            mg.copy_((1 - self.gamma1) * g + self.gamma1 * mg)
            delta.copy_(self.gamma2 * delta - lr * (g / torch.sqrt(n - mg * mg + self.epsilon)))
            w += delta
        else:
            w -= lr * (g / torch.sqrt(n + self.epsilon))
        if self.clip_weights:
            w.clamp_(-self.clip_weights, self.clip_weights)


@register
class AdaDelta(_Elementwise):
    """AdaDelta (no learning rate)::

        g = clip(rescale_grad * grad);  acc_g = rho * acc_g + (1 - rho) * g**2
        delta = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta**2;  weight -= delta + wd * weight
    """

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context), zeros(weight.shape, weight.context))

    def _rule(self, index, w, g, state, lr, wd):
        g = self._clipped(g * self.rescale_grad, self.clip_gradient)
        acc_g, acc_delta = state[0]._data, state[1]._data
        acc_g *= self.rho
        acc_g += (1. - self.rho) * g * g
        delta = torch.sqrt(acc_delta + self.epsilon) / torch.sqrt(acc_g + self.epsilon) * g
        acc_delta *= self.rho
        acc_delta += (1. - self.rho) * delta * delta
        w -= delta + wd * w


@register
class Adamax(_Elementwise):
    """Adamax (Adam with the infinity norm)::

        g = clip(rescale_grad * grad + wd * weight)
        m = beta1 * m + (1 - beta1) * g;  u = max(beta2 * u, |g|)
        weight -= lr / (1 - beta1**t) * m / u
    """

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    def _rule(self, index, w, g, state, lr, wd):
        lr /= (1. - self.beta1 ** self._index_update_count[index])
        g = self._clipped(g * self.rescale_grad + wd * w, self.clip_gradient)
        m, u = state[0]._data, state[1]._data
        m *= self.beta1
        m += (1. - self.beta1) * g
        torch.maximum(self.beta2 * u, g.abs(), out=u)
        w -= lr * m / u


@register
class Nadam(_Elementwise):
    """Nadam (Adam with Nesterov momentum and a momentum schedule; the schedule product ``m_schedule`` is one
    value shared by all parameters, as in MXNet)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, schedule_decay=0.004,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    def _rule(self, index, w, g, state, lr, wd):
        t = self._index_update_count[index]
        g = self._clipped(g * self.rescale_grad + wd * w, self.clip_gradient)
        momentum_t = self.beta1 * (1. - 0.5 * (pow(0.96, t * self.schedule_decay)))
        momentum_t_1 = self.beta1 * (1. - 0.5 * (pow(0.96, (t + 1) * self.schedule_decay)))
        self.m_schedule = self.m_schedule * momentum_t
        m_schedule_next = self.m_schedule * momentum_t_1
        m, v = state[0]._data, state[1]._data
        m *= self.beta1
        m += (1. - self.beta1) * g
        v *= self.beta2
        v += (1. - self.beta2) * g * g
        g_prime = g / (1. - self.m_schedule)
        m_prime = m / (1. - m_schedule_next)
        v_prime = v / (1. - pow(self.beta2, t))
        m_bar = (1. - momentum_t) * g_prime + momentum_t_1 * m_prime
        w -= lr * m_bar / (torch.sqrt(v_prime) + self.epsilon)


@register
class Ftrl(_Elementwise):
    """FTRL-proximal::

        g = clip(rescale_grad * grad)
        z += g - (sqrt(n + g**2) - sqrt(n)) * weight / lr;  n += g**2
        weight = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (|z| > lamda1)
    """

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, stype=weight.stype),
                zeros(weight.shape, weight.context, stype=weight.stype))

    def _lazy(self, weight, grad, state):
        # MXNet's sparse FTRL kernel runs only when weight, grad and both states are row_sparse
        return weight.stype == grad.stype == 'row_sparse' and all(s.stype == 'row_sparse' for s in state)

    def _rule(self, index, w, g, state, lr, wd):
        g = self._clipped(g * self.rescale_grad, _clip_value(self.clip_gradient))
        z, n = state[0]._data, state[1]._data
        z += g - (torch.sqrt(n + g * g) - torch.sqrt(n)) * w / lr
        n += g * g
        w.copy_((torch.sign(z) * self.lamda1 - z) / ((self.beta + torch.sqrt(n)) / lr + wd)
                * (z.abs() > self.lamda1).to(w.dtype))


@register
class FTML(_Elementwise):
    """Follow the Moving Leader::

        g = clip(rescale_grad * grad + wd * weight);  v = beta2 * v + (1 - beta2) * g**2
        d_t = (1 - beta1**t) / lr * (sqrt(v / (1 - beta2**t)) + epsilon)
        z = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * weight;  d = d_t;  weight = -z / d_t
    """

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return tuple(_zeros_like(weight) for _ in range(3))

    def _rule(self, index, w, g, state, lr, wd):
        t = self._index_update_count[index]
        g = self._clipped(g * self.rescale_grad + wd * w, _clip_value(self.clip_gradient))
        d, v, z = state[0]._data, state[1]._data, state[2]._data
        v.copy_(self.beta2 * v + (1. - self.beta2) * g * g)
        d_t = (1. - self.beta1 ** t) / lr * (torch.sqrt(v / (1. - self.beta2 ** t)) + self.epsilon)
        z.copy_(self.beta1 * z + (1. - self.beta1) * g - (d_t - self.beta1 * d) * w)
        d.copy_(d_t)
        w.copy_(-z / d_t)


@register
class Signum(_Elementwise):
    """Signum (momentum > 0) or signSGD::

        signum:  mom = momentum * mom - (1 - momentum) * (clip(rescale_grad * grad) + wd * weight)
                 weight = (1 - lr * wd_lh) * weight + lr * sign(mom)
        signSGD: weight = (1 - lr * wd) * weight - lr * sign(rescale_grad * grad)
    """

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index, weight):
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _rule(self, index, w, g, state, lr, wd):
        if state is None:
            w.copy_((1. - lr * wd) * w - lr * torch.sign(g * self.rescale_grad))
            return
        g = self._clipped(g * self.rescale_grad, _clip_value(self.clip_gradient))
        mom = state._data
        mom.copy_(self.momentum * mom - (1. - self.momentum) * wd * w - (1. - self.momentum) * g)
        w.copy_((1. - lr * self.wd_lh) * w + lr * torch.sign(mom))


@register
class LAMB(Optimizer):
    """LAMB: Adam-style direction ``r = m_hat / (sqrt(v_hat) + epsilon) + wd * weight`` (bias-corrected when
    ``bias_correction``), scaled by the trust ratio ||weight|| / ||r|| (||weight|| bounded by
    ``lower_bound``/``upper_bound``; ratio 1 when either norm is 0): ``weight -= lr * ratio * r``."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6, lower_bound=None,
                 upper_bound=None, bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction
        self.aggregate_num = max(1, min(45, int(os.getenv('MXNET_OPTIMIZER_AGGREGATION_SIZE', '45'))))

    def create_state(self, index, weight):
        return (_zeros_like(weight), _zeros_like(weight))

    def _step(self, indices, weights, grads, states, lrs, wds):
        clip = _clip_value(self.clip_gradient)
        dirs = _kernels.lamb_directions(
            weights, grads, [st[0]._data for st in states], [st[1]._data for st in states],
            [self._index_update_count[i] for i in indices], wds, self.beta1, self.beta2, self.epsilon,
            self.rescale_grad, -1. if clip is None else clip, self.bias_correction)
        _kernels.lamb_apply(weights, dirs, lrs, self.lower_bound or -1., self.upper_bound or -1.)


@register
class SGLD(_Elementwise):
    """Stochastic gradient Langevin dynamics: ``weight += -lr/2 * (g + wd * weight) + N(0, sqrt(lr))`` with
    ``g = clip(rescale_grad * grad)``; the noise comes from torch's generator (``mx.random.seed``)."""

    def create_state(self, index, weight):
        return None

    def _rule(self, index, w, g, state, lr, wd):
        g = self._clipped(g * self.rescale_grad, self.clip_gradient)
        w += -lr / 2 * (g + wd * w)
        w += torch.randn_like(w) * math.sqrt(lr)


@register
class DCASGD(_Elementwise):
    """Delay-compensated async SGD::

        g = clip(rescale_grad * grad)
        step = -lr * (g + wd * weight + lamda * g * g * (weight - previous_weight))
        mom = momentum * mom + step (momentum > 0; else mom = step);  previous_weight = weight;  weight += mom

    (MXNet 1.9.1 raises on momentum > 0 for arrays of more than one element; here momentum works.)"""

    def __init__(self, momentum=0.0, lamda=0.04, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous = {}
        self.lamda = lamda

    def create_state(self, index, weight):
        return (_zeros_like(weight) if self.momentum != 0.0 else None, weight.copy())

    def _rule(self, index, w, g, state, lr, wd):
        g = self._clipped(g * self.rescale_grad, self.clip_gradient)
        mom, prev = state
        prev = prev._data
        step = -lr * (g + wd * w + self.lamda * g * g * (w - prev))
        if mom is not None:
            mom = mom._data
            mom *= self.momentum
            mom += step
            step = mom
        prev.copy_(w)
        w += step


@register
class Test(Optimizer):
    """For tests: ``weight += rescale_grad * grad``; the state keeps a copy of the weight."""

    def create_state(self, index, weight):
        return zeros(weight.shape, weight.context)

    def _step(self, indices, weights, grads, states, lrs, wds):
        for w, g, s in zip(weights, grads, states):
            w += g * self.rescale_grad
            s._data.copy_(w)
