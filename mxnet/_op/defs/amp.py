"""Mixed-precision helpers: ``amp_cast``, ``amp_multicast``, ``all_finite`` and ``multi_all_finite``.

MXNet contract: the AMP casts convert floating-point inputs only (integer inputs pass through unchanged) and
their gradient is the output gradient cast back. ``amp_multicast`` casts every float input to the widest float
dtype among them (the narrowest with ``cast_narrow``). ``all_finite`` / ``multi_all_finite`` give a float32
array of shape (1,) holding 1 when every element of every input is finite, else 0.
"""
import torch

from ...base import MXNetError
from ... import _dtype
from ..registry import OpDef, register, same_shape
from ..params import Bool, DType, Int

_FLOATS = ('float16', 'bfloat16', 'float32', 'float64')
_WIDTH = {'float16': 16, 'bfloat16': 16, 'float32': 32, 'float64': 64}


def _amp_cast(p, data):
    if not data.is_floating_point():
        return data.clone()
    return data.to(_dtype.to_torch(p.dtype))


def _amp_cast_type(p, t):
    src = t[0]
    return t, [None if src is None else (p.dtype if src in _FLOATS else src)], []


register(OpDef('amp_cast', _amp_cast, params={'dtype': DType(doc='output dtype of the float inputs')},
               infer_shape=same_shape(), infer_type=_amp_cast_type,
               doc='Cast a floating-point input to ``dtype`` (integer inputs are copied unchanged).'))


def _target(p, names):
    floats = [n for n in names if n in _FLOATS]
    if not floats:
        return None
    pick = min if p.cast_narrow else max
    return pick(floats, key=lambda n: _WIDTH[n])


def _amp_multicast(p, *xs):
    if len(xs) != p.num_outputs:
        raise MXNetError('amp_multicast: num_outputs=%d but %d inputs were given' % (p.num_outputs, len(xs)))
    tgt = _target(p, [_dtype.TORCH2NAME[x.dtype] for x in xs])
    return tuple(x.to(_dtype.to_torch(tgt)) if x.is_floating_point() else x.clone() for x in xs)


def _amp_multicast_shape(p, shapes):
    return list(shapes), list(shapes), []


def _amp_multicast_type(p, t):
    if any(x is None for x in t):
        return t, [None] * len(t), []
    tgt = _target(p, t)
    return t, [tgt if x in _FLOATS else x for x in t], []


register(OpDef('amp_multicast', _amp_multicast, variadic='num_outputs', same_dtype=False,
               outputs=lambda p: ['output%d' % i for i in range(p.num_outputs)],
               params={'num_outputs': Int(low=1, doc='number of inputs (and outputs)'),
                       'cast_narrow': Bool(False, 'cast to the narrowest float type instead of the widest')},
               infer_shape=_amp_multicast_shape, infer_type=_amp_multicast_type,
               doc='Cast every floating-point input to one common float dtype (the widest, or the narrowest '
                   'with cast_narrow).'))


def _finite(xs):
    ok = True
    dev = xs[0].device if xs else None
    flag = torch.ones((1,), dtype=torch.float32, device=dev)
    for x in xs:
        if x.is_floating_point():
            ok = torch.isfinite(x).all() if ok is True else ok & torch.isfinite(x).all()
    if ok is True:
        return flag
    return flag * ok.to(torch.float32)


def _all_finite_shape(p, shapes):
    return list(shapes), [(1,)], []


def _all_finite_type(p, t):
    return t, ['float32'], []


register(OpDef('all_finite', lambda p, data: _finite([data]),
               params={'init_output': Bool(True, 'initialize the output to 1 first')},
               infer_shape=_all_finite_shape, infer_type=_all_finite_type,
               doc='A (1,) float32 array: 1 if every element of data is finite, else 0.'))

register(OpDef('multi_all_finite', lambda p, *xs: _finite(list(xs)), variadic='num_arrays', same_dtype=False,
               params={'num_arrays': Int(1, 'number of inputs', low=1),
                       'init_output': Bool(True, 'initialize the output to 1 first')},
               infer_shape=_all_finite_shape, infer_type=_all_finite_type,
               doc='A (1,) float32 array: 1 if every element of every input is finite, else 0.'))
