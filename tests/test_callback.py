"""mx.callback (log lines in MXNet 1.9.1's formats, checkpoints) and mx.mon.Monitor (names and statistics
as the reference reports them for the same graph and values)."""
import logging
import re

import numpy as np
import pytest

import mxnet as mx
from mxnet.model import BatchEndParam


def _messages(caplog):
    return [r.getMessage() for r in caplog.records]


def _two_metrics(ctx):
    m = mx.metric.create(['acc', 'mse'])
    lab = [mx.nd.array([0, 1], ctx=ctx)]
    pred = [mx.nd.array([[0.9, 0.1], [0.2, 0.8]], ctx=ctx)]
    return m, lambda: m.update(lab, pred)


def _mask_speed(msg):
    return re.sub(r'Speed: [0-9.]+|Speed: inf', 'Speed: X', msg)


def test_speedometer_and_batch_loggers(ctx, caplog):
    caplog.set_level(logging.INFO)
    m, update = _two_metrics(ctx)
    callbacks = [mx.callback.Speedometer(2, frequent=2), mx.callback.Speedometer(2, frequent=2, auto_reset=False),
                 mx.callback.log_train_metric(2, auto_reset=True), mx.callback.ProgressBar(3, length=10),
                 mx.callback.LogValidationMetricsCallback()]
    for nbatch in range(5):
        update()
        param = BatchEndParam(epoch=1, nbatch=nbatch, eval_metric=m, locals=None)
        for cb in callbacks:
            cb(param)
    got = [_mask_speed(s) for s in _messages(caplog)]
    # the reference's output for the same sequence
    expected = [
        'Iter[1] Batch[0] Train-accuracy=1.000000', 'Iter[1] Batch[0] Train-mse=0.375000', '[----------] 0%\r',
        'Epoch[1] Validation-accuracy=nan', 'Epoch[1] Validation-mse=nan', '[===-------] 34%\r',
        'Epoch[1] Validation-accuracy=1.000000', 'Epoch[1] Validation-mse=0.375000',
        'Epoch[1] Batch [0-2]\tSpeed: X samples/sec\taccuracy=1.000000\tmse=0.375000',
        'Epoch[1] Batch [0-2]\tSpeed: X samples/sec\taccuracy=nan\tmse=nan',
        'Iter[1] Batch[2] Train-accuracy=nan', 'Iter[1] Batch[2] Train-mse=nan', '[=======---] 67%\r',
        'Epoch[1] Validation-accuracy=nan', 'Epoch[1] Validation-mse=nan', '[==========] 100%\r',
        'Epoch[1] Validation-accuracy=1.000000', 'Epoch[1] Validation-mse=0.375000',
        'Epoch[1] Batch [2-4]\tSpeed: X samples/sec\taccuracy=1.000000\tmse=0.375000',
        'Epoch[1] Batch [0-4]\tSpeed: X samples/sec\taccuracy=nan\tmse=nan',
        'Iter[1] Batch[4] Train-accuracy=nan', 'Iter[1] Batch[4] Train-mse=nan', '[=============] 134%\r',
        'Epoch[1] Validation-accuracy=nan', 'Epoch[1] Validation-mse=nan']
    assert got == expected


def test_speedometer_without_metric_and_new_epoch(caplog):
    caplog.set_level(logging.INFO)
    sp = mx.callback.Speedometer(4, frequent=1)
    sp(BatchEndParam(0, 0, None, None))
    sp(BatchEndParam(0, 1, None, None))
    sp(BatchEndParam(1, 0, None, None))  # nbatch went back: restarts timing, no line
    sp(BatchEndParam(1, 1, None, None))
    got = [_mask_speed(s) for s in _messages(caplog)]
    assert got == ['Iter[0] Batch [1]\tSpeed: X samples/sec', 'Iter[1] Batch [1]\tSpeed: X samples/sec']


def test_do_checkpoint_period(tmp_cwd, ctx):
    data = mx.sym.Variable('data')
    net = mx.sym.FullyConnected(data, num_hidden=2, name='fc')
    arg = {'fc_weight': mx.nd.array([[1, 2], [3, 4]], ctx=ctx), 'fc_bias': mx.nd.array([5, 6], ctx=ctx)}
    cb = mx.callback.do_checkpoint('net', period=2)
    for epoch in range(4):
        cb(epoch, net, arg, {})
    assert sorted(p.name for p in tmp_cwd.iterdir()) == ['net-0002.params', 'net-0004.params', 'net-symbol.json']
    sym, arg2, aux2 = mx.model.load_checkpoint('net', 4)
    assert sym.list_arguments() == ['data', 'fc_weight', 'fc_bias'] and aux2 == {}
    np.testing.assert_array_equal(arg2['fc_weight'].asnumpy(), [[1, 2], [3, 4]])


def test_module_checkpoint_calls_module():
    calls = []

    class FakeModule:
        def save_checkpoint(self, prefix, epoch, save_optimizer_states):
            calls.append((prefix, epoch, save_optimizer_states))
    cb = mx.callback.module_checkpoint(FakeModule(), 'p', period=0, save_optimizer_states=True)
    for epoch in range(2):
        cb(epoch)
    assert calls == [('p', 1, True), ('p', 2, True)]


# ---- Monitor ----------------------------------------------------------------------------------------
def _bound_net(ctx):
    data = mx.sym.Variable('data')
    fc = mx.sym.FullyConnected(data, num_hidden=3, name='fc1')
    act = mx.sym.Activation(fc, act_type='relu', name='relu1')
    out = mx.sym.SoftmaxOutput(act, name='softmax')
    ex = out.simple_bind(ctx, data=(2, 4))
    for arr in ex.arg_arrays:
        arr[:] = np.arange(arr.size).reshape(arr.shape) * 0.1
    return ex


# MXNet 1.9.1's default statistic (root-mean-square) for this graph and these values
_REF_FORWARD = [('fc1_output', 1.1826524), ('relu1_output', 1.1826524), ('softmax_output', 0.37930223)]
_REF_ARGS = [('data', 0.41833), ('fc1_weight', 0.64935863), ('fc1_bias', 0.12909946), ('softmax_label', 0.07071068)]


def test_monitor_default_stat(ctx, caplog):
    caplog.set_level(logging.INFO)
    ex = _bound_net(ctx)
    mon = mx.mon.Monitor(1)
    mon.install(ex)
    mon.tic()
    ex.forward(is_train=True)
    ex.backward()
    res = mon.toc()
    # as in MXNet, backward reports its nodes' outputs: each node's gradients for its inputs
    backward = [n for _, n, _ in res if '_backward_' in n]
    assert backward == ['softmax_backward_output0', 'softmax_backward_output1', 'relu1_backward_output',
                        'fc1_backward_output0', 'fc1_backward_output1', 'fc1_backward_output2']
    res = [r for r in res if '_backward_' not in r[1]]
    assert [(step, name) for step, name, _ in res] == [(1, n) for n, _ in _REF_FORWARD + _REF_ARGS]
    for (_, _, text), (_, ref) in zip(res, _REF_FORWARD + _REF_ARGS):
        assert text.endswith('\t') and float(text) == pytest.approx(ref, rel=1e-5)
    mon.tic()
    ex.forward()
    mon.toc_print()
    lines = _messages(caplog)
    assert len(lines) == 7
    assert re.fullmatch(r'Batch:       2 fc1_output                     1\.18265\d*\t', lines[0])


def test_monitor_interval_pattern_sort_and_all(ctx):
    ex = _bound_net(ctx)
    mon = mx.mon.Monitor(2, stat_func=lambda x: x, pattern='relu.*|fc1_b.*', sort=True)
    mon.install(ex)
    steps = []
    for _ in range(3):
        mon.tic()
        ex.forward()
        steps.append([(s, n) for s, n, _ in mon.toc()])
    assert steps == [[(1, 'fc1_bias'), (1, 'relu1_output')], [], [(3, 'fc1_bias'), (3, 'relu1_output')]]
    mon.tic()
    ex.forward()
    assert mon.toc() == []  # step 3 is not a multiple of the interval
    mon = mx.mon.Monitor(1, stat_func=lambda x: [x.sum(), x.max()], pattern='relu1_output')
    mon.install(ex)
    mon.tic()
    ex.forward()
    (step, name, text), = mon.toc()
    values = [float(v) for v in text.split('\t') if v]
    np.testing.assert_allclose(values, [0.14 + 0.48 + 0.82 + 0.38 + 1.36 + 2.34, 2.34], rtol=1e-5)
    ex2 = _bound_net(ctx)
    mon = mx.mon.Monitor(1, monitor_all=True, pattern='fc1.*|data')
    mon.install(ex2)
    mon.tic()
    ex2.forward()
    names = [n for _, n, _ in mon.toc()]
    # the reference's forward part of the same monitor_all run
    assert names == ['data', 'fc1_data', 'fc1_weight', 'fc1_weight', 'fc1_bias', 'fc1_bias', 'fc1_output',
                     'data', 'fc1_weight', 'fc1_bias']
