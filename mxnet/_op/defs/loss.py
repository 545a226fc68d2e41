"""Loss-output layers: SoftmaxOutput, the regression outputs, SVMOutput and MakeLoss.

Their forward is a plain transform (softmax, identity, sigmoid); their backward ignores the head gradient and
gives MXNet's loss gradient instead (e.g. (softmax - onehot(label)) * grad_scale / norm); labels get a zero
gradient. This is ``gradients.loss_output``, whose backward calls the op's gradient rule.
"""
import math

import torch

from ...base import MXNetError
from ..gradients import loss_output  # noqa: F401 -- MXNet's loss gradient convention
from ..params import Float, Bool, Enum
from .nn import fmt, register_weighted


def _as_data(p, shapes):
    """Loss outputs have the data's shape."""
    return [shapes[0]]


def _norm_div(p, count_valid, total):
    if p.normalization == 'batch':
        return float(total)
    if p.normalization == 'valid':
        return torch.clamp(count_valid, min=1)
    return 1.0


# ---- SoftmaxOutput ------------------------------------------------------------------------------------
def _softmax_out_shapes(p, d):
    if p.multi_output:  # MXNet infers (N, positions) and also accepts (N, ...) and data's shape with axis 1 = 1
        n = d[0]
        return {'label': [(n, math.prod(d[2:])), (n,) + tuple(d[2:]), (n, 1) + tuple(d[2:])]}
    return {'label': [tuple(d[:-1]), tuple(d)]}  # data's own shape: probabilities as labels


def _check_label(op, want, label):
    if tuple(label.shape) != tuple(want):
        if label.numel() != int(torch.Size(want).numel()):
            raise MXNetError('%s: Shape inconsistent for argument label, Provided = %s, inferred shape=%s'
                             % (op, fmt(label.shape), fmt(want)))


def _softmax_rows(p, x):
    """(softmax in the data's shape, rows (R, K) view of it)."""
    if p.multi_output:
        out = torch.softmax(x, 1)
        return out, out.movedim(1, -1).reshape(-1, x.shape[1])
    if p.preserve_shape:
        out = torch.softmax(x, -1)
        return out, out.reshape(-1, x.shape[-1])
    if x.dim() == 2:
        out = torch.softmax(x, 1)
        return out, out
    rows = torch.softmax(x.reshape(x.shape[0], -1), 1)
    return rows.reshape(x.shape), rows


def _softmax_output(p, data, label):
    if label.shape == data.shape:  # probabilities as labels: gradient (softmax - label) * grad_scale
        def soft_gradient(x, out, lab, head):
            g = (out - lab) * p.grad_scale
            return g * out if p.out_grad else g
        return loss_output(data, label, lambda x: _softmax_rows(p, x)[0], soft_gradient)
    if p.multi_output or label.shape != data.shape[:-1]:
        want = _softmax_out_shapes(p, tuple(data.shape))['label']
        _check_label('SoftmaxOutput', want[0], label)

    def forward(x):
        return _softmax_rows(p, x)[0]

    def gradient(x, out, lab, head):
        # the rows of the saved forward output are the softmax rows (no recomputation)
        if p.multi_output:
            prob = out.movedim(1, -1).reshape(-1, x.shape[1])
        elif out.dim() == 2:
            prob = out
        else:
            prob = out.reshape(-1, out.shape[-1] if p.preserve_shape else math.prod(x.shape[1:]))
        k = prob.shape[1]
        n_label = lab.numel()
        # MXNet reads the label flattened, in order: with plain N-d data only the first N entries are used
        if lab.dim() != 1:
            lab = lab.reshape(-1)
        if n_label != prob.shape[0]:
            lab = lab[:prob.shape[0]]
        idx = lab.to(torch.int64).clamp(0, k - 1)
        target = torch.zeros_like(prob).scatter_(1, idx.unsqueeze(1), 1.0)  # one-hot, without one_hot's checks
        if p.smooth_alpha:
            target = target * (1 - p.smooth_alpha) + (1 - target) * (p.smooth_alpha / (k - 1))
        g = prob - target
        if p.use_ignore:
            valid = lab != p.ignore_label
            g = g * valid.unsqueeze(1).to(g.dtype)
        # the skipped multiplications by 1 would not change a value
        if p.normalization == 'valid':
            valid = (lab != p.ignore_label) if p.use_ignore else torch.ones_like(lab, dtype=torch.bool)
            g = g * (p.grad_scale / _norm_div(p, valid.sum().to(g.dtype), n_label))
        else:
            scale = p.grad_scale / _norm_div(p, None, n_label)
            if scale != 1.0:
                g = g * scale
        if p.multi_output and p.normalization == 'null':
            g = g / (n_label // x.shape[0])  # MXNet divides by the positions per sample here
        if p.multi_output:
            shape = (x.shape[0],) + tuple(x.shape[2:]) + (x.shape[1],)
            g = g.reshape(shape).movedim(-1, 1)
        if g.shape != x.shape:
            g = g.reshape(x.shape)
        return g * out if p.out_grad else g  # MXNet 1.9.1 scales by the output, not the head gradient

    return loss_output(data, label, forward, gradient)


register_weighted(
    'SoftmaxOutput', _softmax_output, _softmax_out_shapes, inputs=('data', 'label'), aliases=('Softmax',),
    out_shapes=_as_data,
    params={'grad_scale': Float(1.0), 'ignore_label': Float(-1.0), 'multi_output': Bool(False),
            'use_ignore': Bool(False), 'preserve_shape': Bool(False),
            'normalization': Enum(('batch', 'null', 'valid'), 'null'), 'out_grad': Bool(False),
            'smooth_alpha': Float(0.0)},
    doc='Softmax over axis 1 with multi_output (label: data shape without axis 1), over the last axis with '
        'preserve_shape, else over all non-batch axes flattened (label: data.shape[:-1] in every case but '
        'multi_output). Its gradient is (softmax - onehot(label)) * grad_scale / norm, where norm is 1 '
        '(null), the label count (batch) or the count of labels other than ignore_label (valid).')


# ---- regression outputs -------------------------------------------------------------------------------
def _same_as_data(p, d):
    return {'label': tuple(d)}


def _regression(name, fwd, rule):
    def compute(p, data, label):
        _check_label(name, tuple(data.shape), label)

        def gradient(x, out, lab, head):
            per_sample = out.numel() // max(out.shape[0], 1) if out.dim() else 1
            return rule(out, lab.reshape(out.shape)) * (p.grad_scale / per_sample)

        return loss_output(data, label, fwd, gradient)

    op = register_weighted(name, compute, _same_as_data, inputs=('data', 'label'),
                           params={'grad_scale': Float(1.0)},
                           doc='Forward: %s. Gradient: %s * grad_scale / (outputs per sample).'
                           % ('sigmoid(data)' if fwd is torch.sigmoid else 'data', rule.__doc__))
    op._infer_shape = _regression_shapes(name)


def _regression_shapes(name):
    """MXNet's label rule: inferred as the data's shape ((N,) for data (N, 1)); a given label needs the
    data's first dimension and size."""
    def infer(p, shapes):
        d, lab = (None if s is None else tuple(s) for s in shapes)
        if d is None:
            return [d, lab], [None], []
        if lab is None:
            lab = (d[0],) if len(d) == 2 and d[1] == 1 else d
        elif not lab or lab[0] != d[0] or math.prod(lab) != math.prod(d):
            raise MXNetError('%s: Shape inconsistent, Provided=%s, inferred shape=%s' % (name, fmt(lab), fmt(d)))
        return [d, lab], [d], []
    return infer


def _lin_rule(out, lab):
    """(out - label)"""
    return out - lab


def _mae_rule(out, lab):
    """sign(out - label)"""
    return torch.sign(out - lab)


def _identity(x):
    return x.view_as(x)


_regression('LinearRegressionOutput', _identity, _lin_rule)
_regression('LogisticRegressionOutput', torch.sigmoid, _lin_rule)
_regression('MAERegressionOutput', _identity, _mae_rule)


# ---- SVMOutput ----------------------------------------------------------------------------------------
def _svm(p, data, label):
    _check_label('SVMOutput', (data.shape[0],), label)

    def gradient(x, out, lab, head):
        k = x.shape[1]
        y = out.reshape(x.shape[0], k)
        is_label = torch.nn.functional.one_hot(lab.reshape(-1).to(torch.int64).clamp(0, k - 1), k).bool()
        m, c = p.margin, p.regularization_coefficient
        if p.use_linear:
            pos = -c * (m > y).to(y.dtype)
            neg = c * (m > -y).to(y.dtype)
        else:
            pos = -2 * c * torch.clamp(m - y, min=0)
            neg = 2 * c * torch.clamp(m + y, min=0)
        return torch.where(is_label, pos, neg).reshape(x.shape)

    return loss_output(data, label, _identity, gradient)


register_weighted('SVMOutput', _svm, lambda p, d: {'label': (d[0],)}, inputs=('data', 'label'), out_shapes=_as_data,
                  params={'margin': Float(1.0), 'regularization_coefficient': Float(1.0), 'use_linear': Bool(False)},
                  doc='Forward: identity. Gradient: the hinge loss\'s (L1-SVM with use_linear, else L2-SVM) for '
                      'class scores ``data`` and integer ``label``.')


# ---- MakeLoss -----------------------------------------------------------------------------------------
def _makeloss(p, data):
    def gradient(x, out, lab, head):
        valid = (x > p.valid_thresh).sum().to(x.dtype)
        return torch.full_like(x, p.grad_scale) / _norm_div(p, valid, x.shape[0] if x.dim() else 1)

    return loss_output(data, None, _identity, gradient)


register_weighted('MakeLoss', _makeloss, lambda p, d: {}, out_shapes=_as_data,
                  params={'grad_scale': Float(1.0), 'valid_thresh': Float(0.0),
                          'normalization': Enum(('batch', 'null', 'valid'), 'null')},
                  doc='Forward: identity. Gradient: grad_scale divided by 1 (null), the batch size (batch) or '
                      'the count of elements above valid_thresh (valid); the head gradient is ignored.')
