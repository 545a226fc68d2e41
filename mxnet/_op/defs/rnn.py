"""The fused RNN operator (rnn_relu, rnn_tanh, lstm, gru; stacked, optionally bidirectional).

``parameters`` is MXNet's flat vector: every weight matrix first (for each layer, for each direction: i2h
(gates*H, in) then h2h (gates*H, H)), then every bias (same order: i2h then h2h, each gates*H). Gate order is
cuDNN's, as torch's: LSTM i, f, g, o; GRU r, z, n. With ``projection_size`` P (LSTM only) each layer and direction
has h2h (4H, P) and then h2r (P, H) among the weights, the recurrent state is (.., P) and the output P wide.
With ``use_sequence_length`` each sample's steps past its length are skipped (zero outputs there) and the
final states are those of its last valid step.
"""
import warnings

import torch

from ... import _torch_compat as _compat
from ...base import MXNetError
from ..params import Int, Float, Bool, Enum
from ..registry import OpDef, register
from .nn import fmt, expect

_GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}


def _dirs(p):
    return 2 if p.bidirectional else 1


def _out_size(p):
    """Width of the recurrent state h (the projection size when projecting)."""
    return p.projection_size if p.projection_size else p.state_size


def param_size(p, input_size):
    """Length of the flat parameter vector for data with ``input_size`` features."""
    g, h, d, r = _GATES[p.mode], p.state_size, _dirs(p), _out_size(p)
    proj = r * h if p.projection_size else 0
    return sum(d * (g * h * ((input_size if layer == 0 else d * r) + r + 2) + proj)
               for layer in range(p.num_layers))


def _unpack(p, params, input_size):
    """torch's flat weight list (per layer, per direction: w_ih, w_hh, b_ih, b_hh[, w_hr]) viewing ``params``."""
    g, h, d, r = _GATES[p.mode], p.state_size, _dirs(p), _out_size(p)
    mats, off = [], 0
    for layer in range(p.num_layers):
        n_in = input_size if layer == 0 else d * r
        for _ in range(d):
            wx = params[off:off + g * h * n_in].reshape(g * h, n_in)
            off += g * h * n_in
            wh = params[off:off + g * h * r].reshape(g * h, r)
            off += g * h * r
            proj = []
            if p.projection_size:
                proj = [params[off:off + r * h].reshape(r, h)]
                off += r * h
            mats.append((wx, wh, proj))
    flat = []
    for wx, wh, proj in mats:
        bx = params[off:off + g * h]
        bh = params[off + g * h:off + 2 * g * h]
        off += 2 * g * h
        flat += [wx, wh, bx, bh] + proj
    return flat


def _inputs(p):
    names = ['data', 'parameters', 'state']
    if p.mode == 'lstm':
        names.append('state_cell')
    if p.use_sequence_length:
        names.append('sequence_length')
    return names


def _outputs(p):
    if not p.state_outputs:
        return ['output']
    return ['output', 'state_output'] + (['statecell_output'] if p.mode == 'lstm' else [])


def _expected(p, d):
    if len(d) != 3:
        raise MXNetError('RNN: data must be (seq_len, batch, input_size), got %s' % fmt(d))
    t, n, i = d
    st = (p.num_layers * _dirs(p), n, _out_size(p))
    cell = (p.num_layers * _dirs(p), n, p.state_size)
    want = {'parameters': (param_size(p, i),), 'state': st, 'state_cell': cell, 'sequence_length': (n,)}
    outs = [(t, n, _dirs(p) * _out_size(p)), st, cell][:len(_outputs(p))]
    return want, outs


def _unsupported(p):
    for k in ('lstm_state_clip_min', 'lstm_state_clip_max'):
        if getattr(p, k) is not None:
            raise MXNetError('RNN: %s is not supported' % k)
    if p.projection_size and p.mode != 'lstm':
        raise MXNetError('RNN: projection_size is only supported for mode lstm, got %s' % p.mode)


def _run_packed(fn, data, hx, flat, lengths, args):
    """``fn`` over each sample's first ``lengths`` steps (torch's packed sequences); padded outputs are 0."""
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, PackedSequence
    lengths = lengths.detach().to('cpu').long()
    if bool((lengths < 1).any()) or bool((lengths > data.shape[0]).any()):
        raise MXNetError('RNN: sequence_length must lie in [1, %d], got %s' % (data.shape[0], lengths.tolist()))
    packed = pack_padded_sequence(data, lengths, enforce_sorted=False)
    hx = tuple(s.index_select(1, packed.sorted_indices) for s in hx)
    res = fn(packed.data, packed.batch_sizes, hx if len(hx) > 1 else hx[0], flat, *args)
    out = PackedSequence(res[0], packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices)
    out = pad_packed_sequence(out, total_length=data.shape[0])[0]
    return (out,) + tuple(s.index_select(1, packed.unsorted_indices) for s in res[1:])


def _rnn(p, data, parameters, state, *rest, is_train=False):
    _unsupported(p)
    rest = list(rest)
    state_cell = rest.pop(0) if p.mode == 'lstm' else None
    sequence_length = rest.pop(0) if p.use_sequence_length else None
    want, outs = _expected(p, tuple(data.shape))
    for name, t in (('parameters', parameters), ('state', state), ('state_cell', state_cell)):
        if t is not None:
            expect('RNN', name, t.shape, want[name])
    if data.is_meta:
        return tuple(data.new_empty(s) for s in outs)
    flat = _unpack(p, parameters, data.shape[2])
    dropout = p.p if is_train else 0.0
    fn = _compat.rnn_kernel(p.mode)
    hx = (state, state_cell) if p.mode == 'lstm' else (state,)
    with warnings.catch_warnings():
        # torch notes that oneDNN has no LSTMP kernel; its own kernel computes the same values
        warnings.filterwarnings('ignore', message='LSTM with projections is not supported with oneDNN')
        if p.use_sequence_length:
            res = _run_packed(fn, data, hx, flat, sequence_length,
                              (True, p.num_layers, dropout, bool(is_train), p.bidirectional))
        else:
            args = (flat, True, p.num_layers, dropout, bool(is_train), p.bidirectional, False)
            res = tuple(fn(data, hx if p.mode == 'lstm' else state, *args))
    return res[0] if not p.state_outputs else res


def _infer(p, shapes):
    names = _inputs(p)
    shapes = [None if s is None else tuple(s) for s in shapes]
    if shapes[0] is None:
        return shapes, [None] * len(_outputs(p)), []
    want, outs = _expected(p, shapes[0])
    for i, n in enumerate(names[1:], 1):
        if shapes[i] is None:
            shapes[i] = want[n]
        else:
            expect('RNN', n, shapes[i], want[n])
    return shapes, outs, []


register(OpDef('RNN', _rnn, inputs=_inputs, outputs=_outputs, infer_shape=_infer, train_aware=True,
               same_dtype=False,
               params={'state_size': Int(low=1), 'num_layers': Int(low=1), 'bidirectional': Bool(False),
                       'mode': Enum(('gru', 'lstm', 'rnn_relu', 'rnn_tanh')), 'p': Float(0.0, low=0, high=1),
                       'state_outputs': Bool(False), 'projection_size': Int(None),
                       'lstm_state_clip_min': Float(None), 'lstm_state_clip_max': Float(None),
                       'lstm_state_clip_nan': Bool(False), 'use_sequence_length': Bool(False)},
               doc='A stacked recurrent network over data (seq_len, batch, input_size) with MXNet\'s flat '
                   '``parameters`` layout; output (seq_len, batch, directions*state_size) and, with '
                   'state_outputs, the final states (num_layers*directions, batch, state_size).'))


def _param_concat(p, *xs):
    from .shape import _concat
    return _concat(p, *xs)


def _param_concat_infer(p, shapes):
    """Concat's rule, also filling in one unknown input (a deferred weight) from a known output size."""
    shapes = [None if s is None else tuple(s) for s in shapes]
    known = [s for s in shapes if s is not None and all(d > 0 for d in s)]
    if len(known) == len(shapes):
        out = list(shapes[0])
        out[p.dim] = sum(s[p.dim] for s in shapes)
        return shapes, [tuple(out)], []
    return shapes, [None], []


def _param_concat_reverse(p, in_shapes, out_shapes):
    """The inputs unknown along ``dim`` (the first layer's deferred i2h weights: one per direction, always
    of one size) share equally what the known output leaves for them."""
    out = out_shapes[0]
    none = [None] * len(in_shapes)
    if out is None or any(s is None for s in in_shapes):
        return none
    todo = [i for i, s in enumerate(in_shapes) if 0 in s]
    if not todo or any(list(in_shapes[i]).count(0) != 1 or in_shapes[i][p.dim] != 0 for i in todo):
        return none
    rest = out[p.dim] - sum(s[p.dim] for i, s in enumerate(in_shapes) if i not in todo)
    if rest <= 0 or rest % len(todo):
        return none
    each = rest // len(todo)
    return [tuple(each if a == p.dim else d for a, d in enumerate(in_shapes[i])) if i in todo else None
            for i in range(len(in_shapes))]


register(OpDef('_rnn_param_concat', _param_concat, variadic='num_args', infer_shape=_param_concat_infer,
               reverse_shape=_param_concat_reverse,
               params={'num_args': Int(low=1), 'dim': Int(1)},
               doc='Concat of the flattened weights of a fused RNN layer into the RNN op\'s ``parameters``.'))
