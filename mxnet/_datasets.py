"""The data helpers of ``mx.test_utils`` (download, get_mnist*, get_cifar10, get_zip_data, get_bz2_data).

MXNet's versions download from the internet. These read the files when they are already present under the
given folder; otherwise MNIST and CIFAR-10 are replaced by small synthetic data sets of the same sizes
and file formats (class-dependent patterns plus noise, so models can learn them), made offline with a
logged warning. Anything else that would need a download raises MXNetError naming the missing file.
"""
import bz2
import gzip
import logging
import os
import pickle
import shutil
import struct
import zipfile

import numpy as np

from .base import MXNetError

__all__ = ['download', 'get_mnist', 'get_mnist_ubyte', 'get_mnist_pkl', 'get_mnist_iterator', 'get_cifar10',
           'get_zip_data', 'get_bz2_data']

_LOG = logging.getLogger('mxnet.test_utils')
_MNIST_FILES = {'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 60000),
                't10k': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 10000)}


def download(url, fname=None, dirname=None, overwrite=False, retries=5):
    """The local path of ``url``'s file (``fname``, or the URL's last part, under ``dirname``).

    There is no network access here: an existing file is returned as it is; a missing one (or
    ``overwrite=True``) raises MXNetError saying where to put it.
    """
    if fname is None:
        fname = url.split('/')[-1]
    if dirname is not None:
        fname = os.path.join(dirname, fname)
    fname = os.path.expanduser(fname)
    if os.path.exists(fname) and not overwrite:
        return fname
    raise MXNetError('download: cannot fetch %s (no network access); place the file at %s' % (url, fname))


# ---- synthetic data --------------------------------------------------------------------------------
def _synthetic_digits(n, seed, rows=28, cols=28):
    """``n`` uint8 ``rows x cols`` images and uint8 labels 0-9 (balanced): a fixed blurred blob pattern
    per class plus noise."""
    rng = np.random.RandomState(1234)
    protos = rng.rand(10, rows // 4, cols // 4)
    protos = np.kron(protos, np.ones((4, 4)))[:, :rows, :cols] * 200
    rng = np.random.RandomState(seed)
    labels = np.arange(n) % 10
    rng.shuffle(labels)
    images = protos[labels] + rng.rand(n, rows, cols) * 55
    return images.astype(np.uint8), labels.astype(np.uint8)


def _write_idx(path, array, magic):
    with open(path, 'wb') as f:
        f.write(struct.pack('>%di' % (1 + array.ndim), magic, *array.shape))
        f.write(np.ascontiguousarray(array, np.uint8).tobytes())


def _warn_synthetic(what, where):
    _LOG.warning('%s is not available offline: writing a synthetic stand-in (same sizes and format) to %s',
                 what, where)


def _ensure_mnist_ubyte(path):
    missing = [k for k, (img, lab, _) in _MNIST_FILES.items()
               if not (os.path.isfile(os.path.join(path, img)) and os.path.isfile(os.path.join(path, lab)))]
    if not missing:
        return
    os.makedirs(path, exist_ok=True)
    _warn_synthetic('MNIST', path)
    for key in missing:
        img, lab, n = _MNIST_FILES[key]
        images, labels = _synthetic_digits(n, seed=0 if key == 'train' else 1)
        _write_idx(os.path.join(path, img), images, 2051)
        _write_idx(os.path.join(path, lab), labels, 2049)


def get_mnist_ubyte(path='data'):
    """Make sure the four raw MNIST idx files (train-/t10k- images/labels) are in ``path`` ('data')."""
    _ensure_mnist_ubyte(path)


def _read_idx_any(path):
    for name in (path, path + '.gz'):
        if os.path.isfile(name):
            opener = gzip.open if name.endswith('.gz') else open
            with opener(name, 'rb') as f:
                raw = f.read()
            ndim = raw[3]
            shape = struct.unpack('>%di' % ndim, raw[4:4 + 4 * ndim])
            return np.frombuffer(raw, np.uint8, int(np.prod(shape)), 4 + 4 * ndim).reshape(shape)
    return None


def get_mnist(path='data'):
    """MNIST as a dict of numpy arrays: ``train_data`` (60000, 1, 28, 28) and ``test_data`` (10000, 1, 28,
    28) float32 in [0, 1], ``train_label``/``test_label`` int8. Reads idx files (raw or .gz) in ``path``."""
    found = {k: (_read_idx_any(os.path.join(path, img)), _read_idx_any(os.path.join(path, lab)))
             for k, (img, lab, _) in _MNIST_FILES.items()}
    if any(v is None for pair in found.values() for v in pair):
        _ensure_mnist_ubyte(path)
        found = {k: (_read_idx_any(os.path.join(path, img)), _read_idx_any(os.path.join(path, lab)))
                 for k, (img, lab, _) in _MNIST_FILES.items()}
    out = {}
    for key, prefix in (('train', 'train'), ('t10k', 'test')):
        images, labels = found[key]
        out[prefix + '_data'] = images.reshape(-1, 1, 28, 28).astype(np.float32) / 255
        out[prefix + '_label'] = labels.astype(np.int8)
    return out


def get_mnist_pkl(path='data'):
    """Make sure ``path``/mnist.pkl.gz exists: the pickled ((train_x, train_y), (valid_x, valid_y),
    (test_x, test_y)) of 50000/10000/10000 flattened float32 images in [0, 1] and int64 labels."""
    fname = os.path.join(path, 'mnist.pkl.gz')
    if os.path.isfile(fname):
        return
    os.makedirs(path, exist_ok=True)
    _warn_synthetic('mnist.pkl.gz', fname)
    images, labels = _synthetic_digits(70000, seed=2)
    x = images.reshape(70000, 784).astype(np.float32) / 255
    y = labels.astype(np.int64)
    sets = ((x[:50000], y[:50000]), (x[50000:60000], y[50000:60000]), (x[60000:], y[60000:]))
    with gzip.open(fname, 'wb') as f:
        pickle.dump(sets, f, protocol=2)


def get_mnist_iterator(batch_size, input_shape, num_parts=1, part_index=0):
    """(train, val) ``MNISTIter`` s over the data of :func:`get_mnist_ubyte`; flat images unless
    ``input_shape`` has 3 dimensions."""
    from .io import MNISTIter
    get_mnist_ubyte()
    flat = len(input_shape) != 3
    train = MNISTIter(image='data/train-images-idx3-ubyte', label='data/train-labels-idx1-ubyte',
                      batch_size=batch_size, shuffle=True, flat=flat,
                      num_parts=num_parts, part_index=part_index)
    val = MNISTIter(image='data/t10k-images-idx3-ubyte', label='data/t10k-labels-idx1-ubyte',
                    batch_size=batch_size, flat=flat, num_parts=num_parts,
                    part_index=part_index)
    return train, val


def _write_cifar_split(folder, split, n, seed, variants=50):
    """``n`` records of 32x32 JPEG images; each class cycles through ``variants`` encoded images (encoding
    every record would take minutes)."""
    from . import recordio
    from .image import codec
    rng = np.random.RandomState(1234)
    protos = np.kron(rng.rand(10, 8, 8, 3), np.ones((4, 4, 1))) * 200
    rng = np.random.RandomState(seed)
    encoded = [[codec.encode((protos[c] + rng.rand(32, 32, 3) * 55).astype(np.uint8), '.jpg', 90)
                for _ in range(variants)] for c in range(10)]
    labels = np.arange(n) % 10
    rng.shuffle(labels)
    rec = recordio.MXRecordIO(os.path.join(folder, split + '.rec'), 'w')
    with open(os.path.join(folder, split + '.lst'), 'w') as lst:
        for i, lab in enumerate(labels):
            rec.write(recordio.pack(recordio.IRHeader(0, float(lab), i, 0), encoded[lab][i % variants]))
            lst.write('%d\t%d\t%s_%d.png\n' % (i, lab, split, i))
    rec.close()


def get_cifar10(data_dir='data'):
    """Make sure ``data_dir``/cifar holds CIFAR-10 as MXNet ships it: train.rec/train.lst (50000 32x32 JPEG
    records, 5000 per class) and test.rec/test.lst (10000). A cifar10.zip in ``data_dir`` is extracted."""
    data_dir = os.path.expanduser(data_dir)
    folder = os.path.join(data_dir, 'cifar')
    names = ('train.rec', 'test.rec', 'train.lst', 'test.lst')
    if all(os.path.exists(os.path.join(folder, n)) for n in names):
        return
    zipped = os.path.join(data_dir, 'cifar10.zip')
    if os.path.isfile(zipped):
        with zipfile.ZipFile(zipped) as zf:
            zf.extractall(data_dir)
        return
    os.makedirs(folder, exist_ok=True)
    _warn_synthetic('CIFAR-10', folder)
    _write_cifar_split(folder, 'train', 50000, seed=0)
    _write_cifar_split(folder, 'test', 10000, seed=1)


def get_zip_data(data_dir, url, data_origin_name):
    """Extract ``data_dir``/``data_origin_name`` (a zip file; see :func:`download`) into ``data_dir``."""
    data_origin_name = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(data_origin_name):
        download(url, dirname=data_dir, fname=os.path.basename(data_origin_name))
    with zipfile.ZipFile(data_origin_name) as zf:
        zf.extractall(data_dir)


def get_bz2_data(data_dir, data_name, url, data_origin_name):
    """Make sure ``data_dir``/``data_name`` exists, decompressing ``data_origin_name`` (a .bz2 file in
    ``data_dir``; see :func:`download`) when needed."""
    data_name = os.path.join(data_dir, data_name)
    if os.path.exists(data_name):
        return
    origin = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(origin):
        download(url, dirname=data_dir, fname=data_origin_name)
    with bz2.BZ2File(origin) as src, open(data_name, 'wb') as dst:
        shutil.copyfileobj(src, dst)
