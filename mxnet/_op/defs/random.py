"""Random sampling operators.

``_random_<dist>``: scalar distribution parameters, output of ``shape`` (``ctx``, ``dtype`` float32 unless given).
``_random_<dist>_like``: scalar parameters, output shaped and typed like the (floating point) input.
``_sample_<dist>``: one distribution per element of the parameter arrays; the output shape is the parameters'
shape followed by ``shape``. Plus ``_random_randint``, ``_sample_multinomial`` and ``_shuffle``.

Draws come from torch's default generator of the output's device, which ``mx.random.seed`` seeds.
"""
import torch

from ...base import MXNetError
from ... import _dtype
from ..registry import OpDef, register
from .. import gradients as _grad
from ..params import Shape, Ctx, Float, Int, Bool
from .init import DTypeIn, device_of, known_shape

FLOATS = ('float16', 'float32', 'float64')


def _work_dtype(tdt):
    # samplers need float32/float64; float16 output is drawn in float32 and rounded
    return torch.float64 if tdt is torch.float64 else torch.float32


# ---- samplers on tensors (parameters already broadcast to the output shape) -------------------------
def _uniform(shape, dt, dev, low, high):
    return low + (high - low) * torch.rand(shape, dtype=dt, device=dev)


def _normal(shape, dt, dev, loc, scale):
    return loc + scale * torch.randn(shape, dtype=dt, device=dev)


def _std_gamma(shape, dt, dev, alpha):
    alpha = torch.as_tensor(alpha, dtype=dt, device=dev).expand(shape)
    return torch.distributions.Gamma(alpha, torch.ones((), dtype=dt, device=dev), validate_args=False).sample()


def _gamma(shape, dt, dev, alpha, beta):
    return _std_gamma(shape, dt, dev, alpha) * beta


def _exponential(shape, dt, dev, lam):
    return torch.empty(shape, dtype=dt, device=dev).exponential_() / lam


def _poisson(shape, dt, dev, lam):
    return torch.poisson(torch.as_tensor(lam, dtype=dt, device=dev).expand(shape).contiguous())


def _negative_binomial(shape, dt, dev, k, p):
    # failures before the k-th success: a Poisson draw whose rate is Gamma(k, (1 - p) / p)
    p = torch.as_tensor(p, dtype=dt, device=dev)
    rate = _std_gamma(shape, dt, dev, k) * ((1 - p) / p)
    return torch.poisson(rate.clamp(min=0))


def _generalized_negative_binomial(shape, dt, dev, mu, alpha):
    # mean mu, variance mu + alpha * mu^2; alpha == 0 is the Poisson distribution
    mu = torch.as_tensor(mu, dtype=dt, device=dev).expand(shape)
    alpha = torch.as_tensor(alpha, dtype=dt, device=dev).expand(shape)
    pos = alpha > 0
    safe = torch.where(pos, alpha, torch.ones_like(alpha))
    rate = torch.where(pos, _std_gamma(shape, dt, dev, 1 / safe) * mu * safe, mu)
    return torch.poisson(rate.clamp(min=0))


def _check(opname, ok, what):
    if not ok:
        raise MXNetError('Operator %s: %s' % (opname, what))


def _checked_draw(opname, check, sampler, shape, tdt, dev, *params):
    """Samples, or for invalid distribution parameters zeros carrying the error: MXNet checks them when the
    operator runs, so the error is asynchronous (raised where the value is read, see ``mx.engine``)."""
    ok, what = check
    if ok or dev.type == 'meta':
        return _draw(sampler, shape, tdt, dev, *params)
    from ... import engine
    return engine.fail(torch.zeros(shape, dtype=tdt, device=dev), MXNetError('Operator %s: %s' % (opname, what)))


# name: (sampler, [(param, default, scalar check or None, message)], doc)
_DISTS = {
    'uniform': (_uniform, [('low', 0.0), ('high', 1.0)],
                lambda p: (p.high >= p.low, 'low must be less or equal to high in uniform distribution, got '
                           'low=%s, high=%s' % (p.low, p.high)),
                'Uniform distribution on [low, high).'),
    'normal': (_normal, [('loc', 0.0), ('scale', 1.0)],
               lambda p: (p.scale > 0, 'scale parameter in gaussian has to be positive, got %s' % p.scale),
               'Normal (Gaussian) distribution with mean ``loc`` and standard deviation ``scale``.'),
    'gamma': (_gamma, [('alpha', 1.0), ('beta', 1.0)],
              lambda p: (p.alpha > 0 and p.beta > 0, 'alpha and beta parameters in gamma distribution have to be '
                         'positive, got alpha=%s, beta=%s' % (p.alpha, p.beta)),
              'Gamma distribution with shape ``alpha`` and scale ``beta``.'),
    'exponential': (_exponential, [('lam', 1.0)],
                    lambda p: (p.lam > 0, 'lambda parameter in exponential distribution has to be positive, got %s'
                               % p.lam),
                    'Exponential distribution with rate ``lam``.'),
    'poisson': (_poisson, [('lam', 1.0)],
                lambda p: (p.lam >= 0, 'lambda parameter in poisson distribution has to be non-negative, got %s'
                           % p.lam),
                'Poisson distribution with rate ``lam`` (float samples).'),
    'negative_binomial': (_negative_binomial, [('k', 1), ('p', 1.0)],
                          lambda p: (p.k >= 0 and p.p >= 0, 'k and p parameters in negative binomial distribution '
                                     'have to be non-negative, got k=%s, p=%s' % (p.k, p.p)),
                          'Negative binomial distribution: failures before ``k`` successes, success probability '
                          '``p``.'),
    'generalized_negative_binomial': (
        _generalized_negative_binomial, [('mu', 1.0), ('alpha', 1.0)],
        lambda p: (p.mu >= 0 and p.alpha >= 0, 'mu and alpha parameters in generalized negative binomial '
                   'distribution have to be non-negative, got mu=%s, alpha=%s' % (p.mu, p.alpha)),
        'Generalized negative binomial distribution with mean ``mu`` and dispersion ``alpha``.'),
}

# the sample ops name their parameter arrays differently from the scalar ops
_SAMPLE_INPUTS = {'uniform': ('low', 'high'), 'normal': ('mu', 'sigma'), 'gamma': ('alpha', 'beta'),
                  'exponential': ('lam',), 'poisson': ('lam',), 'negative_binomial': ('k', 'p'),
                  'generalized_negative_binomial': ('mu', 'alpha')}


def _draw(sampler, shape, tdt, dev, *params):
    """Samples of ``shape`` as ``tdt``; shape-only (meta) tensors get no draws."""
    if dev.type == 'meta':
        return torch.empty(shape, dtype=tdt, device=dev)
    with torch.no_grad():
        return sampler(shape, _work_dtype(tdt), dev, *params).to(tdt)


_zero_grad = _grad.zero_gradient


def _out_type(default):
    def infer(p, in_types):
        return in_types, [p.dtype or default], []
    return infer


def _scalar_params(p, names):
    return [getattr(p, n) for n, _ in names]


def _random_op(dist):
    sampler, names, check, doc = _DISTS[dist]
    name = '_random_' + dist

    def compute(p):
        shape = known_shape(name, p.shape)
        return _checked_draw(name, check(p), sampler, shape, _dtype.to_torch(p.dtype or 'float32'), device_of(p),
                             *_scalar_params(p, names))

    params = {n: (Int(d) if isinstance(d, int) else Float(d)) for n, d in names}
    params.update({'shape': Shape(None), 'ctx': Ctx(None), 'dtype': DTypeIn(FLOATS)})
    register(OpDef(name, compute, inputs=(), params=params, aliases=('random_' + dist,) + (
        (dist,) if dist in ('uniform', 'normal') else ()), infer_type=_out_type('float32'),
        infer_shape=lambda p, s: (s, [tuple(p.shape) if p.shape and all(d > 0 for d in p.shape) else None], []),
        doc=doc))


def _float_input(opname, data):
    if not data.dtype.is_floating_point:
        raise MXNetError('Operator %s: This operation only support floating point types, not %s'
                         % (opname, _dtype.TORCH2NAME[data.dtype]))


def _like_op(dist):
    sampler, names, check, doc = _DISTS[dist]
    name = '_random_%s_like' % dist

    def compute(p, data):
        _float_input(name, data)
        return _zero_grad(_checked_draw(name, check(p), sampler, tuple(data.shape), data.dtype, data.device,
                                        *_scalar_params(p, names)), data)

    params = {n: (Int(d) if isinstance(d, int) else Float(d)) for n, d in names}
    register(OpDef(name, compute, params=params, doc=doc + ' Output shaped and typed like the input.'))


def _sample_shape(opname, in_shapes, shape):
    s0 = in_shapes[0]
    for s in in_shapes[1:]:
        if s is not None and s0 is not None and tuple(s) != tuple(s0):
            raise MXNetError('Operator %s inferring shapes failed: the parameter arrays have different shapes '
                             '%s and %s' % (opname, tuple(s0), tuple(s)))
    return None if s0 is None else tuple(s0) + tuple(shape)


def _sample_op(dist):
    sampler, _, _, doc = _DISTS[dist]
    name = '_sample_' + dist
    inputs = _SAMPLE_INPUTS[dist]

    def compute(p, *params):
        out_shape = _sample_shape(name, [t.shape for t in params], p.shape)
        tdt = _dtype.to_torch(p.dtype or 'float32')
        wdt = _work_dtype(tdt)
        # each parameter element gets its own block of samples along the trailing ``shape`` axes
        view = tuple(params[0].shape) + (1,) * len(p.shape)
        expanded = [t.detach().to(wdt).reshape(view).expand(out_shape) for t in params]
        return _zero_grad(_draw(sampler, out_shape, tdt, params[0].device, *expanded), *params)

    def infer_shape(p, in_shapes):
        known = next((s for s in in_shapes if s is not None), None)
        ins = [known if s is None else s for s in in_shapes]
        out = _sample_shape(name, ins, p.shape)
        return ins, [out], []

    def infer_type(p, in_types):
        known = [t for t in in_types if t is not None]
        if known and any(t != known[0] for t in known):
            raise MXNetError('Operator %s: the parameter arrays have different dtypes %s' % (name, known))
        t0 = known[0] if known else None
        return [t0] * len(in_types), [p.dtype or 'float32'], []

    register(OpDef(name, compute, inputs=inputs, aliases=('sample_' + dist,), infer_shape=infer_shape,
                   infer_type=infer_type, params={'shape': Shape(()), 'dtype': DTypeIn(FLOATS)},
                   doc=doc + ' One distribution per element of the parameter arrays.'))


for _dist in _DISTS:
    _random_op(_dist)
    _like_op(_dist)
    _sample_op(_dist)


def _randint(p):
    name = '_random_randint'
    _check(name, p.high > p.low, 'low must be less than high in randint, got low=%d, high=%d' % (p.low, p.high))
    shape = known_shape(name, p.shape)
    tdt = _dtype.to_torch(p.dtype or 'int32')
    dev = device_of(p)
    if dev.type == 'meta':
        return torch.empty(shape, dtype=tdt, device=dev)
    return torch.randint(p.low, p.high, shape, dtype=torch.int64, device=dev).to(tdt)


register(OpDef('_random_randint', _randint, inputs=(), aliases=('random_randint',),
               params={'low': Int(), 'high': Int(), 'shape': Shape(None), 'ctx': Ctx(None),
                       'dtype': DTypeIn(('int32', 'int64'))},
               infer_type=_out_type('int32'),
               infer_shape=lambda p, s: (s, [tuple(p.shape) if p.shape and all(d > 0 for d in p.shape) else None],
                                         []),
               doc='Integers drawn uniformly from [low, high).'))


def _multinomial_shape(data_shape, shape):
    return (tuple(data_shape[:-1]) + tuple(shape)) or (1,)


def _multinomial(p, data):
    name = '_sample_multinomial'
    _float_input(name, data)
    if data.dim() < 1 or data.shape[-1] < 1:
        raise MXNetError('Operator %s: data must have at least one dimension with at least one category, got '
                         'shape %s' % (name, tuple(data.shape)))
    out_shape = _multinomial_shape(data.shape, p.shape)
    tdt = _dtype.to_torch(p.dtype or 'int32')
    k = data.shape[-1]
    flat = data.reshape(-1, k)
    n = 1
    for d in p.shape:
        n *= d
    if data.device.type == 'meta':
        idx = torch.empty((flat.shape[0], n), dtype=torch.int64, device='meta')
    else:
        # MXNet's rule: the first category whose cumulative probability exceeds a uniform draw
        cdf = flat.detach().to(torch.float64).cumsum(-1).contiguous()
        u = torch.rand((flat.shape[0], n), dtype=torch.float64, device=data.device)
        idx = torch.searchsorted(cdf, u, right=True).clamp_(max=k - 1)
    sample = idx.reshape(out_shape).to(tdt)
    if not p.get_prob:
        return sample
    return sample, torch.log(flat.gather(1, idx)).reshape(out_shape)


def _multinomial_infer_type(p, in_types):
    return in_types, [p.dtype or 'int32'] + ([in_types[0]] if p.get_prob else []), []


def _multinomial_infer_shape(p, in_shapes):
    s = in_shapes[0]
    out = None if s is None else _multinomial_shape(s, p.shape)
    return in_shapes, [out] * (2 if p.get_prob else 1), []


register(OpDef('_sample_multinomial', _multinomial, aliases=('sample_multinomial',),
               params={'shape': Shape(()), 'get_prob': Bool(False),
                       'dtype': DTypeIn(('float16', 'float32', 'float64', 'int32', 'uint8'), 'int32')},
               outputs=lambda p: ('output', 'prob') if p.get_prob else ('output',),
               infer_type=_multinomial_infer_type, infer_shape=_multinomial_infer_shape,
               doc='Category indices drawn from the distributions along the last axis of ``data`` (probabilities '
                   'summing to one); with ``get_prob`` also their log-probabilities.'))


def _shuffle(p, data):
    if data.device.type == 'meta' or data.dim() == 0:
        return data.clone()
    return data[torch.randperm(data.shape[0], device=data.device)]


register(OpDef('_shuffle', _shuffle, aliases=('shuffle',),
               doc='The array with its elements randomly permuted along the first axis.'))
