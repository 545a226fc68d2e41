"""Detection operators against the real MXNet 1.9.1 (fixtures/detection, made by make_detection.py) and numpy:
Proposal / MultiProposal, DeformableConvolution, PSROIPooling; plus NMS, slice partial shapes and DummyIter."""
import os

import numpy as np
import pytest
import torch

import mxnet as mx
from mxnet._op.defs.proposal import greedy_nms

Z = np.load(os.path.join(os.path.dirname(__file__), 'fixtures', 'detection', 'detection.npz'))

PROPOSAL_CASES = [((8, 16), (0.5, 1, 2), False, 50, 20, 2), ((4,), (1, 2), True, -1, 15, 1)]


@pytest.mark.parametrize('i', range(len(PROPOSAL_CASES)))
def test_proposal_matches_mxnet(i):
    scales, ratios, iou, pre, post, minsz = PROPOSAL_CASES[i]
    kw = dict(feature_stride=16, scales=scales, ratios=ratios, rpn_pre_nms_top_n=pre, rpn_post_nms_top_n=post,
              threshold=0.6, rpn_min_size=minsz, output_score=True, iou_loss=iou)
    ins = [mx.nd.array(Z['p%d_%s' % (i, k)]) for k in ('cls', 'bbox', 'info')]
    rois, score = mx.nd.contrib.MultiProposal(*ins, **kw)
    np.testing.assert_allclose(rois.asnumpy(), Z['p%d_rois' % i], rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(score.asnumpy(), Z['p%d_score' % i], rtol=1e-6)
    rois1, score1 = mx.nd.contrib.Proposal(*[x[:1] for x in ins], **kw)
    np.testing.assert_allclose(rois1.asnumpy(), Z['p%d_rois1' % i], rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(score1.asnumpy(), Z['p%d_score1' % i], rtol=1e-6)


def test_proposal_shapes_outputs_and_zero_grad():
    sym = mx.sym.contrib.MultiProposal(name='p', rpn_post_nms_top_n=7, scales=(8,), ratios=(1, 2))
    assert sym.list_arguments() == ['p_cls_prob', 'p_bbox_pred', 'p_im_info'] and len(sym.list_outputs()) == 1
    args, outs, _ = sym.infer_shape(p_cls_prob=(2, 4, 3, 3))
    assert args == [(2, 4, 3, 3), (2, 8, 3, 3), (2, 3)] and outs == [(14, 5)]
    loc = {'p_cls_prob': mx.nd.array(np.random.rand(2, 4, 3, 3)),
           'p_bbox_pred': mx.nd.array(np.random.rand(2, 8, 3, 3)), 'p_im_info': mx.nd.array([[48, 48, 1]] * 2)}
    grads = {k: mx.nd.ones(v.shape) for k, v in loc.items()}
    ex = sym.bind(mx.cpu(), loc, args_grad=grads)
    ex.forward(is_train=True)
    ex.backward([mx.nd.ones((14, 5))])
    assert all((g.asnumpy() == 0).all() for g in grads.values())
    assert (ex.outputs[0].asnumpy()[7:, 0] == 1).all()
    with pytest.raises(mx.MXNetError):
        mx.nd.contrib.Proposal(*[v for v in loc.values()], scales=(8,), ratios=(1, 2))  # batch of 2


def _nms_reference(boxes, thresh, limit):
    keep, dead = [], np.zeros(len(boxes), bool)
    area = (boxes[:, 2] - boxes[:, 0] + 1) * (boxes[:, 3] - boxes[:, 1] + 1)
    for i in range(len(boxes)):
        if dead[i] or len(keep) >= limit:
            continue
        keep.append(i)
        w = np.maximum(0, np.minimum(boxes[i, 2], boxes[:, 2]) - np.maximum(boxes[i, 0], boxes[:, 0]) + 1)
        h = np.maximum(0, np.minimum(boxes[i, 3], boxes[:, 3]) - np.maximum(boxes[i, 1], boxes[:, 1]) + 1)
        inter = w * h
        dead |= inter / (area[i] + area - inter) > thresh
    return keep


@pytest.mark.parametrize('n,limit', [(700, 1000), (700, 30), (5, 5)])
def test_greedy_nms_matches_sequential(n, limit):
    rng = np.random.RandomState(n + limit)
    xy = rng.rand(n, 2).astype(np.float32) * 100
    boxes = np.concatenate([xy, xy + rng.rand(n, 2).astype(np.float32) * 40], 1)
    got = greedy_nms(torch.tensor(boxes), 0.5, limit).tolist()
    assert got == _nms_reference(boxes, 0.5, limit)


DC_CASES = [dict(k=(3, 3), stride=(1, 1), dilate=(1, 1), pad=(1, 1), dg=2, g=1, f=4),
            dict(k=(3, 2), stride=(2, 1), dilate=(2, 1), pad=(2, 0), dg=3, g=2, f=4)]


@pytest.mark.parametrize('i', range(len(DC_CASES)))
def test_deformable_convolution_matches_mxnet(i):
    cs = DC_CASES[i]
    arrs = [mx.nd.array(Z['d%d_%s' % (i, k)], dtype='float64') for k in ('data', 'offset', 'weight', 'bias')]
    for a in arrs:
        a.attach_grad()
    with mx.autograd.record():
        out = mx.nd.contrib.DeformableConvolution(*arrs, kernel=cs['k'], stride=cs['stride'], dilate=cs['dilate'],
                                                  pad=cs['pad'], num_filter=cs['f'], num_deformable_group=cs['dg'],
                                                  num_group=cs['g'])
    out.backward(mx.nd.array(Z['d%d_ograd' % i], dtype='float64'))
    np.testing.assert_allclose(out.asnumpy(), Z['d%d_out' % i], rtol=1e-10, atol=1e-12)
    for a, k in zip(arrs, ('data', 'offset', 'weight', 'bias')):
        np.testing.assert_allclose(a.grad.asnumpy(), Z['d%d_g%s' % (i, k)], rtol=1e-10, atol=1e-12)


def test_deformable_convolution_zero_offset_is_convolution_and_gradcheck():
    rng = np.random.RandomState(1)
    data, wt, b = rng.rand(1, 4, 5, 5), rng.randn(4, 2, 3, 3), rng.randn(4)
    off = np.zeros((1, 18, 5, 5))
    got = mx.nd.contrib.DeformableConvolution(mx.nd.array(data), mx.nd.array(off), mx.nd.array(wt), mx.nd.array(b),
                                              kernel=(3, 3), pad=(1, 1), num_filter=4, num_group=2)
    want = mx.nd.Convolution(mx.nd.array(data), mx.nd.array(wt), mx.nd.array(b), kernel=(3, 3), pad=(1, 1),
                             num_filter=4, num_group=2)
    np.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-5, atol=1e-5)
    sym = mx.sym.contrib.DeformableConvolution(mx.sym.var('data'), mx.sym.var('offset'), mx.sym.var('weight'),
                                               mx.sym.var('bias'), kernel=(3, 3), pad=(1, 1), num_filter=2)
    offset = rng.rand(1, 18, 4, 4) * 0.8 + 0.1
    mx.test_utils.check_numeric_gradient(sym, [rng.rand(1, 2, 4, 4), offset, rng.randn(2, 2, 3, 3), np.zeros(2)],
                                         grad_nodes=['data', 'weight', 'offset'], rtol=0.05, atol=1e-3,
                                         numeric_eps=1e-4, dtype=np.float64)


PS_CASES = [dict(od=2, k=3, g=0, scale=0.0625, dt='float64'), dict(od=3, k=2, g=2, scale=0.5, dt='float32')]


@pytest.mark.parametrize('i', range(len(PS_CASES)))
def test_psroipooling_matches_mxnet(i):
    cs = PS_CASES[i]
    d = mx.nd.array(Z['s%d_data' % i], dtype=cs['dt'])
    d.attach_grad()
    with mx.autograd.record():
        out = mx.nd.contrib.PSROIPooling(d, mx.nd.array(Z['s%d_rois' % i], dtype=cs['dt']),
                                         spatial_scale=cs['scale'], output_dim=cs['od'], pooled_size=cs['k'],
                                         group_size=cs['g'])
    out.backward(mx.nd.array(Z['s%d_ograd' % i], dtype=cs['dt']))
    np.testing.assert_allclose(out.asnumpy(), Z['s%d_out' % i], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(d.grad.asnumpy(), Z['s%d_grad' % i], rtol=1e-5, atol=1e-6)


def test_psroipooling_shape_and_errors():
    sym = mx.sym.contrib.PSROIPooling(name='p', spatial_scale=0.5, output_dim=2, pooled_size=3)
    assert sym.infer_shape(p_data=(1, 18, 8, 8), p_rois=(4, 5))[1] == [(4, 2, 3, 3)]
    with pytest.raises(mx.MXNetError):
        mx.nd.contrib.PSROIPooling(mx.nd.zeros((1, 17, 8, 8)), mx.nd.zeros((1, 5)), spatial_scale=1.0,
                                   output_dim=2, pooled_size=3)


def test_slice_partial_shapes_keep_unknown_dims():
    x = mx.sym.var('data', shape=(0, 20))
    assert mx.sym.slice(x, begin=(None, 3), end=(5, 10)).infer_shape_partial()[1] == [(0, 7)]
    y = mx.sym.var('data', shape=(10, 0))
    assert mx.sym.slice_axis(y, axis=1, begin=0, end=5).infer_shape_partial()[1] == [(10, 0)]
    assert mx.sym.slice_axis(y, axis=0, begin=0, end=5).infer_shape_partial()[1] == [(5, 0)]


def test_dummy_iter_repeats_first_batch():
    it = mx.test_utils.DummyIter(mx.io.NDArrayIter(np.arange(12).reshape(6, 2), batch_size=2))
    first = next(it)
    assert all(next(it) is first for _ in range(5)) and it.batch_size == 2
    assert it.provide_data[0].shape == (2, 2)
