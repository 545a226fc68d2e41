"""Quantization: ``_contrib_quantize``, ``_contrib_quantize_v2`` and ``_contrib_dequantize``.

MXNet contract: int8 is zero-centred -- ``real = max(|min|, |max|)``, ``q = sign(x) * min(|x| * 127 / real + 0.5,
127)`` truncated, and the returned range is ``(-real, real)``; uint8 maps ``[min, max]`` onto ``[0, 255]`` as
``(x - min) * 255 / (max - min) + 0.5`` truncated, returning ``(min, max)``. Ranges are float32 arrays of shape
(1,). ``dequantize`` inverts either mapping (int8 with 127 levels, int32 with 2^31 - 1).
"""
import torch

from ...base import MXNetError
from ... import _dtype
from ..registry import OpDef, register
from ..params import Enum, Float

_LEVELS = {torch.int8: 127.0, torch.uint8: 255.0, torch.int32: 2147483647.0}


def _quantize_to(x, lo, hi, out_type):
    x = x.float()
    lo, hi = lo.float().reshape(1), hi.float().reshape(1)
    if out_type == 'int8':
        real = torch.maximum(lo.abs(), hi.abs())
        q = torch.sign(x) * torch.clamp(x.abs() * (127.0 / real) + 0.5, max=127.0)
        return q.trunc().to(torch.int8), -real, real.clone()
    q = torch.clamp((x - lo) * (255.0 / (hi - lo)) + 0.5, 0.0, 255.0)
    return q.trunc().to(torch.uint8), lo.clone(), hi.clone()


def _quantize(p, data, min_range, max_range):
    return _quantize_to(data, min_range, max_range, p.out_type)


def _range_shapes(p, shapes):
    return [shapes[0]] + [(1,)] * (len(shapes) - 1), [shapes[0], (1,), (1,)], []


def _q_type(p, t):
    out = p.out_type if p.out_type != 'auto' else None
    return t, [out, 'float32', 'float32'], []


register(OpDef('_contrib_quantize', _quantize, inputs=('data', 'min_range', 'max_range'), same_dtype=False,
               outputs=('output', 'min_output', 'max_output'), infer_shape=_range_shapes, infer_type=_q_type,
               params={'out_type': Enum(('int8', 'uint8'), 'uint8', 'the quantized dtype')},
               doc='Quantize float data given its range [min_range, max_range] to int8 (zero-centred) or uint8.'))


def _quantize_v2(p, data):
    if p.min_calib_range is not None and p.max_calib_range is not None:
        lo = torch.tensor([p.min_calib_range], device=data.device)
        hi = torch.tensor([p.max_calib_range], device=data.device)
    else:
        lo, hi = data.min().float().reshape(1), data.max().float().reshape(1)
    out_type = p.out_type
    if out_type == 'auto':
        out_type = 'uint8' if float(lo) >= 0 else 'int8'
    return _quantize_to(data, lo, hi, out_type)


def _q2_shapes(p, shapes):
    return list(shapes), [shapes[0], (1,), (1,)], []


def _q2_type(p, t):
    out = p.out_type
    if out == 'auto':
        out = 'uint8' if p.min_calib_range is not None and p.min_calib_range >= 0 else 'int8'
    return t, [out, 'float32', 'float32'], []


register(OpDef('_contrib_quantize_v2', _quantize_v2, outputs=('output', 'min_output', 'max_output'),
               infer_shape=_q2_shapes, infer_type=_q2_type, params={
                   'out_type': Enum(('auto', 'int8', 'uint8'), 'int8', 'the quantized dtype (auto: uint8 for '
                                                                       'non-negative data)'),
                   'min_calib_range': Float(None, 'calibrated minimum; None: the data minimum'),
                   'max_calib_range': Float(None, 'calibrated maximum; None: the data maximum')},
               doc='Quantize float data to int8/uint8 from a calibrated range or the data\'s own range.'))


def _dequantize(p, data, min_range, max_range):
    levels = _LEVELS.get(data.dtype)
    if levels is None:
        raise MXNetError('dequantize: input must be int8, uint8 or int32, got %s' % _dtype.TORCH2NAME[data.dtype])
    lo, hi = min_range.float().reshape(1), max_range.float().reshape(1)
    x = data.float()
    if data.dtype is torch.uint8:
        out = x * ((hi - lo) / levels) + lo
    else:
        out = x * (torch.maximum(lo.abs(), hi.abs()) / levels)
    return out.to(_dtype.to_torch(p.out_type))


register(OpDef('_contrib_dequantize', _dequantize, inputs=('data', 'min_range', 'max_range'), same_dtype=False,
               infer_shape=lambda p, s: ([s[0], (1,), (1,)], [s[0]], []),
               infer_type=lambda p, t: (t, [p.out_type], []),
               params={'out_type': Enum(('float32',), 'float32', 'the output dtype')},
               doc='The float values of quantized data (int8/int32 zero-centred, uint8 over [min, max]).'))
