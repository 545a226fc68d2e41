"""The operator test database: one :class:`Case` per operator behaviour, checked by ``test_ops.py``.

Each family module (``opdb/elemwise.py`` ...) defines ``CASES``, a list of Case.
"""
import importlib
import pkgutil

import numpy as np

FLOATS = ('float16', 'float32', 'float64')
INTS = ('uint8', 'int8', 'int32', 'int64')
ALL = FLOATS + INTS


class Case:
    """One checked behaviour of operator ``op`` (the mx.nd function name).

    inputs(rng, dtype) -> list of numpy arrays (the op's NDArray inputs, in order)
    ref(*arrays, **params) -> numpy array or list of them (the expected outputs)
    params: keyword parameters passed to mx.nd.<op> and to ref
    dtypes: dtypes to run; out_dtype: expected output dtype (default: the input dtype; a callable gets it)
    grad: whether to check the gradient of the torch compute numerically (float64)
    tol: {dtype: (rtol, atol)} overrides
    name: a label for the test id
    gaps: known gaps as data, {key: reason}, run as xfail: key a dtype (mx.nd and mx.sym), 'sym' (every dtype
          through mx.sym) or 'sym-<dtype>'
    dynamic_shape: the output shape depends on the input values, so mx.sym's infer_shape leaves it unknown
          (as MXNet's boolean_mask does)
    """

    def __init__(self, op, inputs, ref, params=None, dtypes=FLOATS, out_dtype=None, grad=True, tol=None,
                 name=None, gaps=None, dynamic_shape=False):
        self.op = op
        self.inputs = inputs
        self.ref = ref
        self.params = params or {}
        self.dtypes = dtypes
        self.out_dtype = out_dtype
        self.grad = grad
        self.tol = tol or {}
        self.name = name or op
        self.gaps = gaps or {}
        self.dynamic_shape = dynamic_shape

    def __repr__(self):
        return self.name


class ErrorCase:
    """Inputs that ``op`` must reject with ``exc`` (and a message matching ``match``)."""

    def __init__(self, op, inputs, params=None, exc=None, match=None, name=None):
        from mxnet.base import MXNetError
        self.op = op
        self.inputs = inputs
        self.params = params or {}
        self.exc = exc or MXNetError
        self.match = match
        self.name = name or op + '_error'

    def __repr__(self):
        return self.name


def rand(*shape, low=-1.0, high=1.0):
    """inputs() helper: uniform arrays of the given shapes, cast to the dtype (ints drawn from [0, 10))."""
    def make(rng, dtype):
        out = []
        for s in shape:
            if np.dtype(dtype).kind in 'iu':
                out.append(rng.randint(0, 10, size=s).astype(dtype))
            else:
                out.append(rng.uniform(low, high, size=s).astype(dtype))
        return out
    return make


def collect(kind='CASES'):
    items = []
    for m in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(__name__ + '.' + m.name)
        items.extend(getattr(mod, kind, []))
    return items
