"""Shape operators: reshape family, transpose/flip, tile/repeat/pad, concat/stack/split, slicing and
broadcasting to a shape, plus ``shape_array``/``size_array``, ``depth_to_space`` and ``diag``.

All computes return torch views where torch can (reshape, transpose, slicing); MXNet's operators copy, but
``NDArray.reshape`` relies on :func:`infer_reshape` and ``torch.view`` to return a view as MXNet does.
"""
import math

import torch

from ...base import MXNetError
from ..registry import OpDef, register, get
from ..params import Bool, Enum, Float, Int, Shape
from ... import _torch_compat as _compat

__all__ = ['infer_reshape', 'norm_axis', 'slice_indices', 'slice_tensor', 'split_sizes']


def _fmt(s):
    return '(' + ','.join(str(d) for d in s) + (',)' if len(s) == 1 else ')')


def norm_axis(op, axis, ndim, extra=0):
    """``axis`` in [0, ndim + extra); negative counts from the end; MXNetError naming ``op`` otherwise."""
    n = ndim + extra
    if not -n <= axis < n:
        raise MXNetError('%s: axis %d is out of range for an array of %d dimensions (valid: [%d, %d])'
                         % (op, axis, ndim, -n, n - 1))
    return axis + n if axis < 0 else axis


_shares = _compat.shares_storage


def _fresh(compute):
    """Operator results own their memory as in MXNet: outputs that are torch views of an input are copied."""
    def run(p, *xs):
        res = compute(p, *xs)
        many = isinstance(res, tuple)
        outs = [r.clone(memory_format=torch.contiguous_format) if any(_shares(r, x) for x in xs) else r
                for r in (res if many else (res,))]
        return tuple(outs) if many else outs[0]
    run.__doc__ = compute.__doc__
    return run


# ---- reshape --------------------------------------------------------------------------------------
def infer_reshape(shape, target, reverse=False):
    """Output shape of MXNet's reshape of ``shape`` to ``target``.

    Codes: 0 copies the input dimension at the same position, -1 is inferred from the size, -2 copies all
    remaining input dimensions, -3 merges two consecutive input dimensions, -4 splits one input dimension into
    the two values that follow it (one may be -1). ``reverse`` matches the codes from the right.
    """
    src = list(shape)
    tgt = list(target)
    if reverse:
        src.reverse()
        tgt.reverse()
    out = []
    inferred = None
    i = j = 0

    def take():
        nonlocal i
        if i >= len(src):
            raise MXNetError('Reshape: target shape %s uses more dimensions than the input shape %s has'
                             % (tuple(target), _fmt(shape)))
        i += 1
        return src[i - 1]

    while j < len(tgt):
        v = tgt[j]
        if v > 0:
            out.append(v)
            i += 1
        elif v == 0:
            out.append(take())
        elif v == -1:
            if inferred is not None:
                raise MXNetError('Reshape: one and only one dim can be inferred (-1), target shape %s'
                                 % (tuple(target),))
            inferred = len(out)
            out.append(-1)
            i += 1
        elif v == -2:
            out.extend(src[i:])
            i = len(src)
        elif v == -3:
            a = take()
            out.append(a * take())
        elif v == -4:
            if j + 2 >= len(tgt):
                raise MXNetError('Reshape: -4 in target shape %s must be followed by two dimensions'
                                 % (tuple(target),))
            d0 = take()
            d1, d2 = tgt[j + 1], tgt[j + 2]
            j += 2
            if d1 == -1 and d2 > 0:
                d1 = d0 // d2
            elif d2 == -1 and d1 > 0:
                d2 = d0 // d1
            if d1 < 0 or d2 < 0 or d1 * d2 != d0:
                raise MXNetError('Reshape: split dims %d, %d do not divide original dim %d (target shape %s)'
                                 % (tgt[j - 1], tgt[j], d0, tuple(target)))
            out += [d1, d2]
        else:
            raise MXNetError('Reshape: invalid value %d in target shape %s' % (v, tuple(target)))
        j += 1
    size = math.prod(shape)
    if inferred is not None:
        known = math.prod(d for d in out if d != -1)
        if known == 0 or size % known:
            raise MXNetError('Reshape: cannot infer the -1 dimension of target shape %s from input shape %s'
                             % (tuple(target), _fmt(shape)))
        out[inferred] = size // known
    if reverse:
        out.reverse()
    if math.prod(out) != size:
        raise MXNetError('Reshape: target shape %s (resolved to %s) has %d elements but the input shape %s has %d'
                         % (tuple(target), _fmt(out), math.prod(out), _fmt(shape), size))
    return tuple(out)


def _legacy_target(p, shape):
    """Shape given by the deprecated ``target_shape`` (a 0 entry is inferred; keep_highest keeps dim 0)."""
    t = list(p.target_shape)
    if p.keep_highest:
        t = [shape[0]] + t
    if 0 in t:
        known = math.prod(d for d in t if d != 0)
        t[t.index(0)] = math.prod(shape) // known if known else 0
    if math.prod(t) != math.prod(shape):
        raise MXNetError('Reshape: target_shape %s is incompatible with input shape %s'
                         % (tuple(p.target_shape), _fmt(shape)))
    return tuple(t)


def reshape_out(p, shape):
    if p.shape:
        return infer_reshape(shape, p.shape, p.reverse)
    if p.target_shape:
        return _legacy_target(p, shape)
    raise MXNetError('Reshape: the target shape must be given (shape=...)')


def _unary_shape(fn):
    """infer_shape from a rule on the data shape alone (so Symbol can infer without running the op)."""
    def infer(p, shapes):
        if shapes[0] is None:
            return shapes, [None], []
        return shapes, [tuple(fn(p, tuple(shapes[0])))], []
    return infer


def _reshape_reverse(p, in_shapes, out_shapes):
    """Data with exactly one unknown (0) dim takes the one size that gives the known output's size."""
    d, out = in_shapes[0], out_shapes[0]
    if d is None or list(d).count(0) != 1:
        return [None]
    known = math.prod(x for x in d if x != 0)
    if known == 0 or math.prod(out) % known:
        return [None]
    return [tuple(math.prod(out) // known if x == 0 else x for x in d)]


register(OpDef('Reshape', _fresh(lambda p, x: x.reshape(reshape_out(p, tuple(x.shape)))), aliases=('reshape',),
               infer_shape=_unary_shape(reshape_out), reverse_shape=_reshape_reverse, params={
                   'shape': Shape(()), 'reverse': Bool(False), 'target_shape': Shape(()),
                   'keep_highest': Bool(False)},
               doc='Reshape to ``shape`` with the special codes 0 (copy), -1 (infer), -2 (copy the rest), '
                   '-3 (merge two), -4 (split one); ``reverse`` matches them from the right.'))


def _range_of(v, n, default):
    if v is None:
        return default
    return v + n if v < 0 else v


def _reshape_like(p, lhs, rhs):
    ls, rs = tuple(lhs.shape), tuple(rhs.shape)
    lb, le = _range_of(p.lhs_begin, len(ls), 0), _range_of(p.lhs_end, len(ls), len(ls))
    rb, re = _range_of(p.rhs_begin, len(rs), 0), _range_of(p.rhs_end, len(rs), len(rs))
    new = ls[:lb] + rs[rb:re] + ls[le:]
    if math.prod(new) != math.prod(ls):
        raise MXNetError('reshape_like: cannot reshape lhs of shape %s to %s (from rhs shape %s): sizes differ'
                         % (_fmt(ls), _fmt(new), _fmt(rs)))
    return lhs.reshape(new)


register(OpDef('reshape_like', _fresh(_reshape_like), inputs=('lhs', 'rhs'), method=True, same_dtype=False,
               infer_type=lambda p, t: (t, [t[0]], []), params={
    'lhs_begin': Int(None), 'lhs_end': Int(None), 'rhs_begin': Int(None), 'rhs_end': Int(None)},
    doc='Reshape lhs so that dims [lhs_begin, lhs_end) take the shape of rhs dims [rhs_begin, rhs_end).'))


def _expand_dims(p, x):
    return x.unsqueeze(norm_axis('expand_dims', p.axis, x.dim(), 1))


def _expand_dims_shape(p, s):
    a = norm_axis('expand_dims', p.axis, len(s), 1)
    return s[:a] + (1,) + s[a:]


register(OpDef('expand_dims', _fresh(_expand_dims), params={'axis': Int()}, method=True,
               infer_shape=_unary_shape(_expand_dims_shape),
               doc='Insert a dimension of size 1 at ``axis`` (in [-ndim-1, ndim]).'))


def _squeeze(p, x):
    if p.axis is None:
        axes = [i for i, d in enumerate(x.shape) if d == 1]
    else:
        axes = sorted({norm_axis('squeeze', a, x.dim()) for a in p.axis})
        for a in axes:
            if x.shape[a] != 1:
                raise MXNetError('squeeze: cannot select axis %d to squeeze out, it has size %d (shape %s)'
                                 % (a, x.shape[a], _fmt(x.shape)))
    new = [d for i, d in enumerate(x.shape) if i not in axes]
    return x.reshape(new or [1])


register(OpDef('squeeze', _fresh(_squeeze), params={'axis': Shape(None)}, method=True,
               doc='Remove dimensions of size 1 (all of them, or those in ``axis``); never gives 0-d.'))


def _flatten(p, x):
    return x.reshape(x.shape[0] if x.dim() else 1, math.prod(x.shape[1:]))


def _flatten_shapes(p, shapes):
    d = shapes[0]
    if d is None:
        return [None], [None], []
    return [tuple(d)], [(d[0] if len(d) else 1, math.prod(d[1:]))], []


register(OpDef('Flatten', _fresh(_flatten), aliases=('flatten',), method='flatten', infer_shape=_flatten_shapes,
               doc='Collapse all dimensions but the first: (d0, d1, ..., dk) -> (d0, d1*...*dk).'))


def _transpose(p, x):
    if not p.axes:
        return x.permute(*reversed(range(x.dim())))
    if len(p.axes) != x.dim():
        raise MXNetError('transpose: axes %s must name every one of the %d axes of the input of shape %s'
                         % (_fmt(p.axes), x.dim(), _fmt(x.shape)))
    axes = [norm_axis('transpose', a, x.dim()) for a in p.axes]
    if sorted(axes) != list(range(x.dim())):
        raise MXNetError('transpose: axes %s is not a permutation of the input axes' % (_fmt(p.axes),))
    return x.permute(*axes)


register(OpDef('transpose', _fresh(_transpose), params={'axes': Shape(())}, method=True,
               doc='Permute the axes (default: reverse them).'))


def _swapaxes(p, x):
    return x.transpose(norm_axis('SwapAxis', p.dim1, x.dim()), norm_axis('SwapAxis', p.dim2, x.dim()))


def _swapaxes_shape(p, s):
    a, b = norm_axis('SwapAxis', p.dim1, len(s)), norm_axis('SwapAxis', p.dim2, len(s))
    out = list(s)
    out[a], out[b] = s[b], s[a]
    return tuple(out)


register(OpDef('SwapAxis', _fresh(_swapaxes), aliases=('swapaxes',), method='swapaxes',
               infer_shape=_unary_shape(_swapaxes_shape),
               params={'dim1': Int(0), 'dim2': Int(0)}, doc='Interchange axes ``dim1`` and ``dim2``.'))


def _flip(p, x):
    return torch.flip(x, [norm_axis('reverse', a, x.dim()) for a in p.axis])


def _flip_shape(p, s):
    for a in p.axis:
        norm_axis('reverse', a, len(s))
    return s


register(OpDef('reverse', _fresh(_flip), aliases=('flip',), method='flip', params={'axis': Shape()},
               infer_shape=_unary_shape(_flip_shape),
               doc='Reverse the order of elements along the given axes.'))


def _tile(p, x):
    reps = tuple(p.reps)
    if any(r <= 0 for r in reps):  # MXNet reads a 0 in a shape as unknown, so its shape inference fails
        raise MXNetError('tile: reps %s must be positive' % (_fmt(reps),))
    if len(reps) < x.dim():
        reps = (1,) * (x.dim() - len(reps)) + reps
    return x.reshape((1,) * (len(reps) - x.dim()) + tuple(x.shape)).repeat(*reps)


register(OpDef('tile', _fresh(_tile), params={'reps': Shape()}, method=True,
               doc='Repeat the whole array ``reps`` times along each axis (numpy.tile).'))


def _repeat(p, x):
    if p.repeats < 0:
        raise MXNetError('repeat: repeats must be non-negative, got %d' % p.repeats)
    if p.axis is None:
        return x.reshape(-1).repeat_interleave(p.repeats)
    return x.repeat_interleave(p.repeats, dim=norm_axis('repeat', p.axis, x.dim()))


register(OpDef('repeat', _fresh(_repeat), params={'repeats': Int(), 'axis': Int(None)}, method=True,
               doc='Repeat each element ``repeats`` times along ``axis`` (flattened when axis is None).'))


def _pad_index(n, before, after, mode, device):
    """Source indices along one axis for edge/reflect padding."""
    i = torch.arange(-before, n + after, device=device)
    if mode == 'edge':
        return i.clamp(0, n - 1)
    period = 2 * (n - 1)
    i = i.abs().remainder(period) if period else torch.zeros_like(i)
    return torch.where(i >= n, period - i, i)


def _pad(p, x):
    w = p.pad_width
    if x.dim() not in (4, 5):
        raise MXNetError('Pad: current implementation only supports 4-D or 5-D input, got shape %s'
                         % (_fmt(x.shape),))
    if len(w) != 2 * x.dim():
        raise MXNetError('Pad: pad_width %s must hold 2 values per axis of the %d-D input'
                         % (_fmt(w), x.dim()))
    if any(w[:4]):
        raise MXNetError('Pad: padding on the first two axes must be zero, got pad_width %s' % (_fmt(w),))
    if p.mode != 'constant' and not x.is_floating_point():
        raise MXNetError('Pad: %s padding only supports floating point types' % p.mode)
    if p.mode == 'constant':
        flat = []
        for a in reversed(range(x.dim())):
            flat += [w[2 * a], w[2 * a + 1]]
        return torch.nn.functional.pad(x, flat, value=p.constant_value)
    out = x
    for a in range(2, x.dim()):
        b, e = w[2 * a], w[2 * a + 1]
        if p.mode == 'reflect' and (b >= x.shape[a] or e >= x.shape[a]):
            raise MXNetError('Pad: reflection padding sizes must be smaller than the input size (axis %d of '
                             'size %d, pad_width %s)' % (a, x.shape[a], _fmt(w)))
        if b or e:
            out = out.index_select(a, _pad_index(x.shape[a], b, e, p.mode, x.device))
    return out


register(OpDef('Pad', _fresh(_pad), aliases=('pad',), method='pad', params={
    'mode': Enum(('constant', 'edge', 'reflect')), 'pad_width': Shape(), 'constant_value': Float(0.0)},
    doc='Pad the spatial axes of a 4-D/5-D array (pad_width: before/after per axis, first two axes zero).'))


# ---- joining and splitting ------------------------------------------------------------------------
def _check_same(op, xs, skip):
    s0 = xs[0].shape
    for i, x in enumerate(xs[1:], 1):
        if x.dim() != len(s0) or any(a != b for k, (a, b) in enumerate(zip(s0, x.shape)) if k != skip):
            raise MXNetError('%s: incompatible input shapes: input 0 has shape %s but input %d has shape %s'
                             % (op, _fmt(s0), i, _fmt(x.shape)))


def _concat(p, *xs):
    if not xs:
        raise MXNetError('Concat: needs at least one input')
    dim = norm_axis('Concat', p.dim, xs[0].dim())
    _check_same('Concat', xs, dim)
    return torch.cat(xs, dim)


def _concat_infer(p, shapes):
    if not shapes or any(s is None for s in shapes):
        return shapes, [None], []
    s0 = tuple(shapes[0])
    dim = norm_axis('Concat', p.dim, len(s0))
    for i, x in enumerate(shapes[1:], 1):
        if len(x) != len(s0) or any(a != b for k, (a, b) in enumerate(zip(s0, x)) if k != dim):
            raise MXNetError('Concat: incompatible input shapes: input 0 has shape %s but input %d has shape %s'
                             % (_fmt(s0), i, _fmt(x)))
    return shapes, [s0[:dim] + (sum(x[dim] for x in shapes),) + s0[dim + 1:]], []


register(OpDef('Concat', _fresh(_concat), aliases=('concat',), variadic='num_args', infer_shape=_concat_infer,
               params={'num_args': Int(low=1), 'dim': Int(1)},
               doc='Join arrays along axis ``dim``; other dimensions must match.'))


def _stack(p, *xs):
    if not xs:
        raise MXNetError('stack: needs at least one input')
    _check_same('stack', xs, None)
    return torch.stack(xs, norm_axis('stack', p.axis, xs[0].dim(), 1))


register(OpDef('stack', _fresh(_stack), variadic='num_args', params={'axis': Int(0), 'num_args': Int(low=1)},
               doc='Join same-shape arrays along a new axis.'))


def _split_parts(x, axis, sizes, squeeze):
    parts = torch.split(x, sizes, dim=axis)
    if squeeze:
        parts = [t.squeeze(axis) if x.dim() > 1 else t.reshape(t.shape[0] if t.dim() else 1) for t in parts]
    return tuple(parts)


def _slice_plan(p, shape):
    """(axis, part size) of SliceChannel on data of ``shape``."""
    axis = norm_axis('SliceChannel', p.axis, len(shape))
    n = shape[axis]
    if p.num_outputs < 1 or n % p.num_outputs:
        raise MXNetError('SliceChannel: cannot split axis %d of shape %s into num_outputs=%d equal parts'
                         % (axis, _fmt(shape), p.num_outputs))
    size = n // p.num_outputs
    if p.squeeze_axis and size != 1:
        raise MXNetError('SliceChannel: squeeze_axis needs parts of size 1 along axis %d, got %d' % (axis, size))
    return axis, size


def _slice_channel(p, x):
    axis, size = _slice_plan(p, tuple(x.shape))
    return _split_parts(x, axis, size, p.squeeze_axis)


def _slice_channel_infer(p, shapes):
    s = shapes[0]
    if s is None:
        return shapes, [None] * p.num_outputs, []
    s = tuple(s)
    axis, size = _slice_plan(p, s)
    if p.squeeze_axis:
        part = s[:axis] + s[axis + 1:] if len(s) > 1 else (1,)
    else:
        part = s[:axis] + (size,) + s[axis + 1:]
    return shapes, [part] * p.num_outputs, []


register(OpDef('SliceChannel', _fresh(_slice_channel), aliases=('split',), method='split',
               infer_shape=_slice_channel_infer,
               outputs=lambda p: ['output%d' % i for i in range(p.num_outputs)],
               params={'num_outputs': Int(), 'axis': Int(1), 'squeeze_axis': Bool(False)},
               doc='Split into ``num_outputs`` equal parts along ``axis`` (a list of arrays).'))


def split_sizes(indices, n):
    """Part sizes for split points ``indices`` (first is 0) along an axis of length n (numpy's rules)."""
    bounds = [min(max(i + n if i < 0 else i, 0), n) for i in indices] + [n]
    return [max(b - a, 0) for a, b in zip(bounds[:-1], bounds[1:])]


def _split_v2(p, x):
    axis = norm_axis('split_v2', p.axis, x.dim())
    n = x.shape[axis]
    if p.sections > 0:
        if n % p.sections:
            raise MXNetError('split_v2: array split does not result in an equal division (axis size %d into %d '
                             'sections)' % (n, p.sections))
        sizes = [n // p.sections] * p.sections
    else:
        sizes = split_sizes(p.indices, n)
    starts = [sum(sizes[:k]) for k in range(len(sizes))]
    return tuple(x.narrow(axis, s, k) if not p.squeeze_axis else
                 _split_parts(x.narrow(axis, s, k), axis, k, True)[0] for s, k in zip(starts, sizes))


def _nparts(p):
    return p.sections if p.sections > 0 else len(p.indices)


register(OpDef('_split_v2', _fresh(_split_v2), outputs=lambda p: ['output%d' % i for i in range(_nparts(p))],
               params={'indices': Shape(), 'axis': Int(1), 'squeeze_axis': Bool(False), 'sections': Int(0)},
               doc='Split at the given indices (or into ``sections`` equal parts) along ``axis``.'))


# ---- slicing --------------------------------------------------------------------------------------
def slice_indices(begin, end, step, n):
    """(start, stop, step, length) of a Python-style slice along an axis of length n."""
    r = range(*slice(begin, end, step).indices(n))
    return r.start, r.stop, r.step, len(r)


def slice_tensor(x, axis, begin, end, step=None):
    """``x`` sliced along ``axis`` with Python semantics (negative steps included); a view for step > 0."""
    start, _, step, length = slice_indices(begin, end, step, x.shape[axis])
    if step > 0:
        if length == 0:
            return x.narrow(axis, 0, 0)
        idx = [slice(None)] * axis + [slice(start, start + (length - 1) * step + 1, step)]
        return x[tuple(idx)]
    if length == 0:
        return x.narrow(axis, 0, 0)
    n = x.shape[axis]
    fstart = n - 1 - start
    idx = [slice(None)] * axis + [slice(fstart, fstart + (length - 1) * -step + 1, -step)]
    return torch.flip(x, [axis])[tuple(idx)]


def _slice(p, x):
    if len(p.begin) != len(p.end) or (p.step and len(p.step) != len(p.begin)):
        raise MXNetError('slice: begin %s, end %s and step %s must have the same length'
                         % (_fmt(p.begin), _fmt(p.end), _fmt(p.step)))
    if len(p.begin) > x.dim():
        raise MXNetError('slice: begin %s has more entries than the input of shape %s has axes'
                         % (_fmt(p.begin), _fmt(x.shape)))
    for a in range(len(p.begin)):
        step = p.step[a] if p.step else None
        if step == 0:
            raise MXNetError('slice: step must not be 0 (axis %d)' % a)
        x = slice_tensor(x, a, p.begin[a], p.end[a], step)
    return x


register(OpDef('slice', _fresh(_slice), aliases=('crop',), method=True, params={
    'begin': Shape(none_items=True), 'end': Shape(none_items=True), 'step': Shape((), none_items=True)},
    doc='Slice each leading axis as ``x[begin:end:step]`` (None entries take the defaults).'))


def _slice_axis(p, x):
    axis = norm_axis('slice_axis', p.axis, x.dim())
    n = x.shape[axis]
    b = p.begin + n if p.begin < 0 else p.begin
    e = n if p.end is None else (p.end + n if p.end < 0 else p.end)
    if not 0 <= b < n or not 0 <= e <= n or b >= e:
        raise MXNetError('slice_axis: invalid begin=%d, end=%s for axis %d of size %d'
                         % (p.begin, p.end, axis, n))
    return x.narrow(axis, b, e - b)


register(OpDef('slice_axis', _fresh(_slice_axis), method=True,
               params={'axis': Int(), 'begin': Int(), 'end': Int(optional=True)},
               doc='Slice ``[begin, end)`` along one axis (end None: to the end).'))
for _name in ('slice', 'slice_axis'):  # an unknown dim stays unknown in partial shape inference, as in MXNet
    get(_name).keeps_unknown = True


def _slice_like(p, x, like):
    if p.axes:
        axes = [norm_axis('slice_like', a, like.dim()) for a in p.axes]
    else:
        if x.dim() != like.dim():
            raise MXNetError('slice_like: without axes both inputs need the same number of dimensions, got '
                             'shapes %s and %s' % (_fmt(x.shape), _fmt(like.shape)))
        axes = range(x.dim())
    for a in axes:
        if a >= x.dim() or like.shape[a] > x.shape[a]:
            raise MXNetError('slice_like: axis %d of shape_like %s exceeds the input shape %s'
                             % (a, _fmt(like.shape), _fmt(x.shape)))
        x = x.narrow(a, 0, like.shape[a])
    return x


register(OpDef('slice_like', _fresh(_slice_like), inputs=('data', 'shape_like'), method=True, same_dtype=False,
               params={'axes': Shape(())}, doc='Slice the input to the shape of ``shape_like`` on ``axes``.'))


# ---- broadcasting to a shape ----------------------------------------------------------------------
def _expand(op, x, shape):
    for a, (d, t) in enumerate(zip(x.shape, shape)):
        if d != t and d != 1:
            raise MXNetError('%s: array cannot be broadcast from %s to %s (axis %d)'
                             % (op, _fmt(x.shape), _fmt(shape), a))
    return x.expand(*shape)


def _broadcast_to(p, x):
    if len(p.shape) != x.dim():
        raise MXNetError('broadcast_to: operand of shape %s cannot be broadcast to %s'
                         % (_fmt(x.shape), _fmt(p.shape)))
    return _expand('broadcast_to', x, [d if t == 0 else t for d, t in zip(x.shape, p.shape)])


register(OpDef('broadcast_to', _fresh(_broadcast_to), params={'shape': Shape(())}, method=True,
               doc='Broadcast size-1 axes to ``shape`` (0 keeps the input dimension).'))


def _broadcast_axis(p, x):
    if len(p.axis) != len(p.size):
        raise MXNetError('broadcast_axis: axis %s and size %s must have the same length'
                         % (_fmt(p.axis), _fmt(p.size)))
    shape = list(x.shape)
    for a, s in zip(p.axis, p.size):
        a = norm_axis('broadcast_axis', a, x.dim())
        if x.shape[a] != 1:
            raise MXNetError('broadcast_axis: broadcasting axis %d must have size 1, got %d (shape %s)'
                             % (a, x.shape[a], _fmt(x.shape)))
        shape[a] = s
    return x.expand(*shape)


register(OpDef('broadcast_axis', _fresh(_broadcast_axis), aliases=('broadcast_axes',), method='broadcast_axes',
               params={'axis': Shape(()), 'size': Shape(())},
               doc='Broadcast the size-1 axes ``axis`` to the sizes ``size``.'))


def _broadcast_like(p, x, like):
    if p.lhs_axes is None and p.rhs_axes is None:
        if x.dim() != like.dim():
            raise MXNetError('broadcast_like: operand of shape %s cannot be broadcast to %s'
                             % (_fmt(x.shape), _fmt(like.shape)))
        return _expand('broadcast_like', x, like.shape)
    la, ra = p.lhs_axes or (), p.rhs_axes or ()
    if len(la) != len(ra):
        raise MXNetError('broadcast_like: lhs_axes %s and rhs_axes %s must have the same length'
                         % (_fmt(la), _fmt(ra)))
    if not la:
        raise MXNetError('broadcast_like: empty lhs_axes/rhs_axes tuples are not allowed')
    shape = list(x.shape)
    for a, b in zip(la, ra):
        shape[norm_axis('broadcast_like', a, x.dim())] = like.shape[norm_axis('broadcast_like', b, like.dim())]
    return _expand('broadcast_like', x, shape)


register(OpDef('broadcast_like', _fresh(_broadcast_like), inputs=('lhs', 'rhs'), same_dtype=False, method=True,
               params={'lhs_axes': Shape(None), 'rhs_axes': Shape(None)},
               doc='Broadcast lhs to the shape of rhs (or only lhs_axes to the sizes of rhs_axes).'))


# ---- shape as data --------------------------------------------------------------------------------
def _int64_out(p, in_types):
    return in_types, ['int64'], []


register(OpDef('shape_array', lambda p, x: torch.tensor(list(x.shape), dtype=torch.int64, device=x.device),
               infer_type=_int64_out, infer_shape=_unary_shape(lambda p, s: (len(s),)), method=True,
               doc='The shape of the input as a 1-D int64 array.'))
register(OpDef('size_array', lambda p, x: torch.tensor([x.numel()], dtype=torch.int64, device=x.device),
               infer_type=_int64_out, infer_shape=_unary_shape(lambda p, s: (1,)), method=True,
               doc='The number of elements of the input as a (1,) int64 array.'))


def _check_block(op, x, b, channels_div):
    if x.dim() != 4:
        raise MXNetError('%s: input must be 4-D (N, C, H, W), got shape %s' % (op, _fmt(x.shape)))
    if b < 1:
        raise MXNetError('%s: block_size must be positive, got %d' % (op, b))
    n, c, h, w = x.shape
    for what, d in (('depth', c), ('height', h), ('width', w)):
        if d == 0:
            raise MXNetError('%s: the %s dimension of shape %s cannot be 0' % (op, what, _fmt(x.shape)))
    if channels_div and c % (b * b):
        raise MXNetError('%s: the depth dimension %d of shape %s must be a multiple of block_size^2 = %d'
                         % (op, c, _fmt(x.shape), b * b))
    if not channels_div and (h % b or w % b):
        raise MXNetError('%s: height %d and width %d of shape %s must be multiples of block_size %d'
                         % (op, h, w, _fmt(x.shape), b))
    return n, c, h, w


def _depth_to_space(p, x):
    b = p.block_size
    n, c, h, w = _check_block('depth_to_space', x, b, True)
    y = x.reshape(n, b, b, c // (b * b), h, w).permute(0, 3, 4, 1, 5, 2)
    return y.reshape(n, c // (b * b), h * b, w * b)


def _space_to_depth(p, x):
    b = p.block_size
    n, c, h, w = _check_block('space_to_depth', x, b, False)
    y = x.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
    return y.reshape(n, c * b * b, h // b, w // b)


register(OpDef('depth_to_space', _fresh(_depth_to_space), params={'block_size': Int()}, method=True,
               doc='Move blocks of depth (channels) into spatial blocks: (N, C, H, W) -> (N, C/b^2, H*b, W*b).'))
register(OpDef('space_to_depth', _fresh(_space_to_depth), params={'block_size': Int()}, method=True,
               doc='Move spatial blocks into depth: (N, C, H, W) -> (N, C*b^2, H/b, W/b).'))


def _diag(p, x):
    if x.dim() == 1:
        return torch.diag(x, p.k)
    a1, a2 = norm_axis('diag', p.axis1, x.dim()), norm_axis('diag', p.axis2, x.dim())
    if a1 == a2:
        raise MXNetError('diag: axis1 and axis2 must differ, both are %d' % a1)
    h, w = x.shape[a1], x.shape[a2]
    if (min(h, w - p.k) if p.k >= 0 else min(h + p.k, w)) <= 0:
        raise MXNetError('diag: offset k=%d is out of range for axes of sizes %d and %d' % (p.k, h, w))
    return torch.diagonal(x, p.k, a1, a2)


register(OpDef('diag', _fresh(_diag), params={'k': Int(0), 'axis1': Int(0), 'axis2': Int(1)}, method=True,
               doc='A 1-D input gives the 2-D array with it on diagonal k; an n-D input gives its k-th '
                   'diagonal over axes (axis1, axis2), appended as the last axis.'))
