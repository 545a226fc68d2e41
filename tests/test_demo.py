"""The training demo (``python -m mxnet.demo``): LeNet on scikit-learn's digits with mx.mod.Module."""
import os
import shutil

import pytest
import torch

import mxnet as mx
from mxnet import demo

pytest.importorskip('sklearn')


@pytest.fixture
def one_thread():
    """The demo runs single-threaded (see demo.main); do the same here and restore afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_digits_iters_split():
    train, val = demo.digits_iters(batch_size=32)
    assert (train.num_data, val.num_data) == (1797 - 352, 352)
    batch = next(iter(train))
    assert batch.data[0].shape == (32, 1, 8, 8) and batch.label[0].shape == (32,)
    assert 0 <= batch.data[0].asnumpy().min() and batch.data[0].asnumpy().max() <= 1


def test_lenet_shapes():
    _, out_shapes, _ = demo.lenet().infer_shape(data=(5, 1, 8, 8))
    assert out_shapes == [(5, 10)]


def test_train_lenet_few_epochs(ctx, tmp_path, one_thread):
    mod, accuracy = demo.train_lenet(num_epoch=3, out_dir=str(tmp_path), ctx=ctx)
    assert accuracy >= 0.95
    assert sorted(os.listdir(tmp_path)) == ['lenet-0001.params', 'lenet-0002.params', 'lenet-0003.params',
                                            'lenet-symbol.json']
    # the last checkpoint reproduces the trained module's validation accuracy
    sym, arg, aux = mx.model.load_checkpoint(str(tmp_path / 'lenet'), 3)
    _, val = demo.digits_iters()
    restored = mx.mod.Module(sym, context=ctx)
    restored.bind(val.provide_data, val.provide_label, for_training=False)
    restored.set_params(arg, aux)
    assert restored.score(val, 'acc')[0][1] == pytest.approx(accuracy)


def test_main_prints_accuracy_and_draws(tmp_path, capsys, one_thread):
    demo.main(['--epochs', '1', '--out-dir', str(tmp_path)])
    out = capsys.readouterr().out
    assert 'final validation accuracy: 0.' in out
    assert os.path.exists(tmp_path / 'lenet-0001.params')
    if shutil.which('dot'):
        assert 'network picture: ' in out and os.path.getsize(tmp_path / 'lenet.png') > 1000
    else:
        assert 'network picture skipped' in out
