"""``mx.np.random``: NumPy-style samplers with MXNet's signatures (``size``, ``dtype``, ``ctx``, ``out``).

Parameters may be numbers or arrays (broadcast against each other and ``size``); ``size=None`` gives the
broadcast shape of the parameters (``()`` for numbers). Draws come from torch's generators, so
``mx.random.seed`` makes them reproducible (the streams differ from MXNet's). An unknown keyword (``shape=``)
is a TypeError, as in MXNet.
"""
import numbers

import numpy as _np
import torch

from ..base import MXNetError
from ..context import current_context
from ..ndarray.ndarray import NDArray
from .multiarray import wrap, tensor_of, torch_dtype, np_shape, default_float
from .functions import _ret

__all__ = ['uniform', 'normal', 'randint', 'choice', 'shuffle', 'rand', 'randn', 'multinomial', 'gamma', 'beta',
           'exponential', 'lognormal', 'logistic', 'gumbel', 'rayleigh', 'weibull', 'pareto', 'power',
           'chisquare', 'laplace', 'multivariate_normal', 'seed']


def seed(seed, ctx='all'):  # noqa: ARG001  (MXNet's parameter names)
    from .. import random as _random
    _random.seed(seed, ctx)


def _params(ctx, *params):
    """(device, Context, tensors of the parameters) with arrays deciding the device."""
    arr = next((p for p in params if isinstance(p, NDArray)), None)
    if ctx is None:
        ctx = arr.context if arr is not None else current_context()
    dev = ctx.torch_device
    return dev, ctx, [tensor_of(p, dev) for p in params]


def _shape(size, tensors):
    if size is None:
        return tuple(torch.broadcast_shapes(*[t.shape for t in tensors])) if tensors else ()
    return np_shape(size)


def _finish(t, ctx, out):
    if out is not None:
        return _ret(t, out, out)
    return wrap(t, ctx)


def _float_dtype(dtype, tensors):
    if dtype is not None:
        return torch_dtype(dtype)
    for t in tensors:
        if t.is_floating_point() and t.dim():
            return t.dtype
    return default_float()


def _sampler(name, draw, names, defaults, doc, has_dtype=True):
    """A sampler ``name(*params, size=None, dtype=None, ctx=None, out=None)`` drawing ``draw(shape, dtype,
    device, *param_tensors)``."""
    def sample(*args, **kwargs):
        if len(args) > len(names) + 4:
            raise TypeError('%s() takes at most %d positional arguments' % (name, len(names) + 4))
        values = dict(defaults)
        values.update(zip(names + ['size', 'dtype', 'ctx', 'out'] if has_dtype else names + ['size', 'ctx', 'out'],
                          args))
        for k, v in kwargs.items():
            if k not in names and k not in ('size', 'ctx', 'out') and not (has_dtype and k == 'dtype'):
                raise TypeError('%s() got an unexpected keyword argument %r' % (name, k))
            values[k] = v
        missing = [n for n in names if n not in values]
        if missing:
            raise TypeError('%s() missing required argument %r' % (name, missing[0]))
        dev, ctx, ts = _params(values.get('ctx'), *[values[n] for n in names])
        shape = _shape(values.get('size'), ts)
        tdt = _float_dtype(values.get('dtype'), ts)
        t = draw(shape, tdt, dev, *[p.to(tdt) for p in ts])
        return _finish(t, ctx, values.get('out'))
    sample.__name__ = sample.__qualname__ = name
    sample.__doc__ = doc
    return sample


def _u(shape, dtype, dev):
    return torch.rand(shape, dtype=dtype, device=dev)


def _n(shape, dtype, dev):
    return torch.randn(shape, dtype=dtype, device=dev)


uniform = _sampler('uniform', lambda s, d, dev, lo, hi: lo + (hi - lo) * _u(s, d, dev),
                   ['low', 'high'], {'low': 0.0, 'high': 1.0},
                   'uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, out=None): samples in [low, high).')
normal = _sampler('normal', lambda s, d, dev, loc, scale: loc + scale * _n(s, d, dev),
                  ['loc', 'scale'], {'loc': 0.0, 'scale': 1.0},
                  'normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, out=None): Gaussian samples.')
lognormal = _sampler('lognormal', lambda s, d, dev, m, sg: torch.exp(m + sg * _n(s, d, dev)),
                     ['mean', 'sigma'], {'mean': 0.0, 'sigma': 1.0}, 'log-normal samples.')
logistic = _sampler('logistic', lambda s, d, dev, loc, sc: loc + sc * torch.logit(_u(s, d, dev).clamp_min(1e-12)),
                    ['loc', 'scale'], {'loc': 0.0, 'scale': 1.0}, 'logistic samples.', False)
gumbel = _sampler('gumbel', lambda s, d, dev, loc, sc: loc - sc * torch.log(-torch.log(_u(s, d, dev).clamp_min(1e-12))),
                  ['loc', 'scale'], {'loc': 0.0, 'scale': 1.0}, 'Gumbel samples.', False)
laplace = _sampler('laplace', lambda s, d, dev, loc, sc: loc + sc * torch.distributions.Laplace(
    torch.zeros((), dtype=d, device=dev), torch.ones((), dtype=d, device=dev)).sample(s),
    ['loc', 'scale'], {'loc': 0.0, 'scale': 1.0}, 'Laplace samples.')
exponential = _sampler('exponential', lambda s, d, dev, sc: sc * torch.empty(s, dtype=d, device=dev).exponential_(),
                       ['scale'], {'scale': 1.0}, 'exponential samples.', False)
rayleigh = _sampler('rayleigh', lambda s, d, dev, sc: sc * torch.sqrt(-2 * torch.log1p(-_u(s, d, dev))),
                    ['scale'], {'scale': 1.0}, 'Rayleigh samples.', False)
weibull = _sampler('weibull', lambda s, d, dev, a: torch.pow(-torch.log1p(-_u(s, d, dev)), 1.0 / a),
                   ['a'], {}, 'Weibull samples.', False)
pareto = _sampler('pareto', lambda s, d, dev, a: torch.pow(1 - _u(s, d, dev), -1.0 / a) - 1,
                  ['a'], {}, 'Pareto II (Lomax) samples.', False)
power = _sampler('power', lambda s, d, dev, a: torch.pow(_u(s, d, dev), 1.0 / a), ['a'], {},
                 'power-distribution samples.', False)
gamma = _sampler('gamma', lambda s, d, dev, k, sc: sc * torch._standard_gamma(
    torch.broadcast_to(torch.as_tensor(k, dtype=d, device=dev), s).contiguous()),
    ['shape', 'scale'], {'scale': 1.0}, 'gamma(shape, scale=1.0, ...): gamma samples.')
beta = _sampler('beta', lambda s, d, dev, a, b: torch.distributions.Beta(
    torch.broadcast_to(a.to(d), s), torch.broadcast_to(b.to(d), s)).sample(),
    ['a', 'b'], {}, 'beta samples.')
chisquare = _sampler('chisquare', lambda s, d, dev, df: 2 * torch._standard_gamma(
    torch.broadcast_to(df.to(d) / 2, s).contiguous()), ['df'], {}, 'chi-square samples.')


def randint(low, high=None, size=None, dtype=None, ctx=None, out=None):
    """Integers in [low, high) (in [0, low) without ``high``); dtype int64 by default."""
    if high is None:
        low, high = 0, low
    if high <= low:
        raise MXNetError('randint: low (%s) must be less than high (%s)' % (low, high))
    ctx = ctx or current_context()
    tdt = torch_dtype(dtype, torch.int64)
    t = torch.randint(int(low), int(high), np_shape(size), dtype=torch.int64, device=ctx.torch_device).to(tdt)
    return _finish(t, ctx, out)


def rand(*size, **kwargs):
    """Uniform samples in [0, 1) of shape ``size``."""
    return uniform(size=size, **kwargs)


def randn(*size, **kwargs):
    """Standard normal samples of shape ``size``."""
    return normal(size=size, **kwargs)


def choice(a, size=None, replace=True, p=None, ctx=None, out=None):
    """Samples of ``arange(a)`` (an int) or of the 1-D array ``a``, with or without replacement, optionally
    with probabilities ``p``."""
    ctx = ctx or (a.context if isinstance(a, NDArray) else current_context())
    dev = ctx.torch_device
    n = int(a) if isinstance(a, (numbers.Integral, _np.integer)) else tensor_of(a).shape[0]
    shape = np_shape(size)
    k = int(_np.prod(shape)) if shape else 1
    if not replace and k > n:
        raise ValueError('Cannot take a larger sample than population when replace=False')
    if p is None:
        idx = torch.randint(0, n, (k,), device=dev) if replace else torch.randperm(n, device=dev)[:k]
    else:
        idx = torch.multinomial(tensor_of(p, dev).to(torch.float64), k, replacement=replace)
    idx = idx.reshape(shape)
    t = idx if isinstance(a, (numbers.Integral, _np.integer)) else tensor_of(a, dev)[idx]
    return _finish(t, ctx, out)


def shuffle(x):
    """Shuffle the array ``x`` along its first axis, in place."""
    t = x._data
    with torch.no_grad():
        t.copy_(t[torch.randperm(t.shape[0], device=t.device)])


def multinomial(n, pvals, size=None, **kwargs):
    """Counts of ``n`` draws over the categories of ``pvals`` (shape ``size + (len(pvals),)``), int64."""
    if kwargs.keys() - {'ctx', 'dtype'}:
        raise TypeError('multinomial() got unexpected keyword arguments %s' % ', '.join(kwargs))
    ctx = kwargs.get('ctx') or current_context()
    pv = tensor_of(pvals, ctx.torch_device).to(torch.float64)
    shape = np_shape(size)
    k = int(_np.prod(shape)) if shape else 1
    pv = pv.reshape(-1)
    if n and k and pv.numel():
        draws = torch.multinomial(pv.expand(k, -1), n, replacement=True)
    else:
        draws = torch.zeros((k, 0), dtype=torch.int64, device=pv.device)
    counts = torch.zeros((k, pv.shape[0]), dtype=torch.int64, device=pv.device)
    counts.scatter_add_(1, draws, torch.ones_like(draws))
    return wrap(counts.reshape(shape + (pv.shape[0],)).to(torch_dtype(kwargs.get('dtype'), torch.int64)), ctx)


def multivariate_normal(mean, cov, size=None, check_valid=None, tol=None):
    m, c = tensor_of(mean), tensor_of(cov)
    dt = m.dtype if m.is_floating_point() else default_float()
    dist = torch.distributions.MultivariateNormal(m.to(dt), covariance_matrix=c.to(dt))
    return wrap(dist.sample(np_shape(size)))
