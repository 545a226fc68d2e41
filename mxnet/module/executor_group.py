"""Executors of one symbol on several devices, each computing a slice of every batch (data parallelism)."""
import logging

import numpy as np
import torch

from ..base import MXNetError
from ..io.base import DataDesc
from .. import ndarray as nd
from ..ndarray.ndarray import NDArray, wrap

__all__ = ['ExecutorGroup', 'DataParallelExecutorGroup', 'split_batch', 'as_descs']


def as_descs(shapes):
    """DataDescs from DataDescs or (name, shape) pairs (anything iterable, e.g. a zip)."""
    if shapes is None:
        return None
    out = []
    for s in shapes:
        out.append(s if isinstance(s, DataDesc) else DataDesc(s[0], tuple(s[1])))
    return out


def split_batch(batch_size, work_load_list):
    """Slices of [0, batch_size) proportional to the work loads."""
    total = float(sum(work_load_list))
    sizes = [int(round(batch_size * w / total)) for w in work_load_list]
    sizes[-1] = batch_size - sum(sizes[:-1])
    slices, start = [], 0
    for s in sizes:
        if s <= 0:
            raise MXNetError('Too many slices: batch size %d cannot be split over %d devices'
                             % (batch_size, len(work_load_list)))
        slices.append(slice(start, start + s))
        start += s
    return slices


class ExecutorGroup:
    """One executor per context; parameters are replicated, inputs are sliced along the batch axis."""

    def __init__(self, symbol, contexts, work_load_list, data_shapes, label_shapes, param_names, for_training,
                 inputs_need_grad, shared_group=None, fixed_param_names=None, grad_req='write',
                 state_names=None, logger=logging):
        self.symbol = symbol
        self.contexts = contexts
        self.work_load_list = work_load_list
        self.param_names = list(param_names)
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.fixed_param_names = set(fixed_param_names or [])
        self.state_names = list(state_names or [])
        self.logger = logger
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.output_names = symbol.list_outputs()
        self.grad_req = grad_req
        self.execs = []
        self.bind_exec(data_shapes, label_shapes, shared_group)

    def _reqs(self, data_names):
        # MXNet: a string req applies to the parameters and (with inputs_need_grad) to the data; a dict
        # overrides the defaults ('write' for both) name by name; a list gives one req per argument.
        if not self.for_training:
            return {name: 'null' for name in self.arg_names}
        if isinstance(self.grad_req, (list, tuple)):
            return dict(zip(self.arg_names, self.grad_req))
        req = self.grad_req if isinstance(self.grad_req, str) else 'write'
        reqs = {}
        for name in self.arg_names:
            if name in self.param_names:
                reqs[name] = 'null' if name in self.fixed_param_names else req
            elif name in data_names:
                reqs[name] = req if self.inputs_need_grad else 'null'
            else:
                reqs[name] = 'null'
        if isinstance(self.grad_req, dict):
            reqs.update(self.grad_req)
        return reqs

    def bind_exec(self, data_shapes, label_shapes, shared_group=None, reshape=False):
        self.data_shapes = as_descs(data_shapes)
        self.label_shapes = as_descs(label_shapes) if label_shapes else None
        self.data_names = [d.name for d in self.data_shapes]
        self.label_names = [d.name for d in self.label_shapes] if self.label_shapes else []
        self.batch_size = self.data_shapes[0].shape[DataDesc.get_batch_axis(self.data_shapes[0].layout)]
        self.slices = split_batch(self.batch_size, self.work_load_list)
        descs = self.data_shapes + (self.label_shapes or [])
        reqs = self._reqs(self.data_names)
        old = self.execs
        self.execs = []
        for i, (ctx, sl) in enumerate(zip(self.contexts, self.slices)):
            shapes, types = {}, {}
            for d in descs:
                axis = DataDesc.get_batch_axis(d.layout)
                shape = list(d.shape)
                if axis >= 0:
                    shape[axis] = sl.stop - sl.start
                shapes[d.name] = tuple(shape)
                types[d.name] = d.dtype
            shared = old[i] if old else (shared_group.execs[i] if shared_group is not None else None)
            ex = self.symbol.simple_bind(ctx, grad_req=reqs, type_dict=types, shared_exec=shared, **shapes)
            self.execs.append(ex)
        self.param_arrays = [[ex.arg_dict[n] for ex in self.execs] for n in self.param_names]
        self.grad_arrays = [[ex.grad_dict.get(n) for ex in self.execs] for n in self.param_names]
        self.aux_arrays = [[ex.aux_dict[n] for ex in self.execs] for n in self.aux_names]
        self.input_grad_arrays = [[ex.grad_dict[n] for ex in self.execs] for n in self.data_names
                                  if self.inputs_need_grad]

    def reshape(self, data_shapes, label_shapes):
        if as_descs(data_shapes) == self.data_shapes and as_descs(label_shapes) == self.label_shapes:
            return
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    # ---- parameters -------------------------------------------------------------------------------
    def set_params(self, arg_params, aux_params, allow_extra=False):
        for ex in self.execs:
            ex.copy_params_from(arg_params, aux_params, allow_extra_params=allow_extra)

    def get_params(self, arg_params, aux_params):
        """Average the device copies into the given dicts of CPU arrays."""
        for name, blocks in zip(self.param_names, self.param_arrays):
            _mean_into(arg_params[name], blocks)
        for name, blocks in zip(self.aux_names, self.aux_arrays):
            _mean_into(aux_params[name], blocks)

    # ---- running ----------------------------------------------------------------------------------
    def _load(self, arrays, names, targets_name):
        multi = len(self.execs) > 1
        for name, arr in zip(names, arrays):
            for ex, sl in zip(self.execs, self.slices):
                dst = ex.arg_dict.get(name)
                if dst is None:
                    continue
                src = arr[sl] if multi else arr
                if isinstance(src, NDArray):
                    t, d = src._data, dst._data
                    if t.shape != d.shape:
                        raise MXNetError('%s %s has shape %s but the module is bound with %s'
                                         % (targets_name, name, tuple(t.shape), dst.shape))
                    d.copy_(t)
                else:
                    dst[:] = np.asarray(src)

    def forward(self, data_batch, is_train=None):
        if is_train is None:
            is_train = self.for_training
        self._load(data_batch.data, self.data_names, 'data')
        if self.label_names and data_batch.label is not None and is_train is not False:
            self._load(data_batch.label, self.label_names, 'label')
        elif self.label_names and data_batch.label:
            self._load(data_batch.label, self.label_names, 'label')
        for ex in self.execs:
            ex.forward(is_train=is_train)

    def backward(self, out_grads=None):
        assert self.for_training, 're-bind with for_training=True to run backward'
        for i, (ex, sl) in enumerate(zip(self.execs, self.slices)):
            grads = None
            if out_grads is not None:
                grads = [g[sl] if len(self.execs) > 1 else g for g in out_grads]
            ex.backward(out_grads=grads)

    def get_outputs(self, merge_multi_context=True):
        outs = [[ex.outputs[i] for ex in self.execs] for i in range(len(self.output_names))]
        return _merge(outs) if merge_multi_context else outs

    def get_input_grads(self, merge_multi_context=True):
        assert self.inputs_need_grad
        return _merge(self.input_grad_arrays) if merge_multi_context else self.input_grad_arrays

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        for i, (ex, sl) in enumerate(zip(self.execs, self.slices)):
            if pre_sliced:
                labels_slice = labels[i]
            elif len(self.execs) > 1:
                labels_slice = [l[sl] for l in labels]
            else:
                labels_slice = labels
            labels_ = dict(zip(self.label_names, labels_slice))
            preds = dict(zip(self.output_names, ex.outputs))
            eval_metric.update_dict(labels_, preds)

    def install_monitor(self, mon):
        for ex in self.execs:
            mon.install(ex)

    def get_states(self, merge_multi_context=True):
        states = [[ex.arg_dict[n] for ex in self.execs] for n in self.state_names]
        return _merge(states) if merge_multi_context else states

    def set_states(self, states=None, value=None):
        for i, name in enumerate(self.state_names):
            for k, ex in enumerate(self.execs):
                if value is not None:
                    ex.arg_dict[name][:] = value
                else:
                    ex.arg_dict[name][:] = states[i][k]


def _merge(lists):
    out = []
    for blocks in lists:
        if len(blocks) == 1 or blocks[0] is None:
            out.append(blocks[0])
        else:
            dev = blocks[0]._data.device
            out.append(wrap(torch.cat([b._data.to(dev) for b in blocks], dim=0)))
    return out


def _mean_into(dst, blocks):
    if len(blocks) == 1:
        dst._data.copy_(blocks[0]._data)
    else:
        acc = sum(b._data.to(dst._data.device, torch.float64) for b in blocks) / len(blocks)
        dst._data.copy_(acc)

# MXNet's name for the executor group.
DataParallelExecutorGroup = ExecutorGroup
