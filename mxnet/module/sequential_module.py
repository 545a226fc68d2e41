"""SequentialModule: modules chained so that each one's outputs are the next one's data."""
import copy
import logging

from ..initializer import Uniform
from ..io.base import DataBatch, DataDesc
from .base_module import BaseModule

__all__ = ['SequentialModule']


class SequentialModule(BaseModule):
    """``SequentialModule().add(mod1).add(mod2, take_labels=True, auto_wiring=True)``.

    Data flows through the modules in order; gradients flow back through their input gradients. A module
    added with ``take_labels=True`` receives the batch's labels (and scores the metric);
    ``auto_wiring=True`` renames the previous module's outputs to this module's data names.
    """
    META_TAKE_LABELS = 'take_labels'
    META_AUTO_WIRING = 'auto_wiring'

    def __init__(self, logger=logging):
        super().__init__(logger=logger)
        self._modules = []
        self._metas = []
        self._label_shapes = None
        self._data_shapes = None
        self._meta_keys = {self.META_TAKE_LABELS, self.META_AUTO_WIRING}

    def add(self, module, **kwargs):
        """Append ``module`` (options: take_labels, auto_wiring); returns self so calls chain."""
        for key in kwargs:
            assert key in self._meta_keys, 'Unknown meta "%s", a typo?' % key
        self._modules.append(module)
        self._metas.append(kwargs)
        # the chain changed: it has to be bound and initialised again
        self.binded = False
        self.params_initialized = False
        self.optimizer_initialized = False
        return self

    # ---- properties -------------------------------------------------------------------------------
    @property
    def data_names(self):
        return self._modules[0].data_names if self._modules else []

    @property
    def output_names(self):
        return self._modules[-1].output_names if self._modules else []

    @property
    def data_shapes(self):
        assert self.binded
        return self._modules[0].data_shapes

    @property
    def label_shapes(self):
        assert self.binded
        return self._label_shapes

    @property
    def output_shapes(self):
        assert self.binded
        return self._modules[-1].output_shapes

    # ---- parameters -------------------------------------------------------------------------------
    def get_params(self):
        """The union of every module's (arg_params, aux_params)."""
        assert self.binded and self.params_initialized
        arg_params, aux_params = {}, {}
        for module in self._modules:
            arg, aux = module.get_params()
            arg_params.update(arg)
            aux_params.update(aux)
        return arg_params, aux_params

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None, allow_missing=False,
                    force_init=False, allow_extra=False):
        """Initialise each module (given params may hold other modules' names); names must be unique."""
        if self.params_initialized and not force_init:
            return
        assert self.binded, 'call bind before initializing the parameters'
        seen = {}
        for i, module in enumerate(self._modules):
            module.init_params(initializer=initializer, arg_params=arg_params, aux_params=aux_params,
                               allow_missing=allow_missing, force_init=force_init, allow_extra=True)
            arg, aux = module.get_params()
            for name in list(arg) + list(aux):
                assert name not in seen, 'Duplicated parameter names: name "%s" in layer %d (%s) is already ' \
                    'used in layer %d (%s).' % (name, i, type(module), seen[name], type(self._modules[seen[name]]))
                seen[name] = i
        self.params_initialized = True

    # ---- binding ----------------------------------------------------------------------------------
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req='write'):
        """Bind the modules in order, each for the output shapes of the one before."""
        if self.binded and not force_rebind:
            self.logger.warning('Already bound, ignoring bind()')
            return
        if inputs_need_grad:
            assert for_training is True
        assert shared_module is None, 'Shared module is not supported'
        assert len(self._modules) > 0, 'Attempting to bind an empty SequentialModule'
        self.binded = True
        self._label_shapes = label_shapes
        my_data_shapes = data_shapes
        any_takes_labels = False
        for i, (module, meta) in enumerate(zip(self._modules, self._metas)):
            takes_labels = meta.get(self.META_TAKE_LABELS, False)
            any_takes_labels = any_takes_labels or takes_labels
            if meta.get(self.META_AUTO_WIRING, False):
                names = module.data_names
                assert len(names) == len(my_data_shapes)
                my_data_shapes = [DataDesc(new, (d.shape if isinstance(d, DataDesc) else d[1]))
                                  for new, d in zip(names, my_data_shapes)]
            # modules after the first pass gradients back to the previous one
            need_grad = bool(for_training and (inputs_need_grad or i > 0))
            module.bind(data_shapes=my_data_shapes, label_shapes=label_shapes if takes_labels else None,
                        for_training=for_training, inputs_need_grad=need_grad, force_rebind=force_rebind,
                        shared_module=None, grad_req=grad_req)
            my_data_shapes = module.output_shapes
        if not any_takes_labels:
            self._label_shapes = None
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad

    def init_optimizer(self, kvstore='local', optimizer='sgd', optimizer_params=(('learning_rate', 0.01),),
                       force_init=False):
        assert self.binded and self.params_initialized
        if self.optimizer_initialized and not force_init:
            self.logger.warning('optimizer already initialized, ignoring.')
            return
        for module in self._modules:
            module.init_optimizer(kvstore=kvstore, optimizer=optimizer, optimizer_params=optimizer_params,
                                  force_init=force_init)
        self.optimizer_initialized = True

    # ---- computation ------------------------------------------------------------------------------
    def forward(self, data_batch, is_train=None):
        assert self.binded and self.params_initialized
        batch = copy.copy(data_batch)
        for i, module in enumerate(self._modules):
            module.forward(batch, is_train=is_train)
            if i + 1 == len(self._modules):
                break
            outputs = module.get_outputs()
            nxt = self._modules[i + 1]
            names = nxt.data_names if self._metas[i + 1].get(self.META_AUTO_WIRING, False) \
                else module.output_names
            batch = DataBatch(data=outputs, label=data_batch.label, pad=data_batch.pad,
                              provide_data=[DataDesc(n, o.shape) for n, o in zip(names, outputs)],
                              provide_label=getattr(data_batch, 'provide_label', None))

    def backward(self, out_grads=None):
        assert self.binded and self.params_initialized
        for i in range(len(self._modules) - 1, -1, -1):
            module = self._modules[i]
            module.backward(out_grads=out_grads)
            if i == 0:
                break
            out_grads = module.get_input_grads()

    def update(self):
        assert self.binded and self.params_initialized and self.optimizer_initialized
        for module in self._modules:
            module.update()

    def get_outputs(self, merge_multi_context=True):
        assert self.binded and self.params_initialized
        return self._modules[-1].get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        assert self.binded and self.params_initialized and self.inputs_need_grad
        return self._modules[0].get_input_grads(merge_multi_context=merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Score the outputs of every module that takes labels."""
        assert self.binded and self.params_initialized
        for module, meta in zip(self._modules, self._metas):
            if meta.get(self.META_TAKE_LABELS, False):
                module.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        assert self.binded
        for module in self._modules:
            module.install_monitor(mon)
