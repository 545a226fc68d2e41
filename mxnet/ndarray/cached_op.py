"""``mx.nd.CachedOp``: a Symbol made callable on NDArrays, its graph flattened once."""
from ..base import MXNetError
from .. import autograd as _autograd
from .ndarray import NDArray, derived

__all__ = ['CachedOp']


class CachedOp:
    """``op = mx.nd.CachedOp(sym)``; ``op(*inputs, out=None)`` evaluates ``sym`` on NDArrays given in
    ``sym.list_inputs()`` order (arguments and auxiliary states as the graph meets them). Inside
    ``autograd.record()`` the evaluation is recorded, so gradients reach the inputs. Returns one NDArray for a
    one-output symbol, else a list; with ``out`` the results are written there (and ``out`` returned)."""

    def __init__(self, sym, flags=()):
        from ..executor import _Plan
        self._symbol = sym
        self._flags = dict(flags)
        self._plan = _Plan(sym)
        args = {n: i for i, n in enumerate(self._plan.arg_names)}
        aux = {n: i for i, n in enumerate(self._plan.aux_names)}
        self._inputs = sym.list_inputs()
        self._slots = [(True, args[n]) if n in args else (False, aux[n]) for n in self._inputs]

    def __call__(self, *args, **kwargs):
        out = kwargs.pop('out', None)
        kwargs.pop('default_ctx', None)
        if kwargs:
            raise TypeError('CachedOp got unexpected keyword arguments %s' % sorted(kwargs))
        if len(args) != len(self._inputs):
            raise MXNetError('CachedOp expects %d inputs (%s), got %d'
                             % (len(self._inputs), ', '.join(self._inputs), len(args)))
        arg_t = [None] * len(self._plan.arg_names)
        aux_t = [None] * len(self._plan.aux_names)
        for (is_arg, pos), name, a in zip(self._slots, self._inputs, args):
            if not isinstance(a, NDArray):
                raise TypeError('CachedOp input %s must be an NDArray, got %s' % (name, type(a).__name__))
            (arg_t if is_arg else aux_t)[pos] = a._data
        is_train = _autograd.is_training()
        if _autograd.unrecorded(arg_t + aux_t):
            with _autograd._no_grad():
                heads = self._plan.run(arg_t, aux_t, is_train)
        else:
            heads = self._plan.run(arg_t, aux_t, is_train)
        results = [derived(args[0], h) if args else NDArray(h) for h in heads]
        if out is not None:
            outs = out if isinstance(out, (list, tuple)) else [out]
            if len(outs) != len(results):
                raise MXNetError('CachedOp has %d outputs but out= gives %d arrays' % (len(results), len(outs)))
            for o, r in zip(outs, results):
                r.copyto(o)
            return out
        return results[0] if len(results) == 1 else results
