"""Arithmetic extras: ``add_n`` (``ElementWiseSum``), the sum of any number of same-shape arrays, and
``_contrib_quadratic``, a * x^2 + b * x + c elementwise."""
from functools import reduce as _reduce

import torch

from ...base import MXNetError
from ..registry import OpDef, register, same_shape
from ..params import Float, Int
from .reduce import fmt_shape


def _add_n(p, *xs):
    if not xs:
        raise MXNetError('add_n: needs at least one input')
    for x in xs[1:]:
        if x.shape != xs[0].shape:
            raise MXNetError('add_n: every input must have the shape %s, got %s'
                             % (fmt_shape(xs[0].shape), fmt_shape(x.shape)))
    if len(xs) == 1:
        return xs[0].clone()
    return _reduce(torch.add, xs)


register(OpDef('add_n', _add_n, aliases=('ElementWiseSum', '_sparse_add_n', '_sparse_ElementWiseSum'),
               variadic='num_args', params={'num_args': Int(low=1, doc='number of inputs')},
               infer_shape=lambda p, s: same_shape(1)(p, s),
               doc='Elementwise sum of all inputs (same shape and dtype).'))


def _quadratic(p, x):
    return p.a * x * x + p.b * x + p.c


register(OpDef('_contrib_quadratic', _quadratic, infer_shape=same_shape(), params={
    'a': Float(0.0, 'coefficient of the quadratic term'), 'b': Float(0.0, 'coefficient of the linear term'),
    'c': Float(0.0, 'constant term')}, doc='a * data^2 + b * data + c, elementwise.'))
