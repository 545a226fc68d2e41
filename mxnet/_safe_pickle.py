"""Reading pickles from files and sockets without running code from them.

MXNet 1.x stores optimizer states (``.states``, Trainer states, kvstore optimizer pushes) as pickles, and
``pickle.loads`` of a crafted file runs arbitrary code. ``loads`` here admits only what such files hold:
numbers, strings, bytes, tuples, lists, dicts, sets, numpy arrays and scalars, NDArrays (which pickle as
MXNet's binary record), and the project's own optimizer / lr-scheduler objects (whose state is a plain dict).
Anything else -- a global naming any other callable -- is refused with an MXNetError before it is called.
"""
import io
import pickle

from .base import MXNetError

__all__ = ['loads', 'load']

# (module, name) pairs any numpy version uses to pickle arrays, dtypes and scalars
_NUMPY = {(m, n) for m in ('numpy.core.multiarray', 'numpy._core.multiarray') for n in ('_reconstruct', 'scalar')}
_NUMPY |= {('numpy', 'ndarray'), ('numpy', 'dtype'), ('numpy.core.numeric', '_frombuffer'),
           ('numpy._core.numeric', '_frombuffer')}
_BUILTINS = {('builtins', n) for n in ('complex', 'set', 'frozenset', 'bytearray', 'slice', 'range')}
_BUILTINS |= {('collections', 'OrderedDict'), ('__builtin__', 'set'), ('copy_reg', '_reconstructor'),
              ('copyreg', '_reconstructor'), ('builtins', 'object'), ('__builtin__', 'object')}
_NDARRAY_MODULES = ('mxnet.ndarray.ndarray', 'mxnet.ndarray', 'mxnet.ndarray.sparse', 'mxnet.numpy.multiarray')
_NDARRAY_NAMES = ('NDArray', 'RowSparseNDArray', 'CSRNDArray', 'ndarray')


def _project_class(module, name):
    """An optimizer or lr-scheduler class already imported (never imports anything): one of this package's,
    or one registered with ``mx.optimizer.register`` / subclassing ``LRScheduler`` in loaded user code."""
    import sys
    mod = sys.modules.get(module)
    cls = getattr(mod, name, None) if mod is not None else None
    if not isinstance(cls, type) or getattr(cls, '__module__', None) != module:
        return None
    from .optimizer.optimizer import Optimizer
    from .lr_scheduler import LRScheduler
    if issubclass(cls, Optimizer) and (module.startswith('mxnet.') or
                                       any(c is cls for c in Optimizer.opt_registry.values())):
        return cls
    if issubclass(cls, LRScheduler):
        return cls
    return None


def _check_data(obj, what):
    """Refuse a loaded object graph holding anything but data: a class or function object kept as a value
    (say an optimizer's ``lr_scheduler`` or ``_step`` set to an admitted callable) is refused, so nothing
    loaded can later be called."""
    import numpy as np
    from .ndarray.ndarray import NDArray
    from .optimizer.optimizer import Optimizer
    from .lr_scheduler import LRScheduler
    leaves = (type(None), bool, int, float, complex, str, bytes, bytearray, slice, range, np.generic, np.dtype)
    seen = set()
    stack = [obj]
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, leaves) and not isinstance(x, type):
            if isinstance(x, slice):
                stack.extend((x.start, x.stop, x.step))
            continue
        if isinstance(x, dict):
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, (tuple, list, set, frozenset)):
            stack.extend(x)
        elif isinstance(x, np.ndarray):
            if x.dtype.hasobject:
                stack.extend(x.ravel().tolist())
        elif isinstance(x, NDArray) or type(x) is object:
            continue
        elif isinstance(x, (Optimizer, LRScheduler)) and not isinstance(x, type):
            stack.append(vars(x))
        else:
            raise MXNetError('%s: refusing to load an object of type %s: this file may only hold data'
                             % (what, type(x).__name__))


class _Unpickler(pickle.Unpickler):
    def __init__(self, f, what):
        super().__init__(f)
        self._what = what

    def find_class(self, module, name):
        key = (module, name)
        if key in _NUMPY or key in _BUILTINS:
            return super().find_class(module, name)
        if module in _NDARRAY_MODULES and name in _NDARRAY_NAMES:
            from .ndarray.ndarray import NDArray
            if module == 'mxnet.numpy.multiarray':
                return super().find_class(module, name)
            return NDArray
        cls = _project_class(module, name)
        if cls is not None:
            return cls
        raise MXNetError('%s: refusing to load %s.%s: this file may only hold arrays, numbers, strings and '
                         'containers of them (loading it could run code)' % (self._what, module, name))

    def persistent_load(self, pid):
        raise MXNetError('%s: persistent references are not allowed in this file' % self._what)


def loads(data, what='pickled data'):
    """``pickle.loads`` restricted to data (see the module docstring); ``what`` names the source in errors."""
    try:
        obj = _Unpickler(io.BytesIO(bytes(data)), what).load()
        _check_data(obj, what)
        return obj
    except MXNetError:
        raise
    except RecursionError:
        raise MXNetError('%s: nested too deeply' % what) from None
    except Exception as e:  # noqa: BLE001 - every damaged pickle ends here
        raise MXNetError('%s: not a valid pickle (%s: %s)' % (what, type(e).__name__, e)) from None


def load(fname):
    """``loads`` of the whole file ``fname``."""
    try:
        with open(fname, 'rb') as f:
            data = f.read()
    except OSError as e:
        raise MXNetError('cannot read %r: %s' % (fname, e.strerror or e)) from None
    return loads(data, repr(fname))
