"""The ``mx.test_utils`` helpers of MXNet's NumPy interface (re-exported there)."""
import numpy as _onp

__all__ = ['is_op_runnable', 'has_tvm_ops', 'new_matrix_with_real_eigvals_2d', 'new_matrix_with_real_eigvals_nd',
           'new_sym_matrix_with_real_eigvals_2d', 'new_sym_matrix_with_real_eigvals_nd',
           'check_gluon_hybridize_consistency']


def is_op_runnable():
    """Whether the NumPy operators can run on the default context (always, here: they run on torch)."""
    return True


def has_tvm_ops():
    """Whether the build has TVM-generated operators (never: there is no TVM here)."""
    return False


def _orthogonal(n, rng):
    q, r = _onp.linalg.qr(rng.uniform(-1.0, 1.0, (n, n)))
    return q * _onp.sign(_onp.diag(r))


def new_matrix_with_real_eigvals_2d(n):
    """A random ``n`` x ``n`` matrix with real, well separated eigenvalues: ``P diag(d) P^-1``."""
    rng = _onp.random
    d = rng.uniform(1.0, 2.0, n) * rng.choice([-1.0, 1.0], n)
    p = _orthogonal(n, rng) + _onp.eye(n) * 0.5
    return p.dot(_onp.diag(d)).dot(_onp.linalg.inv(p))


def new_matrix_with_real_eigvals_nd(shape):
    """A stack (leading axes of ``shape``) of square matrices with real eigenvalues."""
    n = shape[-1]
    mats = [new_matrix_with_real_eigvals_2d(n) for _ in range(int(_onp.prod(shape[:-2])))]
    return _onp.array(mats).reshape(shape)


def new_sym_matrix_with_real_eigvals_2d(n):
    """A random symmetric ``n`` x ``n`` matrix: ``Q diag(d) Q^T``."""
    rng = _onp.random
    q = _orthogonal(n, rng)
    d = rng.uniform(1.0, 2.0, n) * rng.choice([-1.0, 1.0], n)
    return q.dot(_onp.diag(d)).dot(q.T)


def new_sym_matrix_with_real_eigvals_nd(shape):
    n = shape[-1]
    mats = [new_sym_matrix_with_real_eigvals_2d(n) for _ in range(int(_onp.prod(shape[:-2])))]
    return _onp.array(mats).reshape(shape)


def check_gluon_hybridize_consistency(net_builder, data_l, numpy_func=None, test_grad=True, rtol=1e-4,
                                      atol=1e-4):
    """Run the block made by ``net_builder()`` on the arrays ``data_l`` imperatively and hybridized (with
    the same parameters); the outputs (and input gradients) must agree with each other and, when given, with
    ``numpy_func(*data)``. Returns the imperative outputs."""
    import mxnet as mx
    from ..test_utils import assert_almost_equal
    saved, results = None, []
    for hybridize in (False, True):
        net = net_builder()
        net.initialize()
        if saved is not None:
            for (_, p), v in zip(sorted(net.collect_params().items()), saved):
                p.set_data(v)
        if hybridize:
            net.hybridize()
        inputs = [x.copy() for x in data_l]
        for x in inputs:
            x.attach_grad()
        with mx.autograd.record():
            out = net(*inputs)
        outs = out if isinstance(out, (list, tuple)) else [out]
        if test_grad:
            mx.autograd.backward(outs)
        if saved is None:
            saved = [p.data().copy() for _, p in sorted(net.collect_params().items())]
        results.append(([o.asnumpy() for o in outs], [x.grad.asnumpy() for x in inputs] if test_grad else []))
    (o0, g0), (o1, g1) = results
    for a, b in zip(o0 + g0, o1 + g1):
        assert_almost_equal(a, b, rtol=rtol, atol=atol)
    if numpy_func is not None:
        ref = numpy_func(*[x.asnumpy() for x in data_l])
        ref = ref if isinstance(ref, (list, tuple)) else [ref]
        for a, b in zip(o0, ref):
            assert_almost_equal(a, b, rtol=rtol, atol=atol)
    return o0
