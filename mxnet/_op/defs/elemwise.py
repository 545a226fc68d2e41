"""Unary elementwise operators: rounding, powers, exponentials and logarithms, trigonometric and hyperbolic
functions, activations, special functions, ``clip``, ``smooth_l1``, copies, gradient stops and ``Cast``.

MXNet 1.x keeps the input dtype. On integer arrays the rounding family, ``abs``, ``sign``, ``negative``,
``relu`` and ``logical_not`` work on the integers directly; every other math function is computed in
float32 and converted back with C's truncating cast (``sqrt`` of int32 ``[2, 5]`` is ``[1, 2]``; results
out of range, such as ``sqrt(-1)``, give the type's minimum). Boolean arrays are rejected by the math
functions. ``round`` rounds half away from zero, ``rint`` half to even, ``fix`` towards zero.
"""
import math

import torch

from ...base import MXNetError
from ... import _dtype
from ... import _intgrad
from ..registry import OpDef, register, same_shape
from .. import gradients as _grad
from ..params import Float, DType
from .binary import scalar_as, float_to

_FLOATS = frozenset(_dtype.FLOATS)
_BOOL = torch.bool


def _bool_error(name):
    return MXNetError('Operator %s does not support boolean type (Unknown type enum 7)' % name)


def _unary(name, fn, ints='float32', aliases=(), method=True, params=None, doc=''):
    """Register ``name`` computing ``fn(x)`` (or ``fn(x, p)`` with params) on float arrays.

    ints: 'float32' computes integer arrays in float32 and truncates back; 'native' applies ``fn`` to the
    integers; 'identity' returns a copy (rounding); 'reject' raises MXNet's floating-point-only error.
    """
    call = (lambda p, x: fn(x, p)) if params else (lambda p, x: fn(x))

    def others(p, data):
        dt = data.dtype
        if dt is _BOOL:
            raise _bool_error(name)
        if ints == 'float32':
            return float_to(call(p, data.float()), dt)
        if ints == 'native':
            return call(p, data)
        if ints == 'identity':
            return data.clone()
        raise MXNetError('%s: This operation only support floating point types, not %s'
                         % (name, _dtype.TORCH2NAME[dt]))

    if params:
        def compute(p, data):
            if data.dtype in _FLOATS:
                return fn(data, p)
            return others(p, data)
    else:
        def compute(p, data):
            if data.dtype in _FLOATS:
                return fn(data)
            return others(p, data)

    register(OpDef(name, compute, aliases=aliases, params=params, method=method or None,
                   infer_shape=same_shape(), doc=doc or '%s of each element.' % name))


# ---- rounding --------------------------------------------------------------------------------------
def _round_half_away(x):
    t = torch.trunc(x)
    return torch.where((x - t).abs() >= 0.5, t + torch.sign(x), t)


_unary('round', _round_half_away, 'identity', doc='Nearest integer, halves rounded away from zero.')
_unary('rint', torch.round, 'identity', doc='Nearest integer, halves rounded to even.')
_unary('ceil', torch.ceil, 'identity', doc='Smallest integer not below each element.')
_unary('floor', torch.floor, 'identity', doc='Largest integer not above each element.')
_unary('trunc', torch.trunc, 'identity', doc='Integer part, rounding towards zero.')
_unary('fix', torch.trunc, 'identity', doc='Rounds towards zero (same as trunc).')

# ---- sign and magnitude ----------------------------------------------------------------------------
_unary('abs', torch.abs, 'native', doc='Absolute value.')
_unary('sign', lambda x: torch.nan_to_num(torch.sign(x), nan=0.0), 'native',
       doc='-1, 0 or 1 by the sign of each element (0 for NaN).')
_unary('negative', torch.neg, 'native', method=False, doc='Numerical negative, ``-x``.')
_unary('reciprocal', torch.reciprocal, doc='``1 / x``.')

# ---- powers ----------------------------------------------------------------------------------------
def _cbrt(x):
    return torch.sign(x) * x.abs().pow(1.0 / 3.0)


_unary('square', torch.square, doc='``x * x``.')
_unary('sqrt', torch.sqrt, doc='Square root.')
_unary('rsqrt', torch.rsqrt, doc='``1 / sqrt(x)``.')
_unary('cbrt', _cbrt, doc='Cube root.')
_unary('rcbrt', lambda x: torch.reciprocal(_cbrt(x)), doc='``1 / cbrt(x)``.')

# ---- exponentials and logarithms -------------------------------------------------------------------
for _n, _f in [('exp', torch.exp), ('expm1', torch.expm1), ('log', torch.log), ('log10', torch.log10),
               ('log2', torch.log2), ('log1p', torch.log1p)]:
    _unary(_n, _f, doc={'exp': '``e ** x``.', 'expm1': '``exp(x) - 1``, accurate near 0.',
                        'log': 'Natural logarithm.', 'log10': 'Base-10 logarithm.', 'log2': 'Base-2 logarithm.',
                        'log1p': '``log(1 + x)``, accurate near 0.'}[_n])

# ---- trigonometric and hyperbolic ------------------------------------------------------------------
for _n, _f in [('sin', torch.sin), ('cos', torch.cos), ('tan', torch.tan), ('arcsin', torch.asin),
               ('arccos', torch.acos), ('arctan', torch.atan), ('sinh', torch.sinh), ('cosh', torch.cosh),
               ('tanh', torch.tanh), ('arcsinh', torch.asinh), ('arccosh', torch.acosh),
               ('arctanh', torch.atanh)]:
    _unary(_n, _f, doc='Elementwise %s (radians).' % _n)
_unary('degrees', torch.rad2deg, doc='Radians to degrees.')
_unary('radians', torch.deg2rad, doc='Degrees to radians.')

# ---- activations -----------------------------------------------------------------------------------
_unary('relu', torch.relu, 'native', doc='``max(x, 0)``.')
_unary('sigmoid', torch.sigmoid, doc='``1 / (1 + exp(-x))``.')
_unary('softsign', lambda x: x / (1 + x.abs()), method=False, doc='``x / (1 + |x|)``.')
_unary('hard_sigmoid', lambda x, p: torch.clamp(x * p.alpha + p.beta, 0.0, 1.0), 'reject', method=False,
       params={'alpha': Float(0.2, 'Slope of hard sigmoid'), 'beta': Float(0.5, 'Bias of hard sigmoid.')},
       doc='``clip(alpha * x + beta, 0, 1)``; floating-point arrays only.')

# ---- special functions -----------------------------------------------------------------------------
def _gamma(x):
    g = torch.exp(torch.lgamma(x))
    neg = x < 0
    # Gamma is negative between -2k-1 and -2k, and undefined (NaN) at the negative integers.
    g = torch.where(neg & (torch.remainder(torch.floor(x), 2) == 1), -g, g)
    return torch.where(neg & (x == torch.floor(x)), torch.full_like(g, math.nan), g)


_unary('erf', torch.erf, method=False, doc='Gauss error function.')
_unary('erfinv', torch.erfinv, method=False, doc='Inverse of the error function.')
_unary('gamma', _gamma, method=False, doc='Gamma function.')
_unary('gammaln', torch.lgamma, method=False, doc='``log(|gamma(x)|)``.')
_unary('logical_not', lambda x: (x == 0).to(x.dtype), 'native', method=False,
       doc='1 where the element is 0, else 0 (in the input dtype).')


# ---- clip and smooth_l1 ----------------------------------------------------------------------------
def _clip(p, data):
    if data.dtype is _BOOL:
        raise _bool_error('clip')
    lo, hi = scalar_as(p.a_min, data.dtype), scalar_as(p.a_max, data.dtype)
    if lo <= hi:
        return torch.clamp(data, lo, hi)
    # MXNet tests the upper bound first: with a_min > a_max, elements above a_max become a_max and the
    # rest a_min.
    return torch.where(data > hi, torch.full_like(data, hi), torch.clamp(data, min=lo))


register(OpDef('clip', _clip, method=True, infer_shape=same_shape(),
               params={'a_min': Float(doc='Minimum value'), 'a_max': Float(doc='Maximum value')},
               doc='Limits each element to [a_min, a_max] (the bounds are cast to the array\'s dtype).'))


def _smooth_l1(x, p):
    s2 = p.scalar * p.scalar
    ax = x.abs()
    return torch.where(ax < 1.0 / s2, 0.5 * s2 * x * x, ax - 0.5 / s2)


_unary('smooth_l1', _smooth_l1, method=False, params={'scalar': Float(1.0, 'scalar input')},
       doc='Smooth L1 loss with sigma = ``scalar``: ``(sigma * x) ** 2 / 2`` where ``|x| < 1 / sigma ** 2``, '
           'else ``|x| - 0.5 / sigma ** 2``.')


# ---- copies, gradient stops and casts --------------------------------------------------------------
register(OpDef('_copy', lambda p, data: data.clone(), aliases=('identity',), infer_shape=same_shape(),
               doc='A copy of the input.'))
register(OpDef('BlockGrad', lambda p, data: _grad.stop_gradient(data), aliases=('stop_gradient',), infer_shape=same_shape(),
               gradient='zero', doc='A copy of the input through which no gradient flows (the input\'s gradient is 0).'))


def _identity_like_rhs(p, lhs, rhs):
    if lhs.shape != rhs.shape:
        raise MXNetError('_identity_with_attr_like_rhs: lhs has shape %s but rhs has shape %s'
                         % (tuple(lhs.shape), tuple(rhs.shape)))
    return lhs.clone()


register(OpDef('_identity_with_attr_like_rhs', _identity_like_rhs, inputs=('lhs', 'rhs'), infer_shape=same_shape(),
               doc='A copy of lhs that takes the shape and dtype of rhs (lhs and rhs must agree); rhs takes no '
                   'gradient. Used to pass shape constraints backwards through a graph.'))


register(OpDef('make_loss', lambda p, data: _grad.ones_gradient(data), infer_shape=same_shape(),
               doc='Marks the input as a loss: the forward output is the input, and the gradient passed '
                   'back is all ones regardless of the output gradient.'))


def _cast(p, data):
    dt = _dtype.to_torch(p.dtype)
    return data.clone() if data.dtype is dt else _intgrad.cast(data, dt, float_to)


register(OpDef('Cast', _cast, aliases=('cast',), params={'dtype': DType(doc='Output data type.')},
               infer_shape=same_shape(),
               infer_type=lambda p, in_types: (in_types, [p.dtype], []),
               doc='The input converted to ``dtype`` (floats to integers truncate towards zero).'))
