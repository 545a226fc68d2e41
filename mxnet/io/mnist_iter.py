"""``mx.io.MNISTIter``: batches of MNIST images and labels read from idx files."""
import logging
import struct
import sys
import time

import numpy as np

from ..base import MXNetError
from .._op import params as P
from .native import MXDataIter, dtype_param, open_maybe_gz, parse_params, split_range

__all__ = ['MNISTIter']

_SPEC = {
    'image': P.Str(default='./train-images-idx3-ubyte'),
    'label': P.Str(default='./train-labels-idx1-ubyte'),
    'batch_size': P.Int(default=128),
    'shuffle': P.Bool(default=True),
    'flat': P.Bool(default=False),
    'seed': P.Int(default=0),
    'silent': P.Bool(default=False),
    'num_parts': P.Int(default=1),
    'part_index': P.Int(default=0),
    'prefetch_buffer': P.Int(default=4, low=0),
    'ctx': P.Str(default='gpu'),
    'dtype': dtype_param(),
}
_IMAGE_MAGIC, _LABEL_MAGIC = 2051, 2049
_LOG = logging.getLogger(__name__)


def _log_info(msg):
    """MXNet's C++ LOG(INFO) line: through this module's logger once logging is configured, else straight to
    stderr. Never ``logging.info`` on an unconfigured root logger, which would configure it (at WARNING) and
    turn a later ``logging.basicConfig(level=...)`` of the user's script into a no-op."""
    if logging.getLogger().handlers or _LOG.handlers:
        _LOG.info(msg)
    else:
        sys.stderr.write('[%s] %s\n' % (time.strftime('%H:%M:%S'), msg))


def read_idx(path, magic, ndim):
    """The uint8 array stored in an idx file (big-endian header: magic, then ``ndim`` dimensions)."""
    with open_maybe_gz(path) as f:
        raw = f.read()
    head = 4 * (1 + ndim)
    if len(raw) < head:
        raise MXNetError('invalid mnist format: %s is too short' % path)
    fields = struct.unpack('>%di' % (1 + ndim), raw[:head])
    if fields[0] != magic:
        raise MXNetError('invalid mnist format: %s has magic number %d, expected %d' % (path, fields[0], magic))
    shape = fields[1:]
    count = int(np.prod(shape))
    if len(raw) - head < count:
        raise MXNetError('invalid mnist format: %s holds %d bytes of data, its header announces %d'
                         % (path, len(raw) - head, count))
    return np.frombuffer(raw, np.uint8, count, head).reshape(shape)


class MNISTIter(MXDataIter):
    """Batches of MNIST images (float32, pixel/256, shape (batch, 1, rows, cols) or (batch, rows*cols) with
    ``flat``) and labels (batch,). Only whole batches are produced (pad is always 0, index all zeros).

    ``shuffle`` (default True) permutes the samples once, with ``numpy.random.RandomState(seed)`` (MXNet's
    C++ generator gives a different order); ``num_parts``/``part_index`` select a contiguous share of the
    file. Files ending in ``.gz`` are decompressed (an extension: MXNet reads raw idx files only).
    """

    def __init__(self, *args, **kwargs):
        p = parse_params('MNISTIter', _SPEC, args, kwargs)
        if p['dtype'] not in (None, 'float32'):
            raise MXNetError('Check failed: MNISTIter produces float32 data, dtype %s is not supported' % p['dtype'])
        images = read_idx(p['image'], _IMAGE_MAGIC, 3)
        labels = read_idx(p['label'], _LABEL_MAGIC, 1)
        if labels.shape[0] != images.shape[0]:
            raise MXNetError('invalid mnist format: %d images but %d labels' % (images.shape[0], labels.shape[0]))
        begin, end = split_range(images.shape[0], p['num_parts'], p['part_index'])
        images, labels = images[begin:end], labels[begin:end]
        if p['shuffle']:
            order = np.random.RandomState(p['seed']).permutation(images.shape[0])
            images, labels = images[order], labels[order]
        n, rows, cols = images.shape
        sample_shape = (rows * cols,) if p['flat'] else (1, rows, cols)
        self._images = (images.astype(np.float32) / 256.0).reshape((n,) + sample_shape)
        self._labels = labels.astype(np.float32)
        self._bs = p['batch_size']
        self._loc = 0
        if not p['silent']:
            _log_info('MNISTIter: load %d images, shuffle=%d, shape=%s'
                      % (n, p['shuffle'], (self._bs,) + sample_shape))
        super().__init__(data_name=p['data_name'], label_name=p['label_name'])

    def _before_first(self):
        self._loc = 0

    def _next_batch(self):
        bs, loc = self._bs, self._loc
        if bs <= 0 or loc + bs > self._images.shape[0]:
            return None
        self._loc += bs
        return (self._images[loc:loc + bs].copy(), self._labels[loc:loc + bs].copy(),
                np.zeros(bs, np.uint64), 0)
