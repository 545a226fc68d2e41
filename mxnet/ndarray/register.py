"""Generates the ``mx.nd.<op>`` functions from the operator registry."""
import inspect

import torch

from ..base import MXNetError
from .._op import registry
from .._op.params import REQUIRED
from .. import _dtype
from .. import autograd as _autograd  # loaded first by mxnet/__init__; its state is defined before it imports us
from .. import engine as _engine
from .ndarray import NDArray, wrap, kept_contexts as _kept_contexts, with_context as _with_context

__all__ = ['invoke', 'make_function', 'generate']

_new = object.__new__
_Tensor = torch.Tensor
_ag_state = _autograd._state
_unrecorded = _autograd.unrecorded
_grad_enabled = torch.is_grad_enabled
_no_grad = torch.no_grad
_pending = _engine.pending  # asynchronous errors: outputs of an op on a failed input inherit its error


def _is_training():
    from .. import autograd
    return autograd.is_training()


def _device_error(op, tensors):
    from ..context import context_of
    first = context_of(tensors[0].device)
    for i, t in enumerate(tensors[1:], 2):
        if t.device != tensors[0].device:
            return MXNetError('Operator %s require all inputs live on the same context. But the first argument '
                              'is on %s while the %d-th argument is on %s'
                              % (op.name, first, i, context_of(t.device)))
    return None


def _dtype_error(op, names, tensors):
    d0 = tensors[0].dtype
    for i, (n, t) in enumerate(zip(names[1:], tensors[1:]), 1):
        if t.dtype is not d0:
            return MXNetError('Operator %s: Incompatible attr at %d-th input (%s): expected %s, got %s; all '
                              'inputs must share one dtype' % (op.name, i, n, _dtype.TORCH2NAME[d0],
                                                              _dtype.TORCH2NAME[t.dtype]))
    return None


def compute_error(op, tensors, err):
    """MXNetError for a torch failure inside ``op``, naming the op and the input shapes."""
    if op.explain_error is not None:
        msg = op.explain_error(None, tensors)
        if msg:
            return MXNetError(msg)
    shapes = ', '.join(str(tuple(t.shape)) for t in tensors)
    return MXNetError('Operator %s failed on inputs of shape %s: %s' % (op.name, shapes, err))


def check_inputs(op, tensors, names=None):
    """MXNet's checks on several inputs: one device, and one dtype unless the op mixes them."""
    dev = tensors[0].device
    for t in tensors:
        if t.device != dev:
            raise _device_error(op, tensors)
    if op.same_dtype:
        d0 = tensors[0].dtype
        for t in tensors:
            if t.dtype is not d0:
                raise _dtype_error(op, names or ['input%d' % i for i in range(len(tensors))], tensors)


def run(op, p, tensors, names=None):
    """Compute ``op`` on tensors after MXNet's device and dtype checks; returns the tuple of outputs.
    Inputs in an autograd graph are not recorded on unless autograd is recording."""
    if len(tensors) > 1:
        check_inputs(op, tensors, names)
    if _unrecorded(tensors):
        with _no_grad():
            return run(op, p, tensors, names)
    try:
        if op.train_aware:
            res = op.compute(p, *tensors, is_train=_is_training())
        else:
            res = op.compute(p, *tensors)
    except MXNetError:
        raise
    except (RuntimeError, ValueError, IndexError, TypeError) as e:
        raise compute_error(op, tensors, e) from None
    res = res if isinstance(res, (tuple, list)) else (res,)
    if _pending:
        _engine.propagate(tensors, res)
    return res


def _write_out(op, out, results):
    outs = out if isinstance(out, (list, tuple)) else [out]
    if len(outs) != len(results):
        raise MXNetError('Operator %s has %d outputs but out= gives %d arrays' % (op.name, len(results), len(outs)))
    for o, r in zip(outs, results):
        if not isinstance(o, NDArray):
            raise TypeError('out must be an NDArray, got %s' % type(o))
        if tuple(o._data.shape) != tuple(r.shape):
            raise MXNetError('Operator %s: out= has shape %s but the result has shape %s'
                             % (op.name, tuple(o._data.shape), tuple(r.shape)))
        o._data.copy_(r)
        if _pending:
            _engine.propagate([r], [o._data])
    return out


def invoke(op, inputs, kwargs, out=None):
    """Run ``op`` on NDArray ``inputs`` with parameter ``kwargs``; MXNet's return convention."""
    p = op.parse(kwargs)
    tensors = []
    for x in inputs:
        if not isinstance(x, NDArray):
            raise TypeError('Operator %s expects NDArray inputs, got %s' % (op.name, type(x).__name__))
        tensors.append(x._data)
    return _finish(op, p, run(op, p, tensors), out, inputs)


def output_context(op, p, inputs):
    """The Context of ``op``'s outputs when it is one that arrays store (see ndarray.kept_contexts), else
    None: the first input's; for an op without inputs its ``ctx`` parameter, else the current context."""
    if inputs:
        return getattr(inputs[0], '_ctx', None)
    if 'ctx' in op.params:
        from ..context import current_context
        return getattr(p, 'ctx', None) or current_context()
    return None


def _finish(op, p, res, out, inputs=()):
    nvis = len(res) if op.num_visible is None else op.num_visible(p)
    if out is not None:
        return _write_out(op, out, res[:nvis])
    ctx = output_context(op, p, inputs) if _kept_contexts or not inputs else None
    if nvis == 1:
        a = _new(NDArray)
        a._data = res[0]
        return a if ctx is None else _with_context(a, ctx)
    return [wrap(r, ctx) for r in res[:nvis]]


def _split_args(op, args, kwargs):
    """(positional inputs, keyword inputs, params) of an ``mx.nd.<op>`` call."""
    params = {}
    kw_inputs = {}
    for k, v in kwargs.items():
        if (k in op.params or op.extra_param is not None) and not isinstance(v, NDArray):
            params[k] = v
        else:
            kw_inputs[k] = v
    pos_inputs = []
    i = 0
    if op.variadic:
        pos_inputs = list(args)
        i = len(args)
    else:
        while i < len(args) and (args[i] is None or isinstance(args[i], NDArray)):
            pos_inputs.append(args[i])
            i += 1
    rest = args[i:]
    if rest:
        free = [k for k in op.params if k not in params]
        if len(rest) > len(free):
            raise TypeError('%s() takes at most %d positional parameters after its inputs, got %d'
                            % (op.name, len(free), len(rest)))
        for k, v in zip(free, rest):
            params[k] = v
    return pos_inputs, kw_inputs, params


def _positional_params(op):
    """``f(rest)``: Attrs of the parameters given positionally after the inputs, cached by value."""
    names = list(op.params)
    cache = {}

    def parse(rest):
        try:
            p = cache.get(rest)
        except TypeError:  # an unhashable value (a list): parse every time
            return op.parse(dict(zip(names, rest)))
        if p is None:
            p = op.parse(dict(zip(names, rest)))
            if len(cache) < 256:
                cache[rest] = p
        return p
    return parse


def _positional_tensors(args, n):
    """The tensors of ``args[:n]`` when all are NDArrays, else None."""
    tensors = []
    for i in range(n):
        x = args[i]
        if type(x) is not NDArray:
            return None
        tensors.append(x._data)
    return tensors


def make_function(op, public_name=None):
    """The ``mx.nd`` function of ``op``: inputs first (NDArrays), then parameters, then ``out``/``name``."""
    names_static = None if callable(op.inputs) or op.variadic else list(op.inputs) + (
        [] if callable(op.aux) else list(op.aux))
    # Fast path: fixed inputs given positionally as NDArrays, parameters positional or by keyword.
    nin = len(names_static) if names_static is not None else -1
    npar = len(op.params)
    fast = nin >= 0 and op.extra_param is None
    try:
        p0 = op.parse({})
    except MXNetError:  # a required parameter
        p0 = None
    positional = _positional_params(op)
    declared = op.params
    compute, train_aware, plain_output = op.compute, op.train_aware, op.num_visible is None

    # Ops whose inputs depend on parameters (FullyConnected/Convolution without bias) take a fast path too:
    # all inputs positional as NDArrays, parameters by keyword.
    dynamic = names_static is None and not op.variadic and op.extra_param is None
    input_names, aux_names = op.input_names, op.aux_names

    def fn(*args, out=None, name=None, **kwargs):
        nargs = len(args)
        p = None
        n_in = nin
        names = names_static
        if dynamic:
            tensors = _positional_tensors(args, nargs) if nargs else None
            if tensors is not None:
                if kwargs:
                    for k in kwargs:
                        if k not in declared:
                            break
                    else:
                        p = op.parse(kwargs)
                else:
                    p = p0
                if p is not None:
                    names = input_names(p) + aux_names(p)
                    if len(names) != nargs:
                        p = None
                n_in = nargs
        elif fast and nin <= nargs <= nin + npar:
            if nin == 1:
                x = args[0]
                tensors = (x._data,) if type(x) is NDArray else None
            else:
                tensors = _positional_tensors(args, nin)
            if tensors is not None:
                if kwargs:
                    if nargs == nin:
                        for k in kwargs:
                            if k not in declared:
                                break
                        else:
                            p = op.parse(kwargs)
                elif nargs == nin:
                    p = p0
                else:
                    p = positional(args[nin:])
        if p is not None:
            if n_in > 1:
                check_inputs(op, tensors, names)
                if _unrecorded(tensors):
                    with _no_grad():
                        return fn(*args, out=out, name=name, **kwargs)
            elif n_in and tensors[0].requires_grad and not _ag_state.recording and _grad_enabled():
                with _no_grad():  # an input in a graph, but no recording: run untracked
                    return fn(*args, out=out, name=name, **kwargs)
            try:
                res = compute(p, *tensors, is_train=_is_training()) if train_aware else compute(p, *tensors)
            except MXNetError:
                raise
            except (RuntimeError, ValueError, IndexError, TypeError) as e:
                raise compute_error(op, tensors, e) from None
            if _pending:
                _engine.propagate(tensors, res if isinstance(res, (tuple, list)) else (res,))
            if type(res) is _Tensor and out is None and plain_output and n_in:
                a = _new(NDArray)
                a._data = res
                if _kept_contexts:
                    c = getattr(args[0], '_ctx', None)
                    if c is not None:
                        a._ctx = c
                return a
            return _finish(op, p, res if isinstance(res, (tuple, list)) else (res,), out, args[:n_in])
        pos, kw_inputs, params = _split_args(op, args, kwargs)
        if op.variadic and op.variadic not in params:
            params[op.variadic] = len(pos)
        p = op.parse(params)
        names = op.input_names(p, len(pos)) + op.aux_names(p)
        if len(pos) > len(names):
            raise MXNetError('Operator %s takes %d inputs (%s) but %d were given'
                             % (op.name, len(names), ', '.join(names), len(pos)))
        inputs = list(pos) + [None] * (len(names) - len(pos))
        for k, v in kw_inputs.items():
            if k not in names:
                if k in op.params:
                    raise TypeError('%s: parameter %s cannot be an NDArray' % (op.name, k))
                raise MXNetError('Cannot find argument \'%s\' in operator %s. Possible arguments: %s'
                                 % (k, op.name, ', '.join(names + list(op.params))))
            idx = names.index(k)
            if inputs[idx] is not None:
                raise TypeError('%s() got multiple values for input %s' % (op.name, k))
            inputs[idx] = v
        tensors = []
        for n, x in zip(names, inputs):
            if x is None:
                raise MXNetError('Operator %s: required input %s is missing' % (op.name, n))
            if not isinstance(x, NDArray):
                raise TypeError('Operator %s: input %s must be an NDArray, got %s' % (op.name, n, type(x).__name__))
            tensors.append(x._data)
        return _finish(op, p, run(op, p, tensors, names), out, inputs)

    fn.__name__ = public_name or op.name
    fn.__qualname__ = fn.__name__
    fn.__signature__ = _signature(op, names_static)
    fn.__doc__ = _docstring(op)
    fn.opdef = op
    return fn


def default_input_names(op):
    """The inputs an op takes with its default parameters (for signatures and docs)."""
    if not callable(op.inputs):
        return list(op.inputs) + ([] if callable(op.aux) else list(op.aux))
    p = registry.Attrs({k: (None if f.default is REQUIRED else f.default) for k, f in op.params.items()})
    try:
        return op.input_names(p) + op.aux_names(p)
    except Exception:  # a rule that needs a required parameter
        return ['data']


def _signature(op, names_static):
    P = inspect.Parameter
    if names_static is None and not op.variadic:
        names_static = default_input_names(op)
    params = []
    if op.variadic:
        params.append(P('data', P.VAR_POSITIONAL))
    else:
        for n in (names_static if names_static is not None else ['data']):
            params.append(P(n, P.POSITIONAL_OR_KEYWORD, default=None))
    kind = P.KEYWORD_ONLY if op.variadic else P.POSITIONAL_OR_KEYWORD
    for k, f in op.params.items():
        params.append(P(k, kind, default=P.empty if f.default is REQUIRED and kind is P.KEYWORD_ONLY
                        else (None if f.default is REQUIRED else f.default)))
    params.append(P('out', P.KEYWORD_ONLY if op.variadic else P.POSITIONAL_OR_KEYWORD, default=None))
    params.append(P('name', P.KEYWORD_ONLY if op.variadic else P.POSITIONAL_OR_KEYWORD, default=None))
    params.append(P('kwargs', P.VAR_KEYWORD))
    return inspect.Signature(params)


def _docstring(op):
    lines = [(op.doc or op.name).strip(), '', 'Parameters', '----------']
    if op.variadic:
        lines += ['data : NDArray[]', '    Input arrays.']
    elif not callable(op.inputs):
        for n in list(op.inputs) + ([] if callable(op.aux) else list(op.aux)):
            lines += ['%s : NDArray' % n, '    Input %s.' % n]
    for k, f in op.params.items():
        lines += ['%s : %s' % (k, f.describe())]
        if f.doc:
            lines += ['    ' + f.doc]
    lines += ['out : NDArray, optional', '    The output array.', '', 'Returns', '-------',
              'out : NDArray or list of NDArrays']
    if op.aliases:
        lines += ['', 'Also registered as: ' + ', '.join(op.aliases)]
    return '\n'.join(lines)


def generate(namespace):
    """Put a function for every registered name (aliases too) into ``namespace`` unless already defined."""
    for name, op in registry.all_ops().items():
        if name not in namespace:
            namespace[name] = make_function(op, name)
