"""Contributed recurrent cells: LSTM with a projection layer (LSTMP) and variational dropout."""
from ...rnn.rnn_cell import (HybridRecurrentCell, ModifierCell, BidirectionalCell, SequentialRNNCell,
                             _as_list, _format_sequence, _get_begin_state, _mask_sequence_variable_length, _mapping)
from ...parameter import tensor_types

__all__ = ['LSTMPCell', 'VariationalDropoutCell']


class LSTMPCell(HybridRecurrentCell):
    """LSTM whose hidden state is projected to ``projection_size`` P (Sak et al. 2014):
    ``r = W_hr (o * tanh(c))``. States [r (batch, P), c (batch, hidden_size)]; parameters i2h_weight
    (4H, input_size), h2h_weight (4H, P), h2r_weight (P, H), i2h_bias and h2h_bias (4H,)."""

    def __init__(self, hidden_size, projection_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 h2r_weight_initializer=None, i2h_bias_initializer='zeros', h2h_bias_initializer='zeros',
                 input_size=0, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        self._projection_size = projection_size
        self.i2h_weight = self.params.get('i2h_weight', shape=(4 * hidden_size, input_size),
                                          init=i2h_weight_initializer, allow_deferred_init=True)
        self.h2h_weight = self.params.get('h2h_weight', shape=(4 * hidden_size, projection_size),
                                          init=h2h_weight_initializer, allow_deferred_init=True)
        self.h2r_weight = self.params.get('h2r_weight', shape=(projection_size, hidden_size),
                                          init=h2r_weight_initializer, allow_deferred_init=True)
        self.i2h_bias = self.params.get('i2h_bias', shape=(4 * hidden_size,), init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get('h2h_bias', shape=(4 * hidden_size,), init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def state_info(self, batch_size=0):
        return [{'shape': (batch_size, self._projection_size), '__layout__': 'NC'},
                {'shape': (batch_size, self._hidden_size), '__layout__': 'NC'}]

    def _alias(self):
        return 'lstmp'

    def __repr__(self):
        return '{name}({mapping})'.format(name=self.__class__.__name__, mapping=_mapping(self.i2h_weight, 4))

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, h2r_weight, i2h_bias, h2h_bias):
        prefix = 't%d_' % self._counter
        n = 4 * self._hidden_size
        i2h = F.FullyConnected(data=inputs, weight=i2h_weight, bias=i2h_bias, num_hidden=n, name=prefix + 'i2h')
        h2h = F.FullyConnected(data=states[0], weight=h2h_weight, bias=h2h_bias, num_hidden=n,
                               name=prefix + 'h2h')
        gates = F.elemwise_add(i2h, h2h, name=prefix + 'plus0')
        slices = F.SliceChannel(gates, num_outputs=4, name=prefix + 'slice')
        in_gate = F.Activation(slices[0], act_type='sigmoid', name=prefix + 'i')
        forget_gate = F.Activation(slices[1], act_type='sigmoid', name=prefix + 'f')
        in_transform = F.Activation(slices[2], act_type='tanh', name=prefix + 'c')
        out_gate = F.Activation(slices[3], act_type='sigmoid', name=prefix + 'o')
        next_c = F.elemwise_add(F.elemwise_mul(forget_gate, states[1], name=prefix + 'mul0'),
                                F.elemwise_mul(in_gate, in_transform, name=prefix + 'mul1'),
                                name=prefix + 'state')
        hidden = F.elemwise_mul(out_gate, F.Activation(next_c, act_type='tanh', name=prefix + 'activation0'),
                                name=prefix + 'hidden')
        next_r = F.FullyConnected(data=hidden, num_hidden=self._projection_size, weight=h2r_weight,
                                  no_bias=True, name=prefix + 'out')
        return next_r, [next_r, next_c]


class VariationalDropoutCell(ModifierCell):
    """Variational dropout (Gal & Ghahramani 2016) around ``base_cell``: one dropout mask per sequence
    (drawn at the first step, reused at every step) on the inputs, the first state and the outputs, with
    rates ``drop_inputs``, ``drop_states`` and ``drop_outputs``."""

    def __init__(self, base_cell, drop_inputs=0., drop_states=0., drop_outputs=0.):
        assert not drop_states or not isinstance(base_cell, BidirectionalCell), \
            "BidirectionalCell doesn't support variational state dropout. Please add VariationalDropoutCell " \
            "to the cells underneath instead."
        assert not drop_states or not isinstance(base_cell, SequentialRNNCell) or \
            not getattr(base_cell, '_bidirectional', False), \
            "Bidirectional SequentialRNNCell doesn't support variational state dropout. Please add " \
            "VariationalDropoutCell to the cells underneath instead."
        super().__init__(base_cell)
        self.drop_inputs = drop_inputs
        self.drop_states = drop_states
        self.drop_outputs = drop_outputs
        self.drop_inputs_mask = None
        self.drop_states_mask = None
        self.drop_outputs_mask = None

    def _alias(self):
        return 'vardrop'

    def reset(self):
        super().reset()
        self.drop_inputs_mask = None
        self.drop_states_mask = None
        self.drop_outputs_mask = None

    def _initialize_input_masks(self, F, inputs, states):
        if self.drop_states and self.drop_states_mask is None:
            self.drop_states_mask = F.Dropout(F.ones_like(states[0]), p=self.drop_states)
        if self.drop_inputs and self.drop_inputs_mask is None:
            self.drop_inputs_mask = F.Dropout(F.ones_like(inputs), p=self.drop_inputs)

    def _initialize_output_mask(self, F, output):
        if self.drop_outputs and self.drop_outputs_mask is None:
            self.drop_outputs_mask = F.Dropout(F.ones_like(output), p=self.drop_outputs)

    def hybrid_forward(self, F, inputs, states):
        self._initialize_input_masks(F, inputs, states)
        if self.drop_states:
            states = list(states)
            states[0] = states[0] * self.drop_states_mask  # only the hidden state, not LSTM's cell
        if self.drop_inputs:
            inputs = inputs * self.drop_inputs_mask
        next_output, next_states = self.base_cell(inputs, states)
        self._initialize_output_mask(F, next_output)
        if self.drop_outputs:
            next_output = next_output * self.drop_outputs_mask
        return next_output, next_states

    def __repr__(self):
        return '{name}(p_out = {drop_outputs}, p_state = {drop_states})'.format(
            name=self.__class__.__name__, **self.__dict__)

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None, valid_length=None):
        """With no state dropout the base cell unrolls at once, the input and output masks applied to the
        whole sequences (broadcast over time); otherwise step by step."""
        if self.drop_states:
            return super().unroll(length, inputs, begin_state, layout, merge_outputs, valid_length=valid_length)
        self.reset()
        inputs, axis, F, batch_size = _format_sequence(length, inputs, layout, True)
        states = _get_begin_state(self, F, begin_state, inputs, batch_size)
        if self.drop_inputs:
            first = _as_list(F.split(inputs, num_outputs=length, axis=axis, squeeze_axis=True))[0]
            self._initialize_input_masks(F, first, states)
            inputs = F.broadcast_mul(inputs, self.drop_inputs_mask.expand_dims(axis=axis))
        outputs, states = self.base_cell.unroll(length, inputs, states, layout, merge_outputs=True,
                                                valid_length=valid_length)
        if self.drop_outputs:
            first = _as_list(F.split(outputs, num_outputs=length, axis=axis, squeeze_axis=True))[0]
            self._initialize_output_mask(F, first)
            outputs = F.broadcast_mul(outputs, self.drop_outputs_mask.expand_dims(axis=axis))
        merge_outputs = isinstance(outputs, tensor_types) if merge_outputs is None else merge_outputs
        outputs, _, _, _ = _format_sequence(length, outputs, layout, merge_outputs)
        if valid_length is not None:
            outputs = _mask_sequence_variable_length(F, outputs, length, valid_length, axis, merge_outputs)
        return outputs, states
