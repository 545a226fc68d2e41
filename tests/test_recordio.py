"""mx.recordio and mx.io.ImageRecordIter against fixtures made with MXNet 1.9.1 (fixtures/recordio/)."""
import os
import pickle
import struct

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

rio = mx.recordio
FIX = os.path.join(os.path.dirname(__file__), 'fixtures', 'recordio')
M = struct.pack('<I', 0xCED7230A)
# the records of raw.rec, in order (see make_recordio.py)
RAW = [b'hello', b'', b'abcd' + M + b'xy', M + b'12345678' + M, b'a' + M + b'bcd', bytes(range(256)) * 3,
       rio.pack(rio.IRHeader(0, [1.5, -2.0], 9, 4), b'payload')]


@pytest.fixture(scope='module')
def expected():
    with np.load(os.path.join(FIX, 'expected.npz')) as d:
        return dict(d)


def fix(name):
    return os.path.join(FIX, name)


def _write(path, records):
    w = rio.MXRecordIO(str(path), 'w')
    for r in records:
        w.write(r)
    w.close()
    with open(path, 'rb') as f:
        return f.read()


# ---------------------------------------------------------------------------------------------- framing
@pytest.mark.parametrize('payload, hexbytes', [
    (b'hello', '0a23d7ce05000000' '68656c6c6f000000'),
    (b'', '0a23d7ce00000000'),
    (b'abcd' + M + b'xy', '0a23d7ce04000020' '61626364' '0a23d7ce02000060' '78790000'),
    (M + b'12345678' + M, '0a23d7ce00000020' '0a23d7ce08000040' '3132333435363738' '0a23d7ce00000060'),
    (b'a' + M + b'bcd', '0a23d7ce08000000' '610a23d7ce626364'),
])
def test_record_bytes_match_spec(tmp_path, payload, hexbytes):
    path = tmp_path / 'x.rec'
    assert _write(path, [payload]).hex() == hexbytes
    r = rio.MXRecordIO(str(path), 'r')
    assert r.read() == payload
    assert r.read() is None


def test_read_reference_file():
    r = rio.MXRecordIO(fix('raw.rec'), 'r')
    got = [r.read() for _ in range(len(RAW))]
    assert got == RAW
    assert r.read() is None
    r.reset()
    assert r.read() == b'hello'
    r.close()
    r.close()  # closing twice is fine


def test_written_files_are_byte_identical(tmp_path):
    w = rio.MXIndexedRecordIO(str(tmp_path / 'raw.idx'), str(tmp_path / 'raw.rec'), 'w')
    for i, buf in enumerate(RAW):
        w.write_idx(i, buf)
    assert w.keys == list(range(7))
    assert w.idx[1] == 16 and w.idx[2] == 24
    w.close()
    for name in ('raw.rec', 'raw.idx'):
        with open(fix(name), 'rb') as a, open(tmp_path / name, 'rb') as b:
            assert a.read() == b.read(), name


def test_indexed_reader():
    r = rio.MXIndexedRecordIO(fix('raw.idx'), fix('raw.rec'), 'r')
    assert r.keys == list(range(7))
    assert r.idx == {0: 0, 1: 16, 2: 24, 3: 48, 4: 80, 5: 96, 6: 872}
    for k in (5, 0, 3, 6, 2):
        assert r.read_idx(k) == RAW[k]
    r.seek(4)
    assert r.read() == RAW[4] and r.read() == RAW[5]
    with pytest.raises(KeyError):
        r.read_idx(99)
    with pytest.raises(AssertionError):
        r.tell()  # tell() is for writers, as in MXNet
    s = rio.MXIndexedRecordIO(fix('raw.idx'), fix('raw.rec'), 'r', key_type=str)
    assert s.keys[:2] == ['0', '1'] and s.read_idx('2') == RAW[2]


def test_modes_and_errors(tmp_path):
    with pytest.raises(ValueError, match='Invalid flag x'):
        rio.MXRecordIO(str(tmp_path / 'a.rec'), 'x')
    with pytest.raises(MXNetError, match='missing.rec'):
        rio.MXRecordIO(str(tmp_path / 'missing.rec'), 'r')
    w = rio.MXRecordIO(str(tmp_path / 'a.rec'), 'w')
    with pytest.raises(AssertionError):
        w.read()
    w.write(b'abc')
    assert w.tell() == 12
    w.close()
    r = rio.MXRecordIO(str(tmp_path / 'a.rec'), 'r')
    with pytest.raises(AssertionError):
        r.write(b'x')
    with open(tmp_path / 'bad.rec', 'wb') as f:
        f.write(b'\0' * 16)
    with pytest.raises(MXNetError, match='magic'):
        rio.MXRecordIO(str(tmp_path / 'bad.rec'), 'r').read()


def test_pickle_reopens():
    r = rio.MXRecordIO(fix('raw.rec'), 'r')
    assert r.read() == RAW[0] and r.read() == RAW[1]
    r2 = pickle.loads(pickle.dumps(r))  # the copy starts again from the first record, like MXNet
    assert r2.read() == RAW[0]
    assert r.read() == RAW[2]
    ri = pickle.loads(pickle.dumps(rio.MXIndexedRecordIO(fix('raw.idx'), fix('raw.rec'), 'r')))
    assert ri.read_idx(3) == RAW[3]
    r.close()
    closed = pickle.loads(pickle.dumps(r))
    assert not closed.is_open


# ---------------------------------------------------------------------------------------------- headers
def test_pack_scalar_label():
    s = rio.pack(rio.IRHeader(5, 3.0, 42, 0), b'IMG')  # the flag is forced to 0
    assert s.hex() == '00000000' '00004040' '2a00000000000000' '0000000000000000' '494d47'
    h, payload = rio.unpack(s)
    assert h == rio.IRHeader(0, 3.0, 42, 0) and payload == b'IMG'


def test_pack_array_label():
    s = rio.pack(rio.IRHeader(7, [1.0, 2.0], 43, 5), b'IMG')
    assert s.hex() == ('02000000' '00000000' '2b00000000000000' '0500000000000000' '0000803f' '00000040'
                       '494d47')
    h, payload = rio.unpack(s)
    assert (h.flag, h.id, h.id2, payload) == (2, 43, 5, b'IMG')
    assert h.label.dtype == np.float32 and h.label.tolist() == [1.0, 2.0]
    h, _ = rio.unpack(rio.pack(rio.IRHeader(0, np.array([4]), 1, 0), b''))
    assert h.flag == 1 and h.label.tolist() == [4.0]
    h, _ = rio.unpack(RAW[6])
    assert h.label.tolist() == [1.5, -2.0] and (h.id, h.id2) == (9, 4)


def test_unpack_img_reference_records(expected):
    r = rio.MXIndexedRecordIO(fix('img.idx'), fix('img.rec'), 'r')
    for k in (0, 4):
        h, img = rio.unpack_img(r.read_idx(k))
        assert h == rio.IRHeader(0, float(k), k, 0)
        np.testing.assert_array_equal(img, expected['src%d' % k])  # BGR, exactly as packed
        _, color = rio.unpack_img(r.read_idx(k), 1)
        np.testing.assert_array_equal(color, expected['src%d' % k])
        _, gray = rio.unpack_img(r.read_idx(k), 0)
        assert gray.shape == img.shape[:2] and gray.dtype == np.uint8


def test_pack_img_round_trip(expected):
    img = expected['src2']
    h, back = rio.unpack_img(rio.pack_img(rio.IRHeader(0, 1.0, 3, 0), img, quality=9, img_fmt='.png'))
    assert h.label == 1.0
    np.testing.assert_array_equal(back, img)  # channel order preserved (BGR in, BGR out)
    smooth = expected['jpgsrc1']
    _, back = rio.unpack_img(rio.pack_img(rio.IRHeader(0, 1.0, 3, 0), smooth, quality=95))
    assert back.shape == smooth.shape
    assert np.abs(back.astype(int) - smooth).mean() < 2
    _, g = rio.unpack_img(rio.pack_img(rio.IRHeader(0, 0.0, 0, 0), img[:, :, 0], img_fmt='.png'))
    np.testing.assert_array_equal(g, img[:, :, 0])


# -------------------------------------------------------------------------------------- ImageRecordIter
CASES = {
    'crop': dict(path_imgrec='img.rec', data_shape=(3, 8, 8), batch_size=3),
    'norm': dict(path_imgrec='img.rec', data_shape=(3, 9, 9), batch_size=4, resize=9, mean_r=120, mean_g=110,
                 mean_b=100, std_r=50, std_g=60, std_b=70, scale=0.5),
    'gray': dict(path_imgrec='img.rec', data_shape=(1, 8, 8), batch_size=7),
    'u8': dict(path_imgrec='img.rec', data_shape=(3, 9, 9), batch_size=7, dtype='uint8', pad=1, fill_value=3),
    'ml': dict(path_imgrec='img_ml.rec', data_shape=(3, 9, 9), batch_size=2, label_width=3),
    'jpg': dict(path_imgrec='img_jpg.rec', data_shape=(3, 16, 16), batch_size=3),
    'jpggray': dict(path_imgrec='img_jpg.rec', data_shape=(1, 16, 16), batch_size=3),
    'idx': dict(path_imgrec='img.rec', path_imgidx='img.idx', data_shape=(3, 8, 8), batch_size=4),
    'part0': dict(path_imgrec='img.rec', data_shape=(3, 8, 8), batch_size=1, num_parts=3, part_index=0),
    'part1': dict(path_imgrec='img.rec', data_shape=(3, 8, 8), batch_size=1, num_parts=3, part_index=1),
    'part2': dict(path_imgrec='img.rec', data_shape=(3, 8, 8), batch_size=1, num_parts=3, part_index=2),
}


def _make_iter(**kw):
    kw = dict(kw)
    for key in ('path_imgrec', 'path_imgidx'):
        if key in kw:
            kw[key] = fix(kw[key])
    return mx.io.ImageRecordIter(**kw)


def _epoch(it):
    batches = list(it)
    return (np.stack([b.data[0].asnumpy() for b in batches]), np.stack([b.label[0].asnumpy() for b in batches]),
            [b.pad for b in batches])


@pytest.mark.parametrize('name', sorted(CASES))
def test_image_record_iter_matches_reference(expected, name):
    data, label, pad = _epoch(_make_iter(**CASES[name]))
    ref = expected[name + '_e0_data']
    assert data.shape == ref.shape and data.dtype == ref.dtype
    np.testing.assert_allclose(data, ref, rtol=0, atol=1e-5)
    np.testing.assert_array_equal(label, expected[name + '_e0_label'])
    assert pad == expected[name + '_e0_pad'].tolist()


def test_round_batch_epochs(expected):
    it = _make_iter(**CASES['crop'])
    for e in range(3):  # wrapped samples are skipped at the start of the next epoch, as in MXNet
        if e:
            it.reset()
        data, label, pad = _epoch(it)
        np.testing.assert_array_equal(label, expected['crop_e%d_label' % e])
        np.testing.assert_array_equal(data, expected['crop_e%d_data' % e])
        assert pad == expected['crop_e%d_pad' % e].tolist()
    assert expected['crop_e1_label'].ravel().tolist() == [2, 3, 4, 5, 6, 0]  # epoch 2 skipped samples 0, 1


def test_no_round_batch_pads_with_zeros():
    it = _make_iter(path_imgrec='img.rec', data_shape=(3, 8, 8), batch_size=3, round_batch=False)
    data, label, pad = _epoch(it)
    assert pad == [0, 0, 2]
    assert label[2].tolist() == [6, 0, 0]
    assert not data[2, 1:].any()


def test_provide_and_batch_api():
    it = _make_iter(path_imgrec='img_ml.rec', data_shape=(3, 9, 9), batch_size=2, label_width=3,
                    data_name='x', label_name='y', dtype='uint8')
    (d,), (l,) = it.provide_data, it.provide_label
    assert (d.name, d.shape, d.dtype, d.layout) == ('x', (2, 3, 9, 9), np.uint8, 'NCHW')
    assert (l.name, l.shape, l.dtype) == ('y', (2, 3), np.float32)
    assert it.iter_next()
    assert it.getdata().shape == (2, 3, 9, 9) and it.getdata().dtype == np.uint8
    assert it.getlabel().asnumpy().tolist() == [[0, 10, 20], [1, 11, 21]]
    assert it.getpad() == 0
    it2 = _make_iter(**CASES['crop'])
    assert it2.provide_label[0].shape == (3,) and it2.provide_data[0].dtype == np.float32


def test_threads_do_not_change_results():
    kw = dict(path_imgrec='img.rec', data_shape=(3, 8, 8), batch_size=2, rand_crop=True, rand_mirror=True,
              shuffle=True, seed=11)
    a = _epoch(_make_iter(preprocess_threads=1, **kw))
    b = _epoch(_make_iter(preprocess_threads=4, prefetch_buffer=1, **kw))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_random_augmentations(expected):
    it = _make_iter(path_imgrec='img.rec', data_shape=(3, 8, 8), batch_size=7, rand_crop=True, rand_mirror=True,
                    shuffle=True, seed=3)
    data, label, _ = _epoch(it)
    assert sorted(label.ravel().tolist()) == list(range(7))
    flips = 0
    for img, k in zip(data[0], label[0].astype(int)):
        src = expected['src%d' % k][:, :, ::-1].transpose(2, 0, 1).astype(np.float32)  # RGB, CHW
        H, W = src.shape[1:]
        crops = [(f, src[:, y:y + 8, x:x + 8]) for y in range(H - 7) for x in range(W - 7) for f in (0, 1)]
        matches = [f for f, c in crops if np.array_equal(img, c[:, :, ::-1] if f else c)]
        assert matches, 'sample %d is not a (mirrored) crop of its image' % k
        flips += matches[0]
    assert 0 < flips < 7
    it.reset()
    assert sorted(_epoch(it)[1].ravel().tolist()) != label.ravel().tolist()  # reshuffled


def test_mean_img_is_made_then_reused(tmp_path, expected):
    path = str(tmp_path / 'mean.nd')
    kw = dict(path_imgrec='img.rec', data_shape=(3, 8, 8), batch_size=7, mean_img=path, std_r=2, scale=0.5)
    data, _, _ = _epoch(_make_iter(**kw))
    raw = expected['crop_e0_data'].reshape(-1, 3, 8, 8)[:7]
    mean = raw.mean(0)
    np.testing.assert_allclose(mx.nd.load(path)['mean_img'].asnumpy(), mean, rtol=1e-5)
    std = np.array([2, 1, 1], np.float32).reshape(3, 1, 1)
    np.testing.assert_allclose(data[0], (raw - mean) / std * 0.5, rtol=1e-5, atol=1e-4)
    data2, _, _ = _epoch(_make_iter(**kw))
    np.testing.assert_allclose(data2, data, rtol=1e-6)


@pytest.mark.parametrize('kw, err, match', [
    (dict(path_imgrec='img.rec', label_width=2), MXNetError, 'label_width must be 1'),
    (dict(path_imgrec='img_ml.rec', label_width=2), MXNetError, 'provides 3-dimensional labels'),
    (dict(path_imgrec='img.rec', data_shape=(3, 20, 8)), MXNetError, 'smaller than input shape'),
    (dict(path_imgrec='missing.rec'), MXNetError, 'missing.rec'),
    (dict(path_imgrec='img.rec', dtype='float16'), MXNetError, 'dtype'),
    (dict(path_imgrec='img.rec', pca_noise=0.1), MXNetError, 'pca_noise'),
    (dict(path_imgrec='img.rec', data_shape=(2, 8, 8)), MXNetError, 'data_shape'),
])
def test_iter_errors(kw, err, match):
    args = dict(data_shape=(3, 8, 8), batch_size=2)
    args.update(kw)
    with pytest.raises(err, match=match):
        _make_iter(**args)


def test_unknown_options_are_ignored():
    it = _make_iter(path_imgrec='img.rec', data_shape=(3, 8, 8), batch_size=7, verbose=False, ctx='cpu')
    assert it.next().label[0].asnumpy().tolist() == list(range(7))


# ----------------------------------------------------------------------------------------------- mx.image
@pytest.mark.parametrize('k, size', list(enumerate([(17, 5), (7, 13), (24, 20), (6, 5), (31, 3)])))
def test_bilinear_resize_matches_opencv(expected, k, size):
    from mxnet.image import codec
    src = expected['src%d' % k]
    np.testing.assert_array_equal(codec.resize(src, size[0], size[1], 1), expected['resize%d' % k])
    gray = codec.resize(src[:, :, 0], size[0], size[1], 1)  # channels are resized independently
    np.testing.assert_array_equal(gray, expected['resize%d' % k][:, :, 0])


def test_image_imdecode_and_imresize(expected):
    _, payload = rio.unpack(rio.MXRecordIO(fix('img.rec'), 'r').read())
    src = expected['src0']
    rgb = mx.image.imdecode(payload)
    assert rgb.shape == (10, 12, 3) and rgb.dtype == np.uint8
    np.testing.assert_array_equal(rgb.asnumpy(), src[:, :, ::-1])
    np.testing.assert_array_equal(mx.image.imdecode(payload, to_rgb=0).asnumpy(), src)
    assert mx.image.imdecode(payload, flag=0).shape == (10, 12, 1)
    small = mx.image.imresize(rgb, 6, 5)
    assert small.shape == (5, 6, 3)
    same = mx.image.imresize(rgb, 12, 10)
    np.testing.assert_array_equal(same.asnumpy(), rgb.asnumpy())
    const = mx.nd.array(np.full((4, 4, 3), 77), dtype=np.uint8)
    assert (mx.image.imresize(const, 7, 3, interp=1).asnumpy() == 77).all()
