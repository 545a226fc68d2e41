"""Shape operators: reshape family, transpose/flip, tile/repeat/pad, concat/stack/split, slicing,
broadcasting to a shape, shape_array/size_array, depth_to_space/space_to_depth, diag."""
import numpy as np

from mxnet.base import MXNetError
from opdb import ALL, FLOATS, Case, ErrorCase, rand


def _to(shape):
    return lambda x, **p: x.reshape(shape)


def _d2s(x, block_size):
    n, c, h, w = x.shape
    b = block_size
    return x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2).reshape(n, c // (b * b), h * b, w * b)


def _s2d(x, block_size):
    n, c, h, w = x.shape
    b = block_size
    return x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4).reshape(n, c * b * b, h // b, w // b)


def _np_pad(x, mode, pad_width, constant_value=0):
    w = [(pad_width[2 * i], pad_width[2 * i + 1]) for i in range(x.ndim)]
    if mode == 'constant':
        return np.pad(x, w, mode='constant', constant_values=constant_value)
    return np.pad(x, w, mode=mode)


def _slice(x, begin, end, step=()):
    key = tuple(slice(b, e, step[i] if step else None) for i, (b, e) in enumerate(zip(begin, end)))
    return x[key]


CASES = [
    Case('Reshape', rand((2, 3, 4)), _to((6, 4)), {'shape': (-3, -2)}, dtypes=ALL, name='Reshape_merge'),
    Case('reshape', rand((2, 3, 4)), _to((1, 2, 3, 4)), {'shape': (-4, 1, 2, -2)}, dtypes=ALL, name='reshape_split'),
    Case('reshape', rand((10, 5, 4)), _to((50, 4)), {'shape': (-1, 0), 'reverse': True}, name='reshape_reverse'),
    Case('reshape', rand((2, 3, 4)), _to((2, 12)), {'shape': (0, -1)}, name='reshape_copy_infer'),
    Case('reshape', rand((6, 4)), _to((3, 2, 4)), {'shape': (-4, -1, 2, -2)}, name='reshape_split_infer'),
    Case('Reshape', rand((2, 3, 4)), _to((6, 4)), {'target_shape': (0, 4)}, name='Reshape_target_shape'),
    Case('reshape_like', rand((30, 12), (4, 2, 2, 3)), lambda a, b, **p: a.reshape(30, 2, 2, 3),
         {'lhs_begin': -1, 'rhs_begin': 1}, name='reshape_like_range'),
    Case('reshape_like', rand((6,), (2, 3)), lambda a, b: a.reshape(2, 3), name='reshape_like'),
    Case('expand_dims', rand((2, 3)), lambda x, axis: np.expand_dims(x, axis), {'axis': -1}, dtypes=ALL),
    Case('squeeze', rand((1, 3, 1)), lambda x, **p: x.reshape(3), dtypes=ALL),
    Case('squeeze', rand((1, 3, 1)), lambda x, axis: x.reshape(3, 1), {'axis': 0}, name='squeeze_axis'),
    Case('squeeze', rand((1, 1)), lambda x: x.reshape(1), name='squeeze_to_1d'),
    Case('Flatten', rand((2, 3, 4)), lambda x: x.reshape(2, 12), dtypes=ALL),
    Case('flatten', rand((2, 3)), lambda x: x, name='flatten_2d'),
    Case('transpose', rand((2, 3, 4)), lambda x: x.transpose(), dtypes=ALL),
    Case('transpose', rand((2, 3, 4)), lambda x, axes: x.transpose(axes), {'axes': (1, 0, 2)}, name='transpose_axes'),
    Case('swapaxes', rand((2, 3, 4)), lambda x, dim1, dim2: np.swapaxes(x, dim1, dim2), {'dim1': 0, 'dim2': -1},
         dtypes=ALL),
    Case('SwapAxis', rand((2, 3)), lambda x, dim1, dim2: x.T, {'dim1': 1, 'dim2': 0}),
    Case('flip', rand((2, 3, 4)), lambda x, axis: np.flip(x, axis), {'axis': (0, 2)}, dtypes=ALL),
    Case('reverse', rand((5,)), lambda x, axis: x[::-1], {'axis': 0}),
    Case('tile', rand((3,)), lambda x, reps: np.tile(x, reps), {'reps': (2, 2)}, dtypes=ALL),
    Case('tile', rand((2, 3, 4)), lambda x, reps: np.tile(x, reps), {'reps': (2,)}, name='tile_short_reps'),
    Case('repeat', rand((2, 2)), lambda x, repeats: np.repeat(x, repeats), {'repeats': 2}, dtypes=ALL),
    Case('repeat', rand((2, 3)), lambda x, repeats, axis: np.repeat(x, repeats, axis), {'repeats': 3, 'axis': -1},
         name='repeat_axis'),
    Case('pad', rand((1, 2, 3, 4)), _np_pad, {'mode': 'constant', 'pad_width': (0, 0, 0, 0, 1, 2, 2, 1),
                                               'constant_value': 3}, dtypes=ALL, name='pad_constant'),
    Case('Pad', rand((1, 2, 3, 4)), _np_pad, {'mode': 'edge', 'pad_width': (0, 0, 0, 0, 2, 1, 0, 3)},
         name='pad_edge'),
    Case('Pad', rand((1, 1, 3, 4)), _np_pad, {'mode': 'reflect', 'pad_width': (0, 0, 0, 0, 2, 1, 3, 3)},
         name='pad_reflect'),
    Case('Pad', rand((1, 1, 2, 3, 4)), _np_pad, {'mode': 'reflect', 'pad_width': (0, 0, 0, 0, 1, 1, 2, 2, 1, 0)},
         name='pad_reflect_5d'),
    Case('concat', rand((2, 3), (2, 1)), lambda a, b, dim: np.concatenate([a, b], dim), {'dim': -1}, dtypes=ALL),
    Case('Concat', rand((2, 3), (1, 3), (3, 3)), lambda *xs, dim: np.concatenate(xs, dim), {'dim': 0},
         name='Concat_3'),
    Case('stack', rand((2, 3), (2, 3)), lambda a, b, axis: np.stack([a, b], axis), {'axis': -1}, dtypes=ALL),
    Case('split', rand((2, 6)), lambda x, num_outputs: np.split(x, num_outputs, 1), {'num_outputs': 3}, dtypes=ALL),
    Case('SliceChannel', rand((4, 3)), lambda x, num_outputs, axis, squeeze_axis: [r[0] for r in np.split(x, 4)],
         {'num_outputs': 4, 'axis': 0, 'squeeze_axis': True}, name='SliceChannel_squeeze'),
    Case('slice', rand((4, 5, 3)), _slice, {'begin': (1, None), 'end': (3, -1)}, dtypes=ALL),
    Case('slice', rand((10,)), _slice, {'begin': (None,), 'end': (None,), 'step': (-2,)}, name='slice_neg_step'),
    Case('slice', rand((6, 7)), _slice, {'begin': (5, 1), 'end': (0, 12), 'step': (-2, 3)}, name='slice_steps'),
    Case('crop', rand((4, 5)), _slice, {'begin': (1,), 'end': (3,)}, name='crop_alias'),
    Case('slice_axis', rand((2, 5, 3)), lambda x, axis, begin, end: x[:, begin:end],
         {'axis': 1, 'begin': -3, 'end': None}, dtypes=ALL),
    Case('slice_like', rand((3, 4, 5), (2, 3, 4)), lambda x, y: x[:2, :3, :4], dtypes=ALL),
    Case('slice_like', rand((3, 4, 5), (1, 2, 3)), lambda x, y, axes: x[:1, :, :3], {'axes': (0, -1)},
         name='slice_like_axes'),
    Case('broadcast_to', rand((1, 3)), lambda x, shape: np.broadcast_to(x, (2, 3)), {'shape': (2, 0)}, dtypes=ALL),
    Case('broadcast_axis', rand((1, 3, 1)), lambda x, axis, size: np.broadcast_to(x, (2, 3, 4)),
         {'axis': (0, 2), 'size': (2, 4)}, dtypes=ALL),
    Case('broadcast_axes', rand((3, 1)), lambda x, axis, size: np.broadcast_to(x, (3, 5)),
         {'axis': -1, 'size': 5}, name='broadcast_axes_alias'),
    Case('broadcast_like', rand((1, 3), (2, 3)), lambda a, b: np.broadcast_to(a, (2, 3)), dtypes=ALL),
    Case('broadcast_like', rand((1, 3), (5, 7)), lambda a, b, lhs_axes, rhs_axes: np.broadcast_to(a, (7, 3)),
         {'lhs_axes': (0,), 'rhs_axes': (-1,)}, name='broadcast_like_axes'),
    Case('shape_array', rand((2, 3, 4)), lambda x: np.array([2, 3, 4]), dtypes=ALL, out_dtype='int64', grad=False),
    Case('size_array', rand((2, 3, 4)), lambda x: np.array([24]), dtypes=ALL, out_dtype='int64', grad=False),
    Case('depth_to_space', rand((2, 8, 2, 3)), _d2s, {'block_size': 2}, dtypes=ALL),
    Case('space_to_depth', rand((2, 2, 4, 6)), _s2d, {'block_size': 2}, dtypes=ALL),
    Case('diag', rand((4,)), lambda x, k: np.diag(x, k), {'k': 1}, dtypes=ALL, name='diag_1d'),
    Case('diag', rand((3, 4)), lambda x, k: np.diag(x, k), {'k': -1}, name='diag_2d'),
    Case('diag', rand((2, 3, 4)), lambda x, k, axis1, axis2: np.diagonal(x, k, axis1, axis2),
         {'k': 1, 'axis1': 0, 'axis2': 2}, name='diag_3d'),
]

ERROR_CASES = [
    ErrorCase('reshape', rand((2, 3, 4)), {'shape': (5, -1)}, match='infer'),
    ErrorCase('reshape', rand((2, 3, 4)), {'shape': (-1, -1)}, match='one and only one', name='reshape_two_infer'),
    ErrorCase('reshape', rand((2, 3, 4)), {'shape': (-4, 0, 3, -2)}, match='do not divide', name='reshape_bad_split'),
    ErrorCase('reshape', rand((2, 3)), {'shape': (7,)}, match='elements', name='reshape_size'),
    ErrorCase('squeeze', rand((2, 1)), {'axis': 0}, match='size 2'),
    ErrorCase('expand_dims', rand((2, 1)), {'axis': 3}, match='out of range'),
    ErrorCase('transpose', rand((2, 3, 4)), {'axes': (1, 0)}, match='axes'),
    ErrorCase('flip', rand((2, 3)), {'axis': 2}, match='out of range'),
    ErrorCase('Pad', rand((2, 3)), {'mode': 'constant', 'pad_width': (0, 0, 1, 1)}, match='4-D or 5-D'),
    ErrorCase('Pad', rand((1, 1, 2, 3)), {'mode': 'edge', 'pad_width': (1, 0, 0, 0, 1, 1, 1, 1)},
              match='first two axes', name='Pad_batch_axis'),
    ErrorCase('Pad', rand((1, 1, 2, 3)), {'mode': 'reflect', 'pad_width': (0, 0, 0, 0, 2, 2, 0, 0)},
              match='smaller', name='Pad_reflect_size'),
    ErrorCase('Pad', rand((1, 1, 2, 3)), {'mode': 'wrap', 'pad_width': (0, 0, 0, 0, 1, 1, 0, 0)},
              match='mode', name='Pad_mode'),
    ErrorCase('concat', rand((2, 3), (3, 1)), {'dim': 1}, match=r'\(2,3\).*\(3,1\)'),
    ErrorCase('stack', rand((2, 3), (2, 2)), match='incompatible'),
    ErrorCase('split', rand((2, 3)), {'num_outputs': 2}, match='equal parts'),
    ErrorCase('slice_axis', rand((2, 3)), {'axis': 1, 'begin': 0, 'end': 5}, match='end=5'),
    ErrorCase('slice_axis', rand((2, 3)), {'axis': 1, 'begin': 2, 'end': 1}, match='begin=2', name='slice_axis_empty'),
    ErrorCase('slice_like', rand((2, 3, 4), (1, 2)), match='same number of dimensions'),
    ErrorCase('slice_like', rand((2, 3), (3, 2)), match='exceeds', name='slice_like_bigger'),
    ErrorCase('slice', rand((4,)), {'begin': (0,), 'end': (4,), 'step': (0,)}, match='step', name='slice_zero_step'),
    ErrorCase('broadcast_to', rand((2, 3)), {'shape': (4, 3)}, match='cannot be broadcast'),
    ErrorCase('broadcast_to', rand((3,)), {'shape': (2, 3)}, match='cannot be broadcast', name='broadcast_to_ndim'),
    ErrorCase('broadcast_axis', rand((2, 3)), {'axis': 0, 'size': 4}, match='size 1'),
    ErrorCase('depth_to_space', rand((1, 3, 2, 2)), {'block_size': 2}, match='multiple'),
    ErrorCase('space_to_depth', rand((1, 3, 3, 2)), {'block_size': 2}, match='multiples'),
    ErrorCase('Reshape', rand((2, 3)), {'shape': (6,), 'bogus': 1}, exc=MXNetError, match='bogus',
              name='Reshape_unknown_param'),
]
