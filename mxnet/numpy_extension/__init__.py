"""``mx.npx``: MXNet's extensions to the NumPy interface: the semantics switches (``set_np``, ``reset_np``),
contexts, and the neural-network operators of the registry (``softmax``, ``relu``, ``convolution``, ...)
taking and returning ``mx.np.ndarray``.
"""
import numpy as _onp
import torch

from ..util import set_np, reset_np, is_np_array, is_np_shape, use_np, np_shape, np_array  # noqa: F401
from ..context import Context, cpu, gpu, cpu_pinned, current_context, num_gpus, gpu_memory_info  # noqa: F401
from ..util import get_cuda_compute_capability  # noqa: F401
from ..ndarray.ndarray import NDArray
from ..ndarray import register as _register
from ..ndarray.utils import waitall  # noqa: F401
from .._op import registry as _registry
from ..numpy.multiarray import ndarray as _ndarray, infer_np_reshape as _infer_np_reshape
from ..numpy import functions as _functions

# npx name -> registered operator
OPS = {
    'softmax': 'softmax', 'log_softmax': 'log_softmax', 'relu': 'relu', 'sigmoid': 'sigmoid',
    'activation': 'Activation', 'batch_norm': 'BatchNorm', 'dropout': 'Dropout',
    'fully_connected': 'FullyConnected', 'embedding': 'Embedding', 'one_hot': 'one_hot', 'pick': 'pick',
    'topk': 'topk', 'reshape_like': 'reshape_like', 'batch_dot': 'batch_dot', 'gather_nd': 'gather_nd',
    'sequence_mask': 'SequenceMask', 'layer_norm': 'LayerNorm', 'group_norm': 'GroupNorm',
    'instance_norm': 'InstanceNorm', 'leaky_relu': 'LeakyReLU', 'pooling': 'Pooling',
    'convolution': 'Convolution', 'deconvolution': 'Deconvolution', 'slice': 'slice',
    'shape_array': 'shape_array', 'erf': 'erf', 'erfinv': 'erfinv', 'gamma': 'gamma', 'gammaln': 'gammaln',
    'cast': 'Cast', 'smooth_l1': 'smooth_l1', 'batch_flatten': 'Flatten', 'rnn': 'RNN',
    'roi_pooling': 'ROIPooling', 'stop_gradient': 'BlockGrad', 'softmin': 'softmin',
}


def _as_np(x):
    if isinstance(x, NDArray) and not isinstance(x, _ndarray):
        return x.as_np_ndarray()
    if isinstance(x, list):
        return [_as_np(v) for v in x]
    return x


def _np_op(name, opname):
    fn = _register.make_function(_registry.get(opname), opname)

    def op(*args, **kwargs):
        return _as_np(fn(*args, **kwargs))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = 'The registered operator %s on mx.np.ndarray inputs (see mx.nd.%s).' % (opname, opname)
    return op


for _name, _opname in OPS.items():
    if _registry.find(_opname) is not None:
        globals()[_name] = _np_op(_name, _opname)


def reshape(a, newshape, reverse=False, order='C'):
    """``a`` in ``newshape``: NumPy's reshape, plus MXNet's codes -2 (copy the rest), -3 (merge two), -4
    (split one into the next two) and -5/-6 as in ``npx.reshape``; here -1 infers one dimension."""
    if order != 'C':
        raise NotImplementedError('npx.reshape only supports order=\'C\'')
    shape = tuple(a.shape)
    if all(d >= -1 for d in newshape):
        return _functions.reshape(a, newshape)
    src = list(reversed(shape)) if reverse else list(shape)
    codes = list(reversed(newshape)) if reverse else list(newshape)
    out, i, j = [], 0, 0
    while j < len(codes):
        c = codes[j]
        if c == -2:
            out.append(src[i]); i += 1  # noqa: E702
        elif c == -3:
            if src[i] != 1:
                raise ValueError('npx.reshape: -3 needs a dimension of size 1, got %d' % src[i])
            i += 1  # -3 drops a dimension of size 1
        elif c == -4:
            out.extend(src[i:]); i = len(src)  # noqa: E702
        elif c == -5:
            out.append(src[i] * src[i + 1]); i += 2  # noqa: E702
        elif c == -6:
            d1, d2 = codes[j + 1], codes[j + 2]
            d1 = src[i] // d2 if d1 == -1 else d1
            d2 = src[i] // d1 if d2 == -1 else d2
            out.extend([d1, d2]); i += 1; j += 2  # noqa: E702
        else:
            out.append(c); i += 1  # noqa: E702
        j += 1
    if reverse:
        out.reverse()
    return _functions.reshape(a, _infer_np_reshape(shape, tuple(out), a.size))


def nonzero(a):
    """Indices of the non-zero elements of ``a`` as an (N, ndim) int64 array."""
    return _functions.argwhere(a)


def arange_like(data, start=0.0, step=1.0, repeat=1, ctx=None, axis=None):
    """``start + step * i`` (each value ``repeat`` times) in the shape of ``data`` (or along ``axis``)."""
    n = data.size if axis is None else data.shape[axis]
    t = (start + step * (torch.arange(n, dtype=torch.float64) // repeat)).to(data._data.dtype)
    t = t.to(data._data.device)
    return _functions._ret(t.reshape(data.shape) if axis is None else t, data)


def save(file, arr):
    """Save an array, or a list or dict of arrays, in MXNet's binary format."""
    from ..ndarray import save as _save
    _save(file, arr)


def load(file):
    """Arrays saved by ``npx.save`` (or ``mx.nd.save``), as mx.np.ndarray."""
    from ..ndarray import load as _load
    res = _load(file)
    if isinstance(res, dict):
        return {k: _as_np(v) for k, v in res.items()}
    return _as_np(res)


def seed(seed_state, ctx='all'):
    from .. import random as _random
    _random.seed(seed_state, ctx)


from . import random  # noqa: E402,F401
del _onp

# ``F.np`` / ``F.npx`` inside a HybridBlock run imperatively (F is mx.nd) are these modules, as in MXNet
from .. import ndarray as _nd  # noqa: E402
from .. import numpy as _np_module  # noqa: E402
import sys as _sys  # noqa: E402
_nd.np = _np_module
_nd.npx = _sys.modules[__name__]
