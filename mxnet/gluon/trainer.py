"""``gluon.Trainer``: applies an optimizer to a set of Parameters, summing gradients over their contexts
(through a KVStore when there are several) first."""

import torch

from .. import optimizer as opt
from .. import kvstore as kvs
from ..model import _create_kvstore, _capable_of_optimizer
from .parameter import ParameterDict, Parameter

__all__ = ['Trainer']


class _ContextUpdater(opt.Updater):
    """The Updater of the ``k``-th context: update counts are kept per context (the optimizer's per-device
    counts), also for CPU contexts, whose arrays here all report device id 0."""

    def __init__(self, optimizer, k):
        super().__init__(optimizer)
        self._k = k

    def __call__(self, index, grad, weight):
        optimizer = self.optimizer
        real = type(optimizer)._set_current_context
        k = self._k
        optimizer._set_current_context = lambda _device_id: real(optimizer, k)
        try:
            super().__call__(index, grad, weight)
        finally:
            del optimizer._set_current_context


class Trainer:
    """Updates ``params`` (a ParameterDict, dict or list of Parameters; dict keys are taken in sorted order)
    with ``optimizer`` (a name with ``optimizer_params``, or an Optimizer). ``step(batch_size)`` sums the
    gradients over contexts, rescales them by ``1/batch_size`` and updates every copy."""

    def __init__(self, params, optimizer, optimizer_params=None, kvstore='device', compression_params=None,
                 update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(list(params.keys()))]
        if not isinstance(params, (list, tuple)):
            raise ValueError('First argument must be a list or dict of Parameters, got %s.' % type(params))
        self._params = []
        self._contains_sparse_weight = False
        self._contains_sparse_grad = False
        self._param2idx = {}
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise ValueError('First argument must be a list or dict of Parameters, got list of %s.'
                                 % type(param))
            self._param2idx[param.name] = i
            self._params.append(param)
            param._set_trainer(self)
            if param._stype != 'default':
                self._contains_sparse_weight = True
            if param._grad_stype != 'default':
                self._contains_sparse_grad = True
        self._compression_params = compression_params
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params if optimizer_params else {})
        self._scale = self._optimizer.rescale_grad
        self._kvstore_params = {'kvstore': kvstore, 'update_on_kvstore': update_on_kvstore}
        self._kv_initialized = False
        self._kvstore = None
        self._update_on_kvstore = None
        self._distributed = None
        self._params_to_init = []
        self._reset_kvstore()

    def _check_contexts(self):
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            assert contexts is None or contexts == ctx, \
                'All Parameters must be initialized on the same set of contexts, but Parameter %s is initialized ' \
                'on %s while previous Parameters are initialized on %s.' % (param.name, str(ctx), str(contexts))
            contexts = ctx
        return contexts

    def _init_optimizer(self, optimizer, optimizer_params):
        param_dict = {i: param for i, param in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            assert not optimizer_params, \
                'optimizer_params must be None if optimizer is an instance of Optimizer instead of str'
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updaters = [_ContextUpdater(self._optimizer, k) for k in range(len(self._contexts or [None]))]

    def _init_params(self):
        """Put the values of the parameters waiting for it into the kvstore."""
        assert self._kv_initialized, 'Cannot initialize parameters in KVStore when KVStore is not initialized.'
        params_to_init = []
        if self._kvstore:
            with torch.no_grad():
                for param in self._params_to_init:
                    if param._deferred_init:
                        params_to_init.append(param)
                        continue
                    arrays = param._check_and_get(param._data, list)
                    idx = self._param2idx[param.name]
                    self._kvstore.init(idx, arrays[0])
                    if param._stype == 'default':
                        self._kvstore.pull(idx, arrays, priority=-idx)
        self._params_to_init = params_to_init

    def _reset_kvstore(self):
        """Forget the kvstore (parameters were reloaded): it is made again at the next step."""
        if self._kvstore and 'dist' in self._kvstore.type:
            raise RuntimeError('Cannot reset distributed KVStore.')
        self._kv_initialized = False
        self._kvstore = None
        self._distributed = None
        self._update_on_kvstore = None
        self._params_to_init = list(self._params)

    def _init_kvstore(self):
        config = self._kvstore_params
        if self._contains_sparse_weight:
            kvstore = config['kvstore']
            if not isinstance(kvstore, kvs.KVStore):
                kvstore = kvs.create(kvstore)
            update_on_kvstore = True
            self._distributed = 'dist' in kvstore.type
            if config['update_on_kvstore'] is False:
                raise ValueError('Cannot set update_on_kvstore=False when sparse weights are present.')
        elif self._contains_sparse_grad:
            arg_arrays = {p.name: p.data(self._contexts[0]) for p in self._params}
            kvstore, _ = _create_kvstore(config['kvstore'], len(self._contexts), arg_arrays)
            self._distributed = 'dist' in kvstore.type if kvstore else False
            update_on_kvstore = self._distributed
            if config['update_on_kvstore'] is not None:
                if config['update_on_kvstore'] is False and self._distributed:
                    raise ValueError('Cannot set update_on_kvstore=False on dist kvstore when sparse gradients '
                                     'are present.')
                update_on_kvstore = config['update_on_kvstore']
        else:
            arg_arrays = {p.name: p.data(self._contexts[0]) for p in self._params}
            kvstore, update_on_kvstore = _create_kvstore(config['kvstore'], len(self._contexts), arg_arrays)
            self._distributed = 'dist' in kvstore.type if kvstore else False
            if config['update_on_kvstore'] is not None:
                update_on_kvstore = config['update_on_kvstore']
        if update_on_kvstore and kvstore is not None and not _capable_of_optimizer(kvstore):
            if config['update_on_kvstore']:
                raise ValueError('Please set update_on_kvstore=False when training with {}'.format(type(kvstore)))
            update_on_kvstore = False
        if kvstore:
            if self._compression_params:
                kvstore.set_gradient_compression(self._compression_params)
            if update_on_kvstore:
                kvstore.set_optimizer(self._optimizer)
            self._kvstore = kvstore
            self._update_on_kvstore = update_on_kvstore
        else:
            self._kvstore = None
            self._update_on_kvstore = None
        self._kv_initialized = True

    # ---- learning rate ------------------------------------------------------------------------------
    @property
    def learning_rate(self):
        if not isinstance(self._optimizer, opt.Optimizer):
            raise UserWarning('Optimizer has to be defined before its learning rate can be accessed.')
        return self._optimizer.learning_rate

    @property
    def optimizer(self):
        if isinstance(self._optimizer, opt.Optimizer):
            return self._optimizer
        raise UserWarning('Optimizer has not been initialized yet')

    def set_learning_rate(self, lr):
        """Set the optimizer's learning rate (not with an lr_scheduler)."""
        if not isinstance(self._optimizer, opt.Optimizer):
            raise UserWarning('Optimizer has to be defined before its learning rate is mutated.')
        self._optimizer.set_learning_rate(lr)

    # ---- steps --------------------------------------------------------------------------------------
    def _prepare(self):
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()

    def _check_and_rescale_grad(self, scale):
        if self._update_on_kvstore and self._distributed and self._kv_initialized:
            if self._optimizer.rescale_grad != scale:
                raise UserWarning('Possible change in the `batch_size` from previous `step` detected. Optimizer '
                                  'gradient normalizing factor will not change w.r.t new batch_size when '
                                  'update_on_kvstore=True and when distributed kvstore is used.')
        self._optimizer.rescale_grad = scale

    def step(self, batch_size, ignore_stale_grad=False):
        """Sum gradients over contexts and update with gradients scaled by ``1/batch_size``. A parameter whose
        gradient backward has not written since the last step raises UserWarning unless
        ``ignore_stale_grad`` (then it is skipped)."""
        rescale_grad = self._scale / batch_size
        self._check_and_rescale_grad(rescale_grad)
        self._prepare()
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self):
        """Sum the gradients over contexts only (for ``update`` after manual changes to the gradients)."""
        self._prepare()
        assert not (self._kvstore and self._update_on_kvstore), \
            'allreduce_grads() when parameters are updated on kvstore is not supported. Try setting ' \
            '`update_on_kvstore` to False when creating trainer.'
        self._allreduce_grads()

    def _allreduce_grads(self):
        if not self._kvstore:
            return
        with torch.no_grad():
            for i, param in enumerate(self._params):
                if param.grad_req == 'null':
                    continue
                grad_list = param.list_grad()
                if self._update_on_kvstore:
                    self._kvstore.pushpull(i, grad_list, out=param._check_and_get(param._data, list),
                                           priority=-i)
                else:
                    self._kvstore.pushpull(i, grad_list, out=grad_list, priority=-i)

    def update(self, batch_size, ignore_stale_grad=False):
        """The update half of ``step`` (after ``allreduce_grads``)."""
        self._prepare()
        assert not (self._kvstore and self._update_on_kvstore), \
            'update() when parameters are updated on kvstore is not supported. Try setting ' \
            '`update_on_kvstore` to False when creating trainer.'
        self._check_and_rescale_grad(self._scale / batch_size)
        self._update(ignore_stale_grad)

    def _update(self, ignore_stale_grad=False):
        updates = [[] for _ in self._updaters]
        for i, param in enumerate(self._params):
            if param.grad_req == 'null':
                continue
            datas = param._check_and_get(param._data, list)
            if not ignore_stale_grad:
                for data in datas:
                    if not getattr(data._data, '_mx_fresh', False):
                        raise UserWarning(
                            'Gradient of Parameter `%s` on context %s has not been updated by backward since last '
                            '`step`. This could mean a bug in your model that made it only use a subset of the '
                            'Parameters (Blocks) for this iteration. If you are intentionally only using a subset, '
                            'call step with ignore_stale_grad=True to suppress this warning and skip updating of '
                            'Parameters with stale gradient' % (param.name, str(data.context)))
            if self._kvstore and self._update_on_kvstore:
                for data in datas:
                    data._data._mx_fresh = False
                continue
            for upd, arr, grad in zip(updates, datas, param.list_grad()):
                if not ignore_stale_grad or getattr(arr._data, '_mx_fresh', False):
                    upd.append((i, grad, arr))
                    arr._data._mx_fresh = False
        with torch.no_grad():
            for updater, upd in zip(self._updaters, updates):
                if upd:
                    idx, grads, weights = zip(*upd)
                    updater(list(idx), list(grads), list(weights))

    # ---- states -------------------------------------------------------------------------------------
    def save_states(self, fname):
        """Write the optimizer states (and the optimizer) to ``fname``."""
        assert self._optimizer is not None
        self._prepare()
        if self._update_on_kvstore:
            assert not self._params_to_init, \
                'Cannot save trainer states when some parameters are not yet initialized in kvstore.'
            self._kvstore.save_optimizer_states(fname, dump_optimizer=True)
        else:
            from ..symbol.json_io import atomic_write
            atomic_write(fname, self._updaters[0].get_states(dump_optimizer=True))

    def load_states(self, fname):
        """Read states written by ``save_states``."""
        self._prepare()
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
            self._optimizer = self._kvstore._updater.optimizer
        else:
            with open(fname, 'rb') as f:
                states = f.read()
            for updater in self._updaters:
                updater.set_states(states, repr(fname))
                updater.optimizer = self._updaters[0].optimizer
            self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = {i: param for i, param in enumerate(self._params)}
