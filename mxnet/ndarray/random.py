"""``mx.nd.random``: samplers with MXNet's Python signatures.

Number parameters draw from one distribution (the ``_random_*`` operators, an output of ``shape`` on ``ctx``);
NDArray parameters draw from one distribution per element (the ``_sample_*`` operators, output shape
``param.shape + shape``). Mixing numbers and NDArrays is an error, as in MXNet.
"""
from ..base import numeric_types
from ..context import current_context
from .._op import registry
from .ndarray import NDArray
from .register import invoke, make_function

__all__ = ['uniform', 'normal', 'randn', 'randint', 'poisson', 'exponential', 'gamma', 'negative_binomial',
           'generalized_negative_binomial', 'multinomial', 'shuffle', 'uniform_like', 'normal_like', 'gamma_like',
           'exponential_like', 'poisson_like', 'negative_binomial_like', 'generalized_negative_binomial_like']


def _draw(dist, params, shape, dtype, ctx, out, kwargs):
    """Run ``_random_<dist>`` on number parameters or ``_sample_<dist>`` on NDArray parameters."""
    first = params[0]
    if isinstance(first, NDArray):
        for v in params[1:]:
            if not isinstance(v, NDArray):
                raise AssertionError('Distribution parameters must all have the same type, but got both %s and %s.'
                                     % (type(first), type(v)))
        op = registry.get('_sample_' + dist)
        kw = dict(kwargs)
        if shape is not None:
            kw['shape'] = shape
        if dtype is not None:
            kw['dtype'] = dtype
        return invoke(op, list(params), kw, out=out)
    if isinstance(first, numeric_types):
        for v in params[1:]:
            if not isinstance(v, numeric_types):
                raise AssertionError('Distribution parameters must all have the same type, but got both %s and %s.'
                                     % (type(first), type(v)))
        op = registry.get('_random_' + dist)
        names = [n for n in op.params if n not in ('shape', 'ctx', 'dtype')]
        kw = dict(zip(names, params), **kwargs)
        if shape is None:
            # MXNet: one sample, or as many as ``out`` holds
            shape = out.shape if out is not None else 1
        kw.update(shape=shape, ctx=ctx or current_context())
        if dtype is not None:
            kw['dtype'] = dtype
        return invoke(op, [], kw, out=out)
    raise ValueError('Distribution parameters must be either NDArray or numbers, but got %s.' % type(first))


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the uniform distribution on [low, high)."""
    return _draw('uniform', [low, high], shape, dtype, ctx, out, kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the normal distribution with mean ``loc`` and standard deviation ``scale``."""
    return _draw('normal', [loc, scale], shape, dtype, ctx, out, kwargs)


def randn(*shape, **kwargs):
    """Normal samples of shape ``shape`` (given as separate integers); ``loc``, ``scale``, ``dtype``, ``ctx``
    and ``out`` as keywords."""
    loc = kwargs.pop('loc', 0)
    scale = kwargs.pop('scale', 1)
    dtype = kwargs.pop('dtype', None)
    ctx = kwargs.pop('ctx', None)
    out = kwargs.pop('out', None)
    return _draw('normal', [loc, scale], shape, dtype, ctx, out, kwargs)


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Integers drawn uniformly from [low, high) (int32 unless ``dtype`` is 'int64')."""
    if not (isinstance(low, numeric_types) and isinstance(high, numeric_types)):
        raise TypeError('randint: low and high must be numbers, got %s and %s' % (type(low), type(high)))
    return _draw('randint', [low, high], shape, dtype, ctx, out, kwargs)


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the Poisson distribution with rate ``lam`` (as floats)."""
    return _draw('poisson', [lam], shape, dtype, ctx, out, kwargs)


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the exponential distribution with mean ``scale`` (rate ``1 / scale``)."""
    return _draw('exponential', [1.0 / scale], shape, dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the gamma distribution with shape ``alpha`` and scale ``beta``."""
    return _draw('gamma', [alpha, beta], shape, dtype, ctx, out, kwargs)


def negative_binomial(k=1, p=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the negative binomial distribution: failures before ``k`` successes, each with success
    probability ``p``."""
    return _draw('negative_binomial', [k, p], shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from the generalized negative binomial distribution (mean ``mu``, dispersion ``alpha``)."""
    return _draw('generalized_negative_binomial', [mu, alpha], shape, dtype, ctx, out, kwargs)


def multinomial(data, shape=None, get_prob=False, out=None, dtype='int32', **kwargs):
    """Category indices drawn from the distributions along the last axis of ``data``; output shape
    ``data.shape[:-1] + shape``. With ``get_prob`` also returns the log-probabilities of the draws."""
    kw = dict(kwargs, get_prob=get_prob, dtype=dtype)
    if shape is not None:
        kw['shape'] = shape
    return invoke(registry.get('_sample_multinomial'), [data], kw, out=out)


def shuffle(data, **kwargs):
    """A copy of ``data`` with its elements randomly permuted along the first axis."""
    out = kwargs.pop('out', None)
    return invoke(registry.get('_shuffle'), [data], kwargs, out=out)


def _like(dist):
    return make_function(registry.get('_random_%s_like' % dist), dist + '_like')


uniform_like = _like('uniform')
normal_like = _like('normal')
gamma_like = _like('gamma')
exponential_like = _like('exponential')
poisson_like = _like('poisson')
negative_binomial_like = _like('negative_binomial')
generalized_negative_binomial_like = _like('generalized_negative_binomial')


# The other ``_random_*`` operators (and ones registered later) under their short names.
from .._op import namespace as _namespace  # noqa: E402
_namespace.attach(globals(), _namespace.SUBMODULES['random'], make_function)
