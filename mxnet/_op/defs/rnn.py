"""The fused RNN operator (rnn_relu, rnn_tanh, lstm, gru; stacked, optionally bidirectional).

``parameters`` is MXNet's flat vector: every weight matrix first (for each layer, for each direction: i2h
(gates*H, in) then h2h (gates*H, H)), then every bias (same order: i2h then h2h, each gates*H). Gate order is
cuDNN's, as torch's: LSTM i, f, g, o; GRU r, z, n.
"""
import torch

from ...base import MXNetError
from ..params import Int, Float, Bool, Enum
from ..registry import OpDef, register
from .nn import fmt, expect

_GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}


def _dirs(p):
    return 2 if p.bidirectional else 1


def param_size(p, input_size):
    """Length of the flat parameter vector for data with ``input_size`` features."""
    g, h, d = _GATES[p.mode], p.state_size, _dirs(p)
    return sum(d * g * h * ((input_size if layer == 0 else d * h) + h + 2) for layer in range(p.num_layers))


def _unpack(p, params, input_size):
    """torch's flat weight list (per layer, per direction: w_ih, w_hh, b_ih, b_hh) viewing ``params``."""
    g, h, d = _GATES[p.mode], p.state_size, _dirs(p)
    mats, off = [], 0
    for layer in range(p.num_layers):
        n_in = input_size if layer == 0 else d * h
        for _ in range(d):
            wx = params[off:off + g * h * n_in].reshape(g * h, n_in)
            off += g * h * n_in
            wh = params[off:off + g * h * h].reshape(g * h, h)
            off += g * h * h
            mats.append((wx, wh))
    flat = []
    for wx, wh in mats:
        bx = params[off:off + g * h]
        bh = params[off + g * h:off + 2 * g * h]
        off += 2 * g * h
        flat += [wx, wh, bx, bh]
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
    st = (p.num_layers * _dirs(p), n, p.state_size)
    want = {'parameters': (param_size(p, i),), 'state': st, 'state_cell': st, 'sequence_length': (n,)}
    outs = [(t, n, _dirs(p) * p.state_size), st, st][:len(_outputs(p))]
    return want, outs


def _unsupported(p):
    for k in ('projection_size', 'lstm_state_clip_min', 'lstm_state_clip_max'):
        if getattr(p, k) is not None:
            raise MXNetError('RNN: %s is not supported' % k)
    if p.use_sequence_length:
        raise MXNetError('RNN: use_sequence_length is not supported')


def _rnn(p, data, parameters, state, state_cell=None, sequence_length=None, is_train=False):
    _unsupported(p)
    want, outs = _expected(p, tuple(data.shape))
    for name, t in (('parameters', parameters), ('state', state), ('state_cell', state_cell)):
        if t is not None:
            expect('RNN', name, t.shape, want[name])
    if data.is_meta:
        return tuple(data.new_empty(s) for s in outs)
    flat = _unpack(p, parameters, data.shape[2])
    dropout = p.p if is_train else 0.0
    args = (flat, True, p.num_layers, dropout, bool(is_train), p.bidirectional, False)
    if p.mode == 'lstm':
        out, h, c = torch._VF.lstm(data, (state, state_cell), *args)
        res = (out, h, c)
    else:
        fn = {'gru': torch._VF.gru, 'rnn_tanh': torch._VF.rnn_tanh, 'rnn_relu': torch._VF.rnn_relu}[p.mode]
        out, h = fn(data, state, *args)
        res = (out, h)
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
                       'mode': Enum(('gru', 'lstm', 'rnn_relu', 'rnn_tanh')), 'p': Float(0.0),
                       'state_outputs': Bool(False), 'projection_size': Int(None),
                       'lstm_state_clip_min': Float(None), 'lstm_state_clip_max': Float(None),
                       'lstm_state_clip_nan': Bool(False), 'use_sequence_length': Bool(False)},
               doc='A stacked recurrent network over data (seq_len, batch, input_size) with MXNet\'s flat '
                   '``parameters`` layout; output (seq_len, batch, directions*state_size) and, with '
                   'state_outputs, the final states (num_layers*directions, batch, state_size).'))
