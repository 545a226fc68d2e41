"""Matrix products: dot (N-D, transposes, vectors), batch_dot, linalg_gemm2 (alpha, axis), khatri_rao.

Shapes and values checked against MXNet 1.9.1; dot of N-D arrays contracts lhs's last axis (first with
transpose_a) with rhs's first axis (last with transpose_b). Integer inputs are rejected as MXNet does.
"""
import numpy as np

from opdb import Case, ErrorCase, rand

F32_64 = ('float32', 'float64')
_TOL16 = {'float16': (2e-2, 2e-2)}


def dot_ref(a, b, transpose_a=False, transpose_b=False, forward_stype=None):
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    a2 = a64.reshape(a.shape[0], -1).T if transpose_a else a64.reshape(-1, a.shape[-1])
    b2 = b64.reshape(-1, b.shape[-1]).T if transpose_b else b64.reshape(b.shape[0], -1)
    shape = (a.shape[1:] if transpose_a else a.shape[:-1]) + (b.shape[:-1] if transpose_b else b.shape[1:])
    return (a2 @ b2).reshape(shape or (1,))


def batch_dot_ref(a, b, transpose_a=False, transpose_b=False, forward_stype=None):
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    return np.matmul(np.swapaxes(a64, -1, -2) if transpose_a else a64,
                     np.swapaxes(b64, -1, -2) if transpose_b else b64)


def gemm2_ref(a, b, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2):
    a2, b2 = np.moveaxis(a.astype(np.float64), axis, -2), np.moveaxis(b.astype(np.float64), axis, -2)
    return np.moveaxis(alpha * batch_dot_ref(a2, b2, transpose_a, transpose_b), -2, axis)


def khatri_rao_ref(*mats):
    out = mats[0].astype(np.float64)
    for m in mats[1:]:
        out = (out[:, None, :] * m[None, :, :]).reshape(-1, out.shape[1])
    return out


def _dot(shape_a, shape_b, name, **params):
    return Case('dot', rand(shape_a, shape_b), dot_ref, params=params, tol=_TOL16, name='dot_' + name)


CASES = [
    _dot((3, 4), (4, 5), '2d'),
    _dot((4, 3), (4, 5), '2d_ta', transpose_a=True),
    _dot((3, 4), (5, 4), '2d_tb', transpose_b=True),
    _dot((4, 3), (5, 4), '2d_tab', transpose_a=True, transpose_b=True),
    _dot((2, 3, 4), (4, 5), 'nd_2d'),
    _dot((2, 3, 4), (4, 5, 2), 'nd_nd'),
    _dot((4, 3, 2), (4, 5), 'nd_ta', transpose_a=True),
    _dot((2, 3, 4), (5, 2, 4), 'nd_tb', transpose_b=True),
    _dot((5,), (5,), 'vec_vec'),
    _dot((2, 5), (5,), 'mat_vec'),
    _dot((5,), (5, 3), 'vec_mat'),
    _dot((5, 1), (5,), 'ta_col_vec', transpose_a=True),
    _dot((3, 4), (4, 5), 'stype_ignored', forward_stype='default'),
    Case('batch_dot', rand((2, 3, 4), (2, 4, 5)), batch_dot_ref, tol=_TOL16),
    Case('batch_dot', rand((2, 4, 3), (2, 4, 5)), batch_dot_ref, params={'transpose_a': True}, tol=_TOL16,
         name='batch_dot_ta'),
    Case('batch_dot', rand((2, 3, 4), (2, 5, 4)), batch_dot_ref, params={'transpose_b': True}, tol=_TOL16,
         name='batch_dot_tb'),
    Case('batch_dot', rand((2, 2, 3, 4), (2, 2, 4, 3)), batch_dot_ref, tol=_TOL16, name='batch_dot_4d'),
    Case('linalg_gemm2', rand((3, 4), (4, 2)), gemm2_ref, dtypes=F32_64),
    Case('linalg_gemm2', rand((2, 4, 3), (2, 2, 4)), gemm2_ref, dtypes=F32_64,
         params={'transpose_a': True, 'transpose_b': True, 'alpha': 2.5}, name='linalg_gemm2_t_alpha'),
    Case('linalg_gemm2', rand((3, 2, 4), (4, 2, 5)), gemm2_ref, dtypes=F32_64, params={'axis': 0},
         name='linalg_gemm2_axis0'),
    Case('_linalg_gemm2', rand((2, 3, 4), (2, 4, 2)), gemm2_ref, dtypes=F32_64, name='_linalg_gemm2_batch'),
    Case('khatri_rao', rand((2, 3), (4, 3)), khatri_rao_ref, tol=_TOL16),
    Case('khatri_rao', rand((2, 3), (4, 3), (1, 3)), khatri_rao_ref, tol=_TOL16, name='khatri_rao_3'),
    Case('khatri_rao', rand((2, 3)), khatri_rao_ref, name='khatri_rao_1'),
]


def _ints(*shapes):
    return lambda rng, dtype: [np.ones(s, dtype='int32') for s in shapes]


ERROR_CASES = [
    ErrorCase('dot', rand((2, 3), (4, 5)), match=r'dot shape error: \[2,3\] X \[4,5\]'),
    ErrorCase('dot', rand((2, 3, 4), (3, 5)), match=r'dot shape error: \[2,3,4\] X \[3,5\]', name='dot_nd_error'),
    ErrorCase('dot', rand((3,), (3,)), {'transpose_a': True}, match='dot: cannot transpose vectors',
              name='dot_vector_transpose'),
    ErrorCase('dot', _ints((2, 3), (3, 2)), match='dot only supports float16/float32/float64 inputs, got int32',
              name='dot_int'),
    ErrorCase('batch_dot', rand((3, 4), (4, 5)), match=r'batch_dot only supports N-D x N-D .*\[3,4\] X \[4,5\]'),
    ErrorCase('batch_dot', rand((2, 3, 4), (3, 4, 5)), match='batch_dot shape error.*leading batch dimensions',
              name='batch_dot_batch_error'),
    ErrorCase('batch_dot', rand((2, 3, 4), (2, 5, 5)), match=r'batch_dot shape error: \[2,3,4\] X \[2,5,5\]',
              name='batch_dot_k_error'),
    ErrorCase('batch_dot', _ints((2, 3, 4), (2, 4, 5)), match='batch_dot only supports float', name='batch_dot_int'),
    ErrorCase('linalg_gemm2', rand((2, 3), (4, 4)), match='incompatible matrix dimensions'),
    ErrorCase('linalg_gemm2', rand((2, 3, 4), (3, 4, 2)), match='must be the same except on the row/column',
              name='linalg_gemm2_batch_error'),
    ErrorCase('linalg_gemm2', rand((3,), (3,)), match='same number', name='linalg_gemm2_1d'),
    ErrorCase('linalg_gemm2', rand((2, 3), (3, 2)), {'axis': -1}, match='axis -1', name='linalg_gemm2_axis'),
    ErrorCase('linalg_gemm2', lambda rng, dt: [np.ones((2, 2), 'float16')] * 2, match='float32/float64',
              name='linalg_gemm2_float16'),
    ErrorCase('khatri_rao', rand((2, 3), (4, 2)), match=r'khatri_rao: .*same number of columns.*\[2,3\], \[4,2\]'),
    ErrorCase('khatri_rao', rand((3,), (3,)), match='khatri_rao: every input must be a 2-D', name='khatri_rao_1d'),
]
