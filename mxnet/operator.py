"""Operators written in Python (``mx.operator``): CustomOp, CustomOpProp and ``register``.

A property class registered under a name is used through the ``Custom`` operator,
``mx.nd.Custom(*inputs, op_type=name, **kwargs)`` or ``mx.sym.Custom(..., op_type=name)``. As in MXNet, the extra
keyword arguments reach the property's ``__init__`` as strings. The forward and backward passes run the user's
methods on NDArrays inside a ``torch.autograd.Function``, so gradients flow through executors and autograd; unlike
MXNet, a custom operator runs on any context.
"""
import collections
import ctypes

import numpy as np
import torch
from torch.autograd.function import once_differentiable

from .base import MXNetError, NDArrayHandle
from . import _dtype
from ._op import registry as _registry
from ._op.params import Str
from .context import context_of
from .ndarray.ndarray import NDArray, wrap

# MXNet's module has no __all__: its star import also hands on the ctypes names CustomOp code uses
__all__ = ['CustomOp', 'CustomOpProp', 'PythonOp', 'NumpyOp', 'NDArrayOp', 'register',
           'get_all_registered_operators', 'OperatorArguments', 'get_operator_arguments',
           'ctypes', 'NDArrayHandle', 'NDArray', 'MXNetError']

_PROP_CLASSES = {}  # registered name -> CustomOpProp subclass
_PROPS = {}  # (op_type, kwargs) -> (class, instance): one property object per distinct configuration


class CustomOp:
    """The computation of a custom operator; ``CustomOpProp.create_operator`` makes one."""

    def forward(self, is_train, req, in_data, out_data, aux):
        """Fill ``out_data`` (NDArrays) from ``in_data``, honouring ``req`` ('null', 'write', 'inplace', 'add');
        ``aux`` are the auxiliary states, which forward may update."""

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        """Fill ``in_grad`` from ``out_grad`` (and the forward's data), honouring ``req``."""

    def assign(self, dst, req, src):
        """Write ``src`` (NDArray, numpy array or scalar) into NDArray ``dst`` as ``req`` says: 'null' does
        nothing, 'write'/'inplace' overwrite, 'add' accumulates."""
        if req == 'null':
            return
        if req not in ('write', 'inplace', 'add'):
            raise ValueError("req must be one of 'null', 'write', 'inplace', 'add', got %r" % (req,))
        target = dst._data
        if isinstance(src, NDArray):
            value = src._data.to(device=target.device, dtype=target.dtype)
        else:
            value = torch.as_tensor(np.asarray(src), device=target.device).to(target.dtype)
        if req == 'add':
            target.add_(value)
        else:
            target.copy_(value)


class CustomOpProp:
    """Describes a custom operator: its inputs, outputs, auxiliary states, shape/type inference, and the
    CustomOp doing the work. ``need_top_grad`` False marks a loss-like operator that ignores output gradients."""

    def __init__(self, need_top_grad=True):
        self.need_top_grad_ = need_top_grad

    def list_arguments(self):
        return ['data']

    def list_outputs(self):
        return ['output']

    def list_auxiliary_states(self):
        return []

    def infer_shape(self, in_shape):
        """``(in_shapes, out_shapes[, aux_shapes])``; by default everything has the first input's shape."""
        first = in_shape[0]
        return (in_shape, [first] * len(self.list_outputs()),
                [first] * len(self.list_auxiliary_states()))

    def infer_type(self, in_type):
        """``(in_types, out_types[, aux_types])`` as numpy types; by default the first input's type."""
        first = in_type[0]
        return (in_type, [first] * len(self.list_outputs()),
                [first] * len(self.list_auxiliary_states()))

    def infer_storage_type(self, in_stype):
        """Only dense ('default') storage is supported."""
        return (['default'] * len(in_stype), ['default'] * len(self.list_outputs()),
                ['default'] * len(self.list_auxiliary_states()))

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """ids of the arrays backward needs: output gradients (if ``need_top_grad``), inputs and outputs."""
        return (list(out_grad) if self.need_top_grad_ else []) + list(in_data) + list(out_data)

    def create_operator(self, ctx, in_shapes, in_dtypes):
        """The CustomOp for inputs of these shapes (lists) and dtypes (MXNet type flags) on ``ctx``."""
        return CustomOp()


def register(reg_name):
    """Class decorator registering a CustomOpProp subclass as custom operator ``reg_name``."""
    def do_register(prop_cls):
        _PROP_CLASSES[reg_name] = prop_cls
        for key in [k for k in _PROPS if k[0] == reg_name]:
            del _PROPS[key]
        return prop_cls
    return do_register


def get_all_registered_operators():
    """Names of every registered operator."""
    return sorted(_registry.all_ops())


OperatorArguments = collections.namedtuple('OperatorArguments', ['narg', 'names', 'types'])


def get_operator_arguments(op_name):
    """``OperatorArguments(narg, names, types)`` of a registered operator: its array inputs (type
    ``'NDArray-or-Symbol'``, ``'NDArray-or-Symbol[]'`` for a variadic op's ``args``), then its parameters with
    MXNet's type description (``"{'relu', ...}, required"``, ``'int, optional, default=1'``)."""
    op = _registry.get(op_name)
    if op.variadic or callable(op.inputs):
        names, types = ['args' if op.variadic else 'data'], ['NDArray-or-Symbol[]']
    else:
        names, types = list(op.inputs), ['NDArray-or-Symbol'] * len(op.inputs)
    for name, field in op.params.items():
        names.append(name)
        types.append(field.describe())
    return OperatorArguments(len(names), names, types)


# ---- the Custom operator ---------------------------------------------------------------------------------
def _prop(p):
    """The property object for parsed Custom parameters ``p``."""
    kwargs = {k: v for k, v in vars(p).items() if k not in ('op_type', 'bind_state')}
    cls = _PROP_CLASSES.get(p.op_type)
    if cls is None:
        raise MXNetError('Cannot find custom operator %s' % p.op_type)
    key = (p.op_type, tuple(sorted(kwargs.items())))
    hit = _PROPS.get(key)
    if hit is None or hit[0] is not cls:
        try:
            hit = (cls, cls(**kwargs))
        except TypeError as e:
            raise MXNetError('Custom operator %s: cannot create %s from %s: %s'
                             % (p.op_type, cls.__name__, kwargs, e)) from None
        _PROPS[key] = hit
    return hit[1]


def _counts(prop):
    return len(prop.list_arguments()), len(prop.list_outputs()), len(prop.list_auxiliary_states())


def _split_result(op_type, what, res, counts):
    """(ins, outs, auxs) of a prop's inference answer (aux may be left out), checked against ``counts``."""
    if len(res) == 2:
        res = (res[0], res[1], [])
    elif len(res) != 3:
        raise MXNetError('Error in %s.%s: it must return 2 or 3 lists, got %d' % (op_type, what, len(res)))
    for got, want, kind in zip(res, counts, ('input', 'output', 'aux state')):
        if len(got) != want:
            raise MXNetError('Error in %s.%s: expecting %d entries in returned %s %ss, got %d'
                             % (op_type, what, want, kind, what[6:], len(got)))
    return res


def _ask(p, what, given, unknown_inputs, convert):
    """Run the prop's ``infer_shape``/``infer_type``; a failure with unknown inputs means 'not yet decidable'."""
    prop = _prop(p)
    counts = _counts(prop)
    try:
        res = getattr(prop, what)(given[:counts[0]])
    except Exception as e:  # noqa: BLE001  (user code: any failure is reported as MXNet does)
        if unknown_inputs:
            return None
        raise MXNetError('Error in %s.%s: %s: %s' % (p.op_type, what, type(e).__name__, e)) from None
    ins, outs, auxs = _split_result(p.op_type, what, res, counts)
    return [convert(v) for v in ins], [convert(v) for v in outs], [convert(v) for v in auxs]


def _shape_or_none(s):
    s = tuple(int(d) for d in s) if s is not None else ()
    return s if s and all(d > 0 for d in s) else None


def _infer_shape(p, in_shapes):
    n_in, n_out, n_aux = _counts(_prop(p))
    args = in_shapes[:n_in]
    res = _ask(p, 'infer_shape', [list(s) if s is not None else [] for s in args],
               any(s is None for s in args), _shape_or_none)
    return res if res is not None else (list(args), [None] * n_out, [None] * n_aux)


def _np_type(name):
    return None if name is None else _dtype.to_numpy(_dtype.NAME2TORCH[name])


def _infer_type(p, in_types):
    n_in, n_out, n_aux = _counts(_prop(p))
    args = in_types[:n_in]
    res = _ask(p, 'infer_type', [_np_type(t) for t in args], any(t is None for t in args), _dtype.dtype_name)
    return res if res is not None else (list(args), [None] * n_out, [None] * n_aux)


def _user_call(op_type, method, *args):
    """Run a user's forward/backward; its failure becomes an MXNetError (the original chained as cause)."""
    try:
        method(*args)
    except MXNetError:
        raise
    except Exception as e:  # noqa: BLE001
        raise MXNetError('Error in CustomOp.%s of %s: %s: %s'
                         % (method.__name__, op_type, type(e).__name__, e)) from e


class _Call:
    """One run of a custom operator: the CustomOp and the NDArrays its backward needs."""

    def __init__(self, p, is_train):
        self.p = p
        self.prop = _prop(p)
        self.is_train = is_train

    def forward(self, tensors):
        p, prop = self.p, self.prop
        n_in, n_out, n_aux = _counts(prop)
        if len(tensors) != n_in + n_aux:
            raise MXNetError('Custom operator %s takes %d inputs and %d auxiliary states, got %d arrays'
                             % (p.op_type, n_in, n_aux, len(tensors)))
        ins, auxs = tensors[:n_in], tensors[n_in:]
        shapes = [list(t.shape) for t in tensors]
        _, out_shapes, _ = _ask(p, 'infer_shape', shapes[:n_in], False, _shape_or_none)
        _, out_types, _ = _ask(p, 'infer_type', [_dtype.to_numpy(t.dtype) for t in ins], False, _dtype.dtype_name)
        if tensors:
            dev = tensors[0].device
        else:  # an operator without inputs runs on the current context
            from .context import current_context
            dev = current_context().torch_device
        # MXNet creates the CustomOp once per executor (bind) and once per imperative call
        state = getattr(p, 'bind_state', None)
        op = state.get('op') if state is not None else None
        if op is None:
            op = prop.create_operator(context_of(dev), shapes, [_dtype.NAME2FLAG[_dtype.TORCH2NAME[t.dtype]]
                                                                for t in tensors])
            if state is not None:
                state['op'] = op
        outs = []
        for i, (s, t) in enumerate(zip(out_shapes, out_types)):
            if s is None or t is None:
                raise MXNetError('Custom operator %s: cannot infer the shape and type of output %d from inputs '
                                 'of shape %s' % (p.op_type, i, ', '.join(str(tuple(x)) for x in shapes[:n_in])))
            outs.append(torch.zeros(s, dtype=_dtype.NAME2TORCH[t], device=dev))
        # NDArrays over detached aliases: they share storage (aux updates persist) without tying the autograd
        # graph into a reference cycle through this object.
        self.op = op
        self.in_data = [wrap(t.detach()) for t in ins]
        self.aux = [wrap(t.detach()) for t in auxs]
        self.out_data = [wrap(o.detach()) for o in outs]
        _user_call(p.op_type, op.forward, self.is_train, ['write'] * n_out, self.in_data, self.out_data, self.aux)
        return tuple(outs)

    def backward(self, grads, needs):
        out_grad = [wrap(g.contiguous() if g is not None else torch.zeros_like(o._data))
                    for g, o in zip(grads, self.out_data)]
        in_grad = [wrap(torch.zeros_like(x._data)) for x in self.in_data]
        req = ['write' if need else 'null' for need in needs[:len(in_grad)]]
        _user_call(self.p.op_type, self.op.backward, req, out_grad, self.in_data, self.out_data, in_grad, self.aux)
        return tuple(g._data if need else None for g, need in zip(in_grad, needs[:len(in_grad)])) + \
            (None,) * len(self.aux)


class _CustomFunction(torch.autograd.Function):
    @staticmethod
    def forward(fctx, call, *tensors):
        outs = call.forward(tensors)
        fctx.call = call
        fixed = [o for o in outs if not o.is_floating_point()]
        if fixed:
            fctx.mark_non_differentiable(*fixed)
        return outs

    @staticmethod
    @once_differentiable
    def backward(fctx, *grads):
        return (None,) + fctx.call.backward(grads, fctx.needs_input_grad[1:])


def _compute(p, *tensors, is_train=False):
    return _CustomFunction.apply(_Call(p, is_train), *tensors)


def _names(method):
    return lambda p: list(getattr(_prop(p), method)())


_CUSTOM = _registry.register(_registry.OpDef(
    'Custom', _compute, inputs=_names('list_arguments'), outputs=_names('list_outputs'),
    aux=_names('list_auxiliary_states'), params={'op_type': Str(doc='Name of the registered custom operator.')},
    extra_param=Str(), infer_shape=_infer_shape, infer_type=_infer_type, train_aware=True, same_dtype=False,
    bind_state=True,
    doc='Apply a custom operator registered with mx.operator.register; other keyword arguments are passed to '
        'its CustomOpProp as strings.'))


# ``Custom`` is registered after mx.nd / mx.sym generated their functions: their namespaces find it (and any
# operator registered later) on first lookup, see mxnet/_op/namespace.py.


# ---- legacy Python operators (PythonOp / NumpyOp / NDArrayOp) ------------------------------------------
class PythonOp:
    """MXNet's deprecated Python operator: subclasses override ``forward(in_data, out_data)``,
    ``backward(out_grad, in_data, out_data, in_grad)``, ``infer_shape``, ``list_arguments`` and
    ``list_outputs``; ``get_symbol(*inputs, **kwargs)`` (or calling the object) makes the symbol. By default
    it is the identity on one input. Here it runs as a ``Custom`` operator."""
    _array = None  # how forward/backward see the arrays: a function NDArray -> the user's array type

    def __init__(self, need_top_grad=True):
        self.info_ = None
        self.need_top_grad_ = need_top_grad

    def __call__(self, *args, **kwargs):
        return self.get_symbol(*args, **kwargs)

    def get_symbol(self, *args, **kwargs):
        from . import symbol
        op_type = '_python_op_%d' % id(self)
        register(op_type)(_python_prop(self))
        return symbol.Custom(*args, op_type=op_type, **kwargs)

    def forward(self, in_data, out_data):
        out_data[0][:] = in_data[0]

    def backward(self, out_grad, in_data, out_data, in_grad):
        in_grad[0][:] = out_grad[0]

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]]

    def list_outputs(self):
        return ['output']

    def list_arguments(self):
        return ['data']

    def need_top_grad(self):
        return self.need_top_grad_


class NumpyOp(PythonOp):
    """A PythonOp whose forward and backward receive numpy arrays and write their results in place."""


class NDArrayOp(PythonOp):
    """A PythonOp whose forward and backward receive NDArrays."""

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        return (list(out_grad) if self.need_top_grad_ else []) + list(in_data) + list(out_data)


def _python_prop(pyop):
    """A CustomOpProp class running the PythonOp instance ``pyop``."""
    as_numpy = isinstance(pyop, NumpyOp)

    def run(method, req, arrays, written):
        """Call ``method`` on the arrays (numpy copies for a NumpyOp) and store the ``written`` ones back."""
        if not as_numpy:
            method(*arrays)
            return
        views = [[a.asnumpy() for a in group] for group in arrays]
        method(*views)
        for dst, src, r in zip(arrays[written], views[written], req):
            if r != 'null':
                dst[:] = src

    class _Op(CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            run(pyop.forward, req, (in_data, out_data), 1)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            run(pyop.backward, req, (out_grad, in_data, out_data, in_grad), 3)

    class _Prop(CustomOpProp):
        def __init__(self):
            super().__init__(need_top_grad=pyop.need_top_grad())

        def list_arguments(self):
            return pyop.list_arguments()

        def list_outputs(self):
            return pyop.list_outputs()

        def infer_shape(self, in_shape):
            return pyop.infer_shape(in_shape)

        def create_operator(self, ctx, in_shapes, in_dtypes):
            return _Op()

    return _Prop
