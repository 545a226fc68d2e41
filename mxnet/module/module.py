"""Module: a Symbol bound to one or more devices, with parameters and an optimizer."""
import logging
import os
import pickle
import warnings

import numpy as np
import torch

from ..base import MXNetError
from ..context import Context, cpu
from .. import ndarray as nd
from .. import optimizer as opt
from ..initializer import Uniform, InitDesc
from ..io.base import DataDesc
from ..model import load_checkpoint, _create_kvstore, check_checkpoint_pair, params_bytes, params_stamp
from .base_module import BaseModule, _as_list
from .executor_group import DataParallelExecutorGroup, as_descs

__all__ = ['Module']


def _check_input_names(symbol, names, typename, throw):
    args = symbol.list_arguments()
    for name in names:
        if name in args:
            continue
        candidates = [arg for arg in args if not arg.endswith('_weight') and not arg.endswith('_bias')
                      and not arg.endswith('_gamma') and not arg.endswith('_beta')]
        msg = ("You created Module with Module(..., %s_names=%s) but input with name '%s' is not found in "
               "symbol.list_arguments(). Did you mean one of:\n\t%s" % (typename, str(names), name,
                                                                       '\n\t'.join(candidates)))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg)


class Module(BaseModule):
    """``Module(symbol, data_names=('data',), label_names=('softmax_label',), context=cpu(), ...)``.

    States: bind() allocates executors, init_params() gives parameters values, init_optimizer() installs
    the optimizer; forward/backward/update then train, as in MXNet 1.x.
    """

    def __init__(self, symbol, data_names=('data',), label_names=('softmax_label',), logger=logging,
                 context=None, work_load_list=None, fixed_param_names=None, state_names=None,
                 group2ctxs=None, compression_params=None):
        super().__init__(logger=logger)
        context = cpu() if context is None else context
        self._context = list(context) if isinstance(context, (list, tuple)) else [context]
        self._work_load_list = work_load_list or [1] * len(self._context)
        if len(self._work_load_list) != len(self._context):
            raise MXNetError('work_load_list has %d entries but there are %d contexts'
                             % (len(self._work_load_list), len(self._context)))
        self._symbol = symbol
        self._group2ctxs = group2ctxs
        data_names = list(data_names) if data_names is not None else []
        label_names = list(label_names) if label_names is not None else []
        state_names = list(state_names) if state_names is not None else []
        fixed_param_names = list(fixed_param_names) if fixed_param_names is not None else []
        _check_input_names(symbol, data_names, 'data', True)
        _check_input_names(symbol, label_names, 'label', False)
        _check_input_names(symbol, state_names, 'state', True)
        _check_input_names(symbol, fixed_param_names, 'fixed_param', True)
        arg_names = symbol.list_arguments()
        input_names = data_names + label_names + state_names
        self._param_names = [x for x in arg_names if x not in input_names]
        self._fixed_param_names = fixed_param_names
        self._aux_names = symbol.list_auxiliary_states()
        self._data_names = data_names
        self._label_names = label_names
        self._state_names = state_names
        self._output_names = symbol.list_outputs()
        self._arg_params = None
        self._aux_params = None
        self._params_dirty = False
        self._optimizer = None
        self._kvstore = None
        self._update_on_kvstore = None
        self._updater = None
        self._preload_opt_states = None
        self._grad_req = None
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    @staticmethod
    def load(prefix, epoch, load_optimizer_states=False, **kwargs):
        """A Module from ``prefix-symbol.json`` and ``prefix-%04d.params`` (and ``.states``)."""
        sym, args, auxs = load_checkpoint(prefix, epoch)
        mod = Module(symbol=sym, **kwargs)
        mod._arg_params = args
        mod._aux_params = auxs
        mod.params_initialized = True
        if load_optimizer_states:
            mod._preload_opt_states = '%s-%04d.states' % (prefix, epoch)
            check_checkpoint_pair('%s-%04d.params' % (prefix, epoch), mod._preload_opt_states)
        return mod

    def save_checkpoint(self, prefix, epoch, save_optimizer_states=False, remove_amp_cast=True):
        """Write the symbol, the parameters and optionally the optimizer states."""
        self._symbol.save('%s-symbol.json' % prefix, remove_amp_cast=remove_amp_cast)
        param_name = '%s-%04d.params' % (prefix, epoch)
        if not save_optimizer_states:
            self.save_params(param_name)
            logging.info('Saved checkpoint to "%s"', param_name)
            return
        # states first, stamped with the params about to be written, then the params: a kill in between
        # leaves a pair that Module.load(load_optimizer_states=True) refuses
        from ..symbol.json_io import atomic_write
        data = params_bytes(*self.get_params())
        state_name = '%s-%04d.states' % (prefix, epoch)
        self._write_optimizer_states(state_name, params_stamp(data))
        logging.info('Saved optimizer state to "%s"', state_name)
        atomic_write(param_name, data)
        logging.info('Saved checkpoint to "%s"', param_name)

    # ---- properties -------------------------------------------------------------------------------
    @property
    def data_names(self):
        return self._data_names

    @property
    def label_names(self):
        return self._label_names

    @property
    def output_names(self):
        return self._output_names

    @property
    def data_shapes(self):
        assert self.binded
        return self._data_shapes

    @property
    def label_shapes(self):
        assert self.binded
        return self._label_shapes

    @property
    def output_shapes(self):
        assert self.binded
        if self._exec_group.execs[0].outputs:  # the whole batch's shapes (not one device's slice)
            return self._exec_group.get_output_shapes()
        return list(zip(self._output_names, self._infer_output_shapes()))

    def _infer_output_shapes(self):
        shapes = {d.name: d.shape for d in self._data_shapes + (self._label_shapes or [])}
        _, out, _ = self._symbol.infer_shape(**shapes)
        return out

    # ---- parameters -------------------------------------------------------------------------------
    def get_params(self):
        """(arg_params, aux_params): CPU copies of the current parameters."""
        assert self.binded and self.params_initialized
        if self._params_dirty:
            self._sync_params_from_devices()
        return self._arg_params, self._aux_params

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None, allow_missing=False,
                    force_init=False, allow_extra=False):
        """Give every parameter a value: from ``arg_params``/``aux_params`` where given, else ``initializer``."""
        if self.params_initialized and not force_init:
            warnings.warn('Parameters already initialized and force_init=False. init_params call ignored.',
                          stacklevel=2)
            return
        assert self.binded, 'call bind before initializing the parameters'

        def _impl(name, arr, cache):
            if cache is not None:
                if name in cache:
                    cache_arr = cache[name]
                    if cache_arr is not arr:
                        if cache_arr.shape != arr.shape:
                            raise MXNetError('init_params: %s has shape %s in the given params but the module '
                                             'expects %s' % (name, cache_arr.shape, arr.shape))
                        arr[:] = cache_arr.as_in_context(arr.context) if isinstance(cache_arr, nd.NDArray) \
                            else cache_arr
                    return
                if not allow_missing:
                    raise RuntimeError('%s is not presented' % name)
            if initializer is not None:
                initializer(InitDesc(name, attrs.get(name, {})), arr)

        attrs = self._symbol.attr_dict()
        for name, arr in sorted(self._arg_params.items()):
            _impl(name, arr, arg_params)
        for name, arr in sorted(self._aux_params.items()):
            _impl(name, arr, aux_params)
        self.params_initialized = True
        self._params_dirty = False
        self._exec_group.set_params(self._arg_params, self._aux_params, allow_extra=allow_extra)

    def _copy_params(self, arg_params, aux_params, force_init, allow_extra):
        self._exec_group.set_params(arg_params, aux_params, allow_extra=allow_extra)

    def _sync_params_from_devices(self):
        self._exec_group.get_params(self._arg_params, self._aux_params)
        self._params_dirty = False

    # ---- binding ----------------------------------------------------------------------------------
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req='write'):
        """Allocate executors for the given input shapes (DataDescs or (name, shape) pairs)."""
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning('Already bound, ignoring bind()')
            return
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        if not for_training:
            assert not inputs_need_grad
        self._data_shapes = as_descs(data_shapes)
        self._label_shapes = as_descs(label_shapes) if label_shapes else None
        names = [d.name for d in self._data_shapes]
        if sorted(names) != sorted(self._data_names):
            raise ValueError('Data provided by data_shapes don\'t match names specified by data_names (%s vs. %s)'
                             % (self._data_shapes, self._data_names))
        if self._label_shapes is not None:
            lnames = [d.name for d in self._label_shapes]
            if sorted(lnames) != sorted(self._label_names):
                raise ValueError('Data provided by label_shapes don\'t match names specified by label_names '
                                 '(%s vs. %s)' % (self._label_shapes, self._label_names))
        elif self._label_names:  # bound without labels (e.g. for prediction): MXNet only warns
            warnings.warn("Data provided by label_shapes don't match names specified by label_names ([] vs. %s)"
                          % self._label_names, stacklevel=2)
        shared_group = None
        if shared_module is not None:
            assert shared_module.binded and shared_module.params_initialized
            shared_group = shared_module._exec_group
        self._exec_group = DataParallelExecutorGroup(
            self._symbol, self._context, self._work_load_list, self._data_shapes, self._label_shapes,
            self._param_names, for_training, inputs_need_grad, shared_group, logger=self.logger,
            fixed_param_names=self._fixed_param_names, grad_req=grad_req, state_names=self._state_names,
            group2ctxs=self._group2ctxs)
        self._total_exec_bytes = self._exec_group._total_exec_bytes
        self.binded = True
        if shared_module is not None:
            self.params_initialized = True
            self._arg_params = shared_module._arg_params
            self._aux_params = shared_module._aux_params
        elif self.params_initialized:
            # parameters loaded before binding (Module.load): copy them onto the devices
            self._exec_group.set_params(self._arg_params, self._aux_params)
        else:
            # CPU copies of the parameters, of the bound arrays' shapes, dtypes and storage types
            group = self._exec_group
            self._arg_params = {n: nd.zeros(b[0].shape, ctx=cpu(), dtype=b[0].dtype, stype=b[0].stype)
                                for n, b in zip(self._param_names, group.param_arrays)}
            self._aux_params = {n: nd.zeros(b[0].shape, ctx=cpu(), dtype=b[0].dtype)
                                for n, b in zip(self._aux_names, group.aux_arrays)}
        if shared_module is not None and shared_module.optimizer_initialized:
            self.borrow_optimizer(shared_module)

    def _reset_bind(self):
        self.binded = False
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    def reshape(self, data_shapes, label_shapes=None):
        """Re-bind for new input shapes, keeping parameters."""
        assert self.binded
        self._data_shapes = as_descs(data_shapes)
        self._label_shapes = as_descs(label_shapes) if label_shapes else None
        self._exec_group.reshape(self._data_shapes, self._label_shapes)

    # ---- optimizer --------------------------------------------------------------------------------
    def init_optimizer(self, kvstore='local', optimizer='sgd', optimizer_params=(('learning_rate', 0.01),),
                       force_init=False):
        """Install the optimizer; gradients are rescaled by 1/batch_size unless the optimizer says otherwise."""
        assert self.binded and self.params_initialized
        if self.optimizer_initialized and not force_init:
            self.logger.warning('optimizer already initialized, ignoring...')
            return
        if self._params_dirty:
            self._sync_params_from_devices()
        kv, update_on_kvstore = _create_kvstore(kvstore, len(self._context), self._arg_params)
        batch_size = self._exec_group.batch_size
        if kv is not None and 'dist' in kv.type and '_sync' in kv.type:
            batch_size *= kv.num_workers
        rescale_grad = 1.0 / batch_size
        idx2name = {}
        if update_on_kvstore:
            idx2name.update(enumerate(self._exec_group.param_names))
        else:
            for k in range(len(self._context)):
                idx2name.update({i * len(self._context) + k: n
                                 for i, n in enumerate(self._exec_group.param_names)})
        if isinstance(optimizer, str):
            optimizer_params = dict(optimizer_params)
            if 'rescale_grad' not in optimizer_params:
                optimizer_params['rescale_grad'] = rescale_grad
            optimizer = opt.create(optimizer, sym=self.symbol, param_idx2name=idx2name, **optimizer_params)
        else:
            assert isinstance(optimizer, opt.Optimizer)
            if optimizer.rescale_grad != rescale_grad:
                warnings.warn('Optimizer created manually outside Module but rescale_grad is not normalized to '
                              '1.0/batch_size/num_workers (%s vs. %s). Is this intended?'
                              % (optimizer.rescale_grad, rescale_grad), stacklevel=2)
            if not optimizer.idx2name:
                optimizer.idx2name = idx2name.copy()
        self._optimizer = optimizer
        self._kvstore = kv
        self._update_on_kvstore = update_on_kvstore
        self._updater = None
        if kv is not None:
            kv.init_params(self._exec_group.param_names, self._exec_group.param_arrays, self._arg_params)
        if update_on_kvstore:
            kv.set_optimizer(self._optimizer)
        else:
            self._updater = opt.get_updater(optimizer)
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def borrow_optimizer(self, shared_module):
        """Use another module's optimizer (BucketingModule shares one between buckets)."""
        assert shared_module.optimizer_initialized
        self._optimizer = shared_module._optimizer
        self._kvstore = shared_module._kvstore
        self._update_on_kvstore = shared_module._update_on_kvstore
        self._updater = shared_module._updater
        self.optimizer_initialized = True

    def save_optimizer_states(self, fname):
        """Pickle the optimizer states to ``fname`` (atomically)."""
        self._write_optimizer_states(fname)

    def _write_optimizer_states(self, fname, params_sha256=None):
        assert self.optimizer_initialized
        from ..symbol.json_io import atomic_write
        updater = getattr(self._kvstore, '_updater', None) if self._update_on_kvstore else self._updater
        if updater is None:
            self._kvstore.save_optimizer_states(fname)
        else:
            atomic_write(fname, updater.get_states(params_sha256=params_sha256))

    def load_optimizer_states(self, fname):
        assert self.optimizer_initialized
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
        else:
            with open(fname, 'rb') as f:
                self._updater.set_states(f.read(), repr(fname))

    # ---- computation ------------------------------------------------------------------------------
    def forward(self, data_batch, is_train=None):
        """Compute outputs for ``data_batch``; re-binds when the batch's shapes differ from the bound ones."""
        assert self.binded and self.params_initialized
        if isinstance(data_batch, list):  # one batch per device: their data stack along the batch axis
            assert data_batch, 'Encountered empty data batch'
            first = data_batch[0]
            new_shapes = []
            for i, arr in enumerate(first.data):
                if any(b.data[i].shape != arr.shape for b in data_batch):
                    raise MXNetError('All data batches in a list need to have the same shape')
                new_shapes.append((len(data_batch) * arr.shape[0],) + tuple(arr.shape[1:]))
        else:
            first = data_batch
            new_shapes = [tuple(a.shape) for a in data_batch.data]
        if tuple(tuple(d.shape) for d in self._data_shapes) != tuple(new_shapes):
            provide = getattr(first, 'provide_data', None)
            new_dshape = as_descs(provide) if provide else \
                [DataDesc(d.name, s, d.dtype, d.layout) for d, s in zip(self._data_shapes, new_shapes)]
            new_lshape = None
            provide = getattr(first, 'provide_label', None)
            labels = getattr(first, 'label', None)
            if provide:
                new_lshape = as_descs(provide)
            elif labels and self._label_shapes:
                new_lshape = [DataDesc(d.name, l.shape, d.dtype, d.layout)
                              for d, l in zip(self._label_shapes, labels)]
            self.reshape(new_dshape, new_lshape)
        self._exec_group.forward(data_batch, is_train)

    def backward(self, out_grads=None):
        assert self.binded and self.params_initialized
        self._exec_group.backward(out_grads=out_grads)

    def update(self):
        """Apply the optimizer to every parameter with its gradient. Where there is a KVStore it owns the
        aggregation over devices (and workers): ``kv.pushpull`` sums the gradients in place, or, when the
        store updates the weights itself, pulls the updated weights."""
        assert self.binded and self.params_initialized and self.optimizer_initialized
        self._params_dirty = True
        group = self._exec_group
        kv = self._kvstore
        if self._update_on_kvstore:
            for i, (name, ws, gs) in enumerate(zip(group.param_names, group.param_arrays, group.grad_arrays)):
                if gs[0] is not None:
                    kv.pushpull(name, gs, out=ws, priority=-i)
            return
        num_device = len(self._context)
        updates = [([], [], []) for _ in range(num_device)]
        for i, (name, ws, gs) in enumerate(zip(group.param_names, group.param_arrays, group.grad_arrays)):
            if gs[0] is None:
                continue
            if kv is not None:
                kv.pushpull(name, gs, priority=-i)
            for k in range(num_device):
                idx, grads, weights = updates[k]
                idx.append(i * num_device + k)
                grads.append(gs[k])
                weights.append(ws[k])
        for idx, grads, weights in updates:
            if idx:
                self._updater(idx, grads, weights)

    def get_outputs(self, merge_multi_context=True):
        assert self.binded and self.params_initialized
        return self._exec_group.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        assert self.binded and self.params_initialized and self.inputs_need_grad
        return self._exec_group.get_input_grads(merge_multi_context=merge_multi_context)

    def get_states(self, merge_multi_context=True):
        assert self.binded and self.params_initialized
        return self._exec_group.get_states(merge_multi_context=merge_multi_context)

    def set_states(self, states=None, value=None):
        assert self.binded and self.params_initialized
        self._exec_group.set_states(states, value)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        self._exec_group.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        assert self.binded
        self._exec_group.install_monitor(mon)
