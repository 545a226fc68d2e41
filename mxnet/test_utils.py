"""Testing helpers with MXNet 1.9.1's signatures and semantics (``mx.test_utils``).

Comparisons accept NDArrays, numpy arrays, lists and Python numbers. Default tolerances depend on the
dtypes compared (the looser of the two operands wins), as MXNet's do; the symbolic checkers
(``check_numeric_gradient``, ``check_symbolic_*``) arrive with Symbol.
"""
import contextlib
import numbers
import os
import sys

import numpy as np
import numpy.testing as npt

from .base import MXNetError
from .context import Context, current_context, num_gpus

__all__ = ['default_context', 'set_default_context', 'default_dtype', 'default_rtols', 'default_atols',
           'default_numeric_eps', 'effective_dtype', 'get_tolerance', 'get_tols', 'get_atol', 'get_rtol',
           'get_etol', 'random_arrays', 'random_uniform_arrays', 'random_sample', 'rand_ndarray',
           'rand_shape_2d', 'rand_shape_3d', 'rand_shape_nd', 'rand_coord_2d', 'np_reduce', 'same',
           'checkShapes', 'almost_equal', 'assert_almost_equal', 'assert_allclose',
           'assert_almost_equal_with_err', 'assert_almost_equal_ignore_nan', 'assert_exception', 'retry',
           'list_gpus', 'same_array', 'compare_ndarray_tuple', 'collapse_sum_like', 'environment',
           'discard_stderr', 'is_cd_run', 'assign_each', 'assign_each2', 'create_2d_tensor', 'create_vector',
           'get_identity_mat', 'get_identity_mat_batch', 'mean_check', 'var_check']


# ---- contexts and dtypes ---------------------------------------------------------------------------
def default_context():
    """The context tests run on: the current default context."""
    return current_context()


def set_default_context(ctx):
    """Make ``ctx`` the default context of this thread (what ``mx.current_context()`` returns)."""
    Context._default.value = ctx


def default_dtype():
    """The dtype of generated test data: float32."""
    return np.float32


_FLOAT_TOLS = {  # dtype: (rtol, atol)
    np.dtype(np.float16): (1e-2, 1e-1),
    np.dtype(np.float32): (1e-4, 1e-3),
    np.dtype(np.float64): (1e-5, 1e-20),
}
_EXACT = [np.bool_, np.int8, np.uint8, np.int32, np.uint32, np.int64, np.uint64]


def default_rtols():
    """Relative tolerance per dtype (0 for integer and bool types)."""
    tols = {d: r for d, (r, _) in _FLOAT_TOLS.items()}
    tols.update((np.dtype(t), 0) for t in _EXACT)
    return tols


def default_atols():
    """Absolute tolerance per dtype (0 for integer and bool types)."""
    tols = {d: a for d, (_, a) in _FLOAT_TOLS.items()}
    tols.update((np.dtype(t), 0) for t in _EXACT)
    return tols


def default_numeric_eps():
    """Finite-difference step per float dtype (powers of two, so the perturbation is exact)."""
    return {np.dtype(np.float16): 2.0 ** -6, np.dtype(np.float32): 2.0 ** -9, np.dtype(np.float64): 2.0 ** -14}


def _tf32_active(ctx):
    """Whether float32 matmuls/convolutions on ``ctx`` may run in TF32 (compute capability >= 8)."""
    if ctx is None or ctx.device_type != 'gpu' or os.environ.get('NVIDIA_TF32_OVERRIDE') == '0':
        return False
    import torch
    try:
        major, _ = torch.cuda.get_device_capability(ctx.device_id)
    except (RuntimeError, AssertionError, ValueError):
        return False
    return major >= 8 and (torch.backends.cuda.matmul.allow_tf32 or torch.backends.cudnn.allow_tf32)


def effective_dtype(dat):
    """The dtype whose tolerances apply to ``dat``: float16's for float32 data on a TF32-capable GPU."""
    dtype = np.dtype(dat.dtype)
    if dtype == np.float32 and _tf32_active(getattr(dat, 'context', None)):
        return np.dtype(np.float16)
    return dtype


def get_tolerance(dat, tol, default_tol):
    """``tol`` if a number, else its entry (a dict) or ``default_tol``'s for ``dat``'s dtype."""
    if isinstance(tol, numbers.Number):
        return tol
    dtype = effective_dtype(dat)
    tol = tol or {}
    if dtype in tol:
        return tol[dtype]
    if dtype in default_tol:
        return default_tol[dtype]
    # dtypes MXNet has no entry for (bfloat16 ...): float32's tolerance for floats, exact otherwise
    return default_tol[np.dtype(np.float32)] if dtype.kind in 'fV' else 0


def _with_dtype(x):
    if isinstance(x, numbers.Number):
        return np.array(x)
    if not hasattr(x, 'dtype'):
        return np.asarray(x)
    return x


def get_tols(x, y, rtol, atol):
    """(rtol, atol) for comparing ``x`` with ``y``: the given values, else the looser default of the two."""
    x, y = _with_dtype(x), _with_dtype(y)
    rtol = max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols()))
    atol = max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols()))
    return rtol, atol


def get_atol(atol=None, dtype=np.dtype(np.float64)):
    """``atol``, else the default absolute tolerance of ``dtype`` (float64's unless given)."""
    return default_atols()[np.dtype(dtype)] if atol is None else atol


def get_rtol(rtol=None, dtype=np.dtype(np.float64)):
    """``rtol``, else the default relative tolerance of ``dtype`` (float64's unless given)."""
    return default_rtols()[np.dtype(dtype)] if rtol is None else rtol


def get_etol(etol=None):
    """The tolerated fraction of mismatching elements (0 unless given)."""
    return 0 if etol is None else etol


# ---- random data -----------------------------------------------------------------------------------
def random_arrays(*shapes):
    """Standard-normal float32 numpy arrays, one per shape (a single array for a single shape)."""
    arrays = [np.array(np.random.randn(), dtype=default_dtype()) if len(s) == 0
              else np.random.randn(*s).astype(default_dtype()) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes, low=0.0, high=1.0, dtype=None):
    """Uniform [low, high) numpy arrays, one per shape (always a list)."""
    dtype = default_dtype() if dtype is None else dtype
    return [np.random.uniform(low, high, size=s).astype(dtype) for s in shapes]


def random_sample(population, k):
    """``k`` elements of the list ``population`` in random order."""
    assert 0 <= k <= len(population)
    pool = list(population)
    np.random.shuffle(pool)
    return pool[:k]


def rand_ndarray(shape, stype='default', density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """A standard-normal NDArray of ``shape`` (cast to ``dtype``, float32 by default) on ``ctx``."""
    from .ndarray import array
    if stype != 'default':
        raise MXNetError('rand_ndarray: storage type %r is not supported; only dense (stype=\'default\') '
                         'arrays exist in this implementation' % (stype,))
    return array(random_arrays(shape), dtype=dtype, ctx=ctx or default_context())


def _rand_dims(highs, allow_zero_size):
    low = 0 if allow_zero_size else 1
    return tuple(int(d) for d in np.random.randint(low, np.asarray(highs) + 1))


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    """A random 2-D shape with dimensions in [1, dim] ([0, dim] when ``allow_zero_size``)."""
    return _rand_dims([dim0, dim1], allow_zero_size)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    """A random 3-D shape with dimensions in [1, dim] ([0, dim] when ``allow_zero_size``)."""
    return _rand_dims([dim0, dim1, dim2], allow_zero_size)


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random ``num_dim``-D shape with every dimension in [1, dim] ([0, dim] when ``allow_zero_size``)."""
    return _rand_dims([dim] * num_dim, allow_zero_size)


def rand_coord_2d(x_low, x_high, y_low, y_high):
    """A random integer point in [x_low, x_high) x [y_low, y_high)."""
    return (np.random.randint(x_low, x_high, dtype=np.int64), np.random.randint(y_low, y_high, dtype=np.int64))


def np_reduce(dat, axis, keepdims, numpy_reduce_func):
    """Reduce numpy ``dat`` over ``axis`` (int, list or None for all) one axis at a time with
    ``numpy_reduce_func`` (``np.sum``, ``np.max`` ...), keeping reduced axes as 1 when ``keepdims``."""
    axes = [axis] if isinstance(axis, int) else (list(range(dat.ndim)) if axis is None else list(axis))
    axes = [a % dat.ndim if dat.ndim else a for a in axes]
    ret = dat
    for a in sorted(axes, reverse=True):
        ret = numpy_reduce_func(ret, axis=a)
    if keepdims:
        shape = [1 if i in axes else d for i, d in enumerate(dat.shape)]
        ret = np.reshape(ret, shape)
    return ret


# ---- comparisons -----------------------------------------------------------------------------------
def _np(a):
    """numpy view of an NDArray / list / number (numpy arrays pass through)."""
    if isinstance(a, np.ndarray):
        return a
    if hasattr(a, 'asnumpy'):
        return a.asnumpy()
    return np.asarray(a)


def same(a, b):
    """Whether ``a`` and ``b`` have the same shape and exactly equal elements."""
    return np.array_equal(_np(a), _np(b))


def checkShapes(a, b):
    """Raise AssertionError unless ``a`` and ``b`` have the same shape."""
    if np.shape(a) != np.shape(b):
        raise AssertionError('a.shape = %s and b.shape = %s are not equal' % (np.shape(a), np.shape(b)))


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """Whether ``|a - b| <= atol + rtol * |b|`` everywhere (float64 tolerances when not given)."""
    a, b = _np(a), _np(b)
    if not use_broadcast:
        checkShapes(a, b)
    return bool(np.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol), equal_nan=equal_nan))


def _violations(a, b, rtol, atol, equal_nan):
    """How many times over its tolerance each element of ``a`` is from ``b`` (0 where equal, inf for nan)."""
    a64, b64 = np.broadcast_arrays(a.astype(np.float64), b.astype(np.float64))
    with np.errstate(invalid='ignore', over='ignore'):
        diff = np.where(a64 == b64, 0.0, np.abs(a64 - b64))
        viol = diff / (atol + rtol * np.abs(b64) + 1e-20)
    nan_a, nan_b = np.isnan(a64), np.isnan(b64)
    viol = np.where(nan_a | nan_b, np.inf, viol)
    if equal_nan:
        viol = np.where(nan_a & nan_b, 0.0, viol)
    return np.nan_to_num(viol, nan=np.inf)


def _mismatch_message(a, b, rtol, atol, names, equal_nan, mismatches):
    a, b = np.broadcast_arrays(a, b)
    viol = _violations(a, b, rtol, atol, equal_nan)
    bad = viol > 1
    nbad = int(bad.sum())
    order = np.argsort(-viol, axis=None, kind='stable')[:max(mismatches[0], 1)]
    lines = ['Error %f exceeds tolerance rtol=%e, atol=%e (mismatch %f%%: %d of %d elements).'
             % (viol.max() if viol.size else 0.0, rtol, atol, 100.0 * nbad / max(a.size, 1), nbad, a.size)]
    for rank, flat in enumerate(order, 1):
        idx = tuple(int(i) for i in np.unravel_index(flat, a.shape))
        if not bad[idx]:
            break
        lines.append('%3d: Error %f  Location %s, %s=%.8f, %s=%.8f'
                     % (rank, viol[idx], idx, names[0], a[idx], names[1], b[idx]))
    with np.printoptions(threshold=8, suppress=True):
        lines.append(' %s: %s\n %s: %s' % (names[0], a, names[1], b))
    return '\n'.join(lines)


def assert_almost_equal(a, b, rtol=None, atol=None, names=('a', 'b'), equal_nan=False, use_broadcast=True,
                        mismatches=(10, 10)):
    """Raise AssertionError where ``a`` and ``b`` differ by more than ``atol + rtol * |b|``.

    ``rtol``/``atol``: a number, a dict dtype -> tolerance, or None for the dtype defaults (the looser of
    the two operands' dtypes). Bool arrays must match exactly. The message lists up to ``mismatches[0]``
    worst elements, named with ``names``.
    """
    if not use_broadcast:
        checkShapes(a, b)
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = _np(a), _np(b)
    if a.dtype == np.bool_ and b.dtype == np.bool_:
        npt.assert_equal(a, b)
        return
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise AssertionError('shapes %s %s and %s %s cannot be compared'
                             % (names[0], a.shape, names[1], b.shape)) from None
    if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    raise AssertionError(_mismatch_message(a, b, rtol, atol, names, equal_nan, mismatches))


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    """``assert_almost_equal`` with numpy.testing.assert_allclose's defaults."""
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal_with_err(a, b, rtol=None, atol=None, etol=None, names=('a', 'b'), equal_nan=False,
                                 mismatches=(10, 10)):
    """Like ``assert_almost_equal`` but tolerating a fraction ``etol`` of mismatching elements."""
    etol = get_etol(etol)
    if etol <= 0:
        assert_almost_equal(a, b, rtol=rtol, atol=atol, names=names, equal_nan=equal_nan, mismatches=mismatches)
        return
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = _np(a), _np(b)
    close = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if 1 - np.count_nonzero(close) / max(close.size, 1) > etol:
        raise AssertionError(_mismatch_message(a, b, rtol, atol, names, equal_nan, mismatches))


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=('a', 'b')):
    """``assert_almost_equal`` after zeroing every position where either array is nan."""
    a, b = np.copy(_np(a)), np.copy(_np(b))
    nan = np.isnan(a) | np.isnan(b)
    a[nan] = 0
    b[nan] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def assert_exception(f, exception_type, *args, **kwargs):
    """Assert that ``f(*args, **kwargs)`` raises ``exception_type``."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError('%s did not raise %s' % (getattr(f, '__name__', f), exception_type.__name__))


def retry(n):
    """Decorator: rerun a stochastic test up to ``n`` times until it passes (AssertionErrors only)."""
    assert n > 0

    def decorate(f):
        def wrapper(*args, **kwargs):
            for i in range(n):
                try:
                    return f(*args, **kwargs)
                except AssertionError:
                    if i == n - 1:
                        raise
        wrapper.__name__ = f.__name__
        wrapper.__doc__ = f.__doc__
        return wrapper
    return decorate


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None):
    """``assert_almost_equal`` over two (nested) tuples of arrays; None on either side skips."""
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def same_array(array1, array2):
    """Whether two NDArrays share memory (a write through one shows in the other)."""
    array1[:] += 1
    shared = same(array1, array2)
    array1[:] -= 1
    return shared and same(array1, array2)


def collapse_sum_like(a, shape):
    """Sum numpy ``a`` over the axes broadcasting would have added to reach ``a.shape`` from ``shape``."""
    assert a.ndim >= len(shape)
    if np.prod(shape) == 0 or a.size == 0:
        return np.zeros(shape, dtype=a.dtype)
    lead = a.ndim - len(shape)
    axes = list(range(lead))
    for i, s in enumerate(shape):
        if s != a.shape[lead + i]:
            assert s == 1, 'shape %s does not broadcast to %s' % (shape, a.shape)
            axes.append(lead + i)
    return np.sum(a, axis=tuple(axes)).reshape(shape)


# ---- element-wise numpy references ------------------------------------------------------------------
def assign_each(the_input, function):
    """numpy array of ``function(x)`` for every element (a float64 copy when ``function`` is None)."""
    if function is None:
        return np.array(the_input)
    flat = [function(x) for x in np.asarray(the_input).reshape(-1)]
    return np.array(flat, dtype=np.float64).reshape(np.shape(the_input))


def assign_each2(input1, input2, function):
    """numpy array of ``function(x, y)`` for every pair of elements of two same-shape arrays."""
    if function is None:
        return np.array(input1)
    assert np.shape(input1) == np.shape(input2)
    flat = [function(x, y) for x, y in zip(np.asarray(input1).reshape(-1), np.asarray(input2).reshape(-1))]
    return np.array(flat, dtype=np.float64).reshape(np.shape(input1))


def create_2d_tensor(rows, columns, dtype=np.int64):
    """A rows x columns NDArray whose row i is all i."""
    from . import ndarray as nd
    return nd.array(np.repeat(np.arange(rows, dtype=dtype)[:, None], columns, axis=1), dtype=dtype)


def create_vector(size, dtype=np.int64):
    """The NDArray [0, 1, ..., size-1]."""
    from . import ndarray as nd
    return nd.arange(0, size, dtype=dtype)


def get_identity_mat(size):
    """A float32 identity matrix NDArray."""
    from . import ndarray as nd
    return nd.eye(size)


def get_identity_mat_batch(size):
    """Two stacked identity matrices, shape (2, size, size)."""
    from . import ndarray as nd
    eye = np.eye(size, dtype=np.float32)
    return nd.array(np.stack([eye, eye]))


# ---- sampling checks ----------------------------------------------------------------------------------
def mean_check(generator, mu, sigma, nsamples=1000000):
    """Whether the mean of ``generator(nsamples)`` lies within 3 standard errors of ``mu``."""
    samples = np.asarray(_np(generator(nsamples)), dtype=np.float64)
    return bool(abs(samples.mean() - mu) < 3 * sigma / np.sqrt(nsamples))


def var_check(generator, sigma, nsamples=1000000):
    """Whether the variance of ``generator(nsamples)`` lies within 3 standard errors of ``sigma**2``."""
    samples = np.asarray(_np(generator(nsamples)), dtype=np.float64)
    return bool(abs(samples.var() - sigma ** 2) < 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1)))


# ---- environment --------------------------------------------------------------------------------------
def list_gpus():
    """range over the ids of the visible GPUs."""
    return range(num_gpus())


def is_cd_run():
    """Whether the tests run as part of a continuous-delivery job (``CD_JOB=1``)."""
    return os.environ.get('CD_JOB', '0') == '1'


@contextlib.contextmanager
def environment(*args):
    """``with environment(name, value)`` or ``with environment({name: value, ...})``: set environment
    variables (None unsets) for the block, restoring the previous values afterwards."""
    if len(args) == 1 and isinstance(args[0], dict):
        env = args[0]
    else:
        assert len(args) == 2, 'environment() takes a dict or a name and a value'
        env = {args[0]: args[1]}

    def apply(values):
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    saved = {k: os.environ.get(k) for k in env}
    apply(env)
    try:
        yield
    finally:
        apply(saved)


@contextlib.contextmanager
def discard_stderr():
    """Silence file-descriptor-level stderr for the block."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    with open(os.devnull, 'w') as devnull:
        saved = os.dup(fd)
        try:
            os.dup2(devnull.fileno(), fd)
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)
