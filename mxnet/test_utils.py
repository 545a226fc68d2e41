"""Testing helpers with MXNet 1.9.1's signatures and semantics (``mx.test_utils``).

Comparisons accept NDArrays, numpy arrays, lists and Python numbers. Default tolerances depend on the
dtypes compared (the looser of the two operands wins), as MXNet's do; the symbolic checkers
(``check_numeric_gradient``, ``check_symbolic_*``, ``check_consistency``) bind symbols to executors.
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
           'list_gpus', 'same_array', 'compare_ndarray_tuple', 'compare_optimizer', 'collapse_sum_like', 'environment',
           'discard_stderr', 'is_cd_run', 'assign_each', 'assign_each2', 'create_2d_tensor', 'create_vector',
           'get_identity_mat', 'get_identity_mat_batch', 'mean_check', 'var_check', 'simple_forward',
           'numeric_grad', 'check_numeric_gradient', 'check_symbolic_forward', 'check_symbolic_backward',
           'check_consistency']


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
    """A random NDArray of ``shape`` (float32 unless ``dtype``) on ``ctx``: standard normal for 'default';
    for 'row_sparse' / 'csr' a fraction ``density`` (random when None) of the rows / elements hold uniform
    [0, 1) values and the rest are zero."""
    from .ndarray import array
    if stype == 'default':
        return array(random_arrays(shape), dtype=dtype, ctx=ctx or default_context())
    if stype not in ('row_sparse', 'csr'):
        raise MXNetError('rand_ndarray: unknown storage type %r' % (stype,))
    density = np.random.rand() if density is None else density
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    values = np.random.uniform(size=shape)
    if distribution == 'powerlaw' or modifier_func is not None:
        values = np.random.uniform(size=shape) ** 2 if modifier_func is None else \
            np.vectorize(modifier_func)(values)
    keep = np.random.rand(*(shape[:1] if stype == 'row_sparse' else shape)) < density
    values = values * keep.reshape(keep.shape + (1,) * (len(shape) - keep.ndim))
    return array(values, dtype=dtype, ctx=ctx or default_context()).tostype(stype)


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
    if _torch_allclose(a, b, rtol, atol, equal_nan) or np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    raise AssertionError(_mismatch_message(a, b, rtol, atol, names, equal_nan, mismatches))


def _torch_allclose(a, b, rtol, atol, equal_nan):
    """A fast first check of large float arrays (numpy's float16 isclose is very slow); False means "ask
    numpy", never "different"."""
    if a.size < 100000 or a.dtype.kind != 'f' or b.dtype.kind != 'f' or a.shape != b.shape:
        return False
    import torch
    wide = torch.float64 if np.float64 in (a.dtype, b.dtype) else torch.float32
    ta = torch.from_numpy(np.ascontiguousarray(a)).to(wide)
    tb = torch.from_numpy(np.ascontiguousarray(b)).to(wide)
    return bool(torch.allclose(ta, tb, rtol=rtol, atol=atol, equal_nan=equal_nan))


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


def compare_optimizer(opt1, opt2, shapes, dtype, w_stype='default', g_stype='default', rtol=1e-4, atol=1e-5,
                      compare_states=True, ntensors=1):
    """Run one update of ``opt1`` and ``opt2`` from the same random weights and gradients and compare the
    states and weights. ``shapes`` is one shape (one weight of storage ``w_stype``, gradient ``g_stype``) or a
    list of ``ntensors`` shapes: then ``opt2`` updates all weights in one (multi-tensor) call and ``opt1`` one
    at a time."""
    import copy
    from . import random as _random
    ctx = default_context()

    def pair(shape, stype, density=None):
        if stype == 'default':
            b = _random.uniform(shape=shape, ctx=ctx, dtype=dtype)
            return b.copyto(ctx), b
        b = rand_ndarray(shape, stype, density=density, dtype=dtype, ctx=ctx)
        return b.copyto(ctx).tostype('default'), b

    if not isinstance(shapes, list):
        assert ntensors == 1, 'several tensors need a list of shapes'
        w1, w2 = pair(shapes, w_stype, density=1)
        g1, g2 = pair(shapes, g_stype)
        s1 = opt1.create_state_multi_precision(0, w1)
        s2 = opt2.create_state_multi_precision(0, w2)
        if compare_states:
            compare_ndarray_tuple(s1, s2)
        opt1.update_multi_precision(0, w1, g1, s1)
        opt2.update_multi_precision(0, w2, g2, s2)
        if compare_states:
            compare_ndarray_tuple(s1, s2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
        return
    w1 = tuple(_random.uniform(shape=s, ctx=ctx, dtype=dtype) for s in shapes)
    g1 = tuple(_random.uniform(shape=s, ctx=ctx, dtype=dtype) for s in shapes)
    w2, g2 = copy.deepcopy(w1), copy.deepcopy(g1)
    s2 = [opt2.create_state_multi_precision(0, w2[i]) for i in range(ntensors)]
    opt2.update_multi_precision(list(range(ntensors)), list(w2), list(g2), s2)
    for i in range(ntensors):
        s1 = opt1.create_state_multi_precision(i, w1[i])
        opt1.update_multi_precision(i, w1[i], g1[i], s1)
        if compare_states:
            compare_ndarray_tuple(s1, s2[i], rtol, atol)
        compare_ndarray_tuple(w1[i], w2[i], rtol, atol)


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


# ---- symbolic checks -----------------------------------------------------------------------------------
def simple_forward(sym, ctx=None, is_train=False, **inputs):
    """Bind numpy ``inputs`` (by argument name) to ``sym``, run forward; the output as numpy (a list when
    there are several)."""
    from .ndarray import array
    ctx = ctx or default_context()
    exe = sym.bind(ctx, args={k: array(v, ctx=ctx) for k, v in inputs.items()})
    exe.forward(is_train=is_train)
    outs = [o.asnumpy() for o in exe.outputs]
    return outs[0] if len(outs) == 1 else outs


def _as_nd(v, ctx, dtype):
    """numpy -> NDArray of ``dtype`` (``"asnumpy"``: keep the numpy dtype); NDArrays pass through."""
    from .ndarray import array
    if isinstance(v, np.ndarray):
        return array(v, ctx=ctx, dtype=v.dtype if dtype == 'asnumpy' else dtype)
    return v


def _parse_location(sym, location, ctx, dtype=np.float32):
    """{argument name: NDArray} (sorted by name) from a list in ``list_arguments()`` order or a dict naming
    every argument; ValueError when the dict's keys differ from the arguments."""
    assert isinstance(location, (dict, list, tuple))
    assert dtype == 'asnumpy' or dtype in (np.float16, np.float32, np.float64)
    names = sym.list_arguments()
    if isinstance(location, dict):
        if set(location) != set(names):
            raise ValueError('Symbol arguments and keys of the given location do not match.'
                             'symbol args:%s, location.keys():%s' % (set(names), set(location)))
    else:
        location = dict(zip(names, location))
    return {k: _as_nd(location[k], ctx, dtype) for k in sorted(location)}


def _parse_aux_states(sym, aux_states, ctx, dtype=np.float32):
    """{aux name: NDArray} from a list in ``list_auxiliary_states()`` order or a dict; None stays None."""
    assert dtype == 'asnumpy' or dtype in (np.float16, np.float32, np.float64)
    if aux_states is None:
        return None
    names = sym.list_auxiliary_states()
    if isinstance(aux_states, dict):
        if set(aux_states) != set(names):
            raise ValueError('Symbol aux_states names and given aux_states do not match.'
                             'symbol aux_names:%s, aux_states.keys:%s' % (set(names), set(aux_states)))
    else:
        aux_states = dict(zip(names, aux_states))
    return {k: _as_nd(np.asarray(v) if not hasattr(v, 'asnumpy') else v, ctx, dtype)
            for k, v in aux_states.items()}


def numeric_grad(executor, location, aux_states=None, eps=1e-4, use_forward_train=True, dtype=np.float32):
    """Central finite differences of the sum of ``executor.outputs[0]`` with respect to each float array of
    ``location`` ({name: numpy}): each element moves by +-eps/2 and the aux states are reset before every
    forward. Returns {name: numpy gradient}."""
    assert dtype in (np.float16, np.float32, np.float64)
    grads = {k: np.zeros(np.shape(v), dtype=dtype) for k, v in location.items()}
    for k in location:
        location[k] = np.asarray(location[k], order='C')
        executor.arg_dict[k][:] = location[k].astype(dtype)

    def run():
        if aux_states is not None:
            for name, val in aux_states.items():
                executor.aux_dict[name][:] = val
        executor.forward(is_train=use_forward_train)
        return executor.outputs[0].asnumpy().astype(np.float64)

    for k, v in location.items():
        if v.dtype.kind != 'f':
            continue
        flat, orig = v.reshape(-1), v.copy()
        for i in range(flat.size):
            flat[i] = orig.reshape(-1)[i] + eps / 2.0
            executor.arg_dict[k][:] = v.astype(dtype)
            f_plus = run()
            flat[i] = orig.reshape(-1)[i] - eps / 2.0
            executor.arg_dict[k][:] = v.astype(dtype)
            f_minus = run()
            grads[k].reshape(-1)[i] = (f_plus - f_minus).sum() / eps
            flat[i] = orig.reshape(-1)[i]
        executor.arg_dict[k][:] = orig.astype(dtype)
    return grads


def _grad_nodes_req(sym, grad_nodes):
    if grad_nodes is None:
        names = sym.list_arguments()
        return names, {k: 'write' for k in names}
    if isinstance(grad_nodes, (list, tuple)):
        return list(grad_nodes), {k: 'write' for k in grad_nodes}
    if isinstance(grad_nodes, dict):
        return list(grad_nodes), dict(grad_nodes)
    raise ValueError('grad_nodes must be None, a list/tuple of names or a dict name -> grad_req')


def _compare_grad(req, name, expected, got, dirty, rtol, atol, names, equal_nan=False):
    """Check one gradient array under its grad_req: 'write' holds ``expected``, 'add' holds
    ``dirty + expected``, 'null' still holds ``dirty``."""
    got = _np(got)
    if req == 'write':
        assert_almost_equal(expected, got, rtol, atol, names, equal_nan=equal_nan)
    elif req == 'add':
        assert_almost_equal(expected, got - dirty, rtol, atol, names, equal_nan=equal_nan)
    elif req == 'null':
        assert_almost_equal(dirty, got, rtol, atol, names, equal_nan=equal_nan)
    else:
        raise ValueError('Invalid grad_req %s for argument %s' % (req, name))


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=None, rtol=None, atol=None,
                           grad_nodes=None, use_forward_train=True, ctx=None, grad_stype_dict=None,
                           dtype=np.float32):
    """Compare the backward pass of ``sym`` with finite differences at ``location``.

    As MXNet does, the (first) output is multiplied by a random projection (uniform in [0.1, 1.1)) and
    wrapped in a loss, so a single backward gives the gradient of ``sum(out * proj)``; the gradient arrays
    start from small random values so that 'add' and 'null' requests (``grad_nodes`` as a dict) are checked
    too. ``numeric_eps``/``rtol``/``atol`` default by dtype (``default_numeric_eps()``, tolerances as in
    ``assert_almost_equal``).
    """
    from . import symbol as sym_mod
    from .ndarray import array
    assert dtype in (np.float16, np.float32, np.float64)
    ctx = ctx or default_context()
    location = _parse_location(sym, location, ctx, dtype)
    location_npy = {k: v.asnumpy() for k, v in location.items()}
    aux_states = _parse_aux_states(sym, aux_states, ctx, dtype)
    aux_npy = None if aux_states is None else {k: v.asnumpy() for k, v in aux_states.items()}
    grad_nodes, grad_req = _grad_nodes_req(sym, grad_nodes)

    _, out_shapes, _ = sym.infer_shape(**{k: v.shape for k, v in location.items()})
    proj = sym_mod.Variable('__random_proj')
    loss = getattr(sym_mod, 'make_loss', None) or sym_mod.MakeLoss
    out = loss(sym * proj)
    location['__random_proj'] = array(np.random.rand(*out_shapes[0]) + 0.1, ctx=ctx, dtype=dtype)
    dirty = {k: np.random.normal(0, 0.01, size=location[k].shape) for k in grad_nodes}
    dirty['__random_proj'] = np.random.normal(0, 0.01, size=out_shapes[0])
    args_grad = {k: array(v, ctx=ctx, dtype=dtype) for k, v in dirty.items()}
    executor = out.bind(ctx, args=location, args_grad=args_grad, grad_req=grad_req, aux_states=aux_states)
    if len(executor.arg_arrays) != len(location):
        raise ValueError('Executor arg_arrays and and location len do not match.'
                         'Got %d inputs and %d locations' % (len(executor.arg_arrays), len(location)))
    executor.forward(is_train=True)
    assert len(executor.outputs) == 1
    eps = get_tolerance(executor.outputs[0], numeric_eps, default_numeric_eps())
    if dtype in (np.float32, np.float16):
        assert eps >= 1e-5, 'finite differences need eps >= 1e-5 below float64'
    executor.backward()
    numeric = numeric_grad(executor, location_npy, aux_npy, eps=eps, use_forward_train=use_forward_train,
                           dtype=dtype)
    for name in grad_nodes:
        _compare_grad(grad_req[name], name, numeric[name], executor.grad_dict[name], dirty[name], rtol, atol,
                      ('NUMERICAL_%s' % name, 'BACKWARD_%s' % name))


def check_symbolic_forward(sym, location, expected, rtol=None, atol=None, aux_states=None, ctx=None,
                           equal_nan=False, dtype=np.float32):
    """Run ``sym`` forward (is_train=False) at ``location`` and compare every output with ``expected`` (a list
    in output order or a dict by ``list_outputs()`` name). Returns the outputs."""
    from .ndarray import zeros
    assert dtype == 'asnumpy' or dtype in (np.float16, np.float32, np.float64)
    ctx = ctx or default_context()
    location = _parse_location(sym, location, ctx, dtype)
    aux_states = _parse_aux_states(sym, aux_states, ctx, dtype)
    if isinstance(expected, dict):
        expected = [expected[k] for k in sym.list_outputs()]
    grads = {k: zeros(v.shape, ctx=ctx, dtype=v.dtype) for k, v in location.items()}
    executor = sym.bind(ctx, args=location, args_grad=grads, aux_states=aux_states)
    executor.forward(is_train=False)
    for name, want, got in zip(sym.list_outputs(), expected, executor.outputs):
        assert_almost_equal(want, got, rtol, atol, ('EXPECTED_%s' % name, 'FORWARD_%s' % name),
                            equal_nan=equal_nan)
    return executor.outputs


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None, aux_states=None,
                            grad_req='write', ctx=None, grad_stypes=None, equal_nan=False, dtype=np.float32):
    """Run forward (is_train=True) and backward with ``out_grads`` (list in output order, dict by output
    name, or None) and compare the gradients with ``expected`` (list in ``list_arguments()`` order or dict;
    only the named arguments get gradient arrays). Gradient arrays start from random values, so 'add' is
    checked as an increment and 'null' as untouched. Returns {name: gradient NDArray}."""
    from .ndarray import array
    assert dtype == 'asnumpy' or dtype in (np.float16, np.float32, np.float64)
    ctx = ctx or default_context()
    location = _parse_location(sym, location, ctx, dtype)
    aux_states = _parse_aux_states(sym, aux_states, ctx, dtype)
    if isinstance(expected, (list, tuple)):
        expected = dict(zip(sym.list_arguments(), expected))
    dirty = {k: np.random.normal(size=np.shape(expected[k])) for k in sorted(expected)}
    grads = {k: array(v, ctx=ctx, dtype=np.asarray(expected[k]).dtype if dtype == 'asnumpy' else dtype)
             for k, v in dirty.items()}
    if isinstance(grad_req, str):
        grad_req = {k: grad_req for k in sym.list_arguments()}
    elif isinstance(grad_req, (list, tuple)):
        grad_req = dict(zip(sym.list_arguments(), grad_req))
    executor = sym.bind(ctx, args=location, args_grad=grads, aux_states=aux_states, grad_req=grad_req)
    executor.forward(is_train=True)
    if isinstance(out_grads, (list, tuple)):
        out_grads = [_as_nd(g, ctx, dtype) for g in out_grads]
    elif isinstance(out_grads, dict):
        out_grads = [_as_nd(out_grads[k], ctx, dtype) for k in sym.list_outputs()]
    else:
        assert out_grads is None
    executor.backward(out_grads)
    for name in expected:
        _compare_grad(grad_req[name], name, expected[name], grads[name], dirty[name], rtol, atol,
                      ('EXPECTED_%s' % name, 'BACKWARD_%s' % name), equal_nan=equal_nan)
    return grads


def check_consistency(sym, ctx_list, scale=1.0, grad_req='write', arg_params=None, aux_params=None, rtol=None,
                      atol=None, raise_on_err=True, ground_truth=None, equal_nan=False, use_uniform=False,
                      rand_type=np.float64):
    """Check that ``sym`` (or one symbol per entry) gives the same outputs and gradients under every entry of
    ``ctx_list`` (dicts of ``simple_bind`` keywords: ``ctx``, input shapes, ``type_dict``). The most precise
    output dtype is the ground truth; tolerances follow the less precise dtype of each pair. Returns the
    ground truth {name: NDArray}."""
    from .ndarray import array
    assert len(ctx_list) > 1
    syms = [sym] * len(ctx_list) if not isinstance(sym, (list, tuple)) else list(sym)
    assert len(syms) == len(ctx_list)
    out_names, arg_names = syms[0].list_outputs(), syms[0].list_arguments()
    exes = []
    for s, spec in zip(syms, ctx_list):
        assert s.list_arguments() == arg_names and s.list_outputs() == out_names
        spec = dict(spec)
        exes.append(s.simple_bind(spec.pop('ctx'), grad_req=grad_req, **spec))
    arg_params = dict(arg_params or {})
    aux_params = dict(aux_params or {})
    for n, arr in sorted(exes[0].arg_dict.items()):
        if n not in arg_params:
            if use_uniform:
                arg_params[n] = np.random.uniform(-0.92 * scale, 0.92 * scale, size=arr.shape).astype(rand_type)
            else:
                arg_params[n] = np.random.normal(size=arr.shape, scale=scale).astype(rand_type)
    for n in exes[0].aux_dict:
        aux_params.setdefault(n, 0)
    for exe in exes:
        for n, arr in exe.arg_dict.items():
            arr[:] = arg_params[n]
        for n, arr in exe.aux_dict.items():
            arr[:] = aux_params[n]
        for g in exe.grad_arrays:
            if g is not None:
                g[:] = 0

    def check(i, names_arrays, gt_idx):
        for name, arr in names_arrays:
            want = gt[name]
            if want is None or arr is None:
                assert want is None and arr is None, name
                continue
            dt = max(np.dtype(arr.dtype), np.dtype(want.dtype), key=lambda d: -d.itemsize)
            r = get_tolerance(np.zeros(1, dt), rtol, default_rtols())
            a = get_tolerance(np.zeros(1, dt), atol, default_atols())
            try:
                assert_almost_equal(arr, want, rtol=r, atol=a, equal_nan=equal_nan)
            except AssertionError as e:
                print('Err: ctx %d vs ctx %d at %s' % (i, gt_idx, name))
                if raise_on_err:
                    raise e

    for exe in exes:
        exe.forward(is_train=False)
    dtypes = [np.dtype(exe.outputs[0].dtype) for exe in exes]
    gt_idx = int(np.argmax([d.itemsize for d in dtypes]))
    gt = ground_truth
    if gt is None:
        gt = {n: o.copy() for n, o in exes[gt_idx].output_dict.items()}
    for i, exe in enumerate(exes):
        if i != gt_idx:
            check(i, zip(out_names, exe.outputs), gt_idx)
    if grad_req != 'null':
        for exe in exes:
            exe.forward(is_train=True)
        small = [min((np.dtype(e.outputs[k].dtype) for e in exes), key=lambda d: d.itemsize)
                 for k in range(len(out_names))]
        heads = [exes[0].outputs[k].asnumpy().astype(small[k]) for k in range(len(out_names))]
        for exe in exes:
            exe.backward([array(h, ctx=o.context, dtype=o.dtype) for h, o in zip(heads, exe.outputs)])
        if ground_truth is None:
            gt.update({n: (g.copy() if g is not None else None) for n, g in exes[gt_idx].grad_dict.items()})
            gt.update({n: o.copy() for n, o in exes[gt_idx].output_dict.items()})
        for i, exe in enumerate(exes):
            if i != gt_idx:
                check(i, list(zip(out_names, exe.outputs)) + list(zip(arg_names, exe.grad_arrays)), gt_idx)
    return gt


# ---- statistical checks of samplers ----------------------------------------------------------------------
def gen_buckets_probs_with_ppf(ppf, nbuckets):
    """``nbuckets`` equal-probability buckets ``(low, high)`` cut by the percent-point function ``ppf``,
    and their probabilities (each ``1 / nbuckets``)."""
    probs = [1.0 / nbuckets for _ in range(nbuckets)]
    edges = [ppf(i / float(nbuckets)) for i in range(nbuckets + 1)]
    return list(zip(edges[:-1], edges[1:])), probs


def chi_square_check(generator, buckets, probs, nsamples=1000000):
    """Pearson's chi-square test of ``generator(nsamples)`` against bucket probabilities.

    ``buckets`` is a list of ``(low, high)`` intervals (continuous) or of values (discrete).
    Returns ``(p_value, observed_frequencies, expected_frequencies)``.
    """
    import scipy.stats as ss
    if not buckets:
        raise ValueError('chi_square_check: buckets must not be empty')
    continuous = isinstance(buckets[0], (list, tuple))
    expected = (np.asarray(probs, dtype=np.float64) * nsamples)
    samples = np.asarray(_np(generator(nsamples))).reshape(-1)
    assert samples.size == nsamples, 'chi_square_check: the generator returned %d samples, not %d' % (
        samples.size, nsamples)
    if continuous:
        observed = np.array([np.count_nonzero((samples >= lo) & (samples < hi)) for lo, hi in buckets],
                            dtype=np.float64)
    else:
        observed = np.array([np.count_nonzero(samples == v) for v in buckets], dtype=np.float64)
    _, p = ss.chisquare(f_obs=observed, f_exp=expected * observed.sum() / expected.sum())
    return p, observed, expected


def verify_generator(generator, buckets, probs, nsamples=1000000, nrepeat=5, success_rate=0.2, alpha=0.05):
    """Run :func:`chi_square_check` ``nrepeat`` times; AssertionError unless at least ``success_rate`` of the
    runs accept the null hypothesis at level ``alpha``. Returns the list of p-values."""
    pvalues = [chi_square_check(generator, buckets, probs, nsamples)[0] for _ in range(nrepeat)]
    success = float(np.count_nonzero(np.asarray(pvalues) > alpha)) / nrepeat
    if success < success_rate:
        raise AssertionError('Generator test fails, Chi-square p=%s, obs_freq=..., expected_freq=..., '
                             'success rate %g < %g' % (pvalues, success, success_rate))
    return pvalues


def check_speed(sym, location=None, ctx=None, N=20, grad_req=None, typ='whole', **kwargs):
    """Seconds per iteration of ``sym`` bound with random (or ``location``) inputs: ``typ='whole'`` times
    forward+backward, ``'forward'`` forward only."""
    import time
    from .ndarray import array
    ctx = ctx or default_context()
    grad_req = grad_req or 'write'
    if location is None:
        exe = sym.simple_bind(grad_req=grad_req, ctx=ctx, **kwargs)
        location = {k: np.random.normal(size=a.shape, scale=1.0) for k, a in exe.arg_dict.items()}
    else:
        assert isinstance(location, dict), 'check_speed: location must be a dict of name -> array'
        exe = sym.simple_bind(grad_req=grad_req, ctx=ctx, **{k: v.shape for k, v in location.items()})
    for name, value in location.items():
        exe.arg_dict[name][:] = array(value, ctx=ctx)
    if typ == 'whole':
        def step():
            exe.forward(is_train=True)
            exe.backward(out_grads=[o.ones_like() if hasattr(o, 'ones_like') else o for o in exe.outputs])
    elif typ == 'forward':
        def step():
            exe.forward(is_train=False)
    else:
        raise ValueError('check_speed: typ can only be "whole" or "forward", got %r' % typ)
    step()
    for o in exe.outputs:
        o.wait_to_read()
    tic = time.time()
    for _ in range(N):
        step()
    for o in exe.outputs:
        o.wait_to_read()
    return (time.time() - tic) / N


# MXNet's test_utils has no __all__: ``from mxnet.test_utils import *`` hands on every public name, the modules
# it imports (np, mx, rnd, ...) included, and MXNet's own tests rely on that.
import numpy.random as rnd  # noqa: E402,F401
import mxnet as mx  # noqa: E402,F401
from .util import use_np, use_np_shape, use_np_default_dtype, getenv, setenv  # noqa: E402,F401
from .numpy.test_helpers import *  # noqa: E402,F401,F403  (is_op_runnable, has_tvm_ops, ...)
from .runtime import Features  # noqa: E402,F401
from .ndarray import array, NDArray  # noqa: E402,F401
from .symbol import Symbol  # noqa: E402,F401
try:
    import scipy.stats as ss  # noqa: E402,F401
except ImportError:  # pragma: no cover
    ss = None
del __all__

# data sets for the tests (offline: local files, else synthetic stand-ins; see mxnet/_datasets.py)
from ._datasets import (download, get_mnist, get_mnist_ubyte, get_mnist_pkl, get_mnist_iterator,  # noqa: E402,F401
                        get_cifar10, get_zip_data, get_bz2_data)


from .io.base import DataIter as _DataIter  # noqa: E402


class DummyIter(_DataIter):
    """A data iterator that gives the first batch of ``real_iter`` again and again, without end (for timing runs
    that should not measure data loading); it keeps real_iter's provide_data, provide_label and batch_size."""

    def __init__(self, real_iter):
        super().__init__(real_iter.batch_size)
        self.real_iter = real_iter
        self.provide_data = real_iter.provide_data
        self.provide_label = real_iter.provide_label
        self.the_batch = next(real_iter)

    def __iter__(self):
        return self

    def next(self):
        return self.the_batch
