"""BucketingModule: one Module per bucket key (e.g. a sequence length), all sharing one set of parameters."""
import logging

import numpy as np

from .. import ndarray as nd
from ..context import cpu
from ..initializer import Uniform
from ..model import load_params, save_checkpoint
from ..name import NameManager
from .base_module import BaseModule
from .module import Module, _check_input_names

__all__ = ['BucketingModule']


class BucketingModule(BaseModule):
    """``BucketingModule(sym_gen, default_bucket_key, ...)``.

    ``sym_gen(bucket_key)`` returns ``(symbol, data_names, label_names)``. ``bind`` binds the default
    bucket, whose module owns the parameters (so its symbol must have every parameter); the module of any
    other bucket is bound on first use by ``switch_bucket`` and shares the default bucket's parameter
    arrays and optimizer. Batches choose their bucket through ``data_batch.bucket_key`` and give their
    shapes through ``provide_data``/``provide_label``.
    """

    def __init__(self, sym_gen, default_bucket_key=None, logger=logging, context=None, work_load_list=None,
                 fixed_param_names=None, state_names=None, group2ctxs=None, compression_params=None):
        super().__init__(logger=logger)
        assert default_bucket_key is not None
        self._default_bucket_key = default_bucket_key
        self._sym_gen = sym_gen
        symbol, data_names, label_names = self._call_sym_gen(default_bucket_key)
        data_names = list(data_names) if data_names is not None else []
        label_names = list(label_names) if label_names is not None else []
        state_names = list(state_names) if state_names is not None else []
        fixed_param_names = list(fixed_param_names) if fixed_param_names is not None else []
        # the name checks Module makes, done once on the default bucket's symbol
        for names, kind, throw in ((data_names, 'data', True), (label_names, 'label', False),
                                   (state_names, 'state', True), (fixed_param_names, 'fixed_param', True)):
            _check_input_names(symbol, names, kind, throw)
        self._module_kwargs = dict(logger=logger, context=context or cpu(), work_load_list=work_load_list,
                                   fixed_param_names=fixed_param_names, state_names=state_names,
                                   group2ctxs=group2ctxs, compression_params=compression_params)
        self._fixed_param_names = fixed_param_names
        self._state_names = state_names
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None
        self._params_dirty = False
        self._monitor = None
        self._grad_req = None
        self._preloaded = None  # (arg_params, aux_params) given by load(), set when bound

    def _call_sym_gen(self, *args, **kwargs):
        # a fresh NameManager per call: every bucket's symbol gets the same automatic names
        with NameManager():
            return self._sym_gen(*args, **kwargs)

    def _reset_bind(self):
        self.binded = False
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None

    # ---- properties: those of the current bucket (of the default one before binding) ----------
    @property
    def data_names(self):
        if self.binded:
            return self._curr_module.data_names
        return self._call_sym_gen(self._default_bucket_key)[1]

    @property
    def output_names(self):
        if self.binded:
            return self._curr_module.output_names
        return self._call_sym_gen(self._default_bucket_key)[0].list_outputs()

    @property
    def data_shapes(self):
        assert self.binded
        return self._curr_module.data_shapes

    @property
    def label_shapes(self):
        assert self.binded
        return self._curr_module.label_shapes

    @property
    def output_shapes(self):
        assert self.binded
        return self._curr_module.output_shapes

    @property
    def symbol(self):
        assert self.binded
        return self._curr_module.symbol

    # ---- parameters -------------------------------------------------------------------------------
    def get_params(self):
        assert self.binded and self.params_initialized
        self._curr_module._params_dirty = self._params_dirty
        params = self._curr_module.get_params()
        self._params_dirty = False
        return params

    def _copy_params(self, arg_params, aux_params, force_init, allow_extra):
        self._curr_module.set_params(arg_params, aux_params, allow_missing=True, force_init=force_init,
                                     allow_extra=allow_extra)

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None, allow_missing=False,
                    force_init=False, allow_extra=False):
        if self.params_initialized and not force_init:
            return
        assert self.binded, 'call bind before initializing the parameters'
        self._curr_module.init_params(initializer=initializer, arg_params=arg_params, aux_params=aux_params,
                                      allow_missing=allow_missing, force_init=force_init,
                                      allow_extra=allow_extra)
        self._params_dirty = False
        self.params_initialized = True

    def get_states(self, merge_multi_context=True):
        assert self.binded and self.params_initialized
        return self._curr_module.get_states(merge_multi_context=merge_multi_context)

    def set_states(self, states=None, value=None):
        assert self.binded and self.params_initialized
        self._curr_module.set_states(states, value)

    # ---- binding ----------------------------------------------------------------------------------
    def _new_module(self, bucket_key):
        symbol, data_names, label_names = self._call_sym_gen(bucket_key)
        return Module(symbol, data_names, label_names, **self._module_kwargs)

    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req='write'):
        """Bind the default bucket's module for the given (default bucket's) shapes."""
        saved = None
        if self.params_initialized:
            saved = self.get_params() if self.binded else self._preloaded
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning('Already bound, ignoring bind()')
            return
        assert shared_module is None, 'shared_module for BucketingModule is not supported'
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        module = self._new_module(self._default_bucket_key)
        module.bind(data_shapes, label_shapes, for_training, inputs_need_grad, force_rebind=False,
                    shared_module=None, grad_req=grad_req)
        self._curr_module = module
        self._curr_bucket_key = self._default_bucket_key
        self._buckets[self._default_bucket_key] = module
        self.binded = True
        if saved is not None:  # re-bound or loaded: keep the parameters
            self.params_initialized = False
            self.set_params(*saved)
            self._preloaded = None

    def switch_bucket(self, bucket_key, data_shapes, label_shapes=None):
        """Make ``bucket_key`` current, binding its module (sharing the default bucket's) on first use."""
        assert self.binded, 'call bind before switching bucket'
        if bucket_key not in self._buckets:
            default = self._buckets[self._default_bucket_key]
            module = self._new_module(bucket_key)
            module.bind(data_shapes, label_shapes, self.for_training, self.inputs_need_grad, force_rebind=False,
                        shared_module=default, grad_req=self._grad_req)
            if self._monitor is not None:
                module.install_monitor(self._monitor)
            self._buckets[bucket_key] = module
        self._curr_module = self._buckets[bucket_key]
        self._curr_bucket_key = bucket_key

    # ---- optimizer --------------------------------------------------------------------------------
    def init_optimizer(self, kvstore='local', optimizer='sgd', optimizer_params=(('learning_rate', 0.01),),
                       force_init=False):
        """Install the optimizer on the current bucket; every other bucket uses the same one."""
        assert self.binded and self.params_initialized
        if self.optimizer_initialized and not force_init:
            self.logger.warning('optimizer already initialized, ignoring.')
            return
        self._curr_module.init_optimizer(kvstore, optimizer, optimizer_params, force_init=force_init)
        for module in self._buckets.values():
            if module is not self._curr_module:
                module.borrow_optimizer(self._curr_module)
        self.optimizer_initialized = True

    # ---- computation ------------------------------------------------------------------------------
    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Bind the batch's bucket ahead of time (the current bucket stays current)."""
        assert self.binded and self.params_initialized
        key, original = data_batch.bucket_key, self._curr_bucket_key
        self.switch_bucket(key, data_batch.provide_data, data_batch.provide_label)
        self._curr_module.prepare(data_batch, sparse_row_id_fn=sparse_row_id_fn)
        self.switch_bucket(original, None, None)

    def forward(self, data_batch, is_train=None):
        """Switch to ``data_batch.bucket_key`` (with its ``provide_data``/``provide_label``) and run forward."""
        assert self.binded and self.params_initialized
        self.switch_bucket(data_batch.bucket_key, data_batch.provide_data, data_batch.provide_label)
        self._curr_module.forward(data_batch, is_train=is_train)

    def backward(self, out_grads=None):
        assert self.binded and self.params_initialized
        self._curr_module.backward(out_grads=out_grads)

    def update(self):
        assert self.binded and self.params_initialized and self.optimizer_initialized
        self._params_dirty = True
        self._curr_module.update()

    def get_outputs(self, merge_multi_context=True):
        assert self.binded and self.params_initialized
        return self._curr_module.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        assert self.binded and self.params_initialized and self.inputs_need_grad
        return self._curr_module.get_input_grads(merge_multi_context=merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        assert self.binded and self.params_initialized
        self._curr_module.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        assert self.binded
        self._monitor = mon
        for module in self._buckets.values():
            module.install_monitor(mon)

    # ---- checkpoints ------------------------------------------------------------------------------
    def save_checkpoint(self, prefix, epoch, remove_amp_cast=False):
        """Write ``prefix-%04d.params``, ``prefix-<bucket_key>-symbol.json`` for every bound bucket and,
        for integer keys, their list as ``prefix.buckets`` (an int32 array), as MXNet does."""
        assert len(self._buckets) > 0, 'Empty BucketingModule cannot be saved'
        self._curr_module._params_dirty = self._params_dirty
        arg_params, aux_params = self.get_params()
        for key, module in self._buckets.items():
            module.symbol.save('%s-%s-symbol.json' % (prefix, key), remove_amp_cast=remove_amp_cast)
        save_checkpoint(prefix, epoch, None, arg_params, aux_params)
        keys = list(self._buckets)
        if all(isinstance(k, (int, np.integer)) for k in keys):
            nd.save('%s.buckets' % prefix, nd.array(keys, dtype=np.int32))

    @staticmethod
    def load(prefix, epoch, sym_gen=None, default_bucket_key=None, **kwargs):
        """A BucketingModule with the parameters of ``prefix-%04d.params`` (bind it before use)."""
        assert sym_gen is not None, 'sym_gen is required for loading BucketingModule'
        assert default_bucket_key is not None, 'default_bucket_key is required for loading BucketingModule'
        module = BucketingModule(sym_gen, default_bucket_key, **kwargs)
        module._preloaded = load_params(prefix, epoch)
        module.params_initialized = True
        return module
