"""Array creation: ``_zeros``, ``_ones``, ``_full``, ``_empty``, ``_arange``, ``_linspace``, ``_eye`` and the
``zeros_like``/``ones_like`` family."""
import math

import torch

from ...base import MXNetError
from ...context import current_context
from ... import _dtype
from ..registry import OpDef, register
from ..params import Shape, Ctx, DType, Float, Int, Bool

NO_BOOL = tuple(n for n in _dtype.NAMES if n != 'bool')


class DTypeIn(DType):
    """A dtype restricted to ``choices`` (MXNet names), as an operator's dtype enum is."""

    def __init__(self, choices, default=None, doc=''):
        super().__init__(default, doc, optional=True)
        self.choices = tuple(choices)
        self.type_name = '{%s}' % ', '.join("'%s'" % c for c in ('None',) + self.choices)

    def _parse(self, value):
        name = super()._parse(value)
        if name not in self.choices:
            raise ValueError('Invalid Input: %r, valid values are: %s' % (name, self.type_name))
        return name


def device_of(p):
    """torch device of an op's ``ctx`` parameter (default: the current context)."""
    return (p.ctx or current_context()).torch_device


def known_shape(opname, shape):
    """``shape`` if it is a valid output shape: MXNet 1.x rejects an empty shape (unknown) and negative
    dimensions. It also rejects 0 dimensions; this project allows them (empty arrays), as others rely on it.
    With NumPy shape semantics on (``mx.np_shape``), ``()`` is a scalar's shape."""
    from ...util import is_np_shape
    if (not shape and not is_np_shape()) or any(d < 0 for d in shape):
        raise MXNetError('Operator %s inferring shapes failed: shape %s is unknown or has negative dimensions'
                         % (opname, tuple(shape)))
    return tuple(shape)


def cast_scalar(value, tdtype):
    """``value`` converted as C++'s static_cast to the element type does: integers truncate and wrap,
    floats overflow to inf."""
    if tdtype is torch.bool:
        return bool(value)
    if tdtype.is_floating_point:
        return torch.tensor(value, dtype=torch.float64).to(tdtype).item()
    if math.isnan(value) or math.isinf(value):
        return torch.iinfo(tdtype).min
    return torch.tensor(int(value), dtype=torch.int64).to(tdtype).item()


def _create_type(p, in_types):
    return in_types, [p.dtype or 'float32'], []


def _shape_of(p, in_shapes):
    from ...util import is_np_shape
    if is_np_shape():  # -1 marks an unknown dimension, 0 is a zero-size one, () a scalar
        return in_shapes, [tuple(p.shape) if all(d >= 0 for d in p.shape) else None], []
    return in_shapes, [tuple(p.shape) if p.shape and all(d > 0 for d in p.shape) else None], []


def _fill(name, value):
    def compute(p, *_):
        tdt = _dtype.to_torch(p.dtype or 'float32')
        v = cast_scalar(p.value if value is None else value, tdt)
        return torch.full(known_shape(name, p.shape), v, dtype=tdt, device=device_of(p))
    return compute


def _creation(name, compute, extra=None, doc=''):
    params = {'shape': Shape(()), 'ctx': Ctx(None), 'dtype': DType('float32')}
    params.update(extra or {})
    return register(OpDef(name, compute, inputs=(), params=params, infer_type=_create_type,
                          infer_shape=_shape_of, doc=doc))


_creation('_zeros', _fill('_zeros', 0), doc='An array of zeros.')
_creation('_ones', _fill('_ones', 1), doc='An array of ones.')
_creation('_full', _fill('_full', None), {'value': Float(0.0)}, doc='An array filled with ``value``.')


def _empty(p):
    # Unlike the fill ops, MXNet's empty allocates directly: () and 0 dimensions are allowed.
    return torch.empty(p.shape, dtype=_dtype.to_torch(p.dtype or 'float32'), device=device_of(p))


register(OpDef('_empty', _empty, inputs=(), infer_type=_create_type,
               infer_shape=lambda p, s: (s, [tuple(p.shape)], []),
               params={'shape': Shape(()), 'ctx': Ctx(None), 'dtype': DType('float32')},
               doc='An array with uninitialised contents.'))


def arange_values(start, stop, step, repeat, dtype, device):
    """MXNet's range: ``start`` and ``step`` are first converted to ``dtype``, then ``start + i * step``
    is computed in ``dtype`` for i in [0, ceil((stop - start) / step)), each value repeated."""
    if stop is None:
        start, stop = 0.0, start
    if step == 0:
        raise MXNetError('_arange: Range does not support step=0, received %s' % step)
    if repeat <= 0:
        raise MXNetError('_arange: Range only supports repeat > 0, received %d' % repeat)
    n = int(math.ceil((stop - start) / step))
    if n <= 0:
        raise MXNetError('_arange: Invalid range (start, stop, step) = (%s,%s,%s): the output would be empty'
                         % (start, stop, step))
    tdt = _dtype.to_torch(dtype)
    idx = torch.arange(n, dtype=torch.int64, device=device)
    if tdt.is_floating_point:
        first = torch.tensor(start, dtype=tdt, device=device)
        vals = first + idx.to(tdt) * torch.tensor(step, dtype=tdt, device=device)
    else:
        vals = (int(start) + idx * int(step)).to(tdt)
    if repeat != 1:
        vals = vals.repeat_interleave(repeat)
    return vals


def _arange(p):
    return arange_values(p.start, p.stop, p.step, p.repeat, p.dtype or 'float32', device_of(p))


register(OpDef('_arange', _arange, inputs=(), infer_type=_create_type, params={
    'start': Float(), 'stop': Float(None), 'step': Float(1.0), 'repeat': Int(1),
    'infer_range': Bool(False), 'ctx': Ctx(None), 'dtype': DTypeIn(NO_BOOL, 'float32')},
    doc='Evenly spaced values in [start, stop) with ``step``, each repeated ``repeat`` times.'))


def linspace_values(start, stop, num, endpoint, dtype, device):
    """``num`` values ``start + i * step`` computed in float64, then converted to ``dtype``."""
    if num < 0:
        raise MXNetError('_linspace: Number of sequence should be non-negative, received %d' % num)
    div = (num - 1) if endpoint else num
    step = (stop - start) / div if div > 0 else 0.0
    vals = start + step * torch.arange(num, dtype=torch.float64, device=device)
    if endpoint and num > 1:
        vals[-1] = stop
    return vals.to(_dtype.to_torch(dtype))


register(OpDef('_linspace', lambda p: linspace_values(p.start, p.stop, p.num, p.endpoint, p.dtype or 'float32',
                                                      device_of(p)),
               inputs=(), infer_type=_create_type, params={
                   'start': Float(), 'stop': Float(), 'num': Int(), 'endpoint': Bool(True), 'ctx': Ctx(None),
                   'dtype': DTypeIn(NO_BOOL, 'float32')},
               doc='``num`` evenly spaced values from start to stop (stop included when ``endpoint``).'))


def _eye(p):
    if p.N < 0 or p.M < 0:
        raise MXNetError('_eye: N and M must be non-negative, got N=%d, M=%d' % (p.N, p.M))
    m = p.M if p.M > 0 else p.N
    out = torch.zeros((p.N, m), dtype=_dtype.to_torch(p.dtype or 'float32'), device=device_of(p))
    out.diagonal(p.k).fill_(1)
    return out


register(OpDef('_eye', _eye, inputs=(), infer_type=_create_type, params={
    'N': Int(), 'M': Int(0), 'k': Int(0), 'ctx': Ctx(None),
    'dtype': DTypeIn(tuple(n for n in NO_BOOL if n != 'bfloat16'), 'float32')},
    doc='A 2-D array with ones on the k-th diagonal and zeros elsewhere (M defaults to N).'))


register(OpDef('zeros_like', lambda p, data: torch.zeros_like(data), method=True,
               doc='An array of zeros with the shape and dtype of the input.'))
register(OpDef('ones_like', lambda p, data: torch.ones_like(data), method=True,
               doc='An array of ones with the shape and dtype of the input.'))
register(OpDef('_full_like', lambda p, data: torch.full_like(data, cast_scalar(p.fill_value, data.dtype)),
               params={'fill_value': Float()}, aliases=('full_like',),
               doc='An array of ``fill_value`` with the shape and dtype of the input.'))
