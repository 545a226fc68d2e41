"""mx.io regressions (MNISTIter logging and names, unknown iterator arguments) and the offline data helpers
of mx.test_utils."""
import bz2
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures', 'io')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_SCRIPT = r'''
import logging, os, sys
import numpy as np
import mxnet as mx
fx = sys.argv[1]
mx.io.MNISTIter(image=os.path.join(fx, 'images-idx3-ubyte'), label=os.path.join(fx, 'labels-idx1-ubyte'),
                batch_size=1, silent=False)
logging.basicConfig(level=logging.INFO)
data = mx.sym.Variable('data')
net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, num_hidden=2), name='softmax')
it = mx.io.NDArrayIter(np.random.rand(8, 3).astype('float32'), np.arange(8) % 2, batch_size=4)
mod = mx.mod.Module(net)
mod.fit(it, num_epoch=1, eval_metric='acc')
'''


def test_mnist_iter_leaves_root_logger_unconfigured():
    env = dict(os.environ, PYTHONPATH=ROOT)
    res = subprocess.run([sys.executable, '-c', _SCRIPT, FIXTURES], capture_output=True, text=True, env=env,
                         timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert 'MNISTIter: load 5 images' in res.stderr
    assert 'Epoch[0] Train-accuracy' in res.stderr  # basicConfig after MNISTIter took effect


def test_file_iterators_honour_data_and_label_names():
    it = mx.io.MNISTIter(image=os.path.join(FIXTURES, 'images-idx3-ubyte'),
                         label=os.path.join(FIXTURES, 'labels-idx1-ubyte'), batch_size=1, silent=True,
                         data_name='img', label_name='digit')
    assert [d.name for d in it.provide_data] == ['img'] and [d.name for d in it.provide_label] == ['digit']
    csv = mx.io.CSVIter(data_csv=os.path.join(FIXTURES, 'data.csv'), data_shape=(3,), batch_size=2,
                        data_name='x', label_name='y')
    assert csv.provide_data[0].name == 'x' and csv.provide_label[0].name == 'y'


def test_unknown_iterator_arguments_are_named_in_a_warning():
    with pytest.warns(UserWarning, match='ignoring unknown argument bogus_arg'):
        mx.io.MNISTIter(image=os.path.join(FIXTURES, 'images-idx3-ubyte'),
                        label=os.path.join(FIXTURES, 'labels-idx1-ubyte'), batch_size=1, silent=True,
                        bogus_arg=3)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        mx.io.CSVIter(data_csv=os.path.join(FIXTURES, 'data.csv'), data_shape=(3,), batch_size=2)


def test_download_is_offline(tmp_path):
    with pytest.raises(MXNetError, match='no network access'):
        mx.test_utils.download('http://example.com/x.bin', dirname=str(tmp_path))
    (tmp_path / 'x.bin').write_bytes(b'1')
    assert mx.test_utils.download('http://example.com/x.bin', dirname=str(tmp_path)) == str(tmp_path / 'x.bin')


def test_get_bz2_data_decompresses_local_file(tmp_path):
    with bz2.open(str(tmp_path / 'd.t.bz2'), 'wb') as f:
        f.write(b'1 0:1\n')
    mx.test_utils.get_bz2_data(str(tmp_path), 'd.t', 'http://example.com/d.t.bz2', 'd.t.bz2')
    assert (tmp_path / 'd.t').read_bytes() == b'1 0:1\n'
    with pytest.raises(MXNetError):
        mx.test_utils.get_bz2_data(str(tmp_path), 'e.t', 'http://example.com/e.t.bz2', 'e.t.bz2')


def test_synthetic_mnist_has_mnist_formats(tmp_path):
    path = str(tmp_path / 'data')
    mx.test_utils.get_mnist_ubyte(path)
    it = mx.io.MNISTIter(image=os.path.join(path, 't10k-images-idx3-ubyte'),
                         label=os.path.join(path, 't10k-labels-idx1-ubyte'), batch_size=2500, flat=True,
                         silent=True)
    labels = np.concatenate([b.label[0].asnumpy() for b in it])
    assert labels.shape == (10000,) and np.bincount(labels.astype(int)).tolist() == [1000] * 10
    d = mx.test_utils.get_mnist(path)
    assert d['train_data'].shape == (60000, 1, 28, 28) and d['test_label'].dtype == np.int8
    assert 0 <= d['train_data'].min() and d['train_data'].max() <= 1
