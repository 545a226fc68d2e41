"""DataParallelExecutorGroup: one executor of a symbol per context, each computing a slice of every batch.

Inputs are cut along their batch axis (the 'N' of their DataDesc layout; an input without 'N' is copied
whole to every device); outputs are joined along the batch axis of their ``__layout__`` attribute.
"""
import logging

import numpy as np
import torch

from ..base import MXNetError
from ..context import Context
from ..io.base import DataDesc
from ..ndarray.ndarray import NDArray, wrap
from .. import _dtype

__all__ = ['DataParallelExecutorGroup', 'split_batch', 'as_descs']


def as_descs(shapes):
    """DataDescs from DataDescs or (name, shape) pairs (anything iterable, e.g. a zip)."""
    if shapes is None:
        return None
    return [s if isinstance(s, DataDesc) else DataDesc(s[0], tuple(s[1])) for s in shapes]


def split_batch(batch_size, work_load_list):
    """Slices of [0, batch_size), one per device, sized in proportion to the work loads."""
    total = float(sum(work_load_list))
    sizes = [int(round(w * batch_size / total)) for w in work_load_list]
    if sum(sizes) < batch_size:
        sizes[-1] += batch_size - sum(sizes)
    slices, end = [], 0
    for s in sizes:
        begin = min(end, batch_size)
        end = min(begin + s, batch_size)
        if begin >= end:
            raise MXNetError('Too many slices: batch size %d cannot be split over %d devices'
                             % (batch_size, len(work_load_list)))
        slices.append(slice(begin, end))
    return slices


def prepare_group2ctxs(group2ctxs, num_ctx):
    """One ``{ctx_group: Context}`` per device from MXNet's forms of ``group2ctxs``: None, a list with one
    dict per device, or a dict whose values are a Context (every device) or a list of 1 or ``num_ctx``."""
    if group2ctxs is None:
        return [None] * num_ctx
    if isinstance(group2ctxs, list):
        if len(group2ctxs) != num_ctx:
            raise MXNetError('group2ctxs has %d entries but there are %d contexts' % (len(group2ctxs), num_ctx))
        return group2ctxs
    if isinstance(group2ctxs, dict):
        out = [{} for _ in range(num_ctx)]
        for group, ctxs in group2ctxs.items():
            if isinstance(ctxs, Context):
                ctxs = [ctxs] * num_ctx
            elif len(ctxs) == 1:
                ctxs = list(ctxs) * num_ctx
            elif len(ctxs) != num_ctx:
                raise MXNetError('group2ctxs[%s] has %d contexts; expected 1 or %d' % (group, len(ctxs), num_ctx))
            for i in range(num_ctx):
                out[i][group] = ctxs[i]
        return out
    raise MXNetError('group2ctxs must be a dict of str to Context (or list of Context), or a list of such '
                     'dicts, got %s' % type(group2ctxs).__name__)


def _tensor_of(src):
    return src._data if isinstance(src, NDArray) else torch.as_tensor(np.asarray(src))


def _copy_into(src, dst, axis, sl, what):
    """Copy ``src`` (sliced to ``sl`` along ``axis`` when axis >= 0) into NDArray ``dst``."""
    t = _tensor_of(src)
    if axis >= 0 and sl is not None and (sl.start != 0 or sl.stop != t.shape[axis]):
        t = t.narrow(axis, sl.start, sl.stop - sl.start)
    d = dst._data
    if tuple(t.shape) != tuple(d.shape):
        raise MXNetError('%s has shape %s but the module is bound with %s' % (what, tuple(t.shape), dst.shape))
    d.copy_(t)


def _slice_axis(arr, axis, sl):
    t = arr._data
    if sl.start == 0 and sl.stop == t.shape[axis]:
        return arr
    return wrap(t.narrow(axis, sl.start, sl.stop - sl.start), arr.context)


def _merge(blocks_per_output, axes):
    """One array per output: the devices' blocks joined along the output's batch axis (the first block when
    the output has none: every device computed the same value)."""
    out = []
    for blocks, axis in zip(blocks_per_output, axes):
        if len(blocks) == 1 or axis < 0 or blocks[0] is None:
            out.append(blocks[0])
        else:
            first = blocks[0]
            dev = first._data.device
            out.append(wrap(torch.cat([b._data.to(dev) for b in blocks], dim=axis), first.context))
    return out


class DataParallelExecutorGroup:
    """``DataParallelExecutorGroup(symbol, contexts, workload, data_shapes, label_shapes, param_names,
    for_training, inputs_need_grad, shared_group=None, logger=logging, fixed_param_names=None,
    grad_req='write', state_names=None, group2ctxs=None)``.

    Parameters are replicated on every device (``param_arrays[i][k]``: parameter i on device k); data and
    labels are split by ``workload``. With ``shared_group`` (another bucket of the same model) the parameter
    arrays are that group's and the input arrays come from the shared ``shared_data_arrays`` pool.
    ``grad_req`` is a str (for the parameters, and the data when ``inputs_need_grad``), a list (one per
    argument) or a dict (overriding those defaults by name); it is kept as a dict by argument name.
    """

    def __init__(self, symbol, contexts, workload, data_shapes, label_shapes, param_names, for_training,
                 inputs_need_grad, shared_group=None, logger=logging, fixed_param_names=None, grad_req='write',
                 state_names=None, group2ctxs=None):
        self.symbol = symbol
        self.contexts = list(contexts)
        self.workload = list(workload) if workload is not None else [1] * len(self.contexts)
        self.param_names = list(param_names)
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.group2ctxs = prepare_group2ctxs(group2ctxs, len(self.contexts))
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.logger = logger
        self.fixed_param_names = list(fixed_param_names or [])
        self.state_names = list(state_names or [])
        self._total_exec_bytes = 0
        data_shapes = as_descs(data_shapes)
        label_shapes = as_descs(label_shapes)
        self.grad_req = self._grad_req_dict('null' if not for_training else grad_req,
                                            [d.name for d in data_shapes])
        self.shared_data_arrays = shared_group.shared_data_arrays if shared_group is not None \
            else [{} for _ in self.contexts]
        self.batch_size = None
        self.slices = None
        self.execs = []
        self._default_execs = None
        self.data_arrays = self.label_arrays = self.param_arrays = self.state_arrays = None
        self.grad_arrays = self.aux_arrays = self.input_grad_arrays = None
        self.data_shapes = self.label_shapes = self.data_names = self.label_names = None
        self.data_layouts = self.label_layouts = None
        self.output_names = symbol.list_outputs()
        self.num_outputs = len(self.output_names)
        self.output_layouts = [DataDesc.get_batch_axis(symbol[i].attr('__layout__'))
                               for i in range(self.num_outputs)]
        self.bind_exec(data_shapes, label_shapes, shared_group)

    def _grad_req_dict(self, grad_req, data_names):
        def default(name, req):
            if name in self.param_names:
                return 'null' if name in self.fixed_param_names else req
            if name in data_names:
                return req if self.inputs_need_grad else 'null'
            return 'null'
        if isinstance(grad_req, str):
            return {k: default(k, grad_req) for k in self.arg_names}
        if isinstance(grad_req, (list, tuple)):
            if len(grad_req) != len(self.arg_names):
                raise MXNetError('grad_req has %d entries but the symbol has %d arguments'
                                 % (len(grad_req), len(self.arg_names)))
            return dict(zip(self.arg_names, grad_req))
        if isinstance(grad_req, dict):
            reqs = {k: default(k, 'write') for k in self.arg_names}
            reqs.update(grad_req)
            return reqs
        raise ValueError('grad_req must be one of str, list, tuple, or dict.')

    # ---- binding ----------------------------------------------------------------------------------
    def decide_slices(self, data_shapes):
        """The batch axis of each DataDesc; sets ``batch_size`` and ``slices`` (all must agree)."""
        assert len(data_shapes) > 0
        axes = [DataDesc.get_batch_axis(d.layout) for d in data_shapes]
        for d, axis in zip(data_shapes, axes):
            if axis < 0:
                continue
            size = d.shape[axis]
            if self.batch_size is None:
                self.batch_size = size
                self.slices = split_batch(size, self.workload)
            elif size != self.batch_size:
                raise MXNetError('all data must have the same batch size: batch_size = %d, but %s has shape %s'
                                 % (self.batch_size, d.name, d.shape))
        return axes

    def _sliced_shapes(self, descs, i, axes):
        out = []
        for d, axis in zip(descs, axes):
            shape = list(d.shape)
            if axis >= 0:
                shape[axis] = self.slices[i].stop - self.slices[i].start
            out.append(DataDesc(d.name, tuple(shape), d.dtype, d.layout))
        return out

    def bind_exec(self, data_shapes, label_shapes, shared_group=None, reshape=False):
        """Bind one executor per context (with ``reshape``: re-shape the first-bound executors)."""
        assert reshape or not self.execs
        data_shapes = as_descs(data_shapes)
        label_shapes = as_descs(label_shapes)
        self.batch_size = None
        self.data_layouts = self.decide_slices(data_shapes)
        if label_shapes is not None:
            self.label_layouts = self.decide_slices(label_shapes)
        for i in range(len(self.contexts)):
            data_i = self._sliced_shapes(data_shapes, i, self.data_layouts)
            label_i = self._sliced_shapes(label_shapes, i, self.label_layouts) if label_shapes is not None else []
            if reshape:
                self.execs[i] = self._reshaped(self._default_execs[i], {d.name: d.shape for d in data_i + label_i})
            else:
                self.execs.append(self._bind_ith_exec(i, data_i, label_i, shared_group))
        self.data_shapes = data_shapes
        self.label_shapes = label_shapes
        self.data_names = [d.name for d in data_shapes]
        self.label_names = [d.name for d in label_shapes] if label_shapes is not None else []
        self._collect_arrays()

    def _reshaped(self, default, shapes):
        # Inputs not given (a label when predicting) may change shape with the batch, unlike in MXNet, but
        # the parameters must keep theirs: a re-shaped parameter would no longer be the module's.
        ex = default.reshape(partial_shaping=True, allow_up_sizing=True, **shapes)
        for names, new, old in ((self.param_names, ex.arg_dict, default.arg_dict),
                                (self.aux_names, ex.aux_dict, default.aux_dict)):
            for name in names:
                if name in old and new[name] is not old[name]:
                    raise MXNetError('reshape: the new input shapes %s change the shape of parameter %s from %s '
                                     'to %s' % (shapes, name, old[name].shape, new[name].shape))
        return ex

    def _bind_ith_exec(self, i, data_shapes, label_shapes, shared_group):
        # the data's dtypes are the descs', unless the data variable was made with its own dtype
        attrs = self.symbol.attr_dict()
        types = {}
        for d in data_shapes:
            flag = attrs.get(d.name, {}).get('__dtype__')
            types[d.name] = _dtype.FLAG2NAME[int(flag)] if flag not in (None, '-1') else d.dtype
        types.update((d.name, d.dtype) for d in label_shapes)
        ex = self.symbol.simple_bind(ctx=self.contexts[i], grad_req=self.grad_req, type_dict=types,
                                     shared_arg_names=self.param_names,
                                     shared_exec=None if shared_group is None else shared_group.execs[i],
                                     group2ctx=self.group2ctxs[i], shared_buffer=self.shared_data_arrays[i],
                                     **{d.name: d.shape for d in data_shapes + label_shapes})
        arrays = list(ex.arg_arrays) + [g for g in ex.grad_arrays if g is not None] + list(ex.aux_arrays)
        self._total_exec_bytes += int(sum(a._data.numel() * a._data.element_size() for a in arrays)) >> 20
        return ex

    def _collect_arrays(self):
        execs = self.execs
        slices = self.slices or [slice(i, i + 1) for i in range(len(execs))]
        self.data_arrays = [[(slices[i], e.arg_dict[name]) for i, e in enumerate(execs)]
                            for name in self.data_names]
        self.state_arrays = [[e.arg_dict[name] for e in execs] for name in self.state_names]
        self.label_arrays = None if self.label_shapes is None else \
            [[(slices[i], e.arg_dict[name]) for i, e in enumerate(execs)] for name in self.label_names]
        self.param_arrays = [[e.arg_arrays[i] for e in execs] for i, name in enumerate(self.arg_names)
                             if name in self.param_names]
        self.grad_arrays = [[e.grad_arrays[i] for e in execs] for i, name in enumerate(self.arg_names)
                            if name in self.param_names] if self.for_training else None
        self.input_grad_arrays = [[e.grad_arrays[self.arg_names.index(name)] for e in execs]
                                  for name in self.data_names if name in self.arg_names] \
            if self.inputs_need_grad else None
        self.aux_arrays = [[e.aux_arrays[i] for e in execs] for i in range(len(self.aux_names))]

    def reshape(self, data_shapes, label_shapes):
        """Re-shape the executors for new input shapes (parameters are kept)."""
        data_shapes, label_shapes = as_descs(data_shapes), as_descs(label_shapes)
        if data_shapes == self.data_shapes and label_shapes == self.label_shapes:
            return
        if self._default_execs is None:
            self._default_execs = list(self.execs)
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    # ---- parameters -------------------------------------------------------------------------------
    def set_params(self, arg_params, aux_params, allow_extra=False):
        """Copy the given parameters onto every device."""
        for ex in self.execs:
            ex.copy_params_from(arg_params, aux_params, allow_extra_params=allow_extra)

    def get_params(self, arg_params, aux_params):
        """Write the mean over the devices of every parameter into the given dicts' arrays (in place)."""
        for name, blocks in zip(self.param_names, self.param_arrays):
            _mean_into(arg_params[name], blocks)
        for name, blocks in zip(self.aux_names, self.aux_arrays):
            _mean_into(aux_params[name], blocks)

    # ---- running ----------------------------------------------------------------------------------
    def _load(self, batch, field, targets, axes):
        if isinstance(batch, list):  # one batch per device, already sliced
            for k, (name, blocks) in enumerate(zip(self._names(field), targets)):
                for b, (_, dst) in zip(batch, blocks):
                    _copy_into(getattr(b, field)[k], dst, -1, None, '%s %s' % (field, name))
            return
        for name, src, blocks, axis in zip(self._names(field), getattr(batch, field), targets, axes):
            for sl, dst in blocks:
                _copy_into(src, dst, axis, sl, '%s %s' % (field, name))

    def _names(self, field):
        return self.data_names if field == 'data' else self.label_names

    def forward(self, data_batch, is_train=None):
        """Load the batch's slices onto the devices and run forward (``is_train`` defaults to
        ``for_training``). Labels are loaded when the group has labels and the batch carries them."""
        self._load(data_batch, 'data', self.data_arrays, self.data_layouts)
        if is_train is None:
            is_train = self.for_training
        if self.label_arrays is not None:
            first = data_batch[0] if isinstance(data_batch, list) else data_batch
            if getattr(first, 'label', None):
                self._load(data_batch, 'label', self.label_arrays, self.label_layouts)
        for ex in self.execs:
            ex.forward(is_train=is_train)

    def backward(self, out_grads=None):
        """Run backward on every device with its slice of ``out_grads``."""
        assert self.for_training, 're-bind with for_training=True to run backward'
        if out_grads is None:
            out_grads = []
        elif isinstance(out_grads, NDArray):
            out_grads = [out_grads]
        for i, (ex, sl) in enumerate(zip(self.execs, self.slices or [None] * len(self.execs))):
            grads = []
            for g, axis in zip(out_grads, self.output_layouts):
                if axis >= 0 and sl is not None:
                    g = _slice_axis(g, axis, sl)
                grads.append(g.as_in_context(self.contexts[i]))
            ex.backward(out_grads=grads or None)

    def get_output_shapes(self):
        """(name, shape) of every output with the whole batch."""
        out = []
        for name, o, axis in zip(self.output_names, self.execs[0].outputs, self.output_layouts):
            shape = list(o.shape)
            if axis >= 0:
                shape[axis] = self.batch_size
            out.append((name, tuple(shape)))
        return out

    def get_outputs(self, merge_multi_context=True, begin=0, end=None):
        """Outputs ``begin`` .. ``end - 1``: merged (``[out1, out2]``) or per device
        (``[[out1_dev1, out1_dev2], ...]``)."""
        end = self.num_outputs if end is None else end
        outs = [[ex.outputs[i] for ex in self.execs] for i in range(begin, end)]
        return _merge(outs, self.output_layouts[begin:end]) if merge_multi_context else outs

    def get_input_grads(self, merge_multi_context=True):
        """Gradients of the data inputs (needs ``inputs_need_grad``), merged or per device."""
        assert self.inputs_need_grad
        if merge_multi_context:
            return _merge(self.input_grad_arrays, self.data_layouts)
        return self.input_grad_arrays

    def get_states(self, merge_multi_context=True):
        """The state arrays per device (MXNet cannot merge them)."""
        assert not merge_multi_context, 'merge_multi_context=True is not supported for get_states yet.'
        return self.state_arrays

    def set_states(self, states=None, value=None):
        """Set the states from ``[[state1_dev1, state1_dev2], ...]`` or to one scalar ``value``."""
        if states is not None:
            assert value is None, 'Only one of states & value can be specified.'
            for srcs, dsts in zip(states, self.state_arrays):
                for src, dst in zip(srcs, dsts):
                    _copy_into(src, dst, -1, None, 'state')
        else:
            assert value is not None, 'At least one of states & value must be specified.'
            for dsts in self.state_arrays:
                for dst in dsts:
                    dst[:] = value

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Update ``eval_metric`` with every device's outputs against its slice of ``labels``."""
        for i, (ex, sl) in enumerate(zip(self.execs, self.slices or [None] * len(self.execs))):
            if pre_sliced:
                labels_slice = labels[i]
            else:
                labels_slice = []
                for label, axis in zip(labels, self.label_layouts or [0] * len(labels)):
                    if axis >= 0 and sl is not None and isinstance(label, NDArray):
                        label = _slice_axis(label, axis, sl)
                    labels_slice.append(label)
            eval_metric.update_dict(dict(zip(self.label_names, labels_slice)),
                                    dict(zip(self.output_names, ex.outputs)))

    def install_monitor(self, mon):
        for ex in self.execs:
            mon.install(ex)


def _mean_into(dst, blocks):
    if len(blocks) == 1:
        dst._data.copy_(blocks[0]._data)
    else:
        acc = sum(b._data.to(dst._data.device, torch.float64) for b in blocks) / len(blocks)
        dst._data.copy_(acc)
