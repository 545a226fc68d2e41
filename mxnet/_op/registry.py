"""The operator registry: every operator is declared here once, as an :class:`OpDef`.

The ``mx.nd.*`` functions (and ``mx.sym.*``) are generated from these definitions.
"""
import torch

from ..base import MXNetError
from .params import REQUIRED, Param

__all__ = ['OpDef', 'Attrs', 'register', 'defop', 'get', 'all_ops', 'find', 'same_shape', 'unnamed_inputs']

_OPS = {}


class Attrs:
    """Parsed operator parameters, read as attributes (``p.axis``)."""

    def __init__(self, values):
        self.__dict__.update(values)

    def __repr__(self):
        return 'Attrs(%s)' % ', '.join('%s=%r' % kv for kv in sorted(self.__dict__.items()))


def _as_names(spec, p):
    return list(spec(p)) if callable(spec) else list(spec)


class OpDef:
    """One operator.

    name, aliases      MXNet's name and other names it answers to.
    compute            ``compute(p, *inputs[, is_train=])`` on torch tensors (arguments, then auxiliary
                       states, which it may update in place); returns a tensor or a tuple of all outputs.
    inputs             argument names, or ``f(p)`` giving them (FullyConnected drops bias when no_bias).
    variadic           name of the count parameter of ops taking any number of inputs (``num_args``).
    params             ``{name: Param}`` in MXNet's declaration order.
    outputs, aux       output and auxiliary-state names (or ``f(p)``).
    num_visible        ``f(p)``: how many outputs the user sees (the rest are internal).
    infer_shape        ``f(p, in_shapes) -> (in_shapes, out_shapes, aux_shapes)``; None entries are unknown
                       and a rule may fill in unknown inputs. Default: run compute on the meta device.
    infer_type         ``f(p, in_types) -> (in_types, out_types, aux_types)`` with dtype names; default: one
                       dtype for every input, output and aux state.
    train_aware        compute takes ``is_train=`` (Dropout, BatchNorm).
    stype_aware        mx.nd passes ``stypes=`` (the inputs' storage type names) to compute when an input is
                       sparse (lazy optimizer updates); otherwise, and in graphs, compute gets no ``stypes``.
    same_dtype         mx.nd checks that all inputs share one dtype, as MXNet's type inference does.
    method             also an NDArray method (``x.sum()``), under this name (True: the op's name).
    explain_error      ``f(p, tensors)``: MXNet's message for inputs the compute rejected, or None.
    var_attrs          ``{input name: {attr: value}}`` given to a variable the symbol API creates for that
                       input (BatchNorm's moving_mean gets ``__init__``: ``["zero", {}]``).
    extra_param        a Param that parses keyword parameters not declared in ``params`` (Custom passes them
                       on to the user's operator); None: an undeclared parameter is an error.
    bind_state         True: each executor gives its node of this op a parameter copy with ``p.bind_state``, a
                       dict kept for the executor's life (Custom creates its CustomOp there once per bind);
                       imperative calls have no ``bind_state`` attribute.
    monitor_inputs     ``f(p, n)``: the names under which an executor's monitor reports the n inputs
                       (``<node>_<name>``) where MXNet's differ from the argument names (an op without
                       FListInputNames reports ``input0``, ...; see ``unnamed_inputs``); None: input_names.
    reverse_shape      ``f(p, in_shapes, out_shapes) -> in_shapes``: fills unknown (0) dims of partly known
                       inputs from the known output shapes, as MXNet's Reshape does; None: no such rule.
    gradient           True: differentiated by torch autograd; 'zero': the inputs' gradient is 0 (BlockGrad; a
                       backward pass stops there); None: no gradient (MXNet's ops without FGradient), so binding
                       for backward through the op is an error.
    """

    def __init__(self, name, compute, inputs=('data',), params=None, aliases=(), outputs=('output',),
                 aux=(), num_visible=None, variadic=None, infer_shape=None, infer_type=None, doc='',
                 train_aware=False, same_dtype=True, method=None, explain_error=None, var_attrs=None,
                 extra_param=None, bind_state=False, monitor_inputs=None, reverse_shape=None,
                 gradient=True, stype_aware=False):
        self.name = name
        self.aliases = tuple(aliases)
        self.compute = compute
        self.inputs = inputs
        self.variadic = variadic
        self.params = dict(params or {})
        for k, v in self.params.items():
            if not isinstance(v, Param):
                raise TypeError('parameter %s of %s must be a Param' % (k, name))
        if variadic and variadic not in self.params:
            raise TypeError('%s: variadic count parameter %r is not declared' % (name, variadic))
        self.outputs = outputs
        self.aux = aux
        self.num_visible = num_visible
        self._infer_shape = infer_shape
        self._infer_type = infer_type
        self.doc = doc
        self.train_aware = train_aware
        self.stype_aware = stype_aware
        self.same_dtype = same_dtype
        self.method = method
        self.explain_error = explain_error
        self.var_attrs = dict(var_attrs or {})
        self.extra_param = extra_param
        self.bind_state = bind_state
        self.monitor_inputs = monitor_inputs
        self.reverse_shape = reverse_shape
        self.gradient = gradient
        self._defaults = {k: v.default for k, v in self.params.items() if v.default is not REQUIRED}
        self._cache = {}

    # ---- parameters -------------------------------------------------------------------------------
    def parse(self, kwargs):
        """Attrs from ``kwargs`` (strings or Python values); MXNetError names the op and the field."""
        try:
            key = tuple(kwargs.items())
            hit = self._cache.get(key)
            if hit is not None:
                return hit
        except TypeError:
            key = None
        values = dict(self._defaults)
        for k, v in kwargs.items():
            field = self.params.get(k, self.extra_param)
            if field is None:
                raise MXNetError('Cannot find argument \'%s\' in operator %s. Possible arguments: %s'
                                 % (k, self.name, ', '.join(self.params) or '(none)'))
            try:
                values[k] = field.parse(v)
            except (ValueError, TypeError) as e:
                raise MXNetError('Invalid Parameter format for %s expect %s but value=\'%s\', in operator '
                                 '%s: %s' % (k, field.type_name, v, self.name, e)) from None
        for k, field in self.params.items():
            if k not in values:
                raise MXNetError('Required parameter %s of %s is not presented, in operator %s'
                                 % (k, field.type_name, self.name))
        p = Attrs(values)
        if key is not None and len(self._cache) < 512:
            self._cache[key] = p
        return p

    def format_attrs(self, kwargs):
        """MXNet's string form of each given parameter (what a symbol stores)."""
        out = {}
        for k, v in kwargs.items():
            field = self.params.get(k)
            if field is None or isinstance(v, str):
                out[k] = str(v)
            else:
                out[k] = field.format(field.parse(v))
        return out

    # ---- names ------------------------------------------------------------------------------------
    def input_names(self, p, num_inputs=None):
        if self.variadic and not callable(self.inputs):
            n = getattr(p, self.variadic, None)
            n = num_inputs if n is None else n
            return ['arg%d' % i for i in range(n or 0)]
        return _as_names(self.inputs, p)

    def output_names(self, p):
        return _as_names(self.outputs, p)

    def aux_names(self, p):
        return _as_names(self.aux, p)

    def visible_outputs(self, p):
        return self.num_visible(p) if self.num_visible else len(self.output_names(p))

    # ---- inference --------------------------------------------------------------------------------
    def infer_shape(self, p, in_shapes):
        """(in_shapes, out_shapes, aux_shapes); unknown shapes are None."""
        if self._infer_shape is not None:
            return self._infer_shape(p, list(in_shapes))
        n_aux = len(self.aux_names(p))
        n_out = len(self.output_names(p))
        if any(s is None for s in in_shapes):
            return list(in_shapes), [None] * n_out, [None] * n_aux
        outs = self.run_meta(p, in_shapes)
        return list(in_shapes), [tuple(o.shape) for o in outs], list(in_shapes[len(in_shapes) - n_aux:])

    def run_meta(self, p, in_shapes, in_dtypes=None):
        """Run compute on shape-only tensors: the outputs' shapes and dtypes without any arithmetic."""
        from .. import _dtype
        ins = [torch.empty(s, dtype=_dtype.to_torch(in_dtypes[i]) if in_dtypes else torch.float32,
                           device='meta') for i, s in enumerate(in_shapes)]
        try:
            res = self.compute(p, *ins, is_train=False) if self.train_aware else self.compute(p, *ins)
        except MXNetError:
            raise
        except Exception as e:  # the torch compute refused these shapes
            raise MXNetError('%s: shapes %s are not valid inputs: %s'
                             % (self.name, ', '.join(str(tuple(s)) for s in in_shapes), e)) from None
        return res if isinstance(res, (tuple, list)) else (res,)

    def infer_type(self, p, in_types):
        """(in_types, out_types, aux_types) as dtype names; unknown types are None."""
        if self._infer_type is not None:
            return self._infer_type(p, list(in_types))
        n_out = len(self.output_names(p))
        n_aux = len(self.aux_names(p))
        known = [t for t in in_types if t is not None]
        if not known:
            return list(in_types), [None] * n_out, [None] * n_aux
        t0 = in_types[0] if in_types and in_types[0] is not None else known[0]
        if not self.same_dtype:
            return [t0 if t is None else t for t in in_types], [t0] * n_out, [t0] * n_aux
        for i, t in enumerate(in_types):
            if t is not None and t != t0:
                raise MXNetError('%s: Incompatible attr at %d-th input: expected %s, got %s'
                                 % (self.name, i, t0, t))
        return [t0] * len(in_types), [t0] * n_out, [t0] * n_aux

    def __repr__(self):
        return '<OpDef %s>' % self.name


def unnamed_inputs(p, n):
    """``monitor_inputs`` rule of ops MXNet registers without input names: ``input0``, ``input1``, ..."""
    return ['input%d' % i for i in range(n)]


def same_shape(num_outputs=1):
    """Shape rule of elementwise ops: every input and output has the shape of the (first known) input."""
    def rule(p, shapes):
        s = next((x for x in shapes if x is not None), None)
        return [s] * len(shapes), [s] * num_outputs, []
    rule.elementwise = True  # graph inference may also fill unknown inputs from a known output
    return rule


def register(opdef):
    """Add ``opdef`` under its name and aliases; a name may be registered only once."""
    for n in (opdef.name,) + opdef.aliases:
        if n in _OPS:
            raise MXNetError('Operator %s is already registered' % n)
    for n in (opdef.name,) + opdef.aliases:
        _OPS[n] = opdef
    return opdef


def defop(name, **kw):
    """Decorator form of :func:`register`: the function is the compute, its docstring the doc."""
    def wrap(fn):
        kw.setdefault('doc', fn.__doc__ or '')
        register(OpDef(name, fn, **kw))
        return fn
    return wrap


def install_methods(cls, namespace):
    """Make each op declared with ``method=`` a method of ``cls`` (NDArray, Symbol): the generated front-end
    function from ``namespace`` is attached as is, so ``x.sum(axis=1)`` binds ``x`` as the first input."""
    for name, op in _OPS.items():
        if op.method and name == op.name:
            mname = op.method if isinstance(op.method, str) else name
            if not hasattr(cls, mname):  # the function of the method's name (auto-names use it: flip0)
                setattr(cls, mname, namespace[mname if mname in op.aliases else name])


def get(name):
    """The OpDef registered as ``name``; MXNetError if none."""
    try:
        return _OPS[name]
    except KeyError:
        raise MXNetError('Operator %s is not registered' % name) from None


def find(name):
    return _OPS.get(name)


def all_ops():
    """{name: OpDef} for every registered name, aliases included."""
    return dict(_OPS)
