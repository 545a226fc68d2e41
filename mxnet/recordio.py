"""``mx.recordio``: read and write MXNet RecordIO (``.rec``) files, their ``.idx`` index and image records.

Byte layout (dmlc RecordIO): each record part is ``magic u32 | lrec u32 | data | zero padding to 4 bytes``
with ``lrec = cflag << 29 | length``. A payload word equal to the magic at an aligned offset is dropped and
the record split there (cflag 1 first, 2 middle, 3 last); readers put the magic back between parts.

Image records (:func:`pack_img` / :func:`unpack_img`) hold OpenCV-order images: **BGR**, as in MXNet.
"""
import numbers
import os
import struct
from collections import namedtuple

import numpy as np

from .base import MXNetError
from .image import codec

__all__ = ['MXRecordIO', 'MXIndexedRecordIO', 'IRHeader', 'pack', 'unpack', 'pack_img', 'unpack_img']

_MAGIC = 0xCED7230A
_MAGIC_BYTES = struct.pack('<I', _MAGIC)
_LEN_MASK = (1 << 29) - 1


def _encode_record(buf):
    """The on-disk bytes of one record holding payload ``buf``."""
    buf = bytes(buf)
    n = len(buf)
    if n > _LEN_MASK:
        raise MXNetError('RecordIO only accepts records smaller than 2^29 bytes, got %d' % n)
    out = []
    start, pos, cflag = 0, 0, 0
    while True:
        pos = buf.find(_MAGIC_BYTES, pos)
        if pos < 0:
            break
        if pos % 4:  # unaligned magic cannot be mistaken for a header: keep it
            pos += 1
            continue
        cflag = 1 if not out else 2
        out.append(struct.pack('<II', _MAGIC, cflag << 29 | (pos - start)))
        out.append(buf[start:pos])
        start = pos = pos + 4
    last = n - start
    out.append(struct.pack('<II', _MAGIC, (3 if out else 0) << 29 | last))
    out.append(buf[start:])
    out.append(b'\0' * ((-last) % 4))
    return b''.join(out)


def _read_record(f, uri=''):
    """Read the record at ``f``'s position; None at end of file."""
    parts = []
    start = f.tell()
    while True:
        head = f.read(8)
        if not head and not parts:
            return None
        if len(head) < 8:
            raise MXNetError('Invalid RecordIO file %s: truncated header of the record at offset %d'
                             % (uri, start))
        magic, lrec = struct.unpack('<II', head)
        if magic != _MAGIC:
            raise MXNetError('Invalid RecordIO file %s: bad magic number at offset %d' % (uri, f.tell() - 8))
        cflag, length = lrec >> 29, lrec & _LEN_MASK
        data = f.read(length)
        if len(data) < length:
            raise MXNetError('Invalid RecordIO file %s: the record at offset %d declares %d bytes but only %d '
                             'remain' % (uri, start, length, len(data)))
        parts.append(data)
        f.seek((-length) % 4, os.SEEK_CUR)
        if cflag in (0, 3):
            return _MAGIC_BYTES.join(parts)


def _record_offsets(f):
    """Offsets of every record start in a RecordIO file (scans the part headers, skipping the data)."""
    offsets = []
    f.seek(0, os.SEEK_END)
    size = f.tell()
    pos = 0
    while pos + 8 <= size:
        f.seek(pos)
        magic, lrec = struct.unpack('<II', f.read(8))
        if magic != _MAGIC:
            raise MXNetError('Invalid RecordIO file %s: bad magic number at offset %d'
                             % (getattr(f, 'name', ''), pos))
        if lrec >> 29 in (0, 1):
            offsets.append(pos)
        length = lrec & _LEN_MASK
        pos += 8 + length + (-length) % 4
    return offsets, size


class MXRecordIO:
    """Sequential RecordIO reader (``flag='r'``) or writer (``flag='w'``) on the file ``uri``.

    The file is opened on construction. Objects can be pickled: the copy reopens the file (a reader starts
    again from the first record). Using an open object in a forked process is refused, except that readers
    reopen themselves.
    """

    def __init__(self, uri, flag):
        self.uri = str(uri)
        self.handle = None
        self.flag = flag
        self.pid = None
        self.is_open = False
        self.writable = None
        self.open()

    def open(self):
        """Open the file (truncating it in write mode)."""
        if self.flag == 'w':
            mode, self.writable = 'wb', True
        elif self.flag == 'r':
            mode, self.writable = 'rb', False
        else:
            raise ValueError('Invalid flag %s' % self.flag)
        try:
            self.handle = open(self.uri, mode)
        except OSError as err:
            raise MXNetError('RecordIO: cannot open "%s": %s' % (self.uri, err.strerror)) from err
        self.pid = os.getpid()
        self.is_open = True

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __getstate__(self):
        d = dict(self.__dict__)
        d['handle'] = None
        return d

    def __setstate__(self, d):
        self.__dict__.update(d)
        self.handle = None
        self.is_open = False
        if d['is_open']:
            self.open()

    def _check_pid(self, allow_reset=False):
        if self.pid != os.getpid():
            if not allow_reset:
                raise RuntimeError('Forbidden operation in multiple processes')
            self.reset()

    def close(self):
        """Close the file (a no-op when already closed)."""
        if not self.is_open:
            return
        self.handle.close()
        self.handle = None
        self.is_open = False
        self.pid = None

    def reset(self):
        """Close and reopen: a reader goes back to the first record, a writer truncates the file."""
        self.close()
        self.open()

    def write(self, buf):
        """Append one record holding the bytes ``buf``."""
        assert self.writable
        self._check_pid(allow_reset=False)
        self.handle.write(_encode_record(buf))

    def read(self):
        """The next record's bytes, or None after the last one."""
        assert not self.writable
        self._check_pid(allow_reset=True)
        return _read_record(self.handle, self.uri)

    def tell(self):
        """Current byte offset in the file (where the next record starts)."""
        return self.handle.tell()


class MXIndexedRecordIO(MXRecordIO):
    """RecordIO with a text index ``idx_path`` (lines ``key<TAB>offset``) for random access by key.

    ``keys`` lists the keys in file order and ``idx`` maps key -> byte offset; ``key_type`` converts keys.
    """

    def __init__(self, idx_path, uri, flag, key_type=int):
        self.idx_path = str(idx_path)
        self.idx = {}
        self.keys = []
        self.key_type = key_type
        self.fidx = None
        super().__init__(uri, flag)

    def open(self):
        super().open()
        self.idx = {}
        self.keys = []
        try:
            self.fidx = open(self.idx_path, self.flag)
        except OSError as err:
            super().close()
            raise MXNetError('RecordIO: cannot open index "%s": %s' % (self.idx_path, err.strerror)) from err
        if not self.writable:
            try:
                self._read_index()
            except MXNetError:
                self.close()
                raise

    def _read_index(self):
        """Parse the index file: one ``key<TAB>offset`` line per record, offsets inside the record file."""
        size = os.fstat(self.handle.fileno()).st_size
        for lineno, raw in enumerate(iter(self.fidx.buffer.readline, b''), 1):
            where = 'RecordIO index "%s" line %d' % (self.idx_path, lineno)
            try:
                line = raw.decode('utf-8').strip()
            except UnicodeDecodeError:
                raise MXNetError('%s is not UTF-8 text (an index holds "key<TAB>offset" lines)' % where) from None
            if not line:
                continue
            fields = line.split('\t')
            if len(fields) != 2:
                raise MXNetError('%s: expected "key<TAB>offset", got %.80r' % (where, line))
            try:
                key, offset = self.key_type(fields[0]), int(fields[1])
            except (ValueError, TypeError) as e:
                raise MXNetError('%s: bad key or offset in %.80r (%s)' % (where, line, e)) from None
            if not 0 <= offset < max(size, 1):
                raise MXNetError('%s: offset %d of key %r is outside the record file "%s" (%d bytes)'
                                 % (where, offset, key, self.uri, size))
            self.idx[key] = offset
            self.keys.append(key)

    def close(self):
        if not self.is_open:
            return
        super().close()
        self.fidx.close()
        self.fidx = None

    def __getstate__(self):
        d = super().__getstate__()
        d['fidx'] = None
        return d

    def seek(self, idx):
        """Position the reader at the record with key ``idx``."""
        assert not self.writable
        self._check_pid(allow_reset=True)
        self.handle.seek(self.idx[idx])

    def tell(self):
        """Byte offset where the next written record starts (writers only, as in MXNet)."""
        assert self.writable
        return super().tell()

    def read_idx(self, idx):
        """The bytes of the record with key ``idx`` (KeyError for an unknown key)."""
        self.seek(idx)
        return self.read()

    def write_idx(self, idx, buf):
        """Append record ``buf`` under key ``idx`` and add its index line."""
        key = self.key_type(idx)
        pos = self.tell()
        self.write(buf)
        self.fidx.write('%s\t%d\n' % (str(key), pos))
        self.idx[key] = pos
        self.keys.append(key)


IRHeader = namedtuple('HEADER', ['flag', 'label', 'id', 'id2'])
IRHeader.__doc__ = """Image record header: ``flag`` (number of float labels stored after the header, 0 for a
scalar label), ``label`` (float or float32 array), ``id`` and ``id2`` (unsigned 64-bit ids)."""

_IR_FORMAT = '<IfQQ'
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def pack(header, s):
    """Record bytes for ``IRHeader`` ``header`` and payload ``s``.

    A numeric label goes in the header (flag forced to 0); an array label is stored as ``flag = label.size``
    float32 values right after the header, with the header's label set to 0.
    """
    header = IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + bytes(s)
    return struct.pack(_IR_FORMAT, *header) + bytes(s)


def unpack(s):
    """Split record bytes into ``(IRHeader, payload)``; a multi-label header gets a float32 array label."""
    s = bytes(s)
    if len(s) < _IR_SIZE:
        raise MXNetError('unpack: record of %d bytes is shorter than the %d-byte IRHeader' % (len(s), _IR_SIZE))
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        if header.flag * 4 > len(s):
            raise MXNetError('unpack: the IRHeader declares %d float labels (%d bytes) but only %d bytes follow it'
                             % (header.flag, header.flag * 4, len(s)))
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4:]
    return header, s


def unpack_img(s, iscolor=-1):
    """``(IRHeader, image)`` from an image record; the image is a uint8 array in OpenCV order (BGR, or HxW
    gray). ``iscolor`` is OpenCV's imread flag: -1 as stored, 0 grayscale, 1 three-channel BGR."""
    header, s = unpack(s)
    return header, codec.decode(s, iscolor)


def pack_img(header, img, quality=95, img_fmt='.jpg'):
    """Encode ``img`` (uint8, **BGR** channel order like OpenCV, or HxW gray) as ``img_fmt`` and pack it.

    ``quality`` is the JPEG quality (.jpg) or the PNG compression level (.png).
    """
    return pack(header, codec.encode(img, img_fmt, quality))
