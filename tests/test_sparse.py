"""mx.nd.sparse: row_sparse / csr arrays (dense storage underneath) and their MXNet interface."""
import numpy as np
import pytest

import mxnet as mx
from mxnet.test_utils import rand_ndarray


def test_row_sparse_from_data_indices():
    a = mx.nd.sparse.row_sparse_array(([[1, 2], [3, 4]], [1, 3]), shape=(4, 2))
    assert isinstance(a, mx.nd.sparse.RowSparseNDArray) and a.stype == 'row_sparse'
    np.testing.assert_array_equal(a.asnumpy(), [[0, 0], [1, 2], [0, 0], [3, 4]])
    np.testing.assert_array_equal(a.indices.asnumpy(), [1, 3])
    assert a.indices.dtype == np.int64
    np.testing.assert_array_equal(a.data.asnumpy(), [[1, 2], [3, 4]])
    assert mx.nd.sparse.row_sparse_array(([[1, 2]], [2])).shape == (3, 2)


def test_csr_forms_agree():
    dense = np.array([[0, 1, 0], [2, 0, 3]], dtype=np.float32)
    a = mx.nd.sparse.csr_matrix(([1, 2, 3], [1, 0, 2], [0, 1, 3]), shape=(2, 3))
    b = mx.nd.sparse.csr_matrix(([1, 2, 3], ([0, 1, 1], [1, 0, 2])), shape=(2, 3))
    c = mx.nd.array(dense).tostype('csr')
    for m in (a, b, c):
        assert m.stype == 'csr'
        np.testing.assert_array_equal(m.asnumpy(), dense)
        np.testing.assert_array_equal(m.indptr.asnumpy(), [0, 1, 3])
        np.testing.assert_array_equal(m.indices.asnumpy(), [1, 0, 2])
        np.testing.assert_array_equal(m.data.asnumpy(), [1, 2, 3])
    np.testing.assert_array_equal(a[1].asnumpy(), dense[1:2])
    with pytest.raises(mx.MXNetError):
        mx.nd.ones((2, 2, 2)).tostype('csr')


def test_storage_kept_by_copies_and_lost_by_ops():
    x = mx.nd.ones((3, 2)).tostype('row_sparse')
    assert x.copy().stype == 'row_sparse' and x.copyto(mx.cpu()).stype == 'row_sparse'
    assert x.tostype('default').stype == 'default'
    y = x * 2 + 1  # operators run on the dense values (MXNet's storage fallback)
    assert y.stype == 'default'
    np.testing.assert_array_equal(y.asnumpy(), 3 * np.ones((3, 2)))


def test_zeros_and_retain():
    z = mx.nd.zeros((4, 2), stype='row_sparse')
    assert z.stype == 'row_sparse' and z.indices.shape == (0,)
    assert mx.nd.sparse.zeros('csr', (2, 2)).stype == 'csr'
    a = mx.nd.array(np.arange(8).reshape(4, 2) + 1).tostype('row_sparse')
    r = mx.nd.sparse.retain(a, mx.nd.array([0, 2]))
    np.testing.assert_array_equal(r.indices.asnumpy(), [0, 2])
    np.testing.assert_array_equal(r.asnumpy()[[1, 3]], 0)


@pytest.mark.parametrize('stype', ['row_sparse', 'csr'])
def test_rand_ndarray_sparse(stype):
    a = rand_ndarray((20, 5), stype, density=0.3)
    assert a.stype == stype
    frac = (a.asnumpy() != 0).mean()
    assert 0.0 < frac < 0.7
    assert (rand_ndarray((5, 5), stype, density=0).asnumpy() == 0).all()
