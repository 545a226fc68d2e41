"""Generates the ``mx.nd.<op>`` functions from the operator registry."""
import torch

from ..base import MXNetError
from .._op import registry
from .._op import frontend
from .. import _dtype
from .. import autograd as _autograd  # loaded first by mxnet/__init__; its state is defined before it imports us
from .. import engine as _engine
from .ndarray import NDArray, wrap, kept_contexts as _kept_contexts, with_context as _with_context

__all__ = ['invoke', 'make_function', 'generate']

_new = object.__new__
_Tensor = torch.Tensor
_ag_state = _autograd._state
_unrecorded = _autograd.unrecorded
_note = _autograd.note
_grad_enabled = torch.is_grad_enabled
_no_grad = torch.no_grad
_pending = _engine.pending  # asynchronous errors: outputs of an op on a failed input inherit its error


def _is_training():
    return _ag_state.training


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
    from .._op.errors import explain, mx_shape
    shapes = [tuple(t.shape) for t in tensors]
    return MXNetError('Operator %s failed on inputs of shape %s: %s'
                      % (op.name, ' '.join(mx_shape(s) for s in shapes) or '(none)', explain(err, shapes)))


def check_inputs(op, tensors, names=None):
    """MXNet's checks on several inputs: one device, and one dtype unless the op mixes them."""
    n = len(tensors)
    if n == 2:  # the common cases, inlined
        x, y = tensors
        if x.is_cpu and y.is_cpu and (x.dtype is y.dtype or not op.same_dtype):
            return
    elif n == 3:
        x, y, z = tensors
        if x.is_cpu and y.is_cpu and z.is_cpu and (x.dtype is y.dtype is z.dtype or not op.same_dtype):
            return
    t0 = tensors[0]
    d0 = t0.dtype
    same = op.same_dtype
    if t0.is_cpu:  # ``is_cpu`` costs a tenth of building and comparing torch.device objects
        for t in tensors:
            if not t.is_cpu:
                raise _device_error(op, tensors)
            if same and t.dtype is not d0:
                raise _dtype_error(op, names or ['input%d' % i for i in range(len(tensors))], tensors)
        return
    dev = t0.device
    for t in tensors:
        if t.device != dev:
            raise _device_error(op, tensors)
        if same and t.dtype is not d0:
            raise _dtype_error(op, names or ['input%d' % i for i in range(len(tensors))], tensors)


def run(op, p, tensors, names=None, stypes=None):
    """Compute ``op`` on tensors after MXNet's device and dtype checks; returns the tuple of outputs.
    Inputs in an autograd graph are not recorded on unless autograd is recording. ``stypes`` (the inputs'
    storage types, given when one is sparse) reach the compute of a ``stype_aware`` op."""
    if len(tensors) > 1:
        check_inputs(op, tensors, names)
    if _unrecorded(tensors):
        with _no_grad():
            return run(op, p, tensors, names, stypes)
    try:
        if op.train_aware:
            res = op.compute(p, *tensors, is_train=_is_training())
        elif stypes is not None and op.stype_aware:
            res = op.compute(p, *tensors, stypes=stypes)
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
    return _finish(op, p, run(op, p, tensors, stypes=_sparse_stypes(op, inputs)), out, inputs)


def _sparse_stypes(op, inputs):
    """The inputs' storage types for a ``stype_aware`` op when one input is sparse, else None."""
    if op.stype_aware and any(type(x) is not NDArray for x in inputs):
        return tuple(x.stype for x in inputs)
    return None


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
    if _ag_state.recording and out is None:  # the tape of autograd.get_symbol
        _note(op, p, [x._data for x in inputs if x is not None], res[:nvis])
    if out is not None:
        return _write_out(op, out, res[:nvis])
    ctx = output_context(op, p, inputs) if _kept_contexts or not inputs else None
    if nvis == 1:
        a = _new(NDArray)
        a._data = res[0]
        return a if ctx is None else _with_context(a, ctx)
    return [wrap(r, ctx) for r in res[:nvis]]


def _positional_params(op):
    """``f(rest)``: Attrs of the parameters given positionally after the inputs, cached by value (None when
    they do not parse: the general path then binds them, or raises)."""
    names = list(op.params)
    cache = {}

    def parse(rest):
        try:
            p = cache.get(rest)
        except TypeError:  # an unhashable value (a list): parse every time
            return _try_parse(op, dict(zip(names, rest)))
        if p is None:
            p = _try_parse(op, dict(zip(names, rest)))
            if p is not None and len(cache) < 256:
                cache[rest] = p
        return p
    return parse


def _try_parse(op, kwargs):
    """``op.parse(kwargs)``, or None where it raises (the general path gives the error, or drops a None)."""
    try:
        return op.parse(kwargs)
    except MXNetError:
        return None


def _count_inputs(op, p):
    """How many inputs (aux states included) ``op`` takes with Attrs ``p``; -1 where its rule refuses them."""
    try:
        return len(op.input_names(p)) + len(op.aux_names(p))
    except Exception:  # noqa: BLE001  (the general path raises the rule's error)
        return -1


def _positional_tensors(args, n):
    """The tensors of ``args[:n]`` when all are NDArrays, else None."""
    if n == 2:
        x, y = args[0], args[1]
        return (x._data, y._data) if type(x) is NDArray and type(y) is NDArray else None
    if n == 3:
        x, y, z = args[0], args[1], args[2]
        return (x._data, y._data, z._data) if type(x) is NDArray and type(y) is NDArray and \
            type(z) is NDArray else None
    tensors = []
    for i in range(n):
        x = args[i]
        if type(x) is not NDArray:
            return None
        tensors.append(x._data)
    return tensors


def make_function(op, public_name=None):
    """The ``mx.nd`` function of ``op``: inputs first (NDArrays), then parameters, then ``out``/``name``.

    Binding follows :mod:`mxnet._op.frontend`; calls with every input a positional NDArray and every keyword a
    declared parameter take a fast path with parameters parsed once per distinct value (cached) and the input
    count of ops whose inputs depend on parameters (FullyConnected, Convolution, softmax) or on the call
    (Concat) cached too."""
    bind = frontend.Binder(op, NDArray).bind
    names_static = None if callable(op.inputs) or op.variadic else list(op.inputs) + (
        [] if callable(op.aux) else list(op.aux))
    nin = len(names_static) if names_static is not None else -1
    npar = len(op.params)
    plain_params = op.extra_param is None  # Custom parses any keyword: always the general path
    static = nin >= 0 and plain_params
    dynamic = nin < 0 and not op.variadic and plain_params
    variadic = bool(op.variadic) and plain_params
    p0 = _try_parse(op, {})  # None when a parameter is required
    n0 = _count_inputs(op, p0) if p0 is not None and dynamic else -1  # inputs with the default parameters
    positional = _positional_params(op)
    declared = frozenset(op.params)
    compute, train_aware, plain_output = op.compute, op.train_aware, op.num_visible is None
    count = op.variadic
    # Attrs of the fast-path calls, keyed by their keywords (static ops) or by (number of inputs, keywords): a
    # hit also vouches that the keywords are declared parameters and that the inputs are the op's number
    parsed = {}

    def parse_call(key, nargs, kwargs):
        """Attrs of a fast-path call not yet in ``parsed`` (then stored), or None for the general path."""
        if not kwargs.keys() <= declared:
            return None
        if variadic:
            if count in kwargs:
                return None
            p = _try_parse(op, dict(kwargs, **{count: nargs}))
        else:
            p = _try_parse(op, kwargs)
            if p is not None and dynamic and _count_inputs(op, p) != nargs:
                return None
        if p is not None and key is not None and len(parsed) < 512:
            parsed[key] = p
        return p

    def fn(*args, out=None, name=None, **kwargs):
        nargs = len(args)
        p = None
        if static:
            if nin <= nargs <= nin + npar:
                if nin == 1:
                    x = args[0]
                    tensors = (x._data,) if type(x) is NDArray else None
                else:
                    tensors = _positional_tensors(args, nin)
                if tensors is not None:
                    if nargs == nin:
                        if kwargs:
                            key = tuple(kwargs.items())
                            try:
                                p = parsed.get(key)
                            except TypeError:  # an unhashable value (a list)
                                key = None
                            if p is None:
                                p = parse_call(key, nargs, kwargs)
                        else:
                            p = p0
                    elif not kwargs:
                        p = positional(args[nin:])
        elif nargs and (dynamic or variadic):
            tensors = _positional_tensors(args, nargs)
            if tensors is not None:
                if kwargs:
                    key = (nargs, tuple(kwargs.items()))
                    try:
                        p = parsed.get(key)
                    except TypeError:
                        key = None
                elif nargs == n0:
                    p = p0
                else:
                    key = nargs
                    p = parsed.get(key)
                if p is None:
                    p = parse_call(key, nargs, kwargs)
        if p is not None:
            n_in = len(tensors)
            if n_in > 1:
                check_inputs(op, tensors)
                for t in tensors:
                    if t.requires_grad:
                        if not _ag_state.recording and _grad_enabled():
                            with _no_grad():  # an input in a graph, but no recording: run untracked
                                return fn(*args, out=out, name=name, **kwargs)
                        break
            elif n_in and tensors[0].requires_grad and not _ag_state.recording and _grad_enabled():
                with _no_grad():  # an input in a graph, but no recording: run untracked
                    return fn(*args, out=out, name=name, **kwargs)
            try:
                res = compute(p, *tensors, is_train=_ag_state.training) if train_aware else compute(p, *tensors)
            except MXNetError:
                raise
            except (RuntimeError, ValueError, IndexError, TypeError) as e:
                raise compute_error(op, tensors, e) from None
            if _pending:
                _engine.propagate(tensors, res if isinstance(res, (tuple, list)) else (res,))
            if type(res) is _Tensor and out is None and plain_output and n_in:
                if _ag_state.recording:  # the tape of autograd.get_symbol
                    _note(op, p, tensors, (res,))
                a = _new(NDArray)
                a._data = res
                if _kept_contexts:
                    c = getattr(args[0], '_ctx', None)
                    if c is not None:
                        a._ctx = c
                return a
            return _finish(op, p, res if isinstance(res, (tuple, list)) else (res,), out, args[:n_in])
        # the general path: inputs by keyword or missing, hidden ``__key__`` keywords (ignored here), errors
        pos, kw_inputs, params, _hidden = bind(args, kwargs)
        p = op.parse(params)
        names, inputs = frontend.place_inputs(op, p, pos, kw_inputs)
        tensors = []
        for n, x in zip(names, inputs):
            if x is None:
                raise MXNetError('Operator %s: required input %s is missing' % (op.name, n))
            if not isinstance(x, NDArray):
                raise TypeError('Operator %s: input %s must be an NDArray, got %s' % (op.name, n, type(x).__name__))
            tensors.append(x._data)
        return _finish(op, p, run(op, p, tensors, names, _sparse_stypes(op, inputs)), out, inputs)

    fn.__name__ = public_name or op.name
    fn.__qualname__ = fn.__name__
    fn.__signature__ = frontend.signature(op, ('out', 'name'))
    fn.__doc__ = frontend.docstring(op, 'NDArray')
    fn.opdef = op
    return fn


default_input_names = frontend.default_input_names


def generate(namespace):
    """Put a function for every registered name (aliases too) into ``namespace`` unless already defined."""
    for name, op in registry.all_ops().items():
        if name not in namespace:
            namespace[name] = make_function(op, name)
