"""Indexing operators. Index inputs are float arrays holding k + 0.5 (MXNet truncates float indices), so the
numerical gradient check never moves an index across an integer."""
import numpy as np

from opdb import ALL, FLOATS, Case, ErrorCase, rand


def _with(data_shape, *indices, idx_dtype='float32'):
    """inputs(): data of ``data_shape`` in the case dtype, then each index list as an ``idx_dtype`` array."""
    def make(rng, dtype):
        return rand(data_shape)(rng, dtype) + [np.array(i, dtype=idx_dtype) for i in indices]
    return make


def _idx(a):
    return np.trunc(a).astype(np.int64)


def _take(a, i, axis=0, mode='clip'):
    n = a.shape[axis]
    i = _idx(i)
    i = np.clip(i, 0, n - 1) if mode == 'clip' else np.mod(i, n)
    return np.take(a, i, axis=axis)


def _pick(x, i, axis=-1, keepdims=False, mode='clip'):
    n = x.shape[axis]
    i = _idx(i)
    i = np.clip(i, 0, n - 1) if mode == 'clip' else np.mod(i, n)
    out = np.take_along_axis(x, np.expand_dims(i, axis), axis)
    return out if keepdims else np.squeeze(out, axis)


def _one_hot(i, depth, on_value=1.0, off_value=0.0, dtype='float32'):
    i = _idx(i)
    out = np.full(i.shape + (depth,), off_value, dtype=dtype)
    for pos in np.ndindex(*i.shape):
        if 0 <= i[pos] < depth:
            out[pos + (i[pos],)] = on_value
    return out


def _cond(shape):
    def make(rng, dtype):
        x, y = rand(shape, shape)(rng, dtype)
        return [rng.randint(0, 2, size=shape).astype(dtype), x, y]
    return make


def _cond_rows(shape):
    def make(rng, dtype):
        x, y = rand(shape, shape)(rng, dtype)
        return [np.array([0, 1, 1], dtype=dtype)[:shape[0]], x, y]
    return make


def _embedding(d, w, input_dim, output_dim):
    return w[np.clip(_idx(d), 0, input_dim - 1)]


def _indices_first(shape, *indices):
    def make(rng, dtype):
        return [np.array(i, dtype='float32') for i in indices] + rand(shape)(rng, dtype)
    return make


def _embed_inputs(rng, dtype):
    return [np.array([[0.5, 2.5], [5.5, -1.5]], dtype='float32'), rand((3, 4))(rng, dtype)[0]]


def _gather_nd(d, i):
    i = _idx(i)
    return d[tuple(i)]


def _scatter_nd(v, i, shape):
    i = _idx(i)
    out = np.zeros(shape, dtype=v.dtype)
    out[tuple(i)] = v
    return out


def _batch_take(a, i):
    i = np.clip(_idx(i), 0, a.shape[-1] - 1)
    return a[np.arange(a.shape[0]), i]


def _mask_inputs(rng, dtype):
    return [rand((4, 3))(rng, dtype)[0], np.array([0, 1, 0, 1], dtype=dtype)]


CASES = [
    Case('take', _with((3, 4), [[0.5, 5.5], [-1.5, 1.7]]), _take, dtypes=ALL),
    Case('take', _with((3, 4), [0.5, 5.5, -1.5, -6.5]), _take, {'axis': 1, 'mode': 'wrap'}, name='take_wrap'),
    Case('take', _with((3, 4, 2), [[1, 2]], idx_dtype='int32'), _take, {'axis': -2}, dtypes=ALL,
         name='take_int_indices', grad=False),
    Case('take', _with((5,), [1.5]), _take, name='take_1d'),
    Case('pick', _with((3, 4), [0.5, 5.5, -1.5]), _pick, {'axis': 1}, dtypes=ALL),
    Case('pick', _with((3, 4), [0.5, 5.5, -1.5]), _pick, {'axis': 1, 'mode': 'wrap'}, name='pick_wrap'),
    Case('pick', _with((3, 4), [0.5, 1.5, 2.5, 2.5]), _pick, {'axis': 0, 'keepdims': True}, name='pick_keepdims'),
    Case('one_hot', lambda rng, dt: [np.array([1.5, 0.5, 5.5, -1.5], dtype=dt)], _one_hot, {'depth': 3},
         dtypes=('float32', 'int32'), out_dtype='float32', grad=False),
    Case('one_hot', lambda rng, dt: [np.array([[1, 2]], dtype=dt)], _one_hot,
         {'depth': 3, 'on_value': 5, 'off_value': -1, 'dtype': 'int32'}, dtypes=('float32', 'int64'),
         out_dtype='int32', grad=False, name='one_hot_values'),
    Case('where', _cond((2, 3)), lambda c, x, y: np.where(c != 0, x, y), dtypes=ALL, grad=False),
    Case('where', _cond_rows((3, 2)), lambda c, x, y: np.where(c[:, None] != 0, x, y), dtypes=ALL, grad=False,
         name='where_rows'),
    Case('Embedding', _embed_inputs, _embedding, {'input_dim': 3, 'output_dim': 4}),
    Case('_contrib_SparseEmbedding', _embed_inputs, _embedding, {'input_dim': 3, 'output_dim': 4}),
    Case('gather_nd', _with((3, 4), [[0.5, 2.5], [1.5, -1.5]]), _gather_nd, dtypes=ALL),
    Case('gather_nd', _with((3, 4, 2), [[0.5, 2.5]]), _gather_nd, name='gather_nd_partial'),
    Case('scatter_nd', lambda rng, dt: rand((2,))(rng, dt) + [np.array([[1.5, 0.5], [1.5, 1.5]], dtype='float32')],
         _scatter_nd, {'shape': (2, 2)}, dtypes=ALL),
    Case('scatter_nd', lambda rng, dt: rand((1, 3))(rng, dt) + [np.array([[1.5]], dtype='float32')],
         _scatter_nd, {'shape': (2, 3)}, name='scatter_nd_rows'),
    # no gradient in MXNet: binding it for backward is an error (tests/test_symbol_passes.py)
    Case('batch_take', _with((3, 4), [0.5, 3.5, 1.5]), _batch_take, dtypes=ALL, grad=False),
    Case('_contrib_boolean_mask', _mask_inputs, lambda d, i: d[i != 0], dtypes=ALL, grad=False,
         dynamic_shape=True),
]

ERROR_CASES = [
    ErrorCase('take', _with((3, 4), [0, 5]), {'mode': 'raise'}, exc=IndexError, match='out of bounds'),
    ErrorCase('take', _with((3, 4), [1]), {'axis': 2}, match='out of range', name='take_axis'),
    ErrorCase('pick', _with((3, 4), [0, 1]), {'axis': 1}, match='does not match'),
    ErrorCase('pick', _with((3, 4), [0, 1, 2]), {'axis': None}, match='axis', name='pick_axis_none'),
    ErrorCase('where', lambda rng, dt: [np.ones(3, dt), np.ones((2, 2), dt), np.ones((2, 2), dt)],
              match='condition'),
    ErrorCase('where', lambda rng, dt: [np.ones(2, dt), np.ones((2, 2), dt), np.ones((2, 3), dt)],
              match='same shape', name='where_xy_shape'),
    ErrorCase('where', lambda rng, dt: [np.ones(2, dt), np.ones(2, dt), np.ones(2, 'int32')],
              match='dtype', name='where_xy_dtype'),
    ErrorCase('Embedding', lambda rng, dt: [np.zeros(1, dt), np.ones((3, 2), dt)], {'input_dim': 4, 'output_dim': 2},
              match='input_dim=4'),
    ErrorCase('gather_nd', _with((3, 4), [[0, 5], [1, 7]]), exc=IndexError, match='index 5'),
    ErrorCase('gather_nd', _with((3, 4), [[0], [1], [2]]), match='must not exceed', name='gather_nd_depth'),
    ErrorCase('scatter_nd', _with((3,), [[0, 1]]), {'shape': (2, 2)}, match='do not fit'),
    ErrorCase('_contrib_boolean_mask', _with((3, 4), [0, 1]), match='length 3'),
]
