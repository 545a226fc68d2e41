"""Gluon parameters: ``Parameter`` (an array copied on each context, with its gradient), ``Constant`` and
``ParameterDict`` (parameters by name, with MXNet's prefix-based sharing and ``nd.save`` files)."""
import re
import warnings
from collections import OrderedDict

import numpy as np
import torch

from ..base import MXNetError
from ..context import Context, cpu, current_context
from .. import autograd
from .. import initializer
from .. import ndarray as nd
from .. import symbol as _symbol
from ..ndarray.ndarray import NDArray, wrap

__all__ = ['DeferredInitializationError', 'Parameter', 'Constant', 'ParameterDict', 'tensor_types']

tensor_types = (_symbol.Symbol, NDArray)


class DeferredInitializationError(MXNetError):
    """A Parameter whose initialization waits for the first forward pass (its shape is still unknown)."""


def _brief_print_list(lst, limit=7):
    lst = list(lst)
    if len(lst) > limit:
        return _brief_print_list(lst[:limit // 2], limit) + ', ..., ' + _brief_print_list(lst[-limit // 2:], limit)
    return ', '.join(["'%s'" % str(i) for i in lst])


def _shape_known(shape):
    return shape is not None and len(shape) > 0 and all(int(d) > 0 for d in shape)


def _np_dtype(dtype):
    if isinstance(dtype, str) or isinstance(dtype, type) or isinstance(dtype, np.dtype):
        return np.dtype(dtype).type
    return dtype


def _mark_fresh(t):
    t._mx_fresh = True  # backward wrote this copy's gradient since the Trainer's last update


def _mark_variables(datas, grads, req):
    """Make the copies autograd variables with their gradient buffers, tracking fresh gradients."""
    autograd.mark_variables(datas, grads, req)
    for d in datas:
        if d._data.requires_grad:
            d._data._mx_fresh = False
            d._data.register_post_accumulate_grad_hook(_mark_fresh)


class Parameter:
    """A weight of a Block: one copy per context (``data(ctx)``), a gradient per copy (``grad(ctx)``) unless
    ``grad_req='null'``. ``shape`` may hold 0 for dimensions found at the first forward pass (deferred
    initialization, with ``allow_deferred_init=True``). ``lr_mult``/``wd_mult`` scale the optimizer's learning
    rate and weight decay; ``init`` overrides the Block's initializer."""

    def __init__(self, name, grad_req='write', shape=None, dtype=np.float32, lr_mult=1.0, wd_mult=1.0,
                 init=None, allow_deferred_init=False, differentiable=True, stype='default',
                 grad_stype='default'):
        self._var = None
        self._data = None
        self._grad = None
        self._ctx_list = None
        self._ctx_map = None
        self._trainer = None
        self._deferred_init = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = tuple(shape) if shape is not None else None
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        valid = ('default', 'row_sparse', 'csr')
        assert grad_stype in valid, "grad_stype for Parameter '%s' must be one of 'default', 'row_sparse', " \
                                    "or 'csr', but got '%s'" % (name, grad_stype)
        assert stype in valid, "stype for Parameter '%s' must be one of 'default', 'row_sparse', or 'csr', " \
                               "but got '%s'" % (name, stype)
        self._grad_stype = grad_stype
        self._stype = stype

    def __repr__(self):
        return 'Parameter {name} (shape={shape}, dtype={dtype})'.format(name=self.name, shape=self.shape,
                                                                       dtype=self.dtype)

    # ---- attributes -------------------------------------------------------------------------------
    @property
    def grad_req(self):
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        assert req in ['write', 'add', 'null'], \
            "grad_req must be one of 'write', 'add', or 'null', but got '%s'" % req
        if not self._differentiable:
            req = 'null'
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == 'null' and self._grad is not None:
            self._grad = None
            self._data = [wrap(d._data.detach()) for d in self._data]
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self._dtype = dtype

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        new_shape = tuple(new_shape) if new_shape is not None else None
        if self._shape is None or new_shape is None:
            self._shape = new_shape
            return
        assert len(self._shape) == len(new_shape) and \
            all(j in (0, -1, i) for i, j in zip(new_shape, self._shape)), \
            'Expected shape %s is incompatible with given shape %s.' % (str(new_shape), str(self._shape))
        self._shape = new_shape

    @property
    def stype(self):
        return self._stype

    @property
    def grad_stype(self):
        return self._grad_stype

    # ---- access -----------------------------------------------------------------------------------
    def _check_and_get(self, arr_list, ctx):
        if arr_list is not None:
            if ctx is list:
                return arr_list
            if ctx is None:
                if len(arr_list) == 1:
                    return arr_list[0]
                ctx = current_context()
            idx = self._ctx_map.get(ctx)
            if idx is None and ctx.device_type == 'cpu':
                # CPU arrays keep no device id here: an array on cpu(k) reports cpu(0)
                idx = next((i for c, i in self._ctx_map.items() if c.device_type == 'cpu'), None)
            if idx is not None:
                return arr_list[idx]
            raise RuntimeError("Parameter '%s' was not initialized on context %s. It was only initialized on %s."
                               % (self.name, str(ctx), str(self._ctx_list)))
        if self._deferred_init:
            raise DeferredInitializationError(
                "Parameter '%s' has not been initialized yet because initialization was deferred. Actual "
                "initialization happens during the first forward pass. Please pass one batch of data through "
                "the network before accessing Parameters. You can also avoid deferred initialization by "
                "specifying in_units, num_features, etc., for network layers." % self.name)
        raise RuntimeError("Parameter '%s' has not been initialized. Note that you should initialize parameters "
                           "and create Trainer with Block.collect_params() instead of Block.params because the "
                           "later does not include Parameters of nested child Blocks" % self.name)

    def data(self, ctx=None):
        """The copy on ``ctx`` (the only copy, or the current context's, when None)."""
        if self._stype != 'default':
            raise RuntimeError("Cannot return a copy of Parameter '%s' on ctx %s via data() because its storage "
                               "type is %s. Please use row_sparse_data() instead." % (self.name, str(ctx),
                                                                                     self._stype))
        return self._check_and_get(self._data, ctx)

    def list_data(self):
        """The copies on every context, in ``list_ctx()`` order."""
        if self._stype != 'default':
            raise RuntimeError("Cannot return copies of Parameter '%s' on all contexts via list_data() because "
                               "its storage type is %s. Please use row_sparse_data() instead."
                               % (self.name, self._stype))
        return self._check_and_get(self._data, list)

    def row_sparse_data(self, row_id):
        """Dense storage only: the whole array on ``row_id``'s context."""
        return self._check_and_get(self._data, row_id.context)

    def list_row_sparse_data(self, row_id):
        return self._check_and_get(self._data, list)

    def grad(self, ctx=None):
        """The gradient buffer on ``ctx``."""
        if self._data is not None and self._grad is None:
            raise RuntimeError("Cannot get gradient array for Parameter '%s' because grad_req='null'" % self.name)
        return self._check_and_get(self._grad, ctx)

    def list_grad(self):
        if self._data is not None and self._grad is None:
            raise RuntimeError("Cannot get gradient array for Parameter '%s' because grad_req='null'" % self.name)
        return self._check_and_get(self._grad, list)

    def list_ctx(self):
        """The contexts this parameter lives (or will live, when deferred) on."""
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise RuntimeError("Parameter '%s' has not been initialized" % self.name)
        return self._ctx_list

    # ---- initialization ---------------------------------------------------------------------------
    def initialize(self, init=None, ctx=None, default_init=initializer.Uniform(), force_reinit=False):
        """Allocate and fill the copies on ``ctx`` (a Context or list; default the current context) with
        ``init`` (else this parameter's ``init``, else ``default_init``); deferred while the shape is unknown."""
        if self._data is not None and not force_reinit:
            warnings.warn("Parameter '%s' is already initialized, ignoring. Set force_reinit=True to "
                          "re-initialize." % self.name, stacklevel=2)
            return
        self._data = self._grad = None
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if init is None:
            init = default_init if self.init is None else self.init
        if not _shape_known(self.shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise ValueError("Cannot initialize Parameter '%s' because it has invalid shape: %s."
                             % (self.name, str(self.shape)))
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self):
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        self._deferred_init = ()
        assert _shape_known(self.shape), \
            "Cannot initialize Parameter '%s' because it has invalid shape: %s. Please specify in_units, " \
            "in_channels, etc for `Block`s." % (self.name, str(self.shape))
        with autograd.pause():
            if data is None:
                data = nd.zeros(self.shape, dtype=self.dtype, ctx=cpu())
                initializer.create(default_init)(initializer.InitDesc(self.name, {'__init__': init}), data)
            self._init_impl(data, ctx)

    def _init_impl(self, data, ctx_list):
        self._ctx_list = list(ctx_list)
        self._ctx_map = {}
        for i, c in enumerate(self._ctx_list):
            self._ctx_map.setdefault(c, i)
        with torch.no_grad():
            self._data = [wrap(data._data.detach().to(c.torch_device, copy=True)) for c in self._ctx_list]
        self._init_grad()

    def _init_grad(self):
        if self.grad_req == 'null':
            self._grad = None
            return
        self._grad = [wrap(torch.zeros_like(d._data)) for d in self._data]
        _mark_variables(self._data, self._grad, self.grad_req)

    def _load_init(self, data, ctx, cast_dtype=False, dtype_source='current'):
        """Initialize (or overwrite) from a loaded array, checking shape and dtype against this parameter."""
        if self.shape:
            unknown = (0, -1)
            for self_dim, data_dim in zip(self.shape, data.shape):
                assert self_dim in unknown or self_dim == data_dim, \
                    "Failed loading Parameter '%s' from saved params: shape incompatible expected %s vs " \
                    "saved %s" % (self.name, str(self.shape), str(data.shape))
            assert len(self.shape) == len(data.shape), \
                "Failed loading Parameter '%s' from saved params: shape incompatible expected %s vs saved %s" \
                % (self.name, str(self.shape), str(data.shape))
            self.shape = tuple(i if i not in (0, -1) else j for i, j in zip(self.shape, data.shape))
        else:
            self.shape = data.shape
        if self.dtype:
            if cast_dtype and np.dtype(self.dtype).type != data.dtype:
                if dtype_source == 'current':
                    data = data.astype(self.dtype, copy=False)
                elif dtype_source == 'saved':
                    self.dtype = data.dtype
            else:
                assert np.dtype(self.dtype).type == data.dtype, \
                    "Failed loading Parameter '%s' from saved params: dtype incompatible expected %s vs saved " \
                    "%s. Set cast_dtype=True to cast the dtype of saved params." \
                    % (self.name, str(self.dtype), str(data.dtype))
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is None:
            if self._deferred_init:
                assert ctx is None or set(ctx) == set(self._deferred_init[1]), \
                    "Failed to load Parameter '%s' on %s because it was previous initialized on %s." \
                    % (self.name, str(ctx), str(self.list_ctx()))
                ctx = self._deferred_init[1]
            elif ctx is None:
                ctx = [cpu()]
            self._init_impl(data, ctx)
        else:
            assert ctx is None or set(ctx) == set(self.list_ctx()), \
                "Failed to load Parameter '%s' on %s because it was previous initialized on %s." \
                % (self.name, str(ctx), str(self.list_ctx()))
            self.set_data(data)
        self._deferred_init = ()

    def _reduce(self):
        """The value on the CPU (the mean over the copies of several contexts)."""
        block = self.list_data()
        with torch.no_grad():
            if len(block) > 1:
                total = sum(w._data.detach().to('cpu').double() for w in block) / len(block)
                return wrap(total.to(block[0]._data.dtype))
            return wrap(block[0]._data.detach().to('cpu', copy=True))

    def set_data(self, data):
        """Write ``data`` (NDArray or numpy) into every copy (before initialization: use it as the value)."""
        self.shape = data.shape
        if self._data is None:
            assert self._deferred_init, "Parameter '%s' has not been initialized" % self.name
            self._deferred_init = self._deferred_init[:3] + (data,)
            return
        trainer = self._trainer() if callable(self._trainer) else self._trainer
        if trainer is not None and trainer._kv_initialized and trainer._update_on_kvstore:
            if self not in trainer._params_to_init:
                trainer._reset_kvstore()
        src = data._data if isinstance(data, NDArray) else torch.as_tensor(np.asarray(data))
        with torch.no_grad():
            for arr in self._check_and_get(self._data, list):
                arr._data.copy_(src.to(arr._data.device))

    def zero_grad(self):
        """Set the gradient buffers to 0 (for grad_req 'add')."""
        if self._grad is None:
            return
        with torch.no_grad():
            for g in self._grad:
                g._data.zero_()

    def reset_ctx(self, ctx):
        """Move the copies to ``ctx`` (a Context or list)."""
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data:
            data = self._reduce()
            with autograd.pause():
                self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise ValueError("Cannot reset context for Parameter '%s' because it has not been initialized."
                             % self.name)

    def cast(self, dtype):
        """Change the data (and gradient) type."""
        self.dtype = dtype
        if self._data is None:
            return
        with autograd.pause():
            self._data = [d.astype(dtype) for d in self._data]
            if self._grad is None:
                return
            self._grad = [g.astype(dtype) for g in self._grad]
            _mark_variables(self._data, self._grad, self.grad_req)

    def var(self):
        """The Symbol variable standing for this parameter in hybridized graphs."""
        if self._var is None:
            self._var = _symbol.var(self.name, shape=self.shape, dtype=self.dtype, lr_mult=self.lr_mult,
                                    wd_mult=self.wd_mult, init=self.init, stype=self._stype)
        return self._var

    def _set_trainer(self, trainer):
        if self._stype != 'default' and self._trainer and trainer and self._trainer is not trainer:
            raise RuntimeError("Failed to set the trainer for Parameter '%s' because it was already set. More "
                               "than one trainers for a %s Parameter is not supported." % (self.name,
                                                                                          self._stype))
        self._trainer = trainer


class Constant(Parameter):
    """A parameter whose value never changes (``grad_req='null'``), initialized to ``value``."""

    def __init__(self, name, value):
        if not isinstance(value, NDArray):
            value = nd.array(value)
        self.value = value
        const = value

        class Init(initializer.Initializer):
            def _init_weight(self, _, arr):
                const.copyto(arr)
        init_name = 'Constant_{}'.format(id(self))
        initializer.alias(init_name)(Init)
        super().__init__(name, grad_req='null', shape=value.shape, dtype=value.dtype, init=init_name)

    def __repr__(self):
        return 'Constant {name} (shape={shape}, dtype={dtype})'.format(name=self.name, shape=self.shape,
                                                                      dtype=self.dtype)

    @property
    def grad_req(self):
        return 'null'

    @grad_req.setter
    def grad_req(self, req):
        if req != 'null':
            warnings.warn('Constant parameter "{}" does not support grad_req other than "null", and new value '
                          '"{}" is ignored.'.format(self.name, req))
        self._grad_req = 'null'


def _indent(s_, num_spaces):
    lines = s_.split('\n')
    if len(lines) == 1:
        return s_
    first = lines.pop(0)
    return first + '\n' + '\n'.join((num_spaces * ' ') + line for line in lines)


class ParameterDict:
    """Parameters by full name. ``get(name)`` makes or finds ``prefix + name`` (also in the ``shared`` dict)."""

    def __init__(self, prefix='', shared=None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared

    def __repr__(self):
        s = '{name}(\n{content}\n)'
        name = self._prefix + ' ' if self._prefix else ''
        return s.format(name=name, content='\n'.join([_indent('  {0}'.format(v), 2) for v in self.values()]))

    def __getitem__(self, key):
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __len__(self):
        return len(self._params)

    def __contains__(self, key):
        return key in self._params

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self):
        return self._prefix

    def _get_impl(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name, **kwargs):
        """The Parameter ``prefix + name``, created with ``kwargs`` if new; an existing one must agree with
        ``kwargs`` (unknown 0 dimensions of its shape are filled in)."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for k, v in kwargs.items():
            if hasattr(param, k) and getattr(param, k) is not None:
                existing = getattr(param, k)
                if k == 'shape':
                    v = (v,) if isinstance(v, int) else tuple(v)
                    if len(v) == len(existing):
                        inferred, matched = [], True
                        for d1, d2 in zip(v, existing):
                            if d1 != d2 and d1 * d2 != 0:
                                matched = False
                                break
                            inferred.append(d1 if d1 == d2 or d2 == 0 else d2)
                        if matched:
                            param._shape = tuple(inferred)
                            continue
                elif k == 'dtype' and np.dtype(v) == np.dtype(existing):
                    continue
                assert v is None or v == existing, \
                    "Cannot retrieve Parameter '%s' because desired attribute does not match with stored for " \
                    "attribute '%s': desired '%s' vs stored '%s'." % (name, k, str(v), str(getattr(param, k)))
            else:
                setattr(param, k, v)
        return param

    def get_constant(self, name, value=None):
        """The Constant ``prefix + name``, created from ``value`` if new."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError("No constant named '{}'. Please specify value if you want to create a new "
                               "constant.".format(name))
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            assert isinstance(param, Constant), "Parameter '{}' already exists but it is not a constant." \
                .format(name)
            if isinstance(value, NDArray):
                value = value.asnumpy()
            assert param.shape == value.shape and (param.value.asnumpy() == value).all(), \
                "Constant '{}' already exists but it's value doesn't match new value".format(name)
        return param

    def update(self, other):
        """Add the parameters of ``other`` (a name may not map to two different parameters)."""
        for k, v in other.items():
            if k in self._params:
                assert self._params[k] is v, "Cannot update self with other because they have different " \
                                             "Parameters with the same name '%s'" % k
        for k, v in other.items():
            self._params[k] = v

    def initialize(self, init=initializer.Uniform(), ctx=None, verbose=False, force_reinit=False):
        """Initialize every parameter (``init`` is the default for those without their own)."""
        if verbose:
            init.set_verbosity(verbose=verbose)
        for v in self.values():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self):
        for v in self.values():
            v.zero_grad()

    def reset_ctx(self, ctx):
        for v in self.values():
            v.reset_ctx(ctx)

    def list_ctx(self):
        s = []
        for v in self.values():
            for c in v.list_ctx():
                if c not in s:
                    s.append(c)
        return s

    def setattr(self, name, value):
        """Set attribute ``name`` (``grad_req``, ``lr_mult`` ...) of every parameter."""
        for v in self.values():
            setattr(v, name, value)

    def save(self, filename, strip_prefix=''):
        """``nd.save`` of {name without ``strip_prefix``: value}."""
        arg_dict = {}
        for param in self.values():
            weight = param._reduce()
            if not param.name.startswith(strip_prefix):
                raise ValueError(
                    "Prefix '%s' is to be striped before saving, but Parameter's name '%s' does not start with "
                    "'%s'. this may be due to your Block shares parameters from other Blocks or you forgot to use "
                    "'with name_scope()' when creating child blocks. For more info on naming, please see "
                    "https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html"
                    % (strip_prefix, param.name, strip_prefix))
            arg_dict[param.name[len(strip_prefix):]] = weight
        nd.save(filename, arg_dict)

    def load(self, filename, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix='',
             cast_dtype=False, dtype_source='current'):
        """Load values saved by ``save`` (names get ``restore_prefix`` back)."""
        if restore_prefix:
            for name in self.keys():
                assert name.startswith(restore_prefix), \
                    "restore_prefix is '%s' but Parameters name '%s' does not start with '%s'" \
                    % (restore_prefix, name, restore_prefix)
        self.load_dict(nd.load(filename), ctx, allow_missing, ignore_extra, restore_prefix, filename,
                       cast_dtype, dtype_source)

    def load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix='',
                  filename=None, cast_dtype=False, dtype_source='current'):
        """Load from a dict of name -> NDArray (``arg:``/``aux:`` prefixes are dropped)."""
        lprefix = len(restore_prefix)
        items = param_dict.items() if isinstance(param_dict, dict) else param_dict
        loaded = [(k[4:] if k.startswith('arg:') or k.startswith('aux:') else k, v) for k, v in items]
        arg_dict = {restore_prefix + k: v for k, v in loaded}
        error_str = 'file: %s' % filename if filename else 'param_dict'
        if not allow_missing:
            for name in self.keys():
                assert name in arg_dict, \
                    "Parameter '%s' is missing in %s, which contains parameters: %s. Please make sure source and " \
                    "target networks have the same prefix." % (name[lprefix:], error_str,
                                                               _brief_print_list(arg_dict.keys()))
        for name in arg_dict:
            if name not in self._params:
                assert ignore_extra, \
                    "Parameter '%s' loaded from %s is not present in ParameterDict, choices are: %s. Set " \
                    "ignore_extra to True to ignore. Please make sure source and target networks have the same " \
                    "prefix." % (name[lprefix:], error_str, _brief_print_list(self._params.keys()))
                continue
            self[name]._load_init(arg_dict[name], ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)


def _select(params, select):
    pattern = re.compile(select)
    return {name: value for name, value in params.items() if pattern.match(name)}
