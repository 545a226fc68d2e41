"""``mx.nd.sparse``: MXNet's sparse storage types and the operators registered as ``_sparse_<name>``.

``RowSparseNDArray`` ('row_sparse': a subset of rows, ``data`` and ``indices``) and ``CSRNDArray`` ('csr': a
2-D matrix as ``data``, ``indices``, ``indptr``) keep MXNet's interface, but their values are stored dense
underneath: ``data``/``indices``/``indptr`` are computed from the dense values on access (the stored rows /
elements are the non-zero ones), and every operator sees the dense array and returns a dense NDArray (MXNet's
"storage fallback"). Copies, ``copyto``, ``detach`` and ``tostype`` keep the storage type.
"""
import builtins

import numpy as np
import torch

from ..base import MXNetError, mx_real_t
from ..context import current_context
from .. import _dtype
from .._op import namespace as _namespace
from .register import make_function as _make_function
from .ndarray import NDArray

_namespace.attach(globals(), _namespace.SUBMODULES['sparse'], _make_function)

__all__ = ['BaseSparseNDArray', 'RowSparseNDArray', 'CSRNDArray', 'row_sparse_array', 'csr_matrix', 'zeros',
           'empty', 'array', 'retain', 'tostype']

STYPES = ('default', 'row_sparse', 'csr')


def _int64(values, ctx):
    return NDArray(torch.as_tensor(np.asarray(values, dtype=np.int64)).to(ctx.torch_device))


class BaseSparseNDArray(NDArray):
    """An NDArray with a sparse storage type (values held dense; see the module docstring)."""
    __slots__ = ()

    def copy(self):
        return _make(type(self), self._data.detach().clone())

    def copyto(self, other):
        """Copy into ``other`` (an NDArray: its storage type is kept) or a new array of this type on a Context."""
        if isinstance(other, NDArray):
            return NDArray.copyto(self, other)
        return _make(type(self), NDArray.copyto(self, other)._data)

    def todense(self):
        """The dense ('default') copy."""
        return tostype(self, 'default')

    def asscipy(self):
        import scipy.sparse as sp
        return sp.csr_matrix(self.asnumpy())

    def __repr__(self):
        return '\n<%s %s @%s>' % (type(self).__name__, 'x'.join(str(d) for d in self.shape), self.context)


class RowSparseNDArray(BaseSparseNDArray):
    """Rows ``indices`` (int64, ascending) of a ``shape`` array hold ``data``; all other rows are zero."""
    __slots__ = ()

    @property
    def stype(self):
        return 'row_sparse'

    def _rows(self):
        t = self._data.detach()
        if t.dim() == 0 or t.shape[0] == 0:
            return torch.zeros(0, dtype=torch.int64, device=t.device)
        return torch.nonzero(t.reshape(t.shape[0], -1).ne(0).any(dim=1)).reshape(-1)

    @property
    def indices(self):
        """The row ids of the stored rows (int64)."""
        return NDArray(self._rows())

    @property
    def data(self):
        """The stored rows, shape ``(len(indices),) + shape[1:]``."""
        return NDArray(self._data.detach()[self._rows()].clone())

    def retain(self, indices):
        """A RowSparseNDArray keeping only rows ``indices``."""
        return retain(self, indices)


class CSRNDArray(BaseSparseNDArray):
    """A 2-D matrix in compressed sparse row form: row ``i`` holds ``data[indptr[i]:indptr[i+1]]`` at columns
    ``indices[indptr[i]:indptr[i+1]]``."""
    __slots__ = ()

    @property
    def stype(self):
        return 'csr'

    def _csr(self):
        t = self._data.detach()
        nz = t.ne(0)
        rows, cols = torch.nonzero(nz, as_tuple=True)
        counts = nz.sum(dim=1)
        indptr = torch.zeros(t.shape[0] + 1, dtype=torch.int64, device=t.device)
        indptr[1:] = torch.cumsum(counts, 0)
        return t[rows, cols], cols.to(torch.int64), indptr

    @property
    def data(self):
        return NDArray(self._csr()[0].clone())

    @property
    def indices(self):
        return NDArray(self._csr()[1])

    @property
    def indptr(self):
        return NDArray(self._csr()[2])

    def __getitem__(self, key):
        """Rows ``key`` (an int or a slice of step 1) as a CSRNDArray."""
        _slice = builtins.slice  # ``slice`` here is the sparse operator
        if isinstance(key, int):
            key = _slice(key, key + 1) if key != -1 else _slice(key, None)
        if isinstance(key, _slice):
            if key.step not in (None, 1):
                raise MXNetError('CSRNDArray only supports slicing with step size 1')
            return _make(CSRNDArray, self._data[key])
        raise MXNetError('CSRNDArray only supports row slicing, got %s' % type(key).__name__)


_CLASSES = {'row_sparse': RowSparseNDArray, 'csr': CSRNDArray, 'default': NDArray}


def _make(cls, tensor):
    a = object.__new__(cls)
    a._data = tensor
    return a


def tostype(arr, stype):
    """A copy of NDArray ``arr`` with storage type ``stype`` ('default', 'row_sparse' or 'csr')."""
    if stype not in _CLASSES:
        raise MXNetError('Unknown storage type %r: expected one of %s' % (stype, ', '.join(STYPES)))
    if stype == 'csr' and arr.ndim != 2:
        raise MXNetError('cast_storage: a csr array must be 2-D, got shape %s' % (arr.shape,))
    return _make(_CLASSES[stype], arr._data.detach().clone())


def like(arr, tensor):
    """``tensor`` wrapped with the storage type of NDArray ``arr``."""
    return _make(type(arr) if isinstance(arr, BaseSparseNDArray) else NDArray, tensor)


def _dtype_of(dtype, *sources):
    if dtype is not None:
        return _dtype.to_torch(dtype)
    for s in sources:
        if isinstance(s, NDArray):
            return s._data.dtype
        if isinstance(s, np.ndarray):
            return _dtype.to_torch(s.dtype)
    return _dtype.to_torch(mx_real_t)


def _tensor(x, tdt, dev):
    if isinstance(x, NDArray):
        return x._data.detach().to(device=dev, dtype=tdt)
    return torch.as_tensor(np.asarray(x)).to(device=dev, dtype=tdt)


def zeros(stype, shape, ctx=None, dtype=None, **kwargs):
    """An all-zero array of storage type ``stype``."""
    if isinstance(shape, int):
        shape = (shape,)
    ctx = ctx or current_context()
    t = torch.zeros(tuple(shape), dtype=_dtype.to_torch(dtype or mx_real_t), device=ctx.torch_device)
    if stype == 'csr' and len(shape) != 2:
        raise MXNetError('zeros: a csr array must be 2-D, got shape %s' % (tuple(shape),))
    if stype not in _CLASSES:
        raise MXNetError('Unknown storage type %r' % (stype,))
    return _make(_CLASSES[stype], t)


def empty(stype, shape, ctx=None, dtype=None):
    """An array of storage type ``stype`` with no stored values (all zero)."""
    return zeros(stype, shape, ctx, dtype)


def _scipy_dense(x):
    return x.toarray() if hasattr(x, 'tocsr') and hasattr(x, 'toarray') else None


def row_sparse_array(arg1, shape=None, ctx=None, dtype=None):
    """A RowSparseNDArray from ``(data, indices)`` (rows ``indices`` hold ``data``; ``shape`` defaults to
    ``(max(indices) + 1,) + data.shape[1:]``), from another RowSparseNDArray, or from dense values."""
    ctx = ctx or current_context()
    dev = ctx.torch_device
    if isinstance(arg1, tuple) and len(arg1) == 2 and not isinstance(arg1[0], int):
        data, indices = arg1
        tdt = _dtype_of(dtype, data)
        d = _tensor(data, tdt, dev)
        idx = _tensor(indices, torch.int64, dev).reshape(-1)
        if d.dim() == 0 or d.shape[0] != idx.numel():
            raise MXNetError('row_sparse_array: data has %s rows but %d indices are given'
                             % (tuple(d.shape)[:1], idx.numel()))
        if shape is None:
            shape = (int(idx.max()) + 1 if idx.numel() else 0,) + tuple(d.shape[1:])
        out = torch.zeros(tuple(shape), dtype=tdt, device=dev)
        if idx.numel():
            out[idx] = d
        return _make(RowSparseNDArray, out)
    if isinstance(arg1, tuple):  # a shape: an empty array
        return zeros('row_sparse', arg1, ctx, dtype)
    dense = _scipy_dense(arg1)
    src = arg1 if dense is None else dense
    tdt = _dtype_of(dtype, src)
    out = _tensor(src, tdt, dev).clone()
    if shape is not None and tuple(out.shape) != tuple(shape):
        raise MXNetError('row_sparse_array: values of shape %s do not match shape %s' % (tuple(out.shape), shape))
    return _make(RowSparseNDArray, out)


def csr_matrix(arg1, shape=None, ctx=None, dtype=None):
    """A CSRNDArray from ``(data, indices, indptr)``, from COO ``(data, (row, col))``, from a scipy sparse
    matrix, from another CSRNDArray or from dense 2-D values. ``shape`` defaults to the smallest that holds
    the entries."""
    ctx = ctx or current_context()
    dev = ctx.torch_device
    if isinstance(arg1, tuple) and len(arg1) == 3:
        data, indices, indptr = arg1
        tdt = _dtype_of(dtype, data)
        d = _tensor(data, tdt, dev).reshape(-1)
        cols = _tensor(indices, torch.int64, dev).reshape(-1)
        ptr = _tensor(indptr, torch.int64, dev).reshape(-1)
        if d.numel() != cols.numel() or ptr.numel() == 0 or int(ptr[-1]) != d.numel():
            raise MXNetError('csr_matrix: data (%d), indices (%d) and indptr (last %s) disagree'
                             % (d.numel(), cols.numel(), int(ptr[-1]) if ptr.numel() else None))
        nrows = ptr.numel() - 1
        if shape is None:
            shape = (nrows, int(cols.max()) + 1 if cols.numel() else 0)
        rows = torch.repeat_interleave(torch.arange(nrows, device=dev), ptr[1:] - ptr[:-1])
        out = torch.zeros(tuple(shape), dtype=tdt, device=dev)
        out[rows, cols] = d
        return _make(CSRNDArray, out)
    if isinstance(arg1, tuple) and len(arg1) == 2 and isinstance(arg1[1], tuple):
        data, (row, col) = arg1
        tdt = _dtype_of(dtype, data)
        d = _tensor(data, tdt, dev).reshape(-1)
        r = _tensor(row, torch.int64, dev).reshape(-1)
        c = _tensor(col, torch.int64, dev).reshape(-1)
        if shape is None:
            shape = (int(r.max()) + 1 if r.numel() else 0, int(c.max()) + 1 if c.numel() else 0)
        out = torch.zeros(tuple(shape), dtype=tdt, device=dev)
        out.index_put_((r, c), d, accumulate=True)
        return _make(CSRNDArray, out)
    if isinstance(arg1, tuple):  # a shape
        return zeros('csr', arg1, ctx, dtype)
    dense = _scipy_dense(arg1)
    src = arg1 if dense is None else dense
    if dense is not None and dtype is None:
        dtype = dense.dtype
    tdt = _dtype_of(dtype, src)
    out = _tensor(src, tdt, dev).clone()
    if out.dim() != 2:
        raise MXNetError('csr_matrix: values must be 2-D, got shape %s' % (tuple(out.shape),))
    return _make(CSRNDArray, out)


def array(source_array, ctx=None, dtype=None):
    """A sparse array of the storage type of ``source_array`` (a sparse NDArray or a scipy sparse matrix)."""
    if isinstance(source_array, RowSparseNDArray):
        return row_sparse_array(source_array, ctx=ctx, dtype=dtype)
    if isinstance(source_array, CSRNDArray) or _scipy_dense(source_array) is not None:
        return csr_matrix(source_array, ctx=ctx, dtype=dtype)
    raise ValueError('Unexpected source_array type %s: a sparse NDArray or a scipy sparse matrix is expected'
                     % type(source_array).__name__)


def retain(data, indices):
    """A RowSparseNDArray with only the rows ``indices`` of row_sparse ``data`` (others zero)."""
    if not isinstance(data, NDArray):
        raise TypeError('retain: data must be an NDArray')
    t = data._data.detach()
    idx = _tensor(indices, torch.int64, t.device).reshape(-1)
    out = torch.zeros_like(t)
    if idx.numel():
        out[idx] = t[idx]
    return _make(RowSparseNDArray, out)
