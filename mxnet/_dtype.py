"""The dtypes MXNet 1.x supports, and their numpy, torch and type-flag forms."""
import numpy as np
import torch

from .base import MXNetError

# name, numpy type, torch dtype, mshadow type flag
_TABLE = [
    ('float32', np.float32, torch.float32, 0),
    ('float64', np.float64, torch.float64, 1),
    ('float16', np.float16, torch.float16, 2),
    ('uint8', np.uint8, torch.uint8, 3),
    ('int32', np.int32, torch.int32, 4),
    ('int8', np.int8, torch.int8, 5),
    ('int64', np.int64, torch.int64, 6),
    ('bool', np.bool_, torch.bool, 7),
    ('bfloat16', None, torch.bfloat16, 12),
]
NAME2TORCH = {n: t for n, _, t, _ in _TABLE}
TORCH2NAME = {t: n for n, _, t, _ in _TABLE}
TORCH2NP = {t: npt for _, npt, t, _ in _TABLE if npt is not None}
TORCH2NP[torch.bfloat16] = np.dtype([('bfloat16', np.uint16)])
NAME2FLAG = {n: f for n, _, _, f in _TABLE}
FLAG2NAME = {f: n for n, _, _, f in _TABLE}
NAMES = tuple(n for n, _, _, _ in _TABLE)
FLOATS = (torch.float16, torch.float32, torch.float64, torch.bfloat16)


def dtype_name(dtype):
    """Canonical MXNet name ('float32', ...) of a numpy/torch dtype, type or name; None stays None."""
    if dtype is None:
        return None
    if isinstance(dtype, str):
        if dtype in NAME2TORCH:
            return dtype
    elif isinstance(dtype, torch.dtype):
        name = TORCH2NAME.get(dtype)
        if name is not None:
            return name
    if isinstance(dtype, np.dtype) and dtype.names == ('bfloat16',):
        return 'bfloat16'
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = None
    if name not in NAME2TORCH:
        raise MXNetError('Unsupported dtype %r; MXNet supports %s' % (dtype, ', '.join(NAMES)))
    return name


def to_torch(dtype):
    """torch dtype for any dtype spelling MXNet accepts."""
    if isinstance(dtype, torch.dtype) and dtype in TORCH2NAME:
        return dtype
    return NAME2TORCH[dtype_name(dtype)]


def to_numpy(tdtype):
    """numpy scalar type (``np.float32`` ...) for a torch dtype, as ``NDArray.dtype`` returns it."""
    return TORCH2NP[tdtype]
