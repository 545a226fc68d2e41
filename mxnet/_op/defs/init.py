"""Array creation: ``_zeros``, ``_ones``, ``_full``, ``_empty``, ``_arange``, ``_linspace``, ``_eye`` and the
``zeros_like``/``ones_like`` family."""
import math

import torch

from ...base import MXNetError
from ...context import current_context
from ... import _dtype
from ..registry import OpDef, register
from ..params import Shape, Ctx, DType, Float, Int, Bool


def device_of(p):
    """torch device of an op's ``ctx`` parameter (default: the current context)."""
    return (p.ctx or current_context()).torch_device


def _create_type(p, in_types):
    return in_types, [p.dtype or 'float32'], []


def _fill(value):
    def compute(p, *_):
        return torch.full(p.shape, value if value is not None else p.value, dtype=_dtype.to_torch(p.dtype or
                          'float32'), device=device_of(p))
    return compute


def _creation(name, compute, extra=None, dtype_default='float32', doc=''):
    params = {'shape': Shape(()), 'ctx': Ctx(None), 'dtype': DType(dtype_default)}
    params.update(extra or {})
    return register(OpDef(name, compute, inputs=(), params=params, infer_type=_create_type, doc=doc))


_creation('_zeros', _fill(0), doc='An array of zeros.')
_creation('_ones', _fill(1), doc='An array of ones.')
_creation('_full', _fill(None), {'value': Float(0.0)}, doc='An array filled with ``value``.')


def _empty(p):
    return torch.empty(p.shape, dtype=_dtype.to_torch(p.dtype or 'float32'), device=device_of(p))


_creation('_empty', _empty, doc='An array with uninitialised contents.')


def arange_values(start, stop, step, repeat, dtype, device):
    if stop is None:
        start, stop = 0.0, start
    if step == 0:
        raise MXNetError('_arange: step must not be 0')
    n = int(math.ceil((stop - start) / step))
    if n <= 0:
        raise MXNetError('_arange: invalid range [%s, %s) with step %s: the output would be empty'
                         % (start, stop, step))
    vals = start + step * torch.arange(n, dtype=torch.float64, device=device)
    if repeat != 1:
        vals = vals.repeat_interleave(repeat)
    return vals.to(_dtype.to_torch(dtype))


def _arange(p):
    return arange_values(p.start, p.stop, p.step, p.repeat, p.dtype or 'float32', device_of(p))


register(OpDef('_arange', _arange, inputs=(), infer_type=_create_type, params={
    'start': Float(), 'stop': Float(None), 'step': Float(1.0), 'repeat': Int(1, low=1),
    'infer_range': Bool(False), 'ctx': Ctx(None), 'dtype': DType('float32')},
    doc='Evenly spaced values in [start, stop) with ``step``, each repeated ``repeat`` times.'))


def linspace_values(start, stop, num, endpoint, dtype, device):
    if num < 0:
        raise MXNetError('linspace: num must be non-negative, got %d' % num)
    div = (num - 1) if endpoint else num
    step = (stop - start) / div if div > 0 else 0.0
    vals = start + step * torch.arange(num, dtype=torch.float64, device=device)
    if endpoint and num > 1:
        vals[-1] = stop
    return vals.to(_dtype.to_torch(dtype))


register(OpDef('_linspace', lambda p: linspace_values(p.start, p.stop, p.num, p.endpoint, p.dtype or 'float32',
                                                      device_of(p)),
               inputs=(), infer_type=_create_type, params={
                   'start': Float(), 'stop': Float(), 'num': Int(low=0), 'endpoint': Bool(True), 'ctx': Ctx(None),
                   'dtype': DType('float32')},
               doc='``num`` evenly spaced values from start to stop (stop included when ``endpoint``).'))


def _eye(p):
    m = p.M if p.M > 0 else p.N
    out = torch.zeros((p.N, m), dtype=_dtype.to_torch(p.dtype or 'float32'), device=device_of(p))
    idx = torch.arange(max(0, min(p.N, m - p.k) if p.k >= 0 else min(p.N + p.k, m)), device=out.device)
    if p.k >= 0:
        out[idx, idx + p.k] = 1
    else:
        out[idx - p.k, idx] = 1
    return out


register(OpDef('_eye', _eye, inputs=(), infer_type=_create_type, params={
    'N': Int(low=0), 'M': Int(0, low=0), 'k': Int(0), 'ctx': Ctx(None), 'dtype': DType('float32')},
    doc='A 2-D array with ones on the k-th diagonal and zeros elsewhere (M defaults to N).'))

register(OpDef('zeros_like', lambda p, data: torch.zeros_like(data), method=True,
               doc='An array of zeros with the shape and dtype of the input.'))
register(OpDef('ones_like', lambda p, data: torch.ones_like(data), method=True,
               doc='An array of ones with the shape and dtype of the input.'))
register(OpDef('_full_like', lambda p, data: torch.full_like(data, p.fill_value),
               params={'fill_value': Float()}, aliases=('full_like',),
               doc='An array of ``fill_value`` with the shape and dtype of the input.'))
