"""mx.image: single-image functions, augmenters, ImageIter and ImageDetIter, checked against numpy/scipy."""
import io
import json
import os
import random

import numpy as np
import pytest
from PIL import Image

import mxnet as mx
from mxnet.base import MXNetError


def _write_images(folder, n, rng, size=(40, 52)):
    paths = []
    for k in range(n):
        p = os.path.join(str(folder), 'img%d.png' % k)
        Image.fromarray(rng.randint(0, 255, size + (3,)).astype(np.uint8)).save(p)
        paths.append(p)
    return paths


def test_scale_down_and_interp_choice():
    assert mx.image.scale_down((640, 480), (720, 120)) == (640, 106)
    assert mx.image.scale_down((360, 1000), (480, 500)) == (360, 375)
    assert mx.image.scale_down((300, 400), (0, 0)) == (0, 0)
    assert mx.image.image._get_interp_method(9, (10, 10, 20, 20)) == 2
    assert mx.image.image._get_interp_method(9, (10, 10, 5, 5)) == 3
    assert mx.image.image._get_interp_method(9, (10, 10, 5, 20)) == 1
    with pytest.raises(ValueError):
        mx.image.image._get_interp_method(7)


def test_imread_missing_file_and_bad_buffers(tmp_path, rng):
    with pytest.raises(MXNetError):
        mx.img.image.imread(str(tmp_path / 'nope.jpg'))
    with pytest.raises(MXNetError):
        mx.image.imdecode(b'')
    with pytest.raises(MXNetError):
        mx.image.imdecode(b'not an image')
    p = _write_images(tmp_path, 1, rng)[0]
    rgb = np.asarray(Image.open(p))
    np.testing.assert_array_equal(mx.image.imread(p).asnumpy(), rgb)
    np.testing.assert_array_equal(mx.image.imread(p, to_rgb=False).asnumpy(), rgb[:, :, ::-1])


def test_crops_and_resize_shapes(rng):
    src = mx.nd.array(rng.rand(30, 40, 3) * 255)
    out, box = mx.image.center_crop(src, (20, 10))
    assert out.shape == (10, 20, 3) and box == (10, 10, 20, 10)
    np.testing.assert_allclose(out.asnumpy(), src.asnumpy()[10:20, 10:30])
    out, (x0, y0, w, h) = mx.image.random_crop(src, (16, 12))
    np.testing.assert_allclose(out.asnumpy(), src.asnumpy()[y0:y0 + 12, x0:x0 + 16])
    out = mx.image.fixed_crop(src, 2, 3, 10, 8, size=(20, 16))
    assert out.shape == (16, 20, 3)
    assert mx.image.resize_short(src, 15).shape == (15, 20, 3)
    out = mx.image.fixed_crop(src, 0, 0, 5, 5)  # a copy: in-place changes leave src alone
    out += 1000
    assert src.asnumpy().max() < 256


def test_random_size_crop_ratio_bounds(rng):
    random.seed(3)
    src = mx.nd.array(rng.rand(200, 300, 3))
    for _ in range(20):
        out, (x0, y0, w, h) = mx.image.random_size_crop(src, (50, 40), area=(0.1, 0.5), ratio=(0.75, 1.33))
        assert out.shape == (40, 50, 3)
        assert 0.7 <= w / h <= 1.4 and 0 <= x0 <= 300 - w and 0 <= y0 <= 200 - h


def test_color_normalize_in_place(rng):
    src = rng.rand(6, 7, 3) * 255
    mean, std = rng.rand(3) * 255, rng.rand(3) + 1
    x = mx.nd.array(src)
    res = mx.image.color_normalize(x, mx.nd.array(mean), mx.nd.array(std))
    np.testing.assert_allclose(res.asnumpy(), (src - mean) / std, rtol=1e-5, atol=1e-3)


def test_imrotate_matches_scipy_and_checks_args():
    scipy_ndimage = pytest.importorskip('scipy.ndimage')
    img = (np.linspace(0, 0.5, 30)[:, None] + np.linspace(0, 0.5, 60)[None, :])[:, :, None]
    rot = mx.image.imrotate(mx.nd.array(img.transpose(2, 0, 1)), 6).asnumpy().transpose(1, 2, 0)
    ref = scipy_ndimage.rotate(img, 6, axes=(1, 0), reshape=False, order=1, mode='constant', prefilter=False)
    np.testing.assert_allclose(rot[10:20, 20:40], ref[10:20, 20:40], atol=1e-5)
    batch = mx.nd.random.uniform(0, 1, (4, 3, 10, 12))
    assert mx.image.imrotate(batch, mx.nd.array([1, 2, 3, 4]), zoom_out=True).shape == (4, 3, 10, 12)
    assert mx.image.random_rotate(batch, (-5, 5), zoom_in=True).shape == (4, 3, 10, 12)
    np.testing.assert_allclose(mx.image.imrotate(batch, 0).asnumpy(), batch.asnumpy(), atol=1e-5)
    with pytest.raises(ValueError):
        mx.image.imrotate(batch, 3, zoom_in=True, zoom_out=True)
    with pytest.raises(TypeError):
        mx.image.imrotate(batch[0], mx.nd.array([1, 2]))
    with pytest.raises(TypeError):
        mx.image.imrotate(batch.astype('float64'), 3)


@pytest.mark.parametrize('btype,mode', [(1, 'edge'), (2, 'symmetric'), (3, 'wrap'), (4, 'reflect')])
def test_copy_make_border_modes(btype, mode, rng):
    src = rng.randint(0, 255, (5, 6, 3)).astype(np.uint8)
    out = mx.image.copyMakeBorder(mx.nd.array(src, dtype='uint8'), 1, 2, 3, 4, type=btype)
    np.testing.assert_array_equal(out.asnumpy(), np.pad(src, ((1, 2), (3, 4), (0, 0)), mode=mode))


def test_copy_make_border_constant_and_out(rng):
    src = rng.rand(4, 5, 3).astype(np.float32)
    buf = mx.nd.zeros((7, 8, 3))
    mx.image.copyMakeBorder(mx.nd.array(src), 1, 2, 1, 2, values=[1, 2, 3], out=buf)
    ref = np.empty((7, 8, 3), np.float32)
    ref[...] = [1, 2, 3]
    ref[1:5, 1:6] = src
    np.testing.assert_allclose(buf.asnumpy(), ref)


def test_augmenters_values(rng):
    src = rng.rand(8, 9, 3).astype(np.float32) * 255
    mean, std = rng.rand(3) * 255, rng.rand(3) + 1
    out = mx.image.ColorNormalizeAug(mx.nd.array(mean), std)(mx.nd.array(src))
    np.testing.assert_allclose(out.asnumpy(), (src - mean) / std, rtol=1e-5, atol=1e-3)
    flipped = mx.image.HorizontalFlipAug(1.0)(mx.nd.array(src))
    np.testing.assert_array_equal(flipped.asnumpy(), src[:, ::-1])
    gray = mx.image.RandomGrayAug(1.0)(mx.nd.array(src)).asnumpy()
    np.testing.assert_allclose(gray[..., 0], src @ np.array([0.21, 0.72, 0.07]), rtol=1e-5)
    assert mx.image.CastAug()(mx.nd.array(src, dtype='uint8')).dtype == np.float32
    hue0 = mx.image.HueJitterAug(1e-9)(mx.nd.array(src)).asnumpy()  # ~zero rotation: the YIQ round trip
    t = (mx.image.augment._YIQ2RGB @ mx.image.augment._RGB2YIQ).T
    np.testing.assert_allclose(hue0, src @ t, rtol=1e-4, atol=1e-2)
    sat = mx.image.SaturationJitterAug(0.0)(mx.nd.array(src)).asnumpy()
    np.testing.assert_allclose(sat, src, rtol=1e-5)
    assert json.loads(mx.image.ResizeAug(10).dumps()) == ['resizeaug', {'size': 10, 'interp': 2}]
    augs = mx.image.CreateAugmenter((3, 4, 5), resize=6, rand_crop=True, rand_resize=True, rand_mirror=True,
                                    mean=True, std=True, brightness=0.1, contrast=0.1, saturation=0.1, hue=0.1,
                                    pca_noise=0.1, rand_gray=0.1)
    names = [type(a).__name__ for a in augs]
    assert names == ['ResizeAug', 'RandomSizedCropAug', 'HorizontalFlipAug', 'CastAug', 'ColorJitterAug',
                     'HueJitterAug', 'LightingAug', 'RandomGrayAug', 'ColorNormalizeAug']
    img = mx.nd.array(rng.randint(0, 255, (20, 30, 3)), dtype='uint8')
    for a in augs:
        img = a(img)
    assert img.shape == (4, 5, 3) and img.dtype == np.float32


def test_imageiter_last_batch_handles(tmp_path, rng):
    paths = _write_images(tmp_path, 7, rng)
    lst = tmp_path / 'list.lst'
    lst.write_text(''.join('%d\t%d\t%s\n' % (k, k, os.path.basename(p)) for k, p in enumerate(paths)))

    def make(handle, **kw):
        return mx.image.ImageIter(3, (3, 16, 16), path_imglist=str(lst), path_root=str(tmp_path),
                                  last_batch_handle=handle, **kw)

    labels = [b.label[0].asnumpy().tolist() for b in make('pad')]
    assert labels == [[0, 1, 2], [3, 4, 5], [6, 0, 1]]
    assert [b.pad for b in make('pad')] == [0, 0, 2]
    assert len(list(make('discard'))) == 2
    it = make('roll_over')
    assert len(list(it)) == 2
    it.reset()
    batch = it.next()
    assert batch.label[0].asnumpy().tolist() == [6, 0, 1] and batch.pad == 2
    assert batch.data[0].shape == (3, 3, 16, 16)
    # the same image through ImageIter and through the augmenters by hand
    ref = mx.image.center_crop(mx.image.imread(paths[6]), (16, 16))[0].astype('float32').asnumpy()
    np.testing.assert_allclose(batch.data[0][0].asnumpy(), ref.transpose(2, 0, 1))
    imglist = [[float(k), p] for k, p in enumerate(paths)]
    it = mx.image.ImageIter(2, (3, 16, 16), imglist=imglist, path_root='', shuffle=True, dtype='int32')
    seen = sorted(v for b in it for v in b.label[0].asnumpy()[:2 - b.pad].tolist())
    assert seen == list(range(7))
    with pytest.raises(ValueError):
        mx.image.ImageIter(2, (1, 16, 16), imglist=imglist)


def test_imageiter_from_recordio(tmp_path, rng):
    rec, idx = str(tmp_path / 'x.rec'), str(tmp_path / 'x.idx')
    w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
    for k in range(5):
        img = rng.randint(0, 255, (20, 24, 3)).astype(np.uint8)
        w.write_idx(k, mx.recordio.pack_img(mx.recordio.IRHeader(0, float(k), k, 0), img, img_fmt='.png'))
    w.close()
    labels = [b.label[0].asnumpy().tolist() for b in mx.image.ImageIter(5, (3, 8, 8), path_imgrec=rec)]
    assert labels == [[0, 1, 2, 3, 4]]
    it = mx.image.ImageIter(5, (3, 8, 8), path_imgrec=rec, path_imgidx=idx, shuffle=True)
    assert sorted(it.next().label[0].asnumpy().tolist()) == [0, 1, 2, 3, 4]


def _det_label(rng, n):
    xy = rng.rand(n, 2) * 0.5
    wh = rng.rand(n, 2) * 0.4 + 0.1
    boxes = np.hstack([xy, np.minimum(1, xy + wh)])
    return [2, 5] + np.hstack([rng.randint(0, 5, (n, 1)), boxes]).ravel().tolist()


def test_image_det_iter(tmp_path, rng):
    paths = _write_images(tmp_path, 5, rng)
    counts = [1, 3, 2, 1, 2]
    imglist = [_det_label(rng, n) + [p] for n, p in zip(counts, paths)]
    it = mx.image.ImageDetIter(2, (3, 20, 20), imglist=imglist, path_root='')
    assert it.label_shape == (3, 5)
    batches = list(it)
    assert len(batches) == 3 and batches[-1].pad == 1
    lab = batches[0].label[0].asnumpy()
    assert lab.shape == (2, 3, 5)
    np.testing.assert_allclose(lab[0, 0], np.array(imglist[0][2:7]), rtol=1e-6)
    assert (lab[0, 1:] == -1).all()
    other = mx.image.ImageDetIter(2, (3, 20, 20), imglist=imglist[:1], path_root='')
    assert other.label_shape == (1, 5)
    it.sync_label_shape(other)
    assert other.label_shape == (3, 5) and other.provide_label[0].shape == (2, 3, 5)
    aug = mx.image.ImageDetIter(2, (3, 24, 24), imglist=imglist, path_root='', resize=30, rand_crop=1,
                                rand_pad=1, rand_gray=0.5, rand_mirror=True, mean=True, std=True,
                                brightness=0.1, contrast=0.1, saturation=0.1, pca_noise=0.1, hue=0.1,
                                inter_method=10)
    for b in aug:
        assert b.data[0].shape == (2, 3, 24, 24)
        boxes = b.label[0].asnumpy()
        valid = boxes[boxes[..., 0] >= 0]
        assert ((valid[:, 1:5] >= 0) & (valid[:, 1:5] <= 1)).all()


def test_det_augmenters_move_boxes(rng):
    label = np.array([[1, 0.1, 0.2, 0.5, 0.6]])
    src = mx.nd.array(rng.rand(20, 30, 3))
    out, new = mx.image.DetHorizontalFlipAug(1.0)(src, label.copy())
    np.testing.assert_allclose(new, [[1, 0.5, 0.2, 0.9, 0.6]])
    np.testing.assert_array_equal(out.asnumpy(), src.asnumpy()[:, ::-1])
    random.seed(0)
    out, new = mx.image.DetRandomPadAug(area_range=(2.0, 3.0))(src, label.copy())
    h, w = out.shape[:2]
    assert h * w >= 2 * 20 * 30 * 0.9
    # the box keeps its pixel size after padding
    np.testing.assert_allclose((new[0, 3] - new[0, 1]) * w, 0.4 * 30, rtol=1e-6)
    crop = mx.image.DetRandomCropAug(min_object_covered=0.5, area_range=(0.3, 1.0))
    for _ in range(10):
        out, new = crop(src, label.copy())
        assert ((new[:, 1:5] >= 0) & (new[:, 1:5] <= 1)).all()
    with pytest.raises(TypeError):
        mx.image.DetBorrowAug(lambda x: x)


def test_image_ops_values(rng):
    img = rng.randint(0, 255, (2, 5, 6, 3)).astype(np.uint8)
    x = mx.nd.array(img, dtype='uint8')
    t = mx.nd.image.to_tensor(x)
    assert t.dtype == np.float32
    np.testing.assert_allclose(t.asnumpy(), img.transpose(0, 3, 1, 2) / 255.0, rtol=1e-6)
    mean, std = (0.1, 0.2, 0.3), (0.5, 0.6, 0.7)
    n = mx.nd.image.normalize(t[0], mean=mean, std=std).asnumpy()
    ref = (img[0].transpose(2, 0, 1) / 255.0 - np.array(mean)[:, None, None]) / np.array(std)[:, None, None]
    np.testing.assert_allclose(n, ref, rtol=1e-5)
    np.testing.assert_array_equal(mx.nd.image.flip_left_right(x).asnumpy(), img[:, :, ::-1])
    np.testing.assert_array_equal(mx.nd.image.flip_top_bottom(x[0]).asnumpy(), img[0, ::-1])
    np.testing.assert_array_equal(mx.nd.image.random_flip_left_right(x, p=1.0).asnumpy(), img[:, :, ::-1])
    np.testing.assert_array_equal(mx.nd.image.random_flip_left_right(x, p=0.0).asnumpy(), img)
    np.testing.assert_array_equal(mx.nd.image.crop(x, 1, 2, 3, 2).asnumpy(), img[:, 2:4, 1:4])
    with pytest.raises(MXNetError):
        mx.nd.image.crop(x, 4, 0, 3, 2)
    r = mx.nd.image.resize(x[0], size=(8, 10))
    np.testing.assert_array_equal(r.asnumpy(), mx.image.imresize(x[0], 8, 10).asnumpy())
    assert mx.nd.image.resize(x, size=4, keep_ratio=True).shape == (2, 4, 4, 3)
    s = mx.sym.image.to_tensor(mx.sym.Variable('d'))
    assert s.infer_shape(d=(5, 6, 3))[1] == [(3, 5, 6)]
