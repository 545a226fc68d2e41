"""Gluon blocks: ``Block`` (imperative), ``HybridBlock`` (also traced into a Symbol and run as one cached
graph once hybridized) and ``SymbolBlock`` (a Block around an existing Symbol)."""
import copy
import re
import threading
import warnings
from collections import OrderedDict, defaultdict

import numpy as np
import torch

from .. import autograd
from .. import initializer
from .. import name as _name
from .. import ndarray
from .. import symbol
from ..ndarray.ndarray import NDArray, wrap
from ..symbol.symbol import Symbol
from .parameter import (Parameter, ParameterDict, DeferredInitializationError, _brief_print_list, _indent,
                        _select)
from .utils import _flatten, _regroup

__all__ = ['Block', 'HybridBlock', 'SymbolBlock']


class _BlockScope:
    """The naming scope of a Block: children created inside ``with block.name_scope()`` get the block's prefix
    and a per-class counter (``dense0_``, ``dense1_``); symbols get the prefix too."""
    _current = threading.local()

    def __init__(self, block):
        self._block = block
        self._counter = {}
        self._old_scope = None
        self._name_scope = None

    @staticmethod
    def create(prefix, params, hint):
        """(prefix, ParameterDict) of a new Block made in the current scope."""
        current = getattr(_BlockScope._current, 'value', None)
        if current is None:
            if prefix is None:
                prefix = _name.current().get(None, hint) + '_'
            if params is None:
                params = ParameterDict(prefix)
            else:
                params = ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = '%s%d_' % (hint, count)
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, 'value', None)
        _BlockScope._current.value = self
        self._name_scope = _name.Prefix(self._block.prefix)
        self._name_scope.__enter__()
        return self

    def __exit__(self, ptype, value, trace):
        if self._block._empty_prefix:
            return
        self._name_scope.__exit__(ptype, value, trace)
        self._name_scope = None
        _BlockScope._current.value = self._old_scope


class HookHandle:
    """Returned by ``register_forward_hook``; ``detach()`` removes the hook."""

    def __init__(self):
        self._hooks_dict_ref = None
        self._id = None

    def attach(self, hooks_dict, hook):
        assert not self._hooks_dict_ref, 'The same handle cannot be attached twice.'
        self._id = id(hook)
        hooks_dict[self._id] = hook
        import weakref
        self._hooks_dict_ref = weakref.ref(hooks_dict)

    def detach(self):
        hooks_dict = self._hooks_dict_ref() if self._hooks_dict_ref else None
        if hooks_dict is not None and self._id in hooks_dict:
            del hooks_dict[self._id]

    def __getstate__(self):
        return (self._hooks_dict_ref(), self._id)

    def __setstate__(self, state):
        import weakref
        if state[0] is None:
            self._hooks_dict_ref = weakref.ref(OrderedDict())
        else:
            self._hooks_dict_ref = weakref.ref(state[0])
        self._id = state[1]

    def __enter__(self):
        return self

    def __exit__(self, ptype, value, trace):
        self.detach()


def _recording_scope():
    """torch's grad mode follows MXNet's: graphs are recorded only inside ``autograd.record()``."""
    return torch.set_grad_enabled(autograd.is_recording())


class Block:
    """Base class of layers and models. Subclasses create children and parameters in ``__init__`` (inside
    ``with self.name_scope():``) and compute in ``forward``. Names follow MXNet: a Block made outside any
    scope is ``<class>N_``; a child is ``<parent prefix><class>N_``; parameters are ``<prefix><name>``."""

    def __init__(self, prefix=None, params=None):
        self._empty_prefix = prefix == ''
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith('_') else self._prefix
        self._scope = _BlockScope(self)
        self._children = OrderedDict()
        self._reg_params = {}
        self._forward_hooks = OrderedDict()
        self._forward_pre_hooks = OrderedDict()

    def __repr__(self):
        s = '{name}(\n{modstr}\n)'
        modstr = '\n'.join(['  ({key}): {block}'.format(key=key, block=_indent(block.__repr__(), 2))
                            for key, block in self.__dict__.items() if isinstance(block, Block)])
        return s.format(name=self.__class__.__name__, modstr=modstr)

    def __setattr__(self, name, value):
        """Registers Blocks and Parameters assigned as attributes."""
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError('Changing attribute type for {name} from {type1} to {type2} is not allowed.'
                                .format(name=name, type1=type(existing), type2=type(value)))
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            assert name not in self._reg_params, \
                "Overriding Parameter attribute %s is not allowed. If you want to share parameters between " \
                "blocks, please set 'params' at Block construction instead." % name
            self._reg_params[name] = value
        super().__setattr__(name, value)

    def _check_container_with_block(self):
        children = set(self._children.values())

        def _find_unregistered_block_in_container(data):
            if isinstance(data, (list, tuple)):
                return any(_find_unregistered_block_in_container(ele) for ele in data)
            if isinstance(data, dict):
                return any(_find_unregistered_block_in_container(v) for v in data.values())
            if isinstance(data, Block):
                return data not in children
            return False
        for k, v in self.__dict__.items():
            if isinstance(v, (list, tuple, dict)) and not (k.startswith('__') or k == '_children'):
                if _find_unregistered_block_in_container(v):
                    warnings.warn('"{name}" is an unregistered container with Blocks. Note that Blocks inside the '
                                  'list, tuple or dict will not be registered automatically. Make sure to '
                                  'register them using register_child() or switching to '
                                  'nn.Sequential/nn.HybridSequential instead. '.format(
                                      name=self.__class__.__name__ + '.' + k), stacklevel=3)

    def _alias(self):
        return self.__class__.__name__.lower()

    @property
    def prefix(self):
        """Prefix of this Block's name and of its parameters' names."""
        return self._prefix

    @property
    def name(self):
        return self._name

    def name_scope(self):
        """Scope (``with``) in which child Blocks and symbols get this Block's prefix."""
        return self._scope

    @property
    def params(self):
        """This Block's own ParameterDict (not its children's)."""
        return self._params

    def collect_params(self, select=None):
        """A ParameterDict of this Block's and its descendants' parameters, optionally those whose name
        matches the regular expression ``select``."""
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        ret.update(self.params if not select else _select(self.params, select))
        for cld in self._children.values():
            ret.update(cld.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix=''):
        if prefix:
            prefix += '.'
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    # ---- files --------------------------------------------------------------------------------------
    def save_parameters(self, filename, deduplicate=False):
        """``nd.save`` of {structural name (``0.weight``, ``conv.bias``): value}; with ``deduplicate`` a
        shared parameter is written once."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            reverse = {v: k for k, v in params.items()}
            params = {v: k for k, v in reverse.items()}
        ndarray.save(filename, {key: val._reduce() for key, val in params.items()})

    def save_params(self, filename):
        """[Deprecated] ``collect_params().save`` with this Block's prefix stripped."""
        warnings.warn('save_params is deprecated. Please use save_parameters. Note that if you want load from '
                      'SymbolBlock later, please use export instead. For details, see https://mxnet.io/api/python/'
                      'docs/tutorials/packages/gluon/blocks/save_load_params.html')
        try:
            self.collect_params().save(filename, strip_prefix=self.prefix)
        except ValueError as e:
            raise ValueError('%s\nsave_params is deprecated. Using save_parameters may resolve this error.'
                             % e) from None

    def load_parameters(self, filename, ctx=None, allow_missing=False, ignore_extra=False, cast_dtype=False,
                        dtype_source='current'):
        """Load a file of ``save_parameters`` (or of the legacy ``save_params``, with prefixed names)."""
        loaded = ndarray.load(filename)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any('.' in i for i in loaded.keys()):
            del loaded
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra, self.prefix,
                                       cast_dtype=cast_dtype, dtype_source=dtype_source)
            return
        if not allow_missing:
            params_inv = defaultdict(list)
            for k, v in params.items():
                params_inv[v].append(k)
            for name, param in params.items():
                assert any(p in loaded for p in params_inv[param]), \
                    "Parameter '%s' is missing in file '%s', which contains parameters: %s. Set " \
                    "allow_missing=True to ignore missing parameters." % (name, filename,
                                                                          _brief_print_list(loaded.keys()))
        for name in loaded:
            if not ignore_extra and name not in params:
                raise ValueError("Parameter '%s' loaded from file '%s' is not present in ParameterDict, which "
                                 "contains parameters %s. Set ignore_extra=True to ignore. "
                                 % (name, filename, _brief_print_list(self._params.keys())))
            if name in params:
                params[name]._load_init(loaded[name], ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)

    def load_params(self, filename, ctx=None, allow_missing=False, ignore_extra=False):
        """[Deprecated] ``load_parameters``."""
        warnings.warn('load_params is deprecated. Please use load_parameters.')
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    # ---- structure ------------------------------------------------------------------------------------
    def register_child(self, block, name=None):
        """Add ``block`` as a child (named ``name``, default its position)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook):
        """``hook(block, inputs)`` runs before each forward."""
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook):
        """``hook(block, inputs, outputs)`` runs after each forward."""
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    def apply(self, fn):
        """Call ``fn(block)`` on every descendant, then on this Block; returns self."""
        for cld in self._children.values():
            cld.apply(fn)
        fn(self)
        return self

    def initialize(self, init=initializer.Uniform(), ctx=None, verbose=False, force_reinit=False):
        """``collect_params().initialize(...)``."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active=True, **kwargs):
        """Hybridize the HybridBlock descendants (a plain Block runs imperatively)."""
        for cld in self._children.values():
            cld.hybridize(active, **kwargs)

    def cast(self, dtype):
        """Cast every parameter to ``dtype``."""
        for child in self._children.values():
            child.cast(dtype)
        for _, param in self.params.items():
            param.cast(dtype)

    def zero_grad(self):
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx):
        self.collect_params().reset_ctx(ctx)

    def __call__(self, *args):
        """Run the pre-hooks, ``forward``, then the hooks."""
        for hook in list(self._forward_pre_hooks.values()):
            hook(self, args)
        with _recording_scope():
            out = self.forward(*args)
        for hook in list(self._forward_hooks.values()):
            hook(self, args, out)
        return out

    def forward(self, *args):
        """The computation; override in subclasses."""
        raise NotImplementedError

    def summary(self, *inputs):
        """Print each Block's output shape and parameter count for one forward pass of ``inputs``."""
        summary = OrderedDict()
        seen = set()
        hooks = []

        def _get_shape_str(args):
            flat_args, fmts = _flatten(args, 'input')
            shapes = [x.shape if isinstance(x, NDArray) else x for x in flat_args]
            return str(_regroup(shapes, fmts)[0])

        def _register_summary_hook(block):
            assert not isinstance(block, HybridBlock) or not block._active, \
                '"{}" must not be hybridized to print summary.'.format(block.name)

            def _summary_hook(block, _, outputs):
                class_name = block.__class__.__name__
                block_idx = len(summary) - 1
                m_key = '%s-%i' % (class_name, block_idx + 1)
                summary[m_key] = OrderedDict()
                summary[m_key]['output_shape'] = _get_shape_str(outputs)
                params = 0
                summary[m_key]['trainable'] = 0
                summary[m_key]['shared'] = 0
                for p in block.params.values():
                    n = int(np.prod(p.data().shape))
                    params += n
                    summary[m_key]['trainable'] += 0 if p.grad_req == 'null' else n
                    if p in seen:
                        summary[m_key]['shared'] += n
                    else:
                        seen.add(p)
                summary[m_key]['n_params'] = params
            from .nn.basic_layers import Sequential, HybridSequential
            if not isinstance(block, (Sequential, HybridSequential)):
                hooks.append(block.register_forward_hook(_summary_hook))

        summary['Input'] = OrderedDict()
        summary['Input']['output_shape'] = _get_shape_str(inputs)
        summary['Input']['n_params'] = 0
        summary['Input']['trainable'] = 0
        summary['Input']['shared'] = 0
        try:
            self.apply(_register_summary_hook)
            self(*inputs)
            line_format = '{:>20}  {:>42} {:>15}'
            print('-' * 80)
            print(line_format.format('Layer (type)', 'Output Shape', 'Param #'))
            print('=' * 80)
            total_params = trainable_params = shared_params = 0
            for layer in summary:
                print(line_format.format(layer, str(summary[layer]['output_shape']), summary[layer]['n_params']))
                total_params += summary[layer]['n_params']
                trainable_params += summary[layer]['trainable']
                shared_params += summary[layer]['shared']
            print('=' * 80)
            print('Parameters in forward computation graph, duplicate included')
            print('   Total params: ' + str(total_params))
            print('   Trainable params: ' + str(trainable_params))
            print('   Non-trainable params: ' + str(total_params - trainable_params))
            print('Shared params in forward computation graph: ' + str(shared_params))
            print('Unique parameters in model: ' + str(total_params - shared_params))
            print('-' * 80)
        finally:
            for h in hooks:
                h.detach()


class _CachedGraph:
    """A traced Symbol run as one flattened plan on tensors (MXNet's CachedOp): the graph's inputs are the
    block's data arguments and parameters, so torch autograd reaches the parameters' gradient buffers."""

    def __init__(self, sym):
        from ..executor import _Plan
        self.symbol = sym
        self.plan = _Plan(sym)
        self.input_names = self.plan.arg_names + self.plan.aux_names
        # creation ops with unknown dims (an RNN cell's begin_state zeros (0, H)) take their shapes from
        # the input shapes, so such a graph gets one plan per input-shape signature
        self._partial = any(not refs and any(d <= 0 for d in (getattr(p, 'shape', None) or ()))
                            for _, _, p, refs in self.plan.steps)
        self._plans = {}

    def _plan_for(self, tensors):
        if not self._partial:
            return self.plan
        key = tuple(tuple(t.shape) for t in tensors)
        plan = self._plans.get(key)
        if plan is None:
            from ..executor import _Plan
            plan = _Plan(self.symbol)
            plan.fill_partial_shapes(dict(zip(self.input_names, key)))
            self._plans[key] = plan
        return plan

    def __call__(self, tensors, is_train):
        n = len(self.plan.arg_names)
        return self._plan_for(tensors).run(tensors[:n], tensors[n:], is_train)


class HybridBlock(Block):
    """A Block whose computation ``hybrid_forward(F, x, *args, **params)`` runs with ``F = mx.nd`` on
    NDArrays and ``F = mx.sym`` on Symbols. After ``hybridize()`` the first call traces it into a Symbol
    that later calls run as one cached graph (and ``export`` saves)."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._cached_graph = ()
        self._cached_op = None
        self._cached_op_args = None
        self._out_format = None
        self._in_format = None
        self._active = False
        self._flags = []
        self._callback = None
        self._monitor_all = False

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if isinstance(value, HybridBlock):
            self._clear_cached_op()

    def register_child(self, block, name=None):
        if not isinstance(block, HybridBlock):
            raise ValueError('Children of HybridBlock must also be HybridBlock, but %s has type %s. If you are '
                             'using Sequential, please try HybridSequential instead.' % (str(block),
                                                                                       str(type(block))))
        super().register_child(block, name)
        self._clear_cached_op()

    def _clear_cached_op(self):
        self._cached_graph = ()
        self._cached_op = None
        self._cached_op_args = None

    def hybridize(self, active=True, backend=None, backend_opts=None, clear=True, **kwargs):
        """Trace this Block (and its descendants) into a cached graph at the next call (``active``)."""
        self._active = active
        self._flags = list(kwargs.items())
        if clear:
            self._clear_cached_op()
        if active and (self._forward_hooks or self._forward_pre_hooks):
            warnings.warn('"{block}" is being hybridized while still having forward hook/pre-hook. If '
                          '"{block}" is a child of HybridBlock, the hooks will not take effect.'
                          .format(block=self))
        super().hybridize(active, **kwargs)

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)

    # ---- tracing ------------------------------------------------------------------------------------
    def _get_graph(self, *args):
        if not self._cached_graph:
            flat, self._in_format = _flatten(args, 'input')
            real = sum(a is not None for a in flat)
            if real == 0:
                raise ValueError('All args are None and we do not support such a case. Received args={}'
                                 .format(args))
            inputs, syms, cnt = [], [], 0
            for a in flat:
                if a is None:
                    inputs.append(None)
                    continue
                s = symbol.var('data%d' % cnt if real > 1 else 'data')
                cnt += 1
                inputs.append(s)
                syms.append(s)
            grouped = _regroup(inputs, self._in_format)[0]
            params = {i: j.var() for i, j in self._reg_params.items()}
            with self.name_scope():
                out = self.hybrid_forward(symbol, *grouped, **params)
            out, self._out_format = _flatten(out, 'output')
            self._cached_graph = syms, symbol.Group(out)
        return self._cached_graph

    def infer_shape(self, *args):
        """Fill in the parameters' unknown shapes from the input arrays' shapes."""
        self._infer_attrs('infer_shape', 'shape', *args)

    def infer_type(self, *args):
        """Fill in the parameters' dtypes from the input arrays' dtypes."""
        self._infer_attrs('infer_type', 'dtype', *args)

    def _infer_attrs(self, infer_fn, attr, *args):
        inputs, out = self._get_graph(*args)
        flat, _ = _flatten(args, 'input')
        flat = [a for a in flat if a is not None]
        known = {i.name: getattr(j, attr) for i, j in zip(inputs, flat)}
        if attr == 'shape':
            arg_attrs, aux_attrs = _infer_param_shapes(out, known)
        else:
            arg_attrs, _, aux_attrs = getattr(out, infer_fn)(**known)
        if arg_attrs is None:
            raise ValueError('Cannot infer the %s of the parameters of %s from the inputs %s'
                             % (attr, self.name, known))
        sdict = dict(zip(out.list_arguments(), arg_attrs))
        sdict.update(zip(out.list_auxiliary_states(), aux_attrs))
        for i in self.collect_params().values():
            if i.name in sdict:
                setattr(i, attr, sdict[i.name])

    def _deferred_infer_shape(self, *args):
        try:
            self.infer_shape(*args)
        except Exception as e:  # noqa: BLE001 -- MXNet wraps every failure the same way
            raise ValueError('Deferred initialization failed because shape cannot be inferred. {}'.format(e)) \
                from None

    # ---- cached graph -------------------------------------------------------------------------------
    def _build_cache(self, *args):
        data, out = self._get_graph(*args)
        data_names = {d.name: i for i, d in enumerate(data)}
        params = self.collect_params()
        op = _CachedGraph(out)
        input_names = op.input_names
        param_names = set(params.keys())
        expected = set(input_names)
        for name in expected:
            assert name in param_names or name in data_names, 'Unknown input to HybridBlock: %s' % name
        unused = [i for n, i in data_names.items() if n not in expected]
        if unused:
            warnings.warn('The %s input to HybridBlock is not used by any computation. Is this intended?'
                          % ', '.join('%d-th' % i for i in unused), stacklevel=4)
        unused_params = sorted(param_names - expected)
        if unused_params:
            warnings.warn('Parameter %s is not used by any computation. Is this intended?'
                          % ', '.join(unused_params), stacklevel=4)
        self._cached_op_args = [(True, data_names[n]) if n in data_names else (False, params[n])
                                for n in input_names]
        self._cached_op = op

    def _call_cached_op(self, *args):
        if self._cached_op is None:
            self._build_cache(*args)
        flat, fmt = _flatten(args, 'input')
        if fmt != self._in_format and not _same_but_trailing_none(fmt, self._in_format):
            raise ValueError('The argument structure of HybridBlock does not match the cached version. Stored '
                             'format = {}, input format = {}'.format(self._in_format, fmt))
        flat = [a for a in flat if a is not None]
        ctx = flat[0].context
        try:
            cargs = [flat[i] if is_arg else i.data(ctx) for is_arg, i in self._cached_op_args]
        except DeferredInitializationError:
            self._deferred_infer_shape(*args)
            cargs = []
            for is_arg, i in self._cached_op_args:
                if not is_arg:
                    i._finish_deferred_init()
                cargs.append(flat[i] if is_arg else i.data(ctx))
        outs = self._cached_op([a._data for a in cargs], autograd.is_training())
        outs = [wrap(o) for o in outs]
        return _regroup(outs, self._out_format)[0]

    def forward(self, x, *args):
        """Runs ``hybrid_forward`` with ``F = mx.nd`` (or the cached graph when hybridized) on NDArrays, and
        with ``F = mx.sym`` on Symbols."""
        flat = _tensors([x] + list(args))
        has_sym = any(isinstance(a, Symbol) for a in flat)
        has_nd = any(isinstance(a, NDArray) for a in flat)
        if has_sym and has_nd:
            raise ValueError('In HybridBlock, we do not support mixed NDArrays and Symbols types for the '
                             'input. Please check the type of the args.')
        if not has_sym and not has_nd:
            raise ValueError('In HybridBlock, there must be one NDArray or one Symbol in the input. Please '
                             'check the type of the args.')
        if has_nd:
            ctx = next(a for a in flat if isinstance(a, NDArray)).context
            if self._active:
                return self._call_cached_op(x, *args)
            try:
                params = {k: v.data(ctx) for k, v in self._reg_params.items()}
            except DeferredInitializationError:
                self._deferred_infer_shape(x, *args)
                for v in self.params.values():
                    v._finish_deferred_init()
                params = {k: v.data(ctx) for k, v in self._reg_params.items()}
            return self.hybrid_forward(ndarray, x, *args, **params)
        params = {i: j.var() for i, j in self._reg_params.items()}
        with self.name_scope():
            return self.hybrid_forward(symbol, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        """The computation, written once for ``F = mx.nd`` and ``F = mx.sym``; override in subclasses."""
        raise NotImplementedError

    def export(self, path, epoch=0, remove_amp_cast=True):
        """Write ``path-symbol.json`` and ``path-EPOCH.params`` (``arg:``/``aux:`` names), the files Module
        and ``SymbolBlock.imports`` load; needs one forward pass after ``hybridize()``."""
        if not self._cached_graph:
            raise RuntimeError('Please first call block.hybridize() and then run forward with this block at '
                               'least once before calling export.')
        sym = self._cached_graph[1]
        sym_filename = '%s-symbol.json' % path
        sym.save(sym_filename, remove_amp_cast=remove_amp_cast)
        arg_names = set(sym.list_arguments())
        aux_names = set(sym.list_auxiliary_states())
        arg_dict = {}
        for name, param in self.collect_params().items():
            if name in arg_names:
                arg_dict['arg:%s' % name] = param._reduce()
            elif name in aux_names:
                arg_dict['aux:%s' % name] = param._reduce()
        params_filename = '%s-%04d.params' % (path, epoch)
        ndarray.save(params_filename, arg_dict)
        return sym_filename, params_filename

    def register_op_hook(self, callback, monitor_all=False):
        """``callback(name, op_name, array)`` for node outputs of the cached graph (accepted, not called)."""
        self._callback = callback
        self._monitor_all = monitor_all
        for cld in self._children.values():
            cld.register_op_hook(callback, monitor_all)

    def optimize_for(self, x, *args, backend=None, **kwargs):
        """No backends exist here: hybridize and run once."""
        self.hybridize(True)
        return self(x, *args)


def _infer_param_shapes(sym, known):
    """(arg shapes, aux shapes) of ``sym``: MXNet's inference, the parameters' partial shapes (0 = unknown)
    included (a fused RNN layer's deferred weights are found only through them); if that cannot decide,
    once more with only the fully known ``__shape__`` attributes (the partial ones are checked against the
    inferred shapes when set, by ``Parameter.shape``). The graph is shared with the cached op: the
    attributes are restored."""
    from ..base import MXNetError
    try:
        arg, _, aux = sym.infer_shape(**known)
    except MXNetError:
        arg = None
    if arg is not None:
        return arg, aux
    removed = []
    for node in sym._nodes():
        shape = node.attrs.get('__shape__') if node.op is None else None
        if shape and re.search(r'(^|[(,\s])-?0\s*[,)]', shape):
            removed.append((node, shape))
            del node.attrs['__shape__']
    try:
        arg, _, aux = sym.infer_shape(**known)
    finally:
        for node, shape in removed:
            node.attrs['__shape__'] = shape
    return arg, aux


def _same_but_trailing_none(fmt, stored):
    """Whether two input formats differ only by trailing None arguments (defaults left out or given)."""
    short, long_ = (fmt, stored) if len(fmt) < len(stored) else (stored, fmt)
    if len(short) == len(long_):
        return False
    return list(long_[:len(short)]) == list(short) and all(f == -1 for f in long_[len(short):])


def _tensors(args):
    """The NDArrays and Symbols in nested lists/tuples (other values are skipped)."""
    out = []
    for a in args:
        if isinstance(a, (NDArray, Symbol)):
            out.append(a)
        elif isinstance(a, (list, tuple)):
            out.extend(_tensors(a))
    return out


def _common_prefix(names):
    if not names:
        return ''
    prefix = names[0]
    for name in names:
        i = 0
        while i < len(prefix) and i < len(name) and prefix[i] == name[i]:
            i += 1
        prefix = prefix[:i]
    return prefix


class SymbolBlock(HybridBlock):
    """A HybridBlock computing ``outputs`` (Symbols) from ``inputs`` (variables); the other variables of the
    graph become its parameters (shapes inferred at the first call)."""

    def __init__(self, outputs, inputs, params=None):
        super().__init__(prefix=None, params=None)
        self._prefix = ''
        self._params = ParameterDict('', params)
        if isinstance(inputs, Symbol) and len(inputs.list_outputs()) == 1:
            inputs = [inputs]
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        syms, self._in_format = _flatten(inputs, 'input')
        out, self._out_format = _flatten(outputs, 'output')
        out = symbol.Group(out)
        input_names = set()
        for i in syms:
            assert len(i.get_internals().list_outputs()) == 1, \
                'Input symbols must be variable, but %s is an output of operators' % str(i)
            input_names.add(i.name)
        attrs = out.attr_dict()
        for name, a in attrs.items():
            assert a.get('__storage_type__') != '1', \
                "SymbolBlock doesn't support Parameter '%s' because its storage type is 'row_sparse'." % name
        for i in out.list_arguments():
            if i not in input_names:
                p = self.params.get(i, allow_deferred_init=True)
                _apply_var_attrs(p, attrs.get(i, {}))
        for i in out.list_auxiliary_states():
            if i not in input_names:
                p = self.params.get(i, grad_req='null', allow_deferred_init=True)
                _apply_var_attrs(p, attrs.get(i, {}))
        self._cached_graph = syms, out
        len_prefix = len(_common_prefix(list(self._params.keys())))
        self._reg_params = {key[len_prefix:]: val for key, val in self._params.items()}

    @staticmethod
    def imports(symbol_file, input_names, param_file=None, ctx=None, allow_missing=False, ignore_extra=False):
        """A SymbolBlock from an exported ``-symbol.json`` (and ``.params``) pair."""
        sym = symbol.load(symbol_file)
        if isinstance(input_names, str):
            input_names = [input_names]
        if param_file is None:
            inputs = [symbol.var(i, dtype=np.float32) for i in input_names]
        else:
            inputs = [symbol.var(i) for i in input_names]
        ret = SymbolBlock(sym, inputs)
        if param_file is not None:
            ret.collect_params().load(param_file, ctx, allow_missing, ignore_extra, cast_dtype=True,
                                      dtype_source='saved')
        return ret

    def forward(self, x, *args):
        if isinstance(x, NDArray):
            return self._call_cached_op(x, *args)
        assert isinstance(x, Symbol), 'HybridBlock requires the first argument to forward be either Symbol ' \
                                      'or NDArray, but got %s' % type(x)
        flat, in_fmt = _flatten([x] + list(args), 'input')
        assert in_fmt == self._in_format, 'Invalid input format'
        ret = copy.copy(self._cached_graph[1])
        ret._compose(**{k.name: v for k, v in zip(self._cached_graph[0], flat)})
        return _regroup(list(ret), self._out_format)[0]

    def _clear_cached_op(self):
        tmp = self._cached_graph
        super()._clear_cached_op()
        self._cached_graph = tmp

    def _get_graph(self, *args):
        return self._cached_graph

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError


def _apply_var_attrs(param, attrs):
    """Shape/dtype/multipliers recorded on a graph variable carry over to its Parameter."""
    if '__shape__' in attrs:
        shape = tuple(int(d) for d in re.findall(r'-?\d+', attrs['__shape__']))
        if shape and param.shape is None:
            param.shape = tuple(d if d > 0 else 0 for d in shape)
    if '__lr_mult__' in attrs:
        param.lr_mult = float(attrs['__lr_mult__'])
    if '__wd_mult__' in attrs:
        param.wd_mult = float(attrs['__wd_mult__'])

