"""``mx.nd.save`` / ``mx.nd.load`` / ``mx.nd.load_frombuffer`` in MXNet 1.x's binary NDArray list format.

The layout (spec: ``mxnet-file-formats.md`` §2): a ``<QQQ`` header (magic 0x112, reserved, count), the array
records, then ``u64`` name count (0 or count) and length-prefixed UTF-8 names. Records are written as dense V2
records (classic shapes) and read in every version MXNet 1.9.1 reads: V1, V2, V3 and the pre-magic legacy form.
Reading is pure ``struct`` parsing; nothing from the file is executed.

The same record encoding backs pickling (``NDArray.__reduce__``), as in MXNet: the pickled state is
``{'handle': bytearray(<one record>)}``.
"""
import os
import struct

import numpy as np
import torch

from ..base import MXNetError
from .. import _dtype, _atomic
from ..util import is_np_shape, is_np_shape_global
from .ndarray import NDArray, wrap

__all__ = ['save', 'load', 'load_frombuffer']

LIST_MAGIC = 0x112
V1_MAGIC, V2_MAGIC, V3_MAGIC = 0xF993FAC8, 0xF993FAC9, 0xF993FACA
_STYPE_DEFAULT, _STYPE_ROW_SPARSE, _STYPE_CSR = 0, 1, 2
_NUM_AUX = {_STYPE_DEFAULT: 0, _STYPE_ROW_SPARSE: 1, _STYPE_CSR: 2}
_CPU_DEVTYPES = (1, 3, 5)  # cpu, cpu_pinned, cpu_shared all load onto cpu(0)
_GPU_DEVTYPE = 2
_MAX_NDIM = 32  # sanity bound: no real file has more, a corrupt one often does

# Storage dtype of each type flag; bfloat16 travels as its raw 16-bit pattern.
_FLAG2NP = {_dtype.NAME2FLAG[n]: np.dtype(np.int16 if n == 'bfloat16' else n) for n in _dtype.NAMES}
_BF16_FLAG = _dtype.NAME2FLAG['bfloat16']

_HEADER = struct.Struct('<QQQ')
_U64 = struct.Struct('<Q')
_I32 = struct.Struct('<i')
_U32 = struct.Struct('<I')
_CTX_FLAG = struct.Struct('<iii')


# ---- writing ----------------------------------------------------------------------------------------

def _type_flag(tdtype):
    name = _dtype.TORCH2NAME.get(tdtype)
    if name is None:
        raise MXNetError('cannot save an array of dtype %s: MXNet files hold only %s'
                         % (tdtype, ', '.join(_dtype.NAMES)))
    return _dtype.NAME2FLAG[name]


def record_chunks(arr):
    """The V2 dense record of NDArray ``arr`` as a list of bytes-like chunks (header, raw values).

    The values chunk is a view of the (CPU, contiguous) data: no per-element work and, for contiguous CPU
    arrays, no copy at all.
    """
    t = arr._data.detach()
    flag = _type_flag(t.dtype)
    if is_np_shape():  # MXNet writes V3 records under NumPy shape semantics: 0-d and zero-size as they are
        magic, shape = V3_MAGIC, tuple(t.shape)
    else:  # a V2 record cannot hold 0-d: store it as (1,), as MXNet 1.x arrays are
        magic, shape = V2_MAGIC, tuple(t.shape) or (1,)
    if t.dtype is torch.bfloat16:
        t = t.view(torch.int16)
    ctx = arr.context  # MXNet tags each record with the array's context (cpu(1) included)
    dev_type, dev_id = ctx.device_typeid, ctx.device_id
    if t.device.type != 'cpu':
        t = t.cpu()
    values = t.contiguous().numpy().reshape(-1).view(np.uint8)
    header = struct.pack('<Iii%dqiii' % len(shape), magic, _STYPE_DEFAULT, len(shape), *shape,
                         dev_type, dev_id, flag)
    return [header, memoryview(values)]


def dumps_record(arr):
    """One array record (MXNet's ``MXNDArraySaveRawBytes``) as a bytearray."""
    return bytearray().join(record_chunks(arr))


def _list_chunks(arrays, names):
    chunks = [_HEADER.pack(LIST_MAGIC, 0, len(arrays))]
    for a in arrays:
        chunks.extend(record_chunks(a))
    chunks.append(_U64.pack(len(names)))
    for n in names:
        b = n.encode('utf-8')
        chunks.append(_U64.pack(len(b)))
        chunks.append(b)
    return chunks


def _fspath(fname):
    if isinstance(fname, bytes) or not isinstance(fname, (str, os.PathLike)):
        raise TypeError('fname required to be a string')
    return os.fspath(fname)


def save(fname, data):
    """Save an NDArray, a list of NDArrays or a dict str -> NDArray to file ``fname`` (str or path-like).

    A dict keeps its names (``load`` returns a dict); a list or single array is stored unnamed (``load``
    returns a list). Records are dense V2 with each array's context tag. The file is replaced atomically.
    """
    path = _fspath(fname)
    if isinstance(data, NDArray):
        data = [data]
    if isinstance(data, dict):
        names, arrays = list(data.keys()), list(data.values())
        if any(not isinstance(k, str) for k in names) or any(not isinstance(v, NDArray) for v in arrays):
            raise TypeError('save only accept dict str->NDArray or list of NDArray')
    elif isinstance(data, list):
        names, arrays = [], data
        if any(not isinstance(v, NDArray) for v in arrays):
            raise TypeError('save only accept dict str->NDArray or list of NDArray')
    else:
        raise ValueError('data needs to either be a NDArray, dict of str, NDArray pairs or a list of NDarrays.')
    chunks = _list_chunks(arrays, names)
    try:
        _atomic.write(path, chunks)
    except OSError as e:
        raise MXNetError('mx.nd.save: cannot write %r: %s' % (path, e.strerror or e)) from e


# ---- reading ----------------------------------------------------------------------------------------

class _Source:
    """Sequential reader over a file object or a memory buffer that reports damage as MXNetError."""

    def __init__(self, what, size, fobj=None, buf=None):
        self.what, self.size, self.pos = what, size, 0
        self._f, self._buf = fobj, buf

    def fail(self, msg):
        raise MXNetError('%s: invalid NDArray file format: %s' % (self.what, msg))

    def _need(self, n, field):
        if n > self.size - self.pos:
            self.fail('truncated at byte %d: %s needs %d bytes but only %d remain'
                      % (self.size, field, n, self.size - self.pos))

    def take(self, n, field):
        self._need(n, field)
        if self._f is not None:
            b = self._f.read(n)
            if len(b) != n:
                self.fail('truncated at byte %d while reading %s' % (self.pos + len(b), field))
        else:
            b = self._buf[self.pos:self.pos + n]
        self.pos += n
        return b

    def unpack(self, st, field):
        return st.unpack(self.take(st.size, field))

    def values(self, dtype, count, field):
        """``count`` elements of ``dtype`` as a new, writable, owned numpy array."""
        n = dtype.itemsize * count
        self._need(n, field)
        if self._f is not None:
            out = np.empty(count, dtype)
            got = self._f.readinto(memoryview(out.view(np.uint8))) if n else 0
            if got != n:
                self.fail('truncated at byte %d while reading %s' % (self.pos + (got or 0), field))
        else:
            out = np.frombuffer(self._buf, dtype, count, self.pos).copy()
        self.pos += n
        return out


def _read_shape(src, field, legacy=False):
    """A TShape: i32 ndim then i64 dims (``legacy``: the u32 ndim was already read, dims are u32)."""
    if legacy is False:
        (ndim,) = src.unpack(_I32, field + ' ndim')
    else:
        ndim = legacy
    if not 0 <= ndim <= _MAX_NDIM:
        src.fail('%s has invalid ndim %d at byte %d' % (field, ndim, src.pos - 4))
    fmt = '<%d%s' % (ndim, 'I' if legacy is not False else 'q')
    return struct.unpack(fmt, src.take(struct.calcsize(fmt), field))


def _count(src, shape, field):
    n = nonzero = 1
    for d in shape:
        if d < 0:
            src.fail('%s %s has a negative dim' % (field, shape))
        n *= d
        nonzero *= max(d, 1)
    if nonzero >= 1 << 48:  # no real array has 2**48 elements, nor can a zero-size one have such dims
        src.fail('%s %s is too large' % (field, tuple(shape)))
    return n


def _read_record(src, index):
    """Read record ``index``; returns a torch tensor (sparse records densified) or raises MXNetError."""
    start = src.pos
    field = 'record %d' % index
    (magic,) = src.unpack(_U32, field + ' magic')
    np_shape = is_np_shape()
    if magic == V3_MAGIC and not np_shape:
        raise MXNetError('%s: %s was saved in NumPy shape semantics and must be loaded in them: load it inside '
                         '`with mx.np_shape(True):`' % (src.what, field))
    if magic != V3_MAGIC and np_shape and not is_np_shape_global():
        raise MXNetError('%s: %s was not saved in NumPy shape semantics but is loaded in them: load it inside '
                         '`with mx.np_shape(False):`' % (src.what, field))
    stype = _STYPE_DEFAULT
    if magic in (V2_MAGIC, V3_MAGIC):
        (stype,) = src.unpack(_I32, field + ' storage type')
        if stype not in _NUM_AUX:
            src.fail('%s has unknown storage type %d' % (field, stype))
        storage_shape = _read_shape(src, field + ' storage shape') if stype else None
        shape = _read_shape(src, field + ' shape')
        if (magic == V2_MAGIC and not shape) or any(d == -1 for d in shape):
            raise MXNetError('%s: %s (byte %d) is an uninitialised ("none") array, which cannot be loaded'
                             % (src.what, field, start))
    elif magic == V1_MAGIC:
        shape = _read_shape(src, field + ' shape')
    else:  # pre-magic legacy record: the word just read is ndim, dims are u32
        if magic > _MAX_NDIM:
            src.fail('%s at byte %d has unknown magic 0x%08x' % (field, start, magic))
        shape = _read_shape(src, field + ' shape', legacy=magic)
    dev_type, dev_id, flag = src.unpack(_CTX_FLAG, field + ' context and type flag')
    if dev_type not in _CPU_DEVTYPES and dev_type != _GPU_DEVTYPE:
        src.fail('%s has unknown device type %d' % (field, dev_type))
    dtype = _FLAG2NP.get(flag)
    if dtype is None:
        src.fail('%s has unsupported type flag %d' % (field, flag))
    if stype == _STYPE_DEFAULT:
        values = src.values(dtype, _count(src, shape, field + ' shape'), field + ' values')
        values = values.reshape(shape if shape or np_shape else (1,))
    else:
        aux = []
        for k in range(_NUM_AUX[stype]):
            (aflag,) = src.unpack(_I32, '%s aux %d type flag' % (field, k))
            adt = _FLAG2NP.get(aflag)
            if adt is None or adt.kind not in 'iu':
                src.fail('%s aux %d has invalid type flag %d' % (field, k, aflag))
            aux.append((adt, _read_shape(src, '%s aux %d shape' % (field, k))))
        # MXNet may record a stale zero-size storage shape; the aux shapes are always right (§2.5).
        storage_shape = ((aux[0][1][:1] + tuple(shape[1:])) if stype == _STYPE_ROW_SPARSE else aux[1][1])
        values = src.values(dtype, _count(src, storage_shape, field + ' storage shape'), field + ' values')
        aux = [src.values(adt, _count(src, ashape, field + ' aux shape'), '%s aux %d data' % (field, k))
               for k, (adt, ashape) in enumerate(aux)]
        values = _densify(src, field, stype, shape, values.reshape(storage_shape), aux)
    t = torch.from_numpy(values)
    if flag == _BF16_FLAG:
        t = t.view(torch.bfloat16)
    if dev_type == _GPU_DEVTYPE and torch.cuda.is_available() and dev_id < torch.cuda.device_count():
        t = t.to(torch.device('cuda', dev_id))
    return t


def _physical_memory():
    try:
        return os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE')
    except (ValueError, OSError, AttributeError):
        return 1 << 40


def _densify(src, field, stype, shape, values, aux):
    # A sparse record's dense shape is not backed by bytes in the file: bound it before allocating.
    nbytes = _count(src, shape, field + ' shape') * values.dtype.itemsize
    if nbytes > _physical_memory():
        src.fail('%s declares a %s array of shape %s (%d bytes dense), more than this machine\'s memory'
                 % (field, 'row_sparse' if stype == _STYPE_ROW_SPARSE else 'csr', tuple(shape), nbytes))
    try:
        dense = np.zeros(shape, values.dtype)
    except MemoryError:
        src.fail('%s: cannot allocate the dense array of shape %s (%d bytes)' % (field, tuple(shape), nbytes))
    if stype == _STYPE_ROW_SPARSE:
        (idx,) = aux
        if idx.size and (idx.min() < 0 or idx.max() >= shape[0]):
            src.fail('%s row_sparse indices out of range [0, %d)' % (field, shape[0]))
        dense[idx] = values
        return dense
    indptr, indices = aux
    if len(shape) != 2 or indptr.size != shape[0] + 1 or indices.size != values.size:
        src.fail('%s csr aux shapes do not match shape %s' % (field, shape))
    counts = np.diff(indptr)
    if indptr[0] != 0 or indptr[-1] != indices.size or (counts < 0).any():
        src.fail('%s csr indptr is not a valid row pointer' % field)
    if indices.size and (indices.min() < 0 or indices.max() >= shape[1]):
        src.fail('%s csr column indices out of range [0, %d)' % (field, shape[1]))
    dense[np.repeat(np.arange(shape[0]), counts), indices] = values
    return dense


def _read_list(src):
    magic, _reserved, count = src.unpack(_HEADER, 'header')
    if magic != LIST_MAGIC:
        src.fail('bad magic 0x%x (an NDArray list file starts with 0x%x)' % (magic, LIST_MAGIC))
    arrays = []
    for i in range(count):
        arrays.append(wrap(_read_record(src, i)))
    (nnames,) = src.unpack(_U64, 'name count')
    if nnames not in (0, count):
        src.fail('name count mismatch: %d names for %d arrays' % (nnames, count))
    names = []
    for i in range(nnames):
        (n,) = src.unpack(_U64, 'name %d length' % i)
        raw = src.take(n, 'name %d' % i)
        try:
            names.append(bytes(raw).decode('utf-8'))
        except UnicodeDecodeError:
            src.fail('name %d is not valid UTF-8' % i)
    return dict(zip(names, arrays)) if names else arrays


def load(fname):
    """Load arrays saved by ``mx.nd.save`` (or MXNet 0.8-1.9): a dict if the file has names, else a list.

    Sparse (row_sparse / csr) records are converted to dense NDArrays: this implementation has dense storage
    only. Arrays tagged gpu(i) load onto gpu(i) when that GPU exists, else onto cpu(0). As in MXNet 1.9.1, V3
    (numpy-shape) records load only under NumPy shape semantics (``mx.np_shape()``) and older records only
    outside them (unless turned on for every thread, ``set_np_shape(2)``). Damaged files raise MXNetError
    naming the file and the fault.
    """
    path = _fspath(fname)
    try:
        f = open(path, 'rb')
    except OSError as e:
        raise MXNetError('mx.nd.load: cannot open %r: %s' % (path, e.strerror or e)) from e
    with f:
        return _read_list(_Source(repr(path), os.fstat(f.fileno()).st_size, fobj=f))


def load_frombuffer(buf):
    """Like ``load`` but from the bytes of such a file (``bytes``, ``bytearray`` or ``memoryview``)."""
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise TypeError('buf required to be a string or bytes')
    mv = memoryview(buf).cast('B')
    return _read_list(_Source('buffer', mv.nbytes, buf=mv))


def loads_record(buf):
    """One array record (as made by ``dumps_record`` or MXNet's pickles) -> torch tensor."""
    mv = memoryview(buf).cast('B')
    return _read_record(_Source('pickled NDArray', mv.nbytes, buf=mv), 0)
