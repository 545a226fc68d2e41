"""Sorting: topk (every ret_typ, k <= 0, axis None, index dtypes), sort, argsort.

Checked against MXNet 1.9.1: equal elements keep their original order in both directions (integer inputs
have many ties), indices default to float32, a mask has the input dtype.
"""
import numpy as np

from opdb import ALL, FLOATS, Case, ErrorCase, rand

INDEX_OK = FLOATS + ('int32', 'int64', 'uint8')  # input dtypes that are also valid index dtypes


def order(x, axis, ascending):
    """Stable sorting permutation along ``axis`` (ties keep their order, also when descending)."""
    key = x.astype(np.float64)
    return np.argsort(key if ascending else -key, axis=axis, kind='stable')


def _flat(x, axis):
    return (x.ravel(), 0) if axis is None else (x, axis)


def topk_ref(x, axis=-1, k=1, ret_typ='indices', is_ascend=False, dtype='float32'):
    xx, ax = _flat(x, axis)
    n = xx.shape[ax]
    idx = np.take(order(xx, ax, is_ascend), np.arange(k if k > 0 else n), axis=ax)
    if ret_typ == 'mask':
        mask = np.zeros_like(xx)
        np.put_along_axis(mask, idx, 1, ax)
        return mask.reshape(x.shape)
    vals = np.take_along_axis(xx, idx, ax)
    return {'indices': idx.astype(dtype), 'value': vals, 'both': [vals, idx.astype(dtype)]}[ret_typ]


def sort_ref(x, axis=-1, is_ascend=True):
    xx, ax = _flat(x, axis)
    return np.take_along_axis(xx, order(xx, ax, is_ascend), ax)


def argsort_ref(x, axis=-1, is_ascend=True, dtype='float32'):
    xx, ax = _flat(x, axis)
    return order(xx, ax, is_ascend).astype(dtype)


def distinct(shape):
    """Inputs without ties: MXNet's tie order is only stable for short rows (it uses std::sort)."""
    def make(rng, dtype):
        n = int(np.prod(shape))
        return [(rng.permutation(n).reshape(shape) - n // 2).astype(dtype) if dtype != 'uint8'
                else rng.permutation(n).reshape(shape).astype(dtype)]
    return make


def _same(dt):
    return dt


F32 = 'float32'
CASES = [
    Case('topk', rand((3, 6)), topk_ref, dtypes=ALL, out_dtype=F32, grad=False, name='topk_default'),
    Case('topk', rand((3, 6)), topk_ref, params={'k': 3}, dtypes=ALL, out_dtype=F32, grad=False,
         name='topk_indices'),
    Case('topk', rand((3, 6)), topk_ref, params={'k': 3, 'is_ascend': True}, dtypes=ALL, out_dtype=F32,
         grad=False, name='topk_ascend'),
    Case('topk', rand((4, 3, 2)), topk_ref, params={'k': 2, 'axis': 0, 'ret_typ': 'value'}, dtypes=ALL,
         name='topk_value_axis0'),
    Case('topk', rand((3, 6)), topk_ref, params={'k': 4, 'ret_typ': 'both', 'dtype': _same}, dtypes=INDEX_OK,
         name='topk_both'),
    Case('topk', rand((3, 6)), topk_ref, params={'k': 2, 'ret_typ': 'both', 'is_ascend': True, 'axis': -2,
                                                 'dtype': _same}, dtypes=INDEX_OK, name='topk_both_ascend'),
    Case('topk', rand((3, 6)), topk_ref, params={'k': 2, 'ret_typ': 'mask'}, dtypes=ALL, grad=False,
         name='topk_mask'),
    Case('topk', rand((3, 6)), topk_ref, params={'k': 3, 'ret_typ': 'mask', 'axis': None}, dtypes=ALL,
         grad=False, name='topk_mask_flat'),
    Case('topk', distinct((3, 6)), topk_ref, params={'k': 5, 'axis': None}, dtypes=ALL, out_dtype=F32, grad=False,
         name='topk_flat'),
    Case('topk', rand((3, 6)), topk_ref, params={'k': 0}, dtypes=ALL, out_dtype=F32, grad=False,
         name='topk_k0_all'),
    Case('topk', rand((3, 6)), topk_ref, params={'k': -1, 'ret_typ': 'value'}, dtypes=ALL, name='topk_kneg_all'),
    Case('topk', rand((3, 6)), topk_ref, params={'k': 2, 'dtype': 'int64'}, dtypes=ALL, out_dtype='int64',
         grad=False, name='topk_int64_indices'),
    Case('topk', lambda rng, dt: [np.array([[3, 1, 3, 2], [0, 5, 5, 5]], dtype=dt)], topk_ref,
         params={'k': 3, 'ret_typ': 'both', 'dtype': _same}, dtypes=INDEX_OK, grad=False, name='topk_ties'),
    Case('sort', rand((3, 6)), sort_ref, dtypes=ALL),
    Case('sort', rand((3, 6)), sort_ref, params={'is_ascend': False}, dtypes=ALL, name='sort_descend'),
    Case('sort', rand((4, 3, 2)), sort_ref, params={'axis': 0}, dtypes=ALL, name='sort_axis0'),
    Case('sort', rand((3, 4)), sort_ref, params={'axis': None, 'is_ascend': False}, dtypes=ALL, name='sort_flat'),
    Case('argsort', rand((3, 6)), argsort_ref, dtypes=ALL, out_dtype=F32, grad=False),
    Case('argsort', rand((3, 6)), argsort_ref, params={'is_ascend': False}, dtypes=ALL, out_dtype=F32, grad=False,
         name='argsort_descend'),
    Case('argsort', rand((4, 3, 2)), argsort_ref, params={'axis': -3, 'dtype': 'int32'}, dtypes=ALL,
         out_dtype='int32', grad=False, name='argsort_axis_int32'),
    Case('argsort', rand((3, 4)), argsort_ref, params={'axis': None, 'dtype': 'float64'}, dtypes=ALL,
         out_dtype='float64', grad=False, name='argsort_flat'),
]

ERROR_CASES = [
    ErrorCase('topk', rand((2, 4)), {'k': 5}, match='topk: k must not exceed the size 4'),
    ErrorCase('topk', rand((2, 4)), {'axis': 2}, match='topk: invalid axis 2', name='topk_axis_error'),
    ErrorCase('topk', rand((2, 4)), {'axis': -3}, match='topk: invalid axis -3', name='topk_neg_axis_error'),
    ErrorCase('topk', rand((2, 4)), {'ret_typ': 'foo'}, match='ret_typ', name='topk_ret_typ_error'),
    ErrorCase('topk', rand((2, 4)), {'dtype': 'int8'}, match='dtype', name='topk_dtype_error'),
    ErrorCase('sort', rand((2, 4)), {'axis': 5}, match='sort: invalid axis 5'),
    ErrorCase('argsort', rand((2, 4)), {'axis': -3}, match='argsort: invalid axis -3'),
    ErrorCase('argsort', rand((2, 4)), {'dtype': 'bool'}, match='dtype', name='argsort_dtype_error'),
]
