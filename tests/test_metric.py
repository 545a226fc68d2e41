"""mx.metric: values against MXNet 1.9.1 (tests/fixtures/metric/metric_values.json, made by
make_metric_values.py with the reference), plus naming, creation, dict updates and errors."""
import json
import os
import time

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

_FIXTURE = os.path.join(os.path.dirname(__file__), 'fixtures', 'metric', 'metric_values.json')
with open(_FIXTURE) as _f:
    CASES = json.load(_f)


def _case_id(case):
    return '%s-%s-reset%s' % (case['metric'], case['kwargs'], case['reset_local_after'])


def _nd(arrays, ctx):
    return [mx.nd.array(np.array(a, dtype=np.float32), ctx=ctx) for a in arrays]


def _assert_name_values(got, expected):
    assert [n for n, _ in got] == [n for n, _ in expected]
    np.testing.assert_allclose([v for _, v in got], [v for _, v in expected], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('case', CASES, ids=_case_id)
def test_values_match_reference(case, ctx):
    m = mx.metric.create(case['metric'], **case['kwargs'])
    for i, (labels, preds) in enumerate(case['updates']):
        m.update(_nd(labels, ctx), _nd(preds, ctx))
        if i == case['reset_local_after']:
            m.reset_local()
    _assert_name_values(m.get_name_value(), case['local'])
    _assert_name_values(m.get_global_name_value(), case['global'])
    for _, v in m.get_name_value():
        assert type(v) is float


def test_reset_gives_nan(ctx):
    m = mx.metric.create(['acc', 'mse'])
    assert str(m) == "EvalMetric: {'accuracy': nan, 'mse': nan}"
    m.update([mx.nd.array([0, 1], ctx=ctx)], [mx.nd.array([[0.9, 0.1], [0.2, 0.8]], ctx=ctx)])
    assert m.get() == (['accuracy', 'mse'], [1.0, pytest.approx(0.375)])
    m.reset()
    names, values = m.get_global()
    assert names == ['accuracy', 'mse'] and all(np.isnan(values))


def test_registry_names_and_aliases():
    expect = {'acc': mx.metric.Accuracy, 'accuracy': mx.metric.Accuracy, 'ce': mx.metric.CrossEntropy,
              'crossentropy': mx.metric.CrossEntropy,
              'f1': mx.metric.F1, 'mcc': mx.metric.MCC, 'mae': mx.metric.MAE, 'MSE': mx.metric.MSE,
              'rmse': mx.metric.RMSE, 'nll_loss': mx.metric.NegativeLogLikelihood,
              'pearsonr': mx.metric.PearsonCorrelation, 'pcc': mx.metric.PCC, 'loss': mx.metric.Loss,
              'torch': mx.metric.Torch, 'caffe': mx.metric.Caffe, 'composite': mx.metric.CompositeEvalMetric}
    for name, cls in expect.items():
        assert type(mx.metric.create(name)) is cls
    assert mx.metric.create('perplexity', ignore_label=None).name == 'perplexity'
    assert mx.metric.create('top_k_accuracy', top_k=3).name == 'top_k_accuracy_3'
    assert type(mx.metric.create('top_k_acc', top_k=2)) is mx.metric.TopKAccuracy
    assert [mx.metric.create(n).name for n in ('ce', 'nll_loss', 'torch')] == ['cross-entropy', 'nll-loss', 'torch']
    with pytest.raises(AssertionError, match='foo is not registered'):
        mx.metric.create('foo')
    with pytest.raises(AssertionError, match='Please use Accuracy'):
        mx.metric.TopKAccuracy(top_k=1)


def test_create_from_config_json_instance_and_register():
    acc = mx.metric.Accuracy(axis=0, name='a0')
    assert acc.get_config() == {'axis': 0, 'metric': 'Accuracy', 'name': 'a0', 'output_names': None,
                                'label_names': None}
    again = mx.metric.create(acc.get_config())
    assert (type(again), again.axis, again.name) == (mx.metric.Accuracy, 0, 'a0')
    assert mx.metric.create('["top_k_accuracy", {"top_k": 2}]').name == 'top_k_accuracy_2'
    assert mx.metric.create('{"metric": "mse", "name": "m"}').name == 'm'
    assert mx.metric.create(acc) is acc
    with pytest.raises(AssertionError, match='already an instance'):
        mx.metric.create(acc, axis=1)
    comp = mx.metric.create(['mse', 'acc'])
    assert comp.get_config()['metrics'][1] == mx.metric.Accuracy().get_config()
    assert isinstance(comp.get_metric(5), ValueError)  # MXNet returns the error

    @mx.metric.register
    @mx.metric.alias('always_one')
    class AlwaysOne(mx.metric.EvalMetric):
        def __init__(self, name='one'):
            super().__init__(name)

        def update(self, labels, preds):
            self.sum_metric += len(preds)
            self.num_inst += len(preds)
    try:
        one = mx.metric.create('always_one')
        one.update([], [mx.nd.ones((1,)), mx.nd.ones((1,))])
        assert one.get() == ('one', 1.0)
        assert type(mx.metric.create('alwaysone')) is AlwaysOne
    finally:
        mx.metric._REGISTRY.pop('always_one')
        mx.metric._REGISTRY.pop('alwaysone')


def test_custom_and_np(ctx):
    def hits(label, pred):
        assert isinstance(label, np.ndarray) and isinstance(pred, np.ndarray)
        return float((label == pred.argmax(1)).sum()), 10
    m = mx.metric.create(hits)
    m.update([mx.nd.array([0, 1], ctx=ctx)], [mx.nd.array([[1, 0], [1, 0]], ctx=ctx)])
    assert m.get() == ('hits', 0.1) and m.get_global() == ('hits', 0.1)
    m = mx.metric.np(lambda label, pred: np.abs(label - pred).max())
    m.update([mx.nd.array([0, 1], ctx=ctx)], [mx.nd.array([3, 1], ctx=ctx)])
    assert m.get() == ('custom(<lambda>)', 3.0)
    with pytest.raises(NotImplementedError):
        m.get_config()
    extra = mx.metric.CustomMetric(lambda label, pred: pred.sum(), name='s', allow_extra_outputs=True)
    extra.update([mx.nd.array([0], ctx=ctx)], [mx.nd.array([2], ctx=ctx), mx.nd.array([5], ctx=ctx)])
    assert extra.get() == ('s', 2.0)  # zip stops at the shorter list


def test_update_dict_filters_names(ctx):
    labels = {'l0': mx.nd.array([0, 0], ctx=ctx), 'l1': mx.nd.array([1, 1], ctx=ctx)}
    preds = {'o1': mx.nd.array([[1, 0], [1, 0]], ctx=ctx), 'o2': mx.nd.array([[0, 1], [1, 0]], ctx=ctx)}
    m = mx.metric.Accuracy(output_names=['o2'], label_names=['l1'])
    m.update_dict(labels, preds)
    assert m.get() == ('accuracy', 0.5)
    comp = mx.metric.CompositeEvalMetric(['acc', 'mse'], output_names=['o2'], label_names=['l1'])
    comp.update_dict(labels, preds)
    assert comp.get() == (['accuracy', 'mse'], [0.5, 0.5])
    assert str(comp) == "EvalMetric: {'accuracy': 0.5, 'mse': 0.5}"


def test_loss_ignores_labels(ctx):
    m = mx.metric.Loss()
    m.update(None, mx.nd.array([1, 2, 3], ctx=ctx))
    assert m.get() == ('loss', 2.0)


def test_errors(ctx):
    acc = mx.metric.Accuracy()
    with pytest.raises(ValueError, match='Shape of labels 2 does not match shape of predictions 1'):
        acc.update([mx.nd.array([0, 1], ctx=ctx), mx.nd.array([1], ctx=ctx)], [mx.nd.array([0, 1], ctx=ctx)])
    with pytest.raises(ValueError, match='Shape of labels 3 does not match shape of predictions 2'):
        acc.update([mx.nd.array([0, 1, 1], ctx=ctx)], [mx.nd.array([[0, 1], [1, 0]], ctx=ctx)])
    with pytest.raises(MXNetError, match='axis 1'):
        acc.update([mx.nd.array([0, 1, 1], ctx=ctx)], [mx.nd.array([0, 1], ctx=ctx)])
    with pytest.raises(ValueError, match='only supports binary classification'):
        mx.metric.F1().update([mx.nd.array([0, 1, 2], ctx=ctx)], [mx.nd.array([[1, 0], [0, 1], [1, 0]], ctx=ctx)])
    with pytest.raises(ValueError, match='out of bounds'):
        mx.metric.TopKAccuracy(top_k=3).update([mx.nd.array([0], ctx=ctx)], [mx.nd.array([[0.2, 0.8]], ctx=ctx)])
    with pytest.raises(AssertionError, match='shape mismatch'):
        mx.metric.Perplexity(None).update([mx.nd.array([0, 1, 1], ctx=ctx)], [mx.nd.ones((2, 3), ctx=ctx)])
    with pytest.raises(ValueError, match='broadcast'):
        mx.metric.MSE().update([mx.nd.ones((4, 2), ctx=ctx)], [mx.nd.ones((4, 3), ctx=ctx)])


def test_accuracy_update_is_cheap(ctx):
    m = mx.metric.Accuracy()
    labels = [mx.nd.array(np.arange(32) % 10, ctx=ctx)]
    preds = [mx.nd.array(np.eye(10)[np.arange(32) % 10], ctx=ctx)]
    m.update(labels, preds)
    start = time.perf_counter()
    for _ in range(200):
        m.update(labels, preds)
    per_update = (time.perf_counter() - start) / 200
    assert m.get() == ('accuracy', 1.0) and m.num_inst == 201 * 32
    assert per_update < 2e-3, per_update
