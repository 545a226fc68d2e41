"""``mx.sym.random``: the ``_random_<name>`` operators under ``<name>``, and samplers with MXNet's Python
signatures: number parameters give one distribution (``_random_<dist>``, an output of ``shape``); Symbol
parameters one distribution per element (``_sample_<dist>``, output shape ``param.shape + shape``)."""
from ..base import numeric_types
from .._op import registry as _registry
from .._op import namespace as _namespace
from .register import make_function as _make_function
from .symbol import Symbol

_namespace.attach(globals(), _namespace.SUBMODULES['random'], _make_function)

__all__ = ['uniform', 'normal', 'randn', 'randint', 'poisson', 'exponential', 'gamma', 'negative_binomial',
           'generalized_negative_binomial', 'multinomial', 'shuffle']


def _op(name):
    return _make_function(_registry.get(name), name)


def _draw(dist, params, shape, dtype, kwargs):
    """``_random_<dist>`` on number parameters or ``_sample_<dist>`` on Symbol parameters."""
    first = params[0]
    kw = dict(kwargs)
    if dtype is not None:
        kw['dtype'] = dtype
    if isinstance(first, Symbol):
        if not all(isinstance(v, Symbol) for v in params[1:]):
            raise AssertionError('Distribution parameters must all have the same type, but got %s'
                                 % [type(v).__name__ for v in params])
        if shape is not None:
            kw['shape'] = shape
        return _op('_sample_' + dist)(*params, **kw)
    if isinstance(first, numeric_types):
        if not all(isinstance(v, numeric_types) for v in params[1:]):
            raise AssertionError('Distribution parameters must all have the same type, but got %s'
                                 % [type(v).__name__ for v in params])
        op = _registry.get('_random_' + dist)
        names = [n for n in op.params if n not in ('shape', 'ctx', 'dtype')]
        kw.update(zip(names, params))
        kw['shape'] = 1 if shape is None else shape
        return _op('_random_' + dist)(**kw)
    raise ValueError('Distribution parameters must be either Symbol or numbers, but got %s.' % type(first))


def uniform(low=0, high=1, shape=None, dtype=None, **kwargs):
    """Samples from the uniform distribution on [low, high)."""
    return _draw('uniform', [low, high], shape, dtype, kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, **kwargs):
    """Samples from the normal distribution (mean ``loc``, standard deviation ``scale``)."""
    return _draw('normal', [loc, scale], shape, dtype, kwargs)


def randn(*shape, **kwargs):
    """Normal samples of shape ``shape`` (``loc``, ``scale`` by keyword)."""
    loc = kwargs.pop('loc', 0)
    scale = kwargs.pop('scale', 1)
    dtype = kwargs.pop('dtype', None)
    return _draw('normal', [loc, scale], shape or None, dtype, kwargs)


def randint(low, high, shape=None, dtype=None, **kwargs):
    """Integers drawn uniformly from [low, high)."""
    return _draw('randint', [low, high], shape, dtype, kwargs)


def poisson(lam=1, shape=None, dtype=None, **kwargs):
    """Samples from the Poisson distribution of rate ``lam``."""
    return _draw('poisson', [lam], shape, dtype, kwargs)


def exponential(scale=1, shape=None, dtype=None, **kwargs):
    """Samples from the exponential distribution of scale ``scale`` (rate 1/scale)."""
    return _draw('exponential', [1.0 / scale], shape, dtype, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, **kwargs):
    """Samples from the gamma distribution (shape ``alpha``, scale ``beta``)."""
    return _draw('gamma', [alpha, beta], shape, dtype, kwargs)


def negative_binomial(k=1, p=1, shape=None, dtype=None, **kwargs):
    """Samples from the negative binomial distribution (``k`` failures, success probability ``p``)."""
    return _draw('negative_binomial', [k, p], shape, dtype, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, **kwargs):
    """Samples from the generalized negative binomial distribution (mean ``mu``, dispersion ``alpha``)."""
    return _draw('generalized_negative_binomial', [mu, alpha], shape, dtype, kwargs)


def multinomial(data, shape=None, get_prob=False, dtype='int32', **kwargs):
    """Category indices drawn from the distributions along the last axis of ``data``."""
    kw = dict(kwargs, get_prob=get_prob, dtype=dtype)
    if shape is not None:
        kw['shape'] = shape
    return _op('_sample_multinomial')(data, **kw)


def shuffle(data, **kwargs):
    """``data`` randomly permuted along the first axis."""
    return _op('_shuffle')(data, **kwargs)
