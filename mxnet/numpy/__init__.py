"""``mx.np``: MXNet's NumPy-compatible array interface (``mx.np.ndarray`` and NumPy's functions on it).

Arrays are ``mx.np.ndarray`` (a subclass of ``mx.nd.NDArray`` over a ``torch.Tensor``); functions take
NumPy's signatures plus MXNet's ``ctx=`` on creation and random functions, and return ``mx.np.ndarray``.
"""
import numpy as _onp

from .multiarray import *  # noqa: F401,F403
from .multiarray import ndarray  # noqa: F401
from . import functions as _functions
from . import random  # noqa: F401
from . import linalg  # noqa: F401

globals().update({_n: _f for _n, _f in _functions.FUNCTIONS.items() if not _n.startswith('_')})
_functions.install()

# dtypes and constants are numpy's own objects, as in MXNet
bool_ = _onp.bool_
bool = _onp.bool_  # noqa: A001  (MXNet's mx.np.bool)
int8, int32, int64, uint8 = _onp.int8, _onp.int32, _onp.int64, _onp.uint8
float16, float32, float64 = _onp.float16, _onp.float32, _onp.float64
dtype = _onp.dtype
finfo, iinfo = _onp.finfo, _onp.iinfo
promote_types, result_type, min_scalar_type = _onp.promote_types, _onp.result_type, _onp.min_scalar_type
set_printoptions = _onp.set_printoptions
pi, e, euler_gamma = _onp.pi, _onp.e, _onp.euler_gamma
inf, nan, newaxis = _onp.inf, _onp.nan, None
PINF, NINF, NAN, NaN, PZERO, NZERO = _onp.inf, -_onp.inf, _onp.nan, _onp.nan, 0.0, -0.0

from .. import numpy_dispatch_protocol as _dispatch  # noqa: E402,F401  (installs __array_function__/__array_ufunc__)
