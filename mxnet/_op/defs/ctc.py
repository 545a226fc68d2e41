"""``CTCLoss`` (``ctc_loss``, ``contrib.CTCLoss``): connectionist temporal classification loss.

MXNet contract: ``data`` (T, N, C) holds unnormalised activations (a softmax over C is applied inside);
``label`` (N, L) the label sequences. ``blank_label`` 'first' makes class 0 the blank and pads labels with 0;
'last' makes class C-1 the blank and pads with -1. Without ``use_label_lengths`` a sequence ends at its first
padding value; without ``use_data_lengths`` every sequence has all T frames. The output is the (N,) negative
log-likelihood; frames past a sequence's length take no part and get a zero gradient.
"""
import torch
import torch.nn.functional as F

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Bool, Enum


def _inputs(p):
    return ['data', 'label'] + (['data_lengths'] if p.use_data_lengths else []) + \
        (['label_lengths'] if p.use_label_lengths else [])


def _ctc(p, data, label, *lengths):
    if data.dim() != 3 or label.dim() != 2 or label.shape[0] != data.shape[1]:
        raise MXNetError('CTCLoss: data must be (T, N, C) and label (N, L), got %s and %s'
                         % (tuple(data.shape), tuple(label.shape)))
    t, n, c = data.shape
    rest = list(lengths)
    dlen = rest.pop(0).long() if p.use_data_lengths else torch.full((n,), t, dtype=torch.long, device=data.device)
    lab = label.long()
    pad = 0 if p.blank_label == 'first' else -1
    if p.use_label_lengths:
        llen = rest.pop(0).long()
    else:  # up to the first padding value
        is_pad = lab == pad
        llen = torch.where(is_pad.any(1), is_pad.int().argmax(1), torch.full_like(lab[:, 0], lab.shape[1]))
    blank = 0 if p.blank_label == 'first' else c - 1
    if data.is_meta:
        return torch.empty((n,), dtype=data.dtype, device='meta'), torch.empty_like(data)
    frame = torch.arange(t, device=data.device).reshape(t, 1, 1)
    live = frame < dlen.reshape(1, n, 1)
    x = torch.where(live, data, torch.zeros((), dtype=data.dtype, device=data.device)).double()
    targets = torch.where(torch.arange(lab.shape[1], device=lab.device).reshape(1, -1) < llen.reshape(-1, 1),
                          lab, torch.full_like(lab, blank if blank != 0 else 1))
    loss = F.ctc_loss(F.log_softmax(x, 2), targets, dlen, llen, blank=blank, reduction='none', zero_infinity=False)
    return loss.to(data.dtype), torch.zeros_like(data)


def _ctc_shape(p, shapes):
    d = shapes[0]
    if d is None:
        return list(shapes), [None, None], []
    if len(d) != 3:
        raise MXNetError('CTCLoss: data must be 3-D (T, N, C), got %s' % (tuple(d),))
    n = d[1]
    ins = list(shapes)
    for i in range(2, len(ins)):
        ins[i] = ins[i] or (n,)
    return ins, [(n,), tuple(d)], []


def _ctc_type(p, types):
    t = types[0]
    return [t] + [x or t for x in types[1:]], [t, t], []


register(OpDef('CTCLoss', _ctc, aliases=('ctc_loss', '_contrib_CTCLoss', '_contrib_ctc_loss'), inputs=_inputs,
               outputs=('output', 'grad'), num_visible=lambda p: 1, same_dtype=False,
               infer_shape=_ctc_shape, infer_type=_ctc_type, params={
                   'use_data_lengths': Bool(False, 'take the sequence lengths from data_lengths'),
                   'use_label_lengths': Bool(False, 'take the label lengths from label_lengths'),
                   'blank_label': Enum(('first', 'last'), 'first', 'the blank class: 0 or C-1')},
               doc='CTC loss of (T, N, C) activations against (N, L) labels: (N,) negative log-likelihoods.'))
