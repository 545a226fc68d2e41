"""Evaluation metrics (``mx.metric``): running statistics over (labels, predictions) batches.

Every metric keeps two sets of counters: local ones (``get``, cleared by ``reset_local``, e.g. by
``Speedometer``) and global ones (``get_global``, cleared only by ``reset``). Values are computed with torch on
the predictions' device and cross to the host once per update.
"""
import json
import math
import warnings
from collections import OrderedDict

import numpy
import torch

from .base import MXNetError, numeric_types, string_types
from .ndarray.ndarray import NDArray

__all__ = ['EvalMetric', 'CompositeEvalMetric', 'Accuracy', 'TopKAccuracy', 'F1', 'MCC', 'Perplexity', 'MAE',
           'MSE', 'RMSE', 'CrossEntropy', 'NegativeLogLikelihood', 'PearsonCorrelation', 'PCC', 'Loss', 'Torch',
           'Caffe', 'CustomMetric', 'np', 'create', 'register', 'alias', 'check_label_shapes']


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """Raise ValueError unless ``labels`` and ``preds`` have the same length (or ``shape``); with ``wrap``,
    return single NDArrays as one-element lists."""
    if shape:
        got_l, got_p = labels.shape, preds.shape
    else:
        got_l, got_p = len(labels), len(preds)
    if got_l != got_p:
        raise ValueError('Shape of labels {} does not match shape of predictions {}'.format(got_l, got_p))
    if wrap:
        labels = [labels] if isinstance(labels, NDArray) else labels
        preds = [preds] if isinstance(preds, NDArray) else preds
    return labels, preds


def _tensor(x, device=None):
    """The torch tensor behind an NDArray (or a numpy array), optionally moved to ``device``."""
    t = x._data.detach() if isinstance(x, NDArray) else torch.as_tensor(numpy.asarray(x))
    return t if device is None or t.device == device else t.to(device)


# ---- registry ---------------------------------------------------------------------------------------
_REGISTRY = {}


def register(klass, name=None):
    """Make ``klass`` available to :func:`create` under ``name`` (default: the class name), lower-cased."""
    if not (isinstance(klass, type) and issubclass(klass, EvalMetric)):
        raise AssertionError('Can only register subclass of EvalMetric')
    key = (name or klass.__name__).lower()
    old = _REGISTRY.get(key)
    if old is not None and old is not klass:
        warnings.warn('New metric %s.%s registered with name %s is overriding existing metric %s.%s'
                      % (klass.__module__, klass.__name__, key, old.__module__, old.__name__), UserWarning,
                      stacklevel=2)
    _REGISTRY[key] = klass
    return klass


def alias(*aliases):
    """Class decorator registering the class under extra names."""
    def deco(klass):
        for a in aliases:
            register(klass, a)
        return klass
    return deco


def _create_registered(spec, /, *args, **kwargs):
    if isinstance(spec, EvalMetric):
        assert not args and not kwargs, 'metric is already an instance. Additional arguments are invalid'
        return spec
    if isinstance(spec, dict):
        kwargs = dict(spec)
        return _create_registered(kwargs.pop('metric'), **kwargs)
    assert isinstance(spec, string_types), 'metric must be of string type'
    if spec.startswith('['):
        assert not args and not kwargs
        name, kwargs = json.loads(spec)
        return _create_registered(name, **kwargs)
    if spec.startswith('{'):
        assert not args and not kwargs
        return _create_registered(json.loads(spec))
    key = spec.lower()
    assert key in _REGISTRY, '%s is not registered. Please register with metric.register first' % key
    return _REGISTRY[key](*args, **kwargs)


def create(metric, *args, **kwargs):
    """A metric from a registered name (``'acc'``, ``'ce'``, ...), a config dict or JSON string, an EvalMetric
    (returned as is), a list of those (a CompositeEvalMetric) or a function ``f(label, pred)`` (a CustomMetric);
    extra arguments go to the constructor."""
    if callable(metric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    return _create_registered(metric, *args, **kwargs)


def _name_value_pairs(name, value):
    names = name if isinstance(name, list) else [name]
    values = value if isinstance(value, list) else [value]
    return list(zip(names, values))


# ---- base ---------------------------------------------------------------------------------------------
class EvalMetric:
    """Base class: ``update(labels, preds)`` adds to ``sum_metric``/``num_inst``; ``get`` returns
    ``(name, sum_metric / num_inst)`` (NaN before any update)."""

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop('has_global_stats', False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return 'EvalMetric: {}'.format(dict(self.get_name_value()))

    def get_config(self):
        """A dict from which :func:`create` rebuilds this metric."""
        config = dict(self._kwargs)
        config.update({'metric': type(self).__name__, 'name': self.name,
                       'output_names': self.output_names, 'label_names': self.label_names})
        return config

    def update_dict(self, label, pred):
        """Update from ``{name: array}`` dicts, keeping ``output_names``/``label_names`` when set."""
        pred = [pred[n] for n in self.output_names] if self.output_names is not None else list(pred.values())
        label = [label[n] for n in self.label_names] if self.label_names is not None else list(label.values())
        self.update(label, pred)

    def update(self, labels, preds):
        raise NotImplementedError()

    def _add(self, value, count):
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count

    def reset(self):
        """Clear local and global statistics."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        """Clear the local statistics only."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        if self.num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self):
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, self.global_sum_metric / self.global_num_inst)

    def get_name_value(self):
        """``[(name, value), ...]`` of the local statistics."""
        return _name_value_pairs(*self.get())

    def get_global_name_value(self):
        """``[(name, value), ...]`` of the global statistics."""
        if not self._has_global_stats:
            return self.get_name_value()
        return _name_value_pairs(*self.get_global())


@register
@alias('composite')
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; names and values are concatenated."""

    def __init__(self, metrics=None, name='composite', output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric):
        self.metrics.append(create(metric))

    def get_metric(self, index):
        try:
            return self.metrics[index]
        except IndexError:
            # MXNet returns (does not raise) the error here
            return ValueError('Metric index {} is out of range 0 and {}'.format(index, len(self.metrics)))

    def update_dict(self, labels, preds):
        if self.label_names is not None:
            labels = OrderedDict((k, v) for k, v in labels.items() if k in self.label_names)
        if self.output_names is not None:
            preds = OrderedDict((k, v) for k, v in preds.items() if k in self.output_names)
        for m in self.metrics:
            m.update_dict(labels, preds)

    def update(self, labels, preds):
        for m in self.metrics:
            m.update(labels, preds)

    def reset(self):
        for m in getattr(self, 'metrics', ()):
            m.reset()

    def reset_local(self):
        for m in getattr(self, 'metrics', ()):
            m.reset_local()

    def _collect(self, getter):
        names, values = [], []
        for m in self.metrics:
            name, value = getter(m)
            names.extend([name] if isinstance(name, string_types) else name)
            values.extend([value] if isinstance(value, numeric_types) else value)
        return (names, values)

    def get(self):
        return self._collect(lambda m: m.get())

    def get_global(self):
        return self._collect(lambda m: m.get_global())

    def get_config(self):
        config = super().get_config()
        config['metrics'] = [m.get_config() for m in self.metrics]
        return config


# ---- classification ---------------------------------------------------------------------------------
@register
@alias('acc')
class Accuracy(EvalMetric):
    """Fraction of predictions equal to the label; predictions whose shape differs from the label's are
    reduced with argmax over ``axis`` first. Both are truncated to int32."""

    def __init__(self, axis=1, name='accuracy', output_names=None, label_names=None):
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            p = _tensor(pred)
            lab = _tensor(label, p.device)
            if p.shape != lab.shape:
                if not -p.dim() <= self.axis < p.dim():
                    raise MXNetError('argmax: axis %d exceeds the input dimension of %d (predictions %s, '
                                     'labels %s)' % (self.axis, p.dim(), tuple(p.shape), tuple(lab.shape)))
                p = p.argmax(dim=self.axis)  # int64 indices compare equal to their int32 truncation
            else:
                p = p.to(torch.int32)
            lab = lab.to(torch.int32)
            if p.dim() != 1:
                p = p.reshape(-1)
            if lab.dim() != 1:
                lab = lab.reshape(-1)
            if lab.shape != p.shape:
                check_label_shapes(lab, p)
            # one host sync per batch: the count only
            self._add(float((p == lab).sum().item()), p.numel())


@register
@alias('top_k_accuracy', 'top_k_acc')
class TopKAccuracy(EvalMetric):
    """Fraction of samples whose label is among the ``top_k`` highest-scored classes (named
    ``top_k_accuracy_<k>``)."""

    def __init__(self, top_k=1, name='top_k_accuracy', output_names=None, label_names=None):
        super().__init__(name, top_k=top_k, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.top_k = top_k
        assert self.top_k > 1, 'Please use Accuracy if top_k is no more than 1'
        self.name += '_%d' % self.top_k

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            assert pred.ndim <= 2, 'Predictions should be no more than 2 dims'
            p = _tensor(pred).to(torch.float32)
            lab = _tensor(label, p.device).to(torch.int32)
            check_label_shapes(lab, p)
            n = p.shape[0]
            if p.dim() == 1:
                # MXNet compares the partition order of a 1-D score vector with the labels and does not
                # count it in the global statistics; kept for equal numbers.
                order = numpy.argpartition(p.cpu().numpy(), -self.top_k)
                self.sum_metric += float((order == lab.cpu().numpy().ravel()).sum())
            else:
                if self.top_k > p.shape[1]:
                    raise ValueError('kth(=%d) out of bounds (%d): top_k=%d exceeds the %d classes'
                                     % (p.shape[1] - self.top_k, p.shape[1], self.top_k, p.shape[1]))
                top = p.topk(self.top_k, dim=1).indices
                hits = float((top == lab.reshape(-1, 1)).sum().item())
                self.sum_metric += hits
                self.global_sum_metric += hits
            self.num_inst += n
            self.global_num_inst += n


class _BinaryCounts:
    """Confusion counts (tp, fp, fn, tn) of a binary classifier, local and global."""

    def __init__(self):
        self.local = [0, 0, 0, 0]
        self.glob = [0, 0, 0, 0]

    def update(self, label, pred):
        p = _tensor(pred)
        lab = _tensor(label, p.device).to(torch.int32)
        check_label_shapes(lab, p)
        pred_pos = p.argmax(dim=1) == 1
        label_pos = lab == 1
        sorted_lab = lab.reshape(-1).sort().values
        distinct = (sorted_lab[1:] != sorted_lab[:-1]).sum() + 1  # no device sync, unlike unique()
        stats = torch.stack([(pred_pos & label_pos).sum(), (pred_pos & ~label_pos).sum(),
                             (~pred_pos & label_pos).sum(), (~pred_pos & ~label_pos).sum(), distinct]).tolist()
        if stats[4] > 2:
            raise ValueError('_BinaryClassificationMetrics currently only supports binary classification.')
        for i in range(4):
            self.local[i] += stats[i]
            self.glob[i] += stats[i]

    def reset_local(self):
        self.local = [0, 0, 0, 0]

    def reset(self):
        self.local = [0, 0, 0, 0]
        self.glob = [0, 0, 0, 0]

    @staticmethod
    def fscore(c):
        tp, fp, fn, _ = c
        precision = tp / (tp + fp) if tp + fp > 0 else 0.
        recall = tp / (tp + fn) if tp + fn > 0 else 0.
        if precision + recall > 0:
            return 2 * precision * recall / (precision + recall)
        return 0.

    @staticmethod
    def mcc(c):
        tp, fp, fn, tn = (float(v) for v in c)
        if not sum(c):
            return 0.
        denom = 1.
        for t in (tp + fp, tp + fn, tn + fp, tn + fn):
            if t != 0.:
                denom *= t
        return (tp * tn - fp * fn) / math.sqrt(denom)


class _BinaryMetric(EvalMetric):
    """F1/MCC: ``macro`` averages the per-update score, ``micro`` scores all counts since the last reset."""
    _score = None

    def __init__(self, name, output_names, label_names, average):
        self.average = average
        self._counts = _BinaryCounts()
        super().__init__(name=name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        c = self._counts
        for label, pred in zip(labels, preds):
            c.update(label, pred)
        score = type(self)._score
        if self.average == 'macro':
            self._add(score(c.local), 1)
            c.reset()
        else:
            self.sum_metric = score(c.local) * sum(c.local)
            self.global_sum_metric = score(c.glob) * sum(c.glob)
            self.num_inst = sum(c.local)
            self.global_num_inst = sum(c.glob)

    def reset(self):
        super().reset()
        self._counts.reset()

    def reset_local(self):
        super().reset_local()
        self._counts.reset_local()


@register
class F1(_BinaryMetric):
    """F1 score of a binary classifier (class 1 positive; predictions are (N, 2) scores)."""
    _score = staticmethod(_BinaryCounts.fscore)

    def __init__(self, name='f1', output_names=None, label_names=None, average='macro'):
        super().__init__(name, output_names, label_names, average)


@register
class MCC(_BinaryMetric):
    """Matthews correlation coefficient of a binary classifier."""
    _score = staticmethod(_BinaryCounts.mcc)

    def __init__(self, name='mcc', output_names=None, label_names=None, average='macro'):
        super().__init__(name, output_names, label_names, average)


@register
class PCC(EvalMetric):
    """Multiclass Matthews correlation (Pearson correlation of the confusion matrix)."""

    def __init__(self, name='pcc', output_names=None, label_names=None, has_global_stats=True):
        self.k = 2
        super().__init__(name=name, output_names=output_names, label_names=label_names,
                         has_global_stats=has_global_stats)

    @staticmethod
    def _calc_mcc(cmat):
        n = cmat.sum()
        x, y = cmat.sum(axis=1), cmat.sum(axis=0)
        cov_xx = numpy.sum(x * (n - x))
        cov_yy = numpy.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float('nan')
        cov_xy = numpy.sum(cmat.diagonal() * n - x * y)
        return float(cov_xy / (cov_xx * cov_yy) ** 0.5)

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            p = _tensor(pred)
            lab = _tensor(label, p.device).to(torch.int64)
            p = p.argmax(dim=1) if p.shape != lab.shape else p.to(torch.int64)
            n = int(max(p.max().item(), lab.max().item()))
            if n >= self.k:
                grow = n + 1 - self.k
                self.lcm = numpy.pad(self.lcm, ((0, grow), (0, grow)))
                self.gcm = numpy.pad(self.gcm, ((0, grow), (0, grow)))
                self.k += grow
            bcm = torch.bincount(p.reshape(-1) * self.k + lab.reshape(-1), minlength=self.k * self.k)
            bcm = bcm.reshape(self.k, self.k).cpu().numpy().astype(numpy.float64)
            self.lcm += bcm
            self.gcm += bcm
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self):
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self):
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def reset(self):
        self.global_num_inst = 0.
        self.gcm = numpy.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self):
        self.num_inst = 0.
        self.lcm = numpy.zeros((self.k, self.k))


@register
class Perplexity(EvalMetric):
    """exp(mean negative log-probability of the label), the probability picked along ``axis``; positions
    whose label is ``ignore_label`` are left out."""

    def __init__(self, ignore_label, axis=-1, name='perplexity', output_names=None, label_names=None):
        super().__init__(name, ignore_label=ignore_label, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        loss, num = 0., 0
        for label, pred in zip(labels, preds):
            assert label.size == pred.size / pred.shape[-1], \
                'shape mismatch: %s vs. %s' % (label.shape, pred.shape)
            p = _tensor(pred)
            if p.dim() != 2:  # the flattened label must index (N, C) scores
                raise MXNetError('Perplexity: shape inconsistent, label %s cannot pick from predictions %s '
                                 'along axis %d' % (label.shape, pred.shape, self.axis))
            axis = self.axis % p.dim()
            lab = _tensor(label, p.device).reshape(-1).to(torch.int64)
            lab_idx = lab.clamp(0, p.shape[axis] - 1).reshape(p.shape[:axis] + (1,) + p.shape[axis + 1:])
            picked = p.gather(axis, lab_idx).reshape(-1)
            ignored = 0
            if self.ignore_label is not None:
                mask = (_tensor(label, p.device).reshape(-1) == self.ignore_label).to(p.dtype)
                picked = picked * (1 - mask) + mask
                ignored = mask.sum()
            nll = -torch.log(torch.clamp(picked, min=1e-10)).sum()
            nll, ignored = (torch.stack([nll, torch.as_tensor(ignored, dtype=nll.dtype, device=nll.device)])
                            .tolist())
            loss += nll
            num += picked.numel() - ignored
        self._add(loss, num)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        if self.global_num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


# ---- regression -------------------------------------------------------------------------------------
class _Regression(EvalMetric):
    """Mean over updates of a per-batch error; 1-D labels/predictions count as (N, 1) columns and the two
    broadcast against each other."""

    def __init__(self, name, output_names, label_names):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    @staticmethod
    def _error(diff):
        raise NotImplementedError()

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            p = _tensor(pred)
            lab = _tensor(label, p.device)
            if lab.dtype != p.dtype:  # numpy promotes mixed dtypes to float64
                lab, p = lab.to(torch.float64), p.to(torch.float64)
            lab = lab.reshape(-1, 1) if lab.dim() == 1 else lab
            p = p.reshape(-1, 1) if p.dim() == 1 else p
            try:
                diff = lab - p
            except RuntimeError:
                raise ValueError('operands could not be broadcast together with shapes %s %s'
                                 % (tuple(lab.shape), tuple(p.shape))) from None
            self._add(float(self._error(diff).item()), 1)


@register
class MAE(_Regression):
    """Mean absolute error."""

    def __init__(self, name='mae', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(diff):
        return diff.abs().mean()


@register
class MSE(_Regression):
    """Mean squared error."""

    def __init__(self, name='mse', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(diff):
        return (diff * diff).mean()


@register
class RMSE(_Regression):
    """Root mean squared error (averaged over updates)."""

    def __init__(self, name='rmse', output_names=None, label_names=None):
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(diff):
        return (diff * diff).mean().sqrt()


# ---- likelihood -------------------------------------------------------------------------------------
class _LogLikelihood(EvalMetric):
    """Mean of -log(p[label] + eps) over samples; predictions are (N, C) probabilities."""

    def __init__(self, eps, name, output_names, label_names):
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            p = _tensor(pred)
            lab = _tensor(label, p.device).reshape(-1)
            n = lab.shape[0]
            assert n == p.shape[0], (n, p.shape[0])
            prob = p[torch.arange(n, device=p.device), lab.to(torch.int64)]
            self._add(float((-torch.log(prob + self.eps)).sum().item()), n)


@register
@alias('ce')
class CrossEntropy(_LogLikelihood):
    """Cross entropy of predicted class probabilities."""

    def __init__(self, eps=1e-12, name='cross-entropy', output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)


@register
@alias('nll_loss')
class NegativeLogLikelihood(_LogLikelihood):
    """Negative log-likelihood of the label under the predicted probabilities."""

    def __init__(self, eps=1e-12, name='nll-loss', output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)


@register
@alias('pearsonr')
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of predictions and labels: ``macro`` averages per-update coefficients, ``micro``
    streams means and variances over all updates."""

    def __init__(self, name='pearsonr', output_names=None, label_names=None, average='macro'):
        self.average = average
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def reset_micro(self):
        self._sse_p = self._mean_p = self._sse_l = self._mean_l = 0
        self._pred_nums = self._label_nums = 0
        self._conv = 0

    def reset(self):
        super().reset()
        if self.average == 'micro':
            self.reset_micro()

    @staticmethod
    def update_variance(new_values, count, mean, m_2):
        """Chan/Welford update of (count, mean, sum of squared deviations) with a batch of values."""
        count += len(new_values)
        delta = new_values - mean
        mean += numpy.sum(delta / count)
        m_2 += numpy.sum(delta * (new_values - mean))
        return count, mean, m_2

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            check_label_shapes(label, pred, False, True)
            lab = label.asnumpy().ravel().astype(numpy.float64)
            p = pred.asnumpy().ravel().astype(numpy.float64)
            if self.average == 'macro':
                self._add(float(numpy.corrcoef(p, lab)[0, 1]), 1)
            else:
                self.num_inst += 1
                self.global_num_inst += 1
                self._label_nums, self._mean_l, self._sse_l = \
                    self.update_variance(lab, self._label_nums, self._mean_l, self._sse_l)
                self._conv = self._conv + numpy.sum((lab - self._mean_l) * (p - self._mean_p))
                self._pred_nums, self._mean_p, self._sse_p = \
                    self.update_variance(p, self._pred_nums, self._mean_p, self._sse_p)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float('nan'))
        if self.average == 'macro':
            return (self.name, self.sum_metric / self.num_inst)
        n = self._label_nums
        denom = (n - 1) * numpy.sqrt(self._sse_p / (n - 1)) * numpy.sqrt(self._sse_l / (n - 1))
        return (self.name, float(self._conv / denom))


# ---- losses and custom ------------------------------------------------------------------------------
@register
class Loss(EvalMetric):
    """Mean of the (loss) outputs' elements; labels are ignored."""

    def __init__(self, name='loss', output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names, has_global_stats=True)

    def update(self, _, preds):
        if isinstance(preds, NDArray):
            preds = [preds]
        for pred in preds:
            self._add(float(_tensor(pred).sum().item()), pred.size)


@register
class Torch(Loss):
    """Loss metric named ``torch`` (MXNet's torch-plugin criterion outputs)."""

    def __init__(self, name='torch', output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class Caffe(Loss):
    """Loss metric named ``caffe`` (MXNet's caffe-plugin outputs)."""

    def __init__(self, name='caffe', output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class CustomMetric(EvalMetric):
    """A metric from ``feval(label, pred)`` on numpy arrays, returning a value (one instance) or a
    ``(sum_metric, num_inst)`` pair. Named after the function unless ``name`` is given."""

    def __init__(self, feval, name=None, allow_extra_outputs=False, output_names=None, label_names=None):
        if name is None:
            name = feval.__name__
            if '<' in name:
                name = 'custom(%s)' % name
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels, preds):
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            reval = self._feval(label.asnumpy(), pred.asnumpy())
            if isinstance(reval, tuple):
                self._add(reval[0], reval[1])
            else:
                self._add(reval, 1)

    def get_config(self):
        raise NotImplementedError('CustomMetric cannot be serialized')


def np(numpy_feval, name=None, allow_extra_outputs=False):
    """A CustomMetric from ``numpy_feval(label, pred)`` (numpy arrays in, a number out)."""
    def feval(label, pred):
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)
