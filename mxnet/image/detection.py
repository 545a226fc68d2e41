"""Object-detection augmenters and ``mx.image.ImageDetIter``.

A detection label is a float array ``(num_objects, width >= 5)``, each row ``[class_id, xmin, ymin, xmax,
ymax, ...]`` with coordinates normalised to [0, 1]. Raw labels (in .lst files, image lists and records)
are flat: ``[header_width, object_width, (header extras...), objects...]``. Detection augmenters map
``(image, label) -> (image, label)``.
"""
import json
import logging
import math
import numbers
import random
import warnings

import numpy as np

from ..base import MXNetError
from .. import ndarray as nd
from ..io.base import DataBatch, DataDesc
from .image import fixed_crop, copyMakeBorder
from .augment import (Augmenter, ResizeAug, ForceResizeAug, CastAug, ColorJitterAug, HueJitterAug, LightingAug,
                      RandomGrayAug, ColorNormalizeAug, IMAGENET_MEAN, IMAGENET_STD, PCA_EIGVAL, PCA_EIGVEC)
from .image_iter import ImageIter

__all__ = ['DetAugmenter', 'DetBorrowAug', 'DetRandomSelectAug', 'DetHorizontalFlipAug', 'DetRandomCropAug',
           'DetRandomPadAug', 'CreateMultiRandCropAugmenter', 'CreateDetAugmenter', 'ImageDetIter']


def _pair(value, what, owner):
    if isinstance(value, (tuple, list)):
        return tuple(value)
    if not isinstance(value, numbers.Number):
        raise TypeError('%s: %s must be a number or a (low, high) pair, got %r' % (owner, what, value))
    return (value, value)


def _box_areas(boxes):
    """Areas of ``[xmin, ymin, xmax, ymax]`` rows (0 for empty boxes)."""
    return np.maximum(0, boxes[:, 2] - boxes[:, 0]) * np.maximum(0, boxes[:, 3] - boxes[:, 1])


class DetAugmenter:
    """Base class; subclasses implement ``__call__(src, label)``. Keyword arguments are kept for ``dumps()``."""

    def __init__(self, **kwargs):
        self._kwargs = {}
        for k, v in kwargs.items():
            if isinstance(v, nd.NDArray):
                v = v.asnumpy()
            self._kwargs[k] = v.tolist() if isinstance(v, np.ndarray) else v

    def dumps(self):
        """JSON string ``[class name in lower case, {parameters}]``."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, src, label):
        raise NotImplementedError('Must override implementation.')


class DetBorrowAug(DetAugmenter):
    """Use a classification :class:`Augmenter` that leaves the labels unchanged."""

    def __init__(self, augmenter):
        if not isinstance(augmenter, Augmenter):
            raise TypeError('Borrowing from invalid Augmenter')
        super().__init__(augmenter=augmenter.dumps())
        self.augmenter = augmenter

    def dumps(self):
        return [self.__class__.__name__.lower(), self.augmenter.dumps()]

    def __call__(self, src, label):
        return self.augmenter(src), label


class DetRandomSelectAug(DetAugmenter):
    """Apply one of ``aug_list`` chosen at random, or (with probability ``skip_prob``) none."""

    def __init__(self, aug_list, skip_prob=0):
        super().__init__(skip_prob=skip_prob)
        if not isinstance(aug_list, (list, tuple)):
            aug_list = [aug_list]
        for aug in aug_list:
            if not isinstance(aug, DetAugmenter):
                raise ValueError('Allow DetAugmenter in list only')
        self.aug_list = list(aug_list)
        self.skip_prob = skip_prob if aug_list else 1

    def dumps(self):
        return [self.__class__.__name__.lower(), [x.dumps() for x in self.aug_list]]

    def __call__(self, src, label):
        if random.random() < self.skip_prob:
            return src, label
        return random.choice(self.aug_list)(src, label)


class DetHorizontalFlipAug(DetAugmenter):
    """With probability ``p``, mirror the image and its boxes left-right."""

    def __init__(self, p):
        super().__init__(p=p)
        self.p = p

    def __call__(self, src, label):
        if random.random() < self.p:
            src = nd.flip(src, axis=1)
            xmin = 1.0 - label[:, 3]
            label[:, 3] = 1.0 - label[:, 1]
            label[:, 1] = xmin
        return src, label


class DetRandomCropAug(DetAugmenter):
    """Random crop whose area fraction lies in ``area_range`` and aspect ratio (w/h) in
    ``aspect_ratio_range``, covering at least ``min_object_covered`` of every box it touches; boxes kept
    with less than ``min_eject_coverage`` of their area are dropped. After ``max_attempts`` failed
    proposals the input is returned unchanged. Invalid ranges disable the augmenter (with a warning)."""

    def __init__(self, min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33), area_range=(0.05, 1.0),
                 min_eject_coverage=0.3, max_attempts=50):
        aspect_ratio_range = _pair(aspect_ratio_range, 'aspect_ratio_range', 'DetRandomCropAug')
        area_range = _pair(area_range, 'area_range', 'DetRandomCropAug')
        super().__init__(min_object_covered=min_object_covered, aspect_ratio_range=aspect_ratio_range,
                         area_range=area_range, min_eject_coverage=min_eject_coverage,
                         max_attempts=max_attempts)
        self.min_object_covered = min_object_covered
        self.min_eject_coverage = min_eject_coverage
        self.max_attempts = max_attempts
        self.aspect_ratio_range = aspect_ratio_range
        self.area_range = area_range
        self.enabled = False
        if area_range[1] <= 0 or area_range[0] > area_range[1]:
            warnings.warn('Skip DetRandomCropAug due to invalid area_range: %s' % (area_range,))
        elif aspect_ratio_range[0] > aspect_ratio_range[1] or aspect_ratio_range[0] <= 0:
            warnings.warn('Skip DetRandomCropAug due to invalid aspect_ratio_range: %s' % (aspect_ratio_range,))
        else:
            self.enabled = True

    def __call__(self, src, label):
        crop = self._random_crop_proposal(label, src.shape[0], src.shape[1])
        if crop:
            x, y, w, h, label = crop
            src = fixed_crop(src, x, y, w, h, None)
        return src, label

    def _satisfies(self, label, box, width, height):
        """Whether crop ``box`` (x0, y0, x1, y1 in pixels) covers enough of the boxes it touches."""
        x0, y0, x1, y1 = box
        if (x1 - x0) * (y1 - y0) < 2:
            return False
        areas = _box_areas(label[:, 1:5])
        valid = np.where(areas * width * height > 2)[0]
        if valid.size < 1:
            return False
        boxes = label[valid, 1:5]
        left = np.maximum(boxes[:, 0], x0 / width)
        top = np.maximum(boxes[:, 1], y0 / height)
        right = np.minimum(boxes[:, 2], x1 / width)
        bot = np.minimum(boxes[:, 3], y1 / height)
        inter = np.where((left < right) & (top < bot), (right - left) * (bot - top), 0.0)
        coverages = inter / areas[valid]
        coverages = coverages[coverages > 0]
        return coverages.size > 0 and np.amin(coverages) > self.min_object_covered

    def _update_labels(self, label, crop_box, height, width):
        """Boxes in the coordinates of ``crop_box`` (x, y, w, h), clipped; None if no box survives."""
        xmin, ymin = crop_box[0] / width, crop_box[1] / height
        w, h = crop_box[2] / width, crop_box[3] / height
        out = label.copy()
        out[:, (1, 3)] = np.clip((out[:, (1, 3)] - xmin) / w, 0, 1)
        out[:, (2, 4)] = np.clip((out[:, (2, 4)] - ymin) / h, 0, 1)
        coverage = _box_areas(out[:, 1:5]) * w * h / _box_areas(label[:, 1:5])
        keep = (out[:, 3] > out[:, 1]) & (out[:, 4] > out[:, 2]) & (coverage > self.min_eject_coverage)
        return out[keep] if keep.any() else None

    def _random_crop_proposal(self, label, height, width):
        """(x, y, w, h, new_label) of an acceptable crop, or () when none was found."""
        if not self.enabled or height <= 0 or width <= 0:
            return ()
        min_area = self.area_range[0] * height * width
        max_area = self.area_range[1] * height * width
        for _ in range(self.max_attempts):
            ratio = random.uniform(*self.aspect_ratio_range)
            if ratio <= 0:
                continue
            h = int(round(math.sqrt(min_area / ratio)))
            max_h = int(round(math.sqrt(max_area / ratio)))
            if round(max_h * ratio) > width:
                max_h = int((width + 0.4999999) / ratio)  # the largest h with round(h * ratio) <= width
            max_h = min(max_h, height)
            h = min(h, max_h)
            if h < max_h:
                h = random.randint(h, max_h)
            w = int(round(h * ratio))
            area = w * h
            if area < min_area:  # correct the rounding
                h += 1
                w = int(round(h * ratio))
                area = w * h
            if area > max_area:
                h -= 1
                w = int(round(h * ratio))
                area = w * h
            if not (min_area <= area <= max_area and 0 <= w <= width and 0 <= h <= height):
                continue
            y = random.randint(0, max(0, height - h))
            x = random.randint(0, max(0, width - w))
            if self._satisfies(label, (x, y, x + w, y + h), width, height):
                new_label = self._update_labels(label, (x, y, w, h), height, width)
                if new_label is not None:
                    return x, y, w, h, new_label
        return ()


class DetRandomPadAug(DetAugmenter):
    """Random padding (with ``pad_val``) to an area ``area_range`` times the original's and an aspect ratio
    in ``aspect_ratio_range``; boxes are moved into the padded frame. Invalid ranges disable it."""

    def __init__(self, aspect_ratio_range=(0.75, 1.33), area_range=(1.0, 3.0), max_attempts=50,
                 pad_val=(128, 128, 128)):
        if not isinstance(pad_val, (list, tuple)):
            if not isinstance(pad_val, numbers.Number):
                raise TypeError('DetRandomPadAug: pad_val must be a number or a tuple, got %r' % (pad_val,))
            pad_val = (pad_val,)
        aspect_ratio_range = _pair(aspect_ratio_range, 'aspect_ratio_range', 'DetRandomPadAug')
        area_range = _pair(area_range, 'area_range', 'DetRandomPadAug')
        super().__init__(aspect_ratio_range=aspect_ratio_range, area_range=area_range,
                         max_attempts=max_attempts, pad_val=pad_val)
        self.pad_val = pad_val
        self.aspect_ratio_range = aspect_ratio_range
        self.area_range = area_range
        self.max_attempts = max_attempts
        self.enabled = False
        if area_range[1] <= 1.0 or area_range[0] > area_range[1]:
            warnings.warn('Skip DetRandomPadAug due to invalid parameters: %s' % (area_range,))
        elif aspect_ratio_range[0] <= 0 or aspect_ratio_range[0] > aspect_ratio_range[1]:
            warnings.warn('Skip DetRandomPadAug due to invalid aspect_ratio_range: %s' % (aspect_ratio_range,))
        else:
            self.enabled = True

    def __call__(self, src, label):
        height, width = src.shape[0], src.shape[1]
        pad = self._random_pad_proposal(label, height, width)
        if pad:
            x, y, w, h, label = pad
            src = copyMakeBorder(src, y, h - y - height, x, w - x - width, 16, values=self.pad_val)
        return src, label

    def _update_labels(self, label, pad_box, height, width):
        out = label.copy()
        out[:, (1, 3)] = (out[:, (1, 3)] * width + pad_box[0]) / pad_box[2]
        out[:, (2, 4)] = (out[:, (2, 4)] * height + pad_box[1]) / pad_box[3]
        return out

    def _random_pad_proposal(self, label, height, width):
        """(x, y, w, h, new_label) of a padded frame, or () when none was found."""
        if not self.enabled or height <= 0 or width <= 0:
            return ()
        min_area = self.area_range[0] * height * width
        max_area = self.area_range[1] * height * width
        for _ in range(self.max_attempts):
            ratio = random.uniform(*self.aspect_ratio_range)
            if ratio <= 0:
                continue
            h = int(round(math.sqrt(min_area / ratio)))
            max_h = int(round(math.sqrt(max_area / ratio)))
            if round(h * ratio) < width:
                h = int((width + 0.499999) / ratio)
            h = min(max(h, height), max_h)
            if h < max_h:
                h = random.randint(h, max_h)
            w = int(round(h * ratio))
            if h - height < 2 or w - width < 2:
                continue  # marginal padding is not worth it
            y = random.randint(0, max(0, h - height))
            x = random.randint(0, max(0, w - width))
            return x, y, w, h, self._update_labels(label, (x, y, w, h), height, width)
        return ()


def CreateMultiRandCropAugmenter(min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33), area_range=(0.05, 1.0),
                                 min_eject_coverage=0.3, max_attempts=50, skip_prob=0):
    """A :class:`DetRandomSelectAug` over :class:`DetRandomCropAug` s; each parameter may be a list (one
    value per augmenter) or one value shared by all."""
    params = [min_object_covered, aspect_ratio_range, area_range, min_eject_coverage, max_attempts]
    params = [p if isinstance(p, list) else [p] for p in params]
    num = max(len(p) for p in params)
    for k, p in enumerate(params):
        if len(p) != num:
            if len(p) != 1:
                raise ValueError('CreateMultiRandCropAugmenter: parameter lists must have %d or 1 values' % num)
            params[k] = p * num
    augs = [DetRandomCropAug(min_object_covered=moc, aspect_ratio_range=arr, area_range=ar,
                             min_eject_coverage=mec, max_attempts=ma) for moc, arr, ar, mec, ma in zip(*params)]
    return DetRandomSelectAug(augs, skip_prob=skip_prob)


def CreateDetAugmenter(data_shape, resize=0, rand_crop=0, rand_pad=0, rand_gray=0, rand_mirror=False, mean=None,
                       std=None, brightness=0, contrast=0, saturation=0, pca_noise=0, hue=0, inter_method=2,
                       min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33), area_range=(0.05, 3.0),
                       min_eject_coverage=0.3, max_attempts=50, pad_val=(127, 127, 127)):
    """MXNet's standard detection augmenter list for ``data_shape`` (C, H, W): resize of the shorter edge,
    random crop (probability ``rand_crop``), mirror, random pad (probability ``rand_pad``), forced resize
    to (W, H), cast to float32, colour jitter, hue, PCA noise, random gray, normalisation."""
    auglist = []
    if resize > 0:
        auglist.append(DetBorrowAug(ResizeAug(resize, inter_method)))
    if rand_crop > 0:
        auglist.append(CreateMultiRandCropAugmenter(min_object_covered, aspect_ratio_range, area_range,
                                                    min_eject_coverage, max_attempts, skip_prob=1 - rand_crop))
    if rand_mirror > 0:
        auglist.append(DetHorizontalFlipAug(0.5))
    if rand_pad > 0:  # as late as possible: padding makes the image larger
        pad_aug = DetRandomPadAug(aspect_ratio_range, (1.0, area_range[1]), max_attempts, pad_val)
        auglist.append(DetRandomSelectAug([pad_aug], 1 - rand_pad))
    auglist.append(DetBorrowAug(ForceResizeAug((data_shape[2], data_shape[1]), inter_method)))
    auglist.append(DetBorrowAug(CastAug()))
    if brightness or contrast or saturation:
        auglist.append(DetBorrowAug(ColorJitterAug(brightness, contrast, saturation)))
    if hue:
        auglist.append(DetBorrowAug(HueJitterAug(hue)))
    if pca_noise > 0:
        auglist.append(DetBorrowAug(LightingAug(pca_noise, PCA_EIGVAL, PCA_EIGVEC)))
    if rand_gray > 0:
        auglist.append(DetBorrowAug(RandomGrayAug(rand_gray)))
    if mean is True:
        mean = np.array(IMAGENET_MEAN)
    elif mean is not None and not (isinstance(mean, np.ndarray) and mean.shape[0] in (1, 3)):
        raise AssertionError('CreateDetAugmenter: mean must be True, None or a numpy array of 1 or 3 values')
    if std is True:
        std = np.array(IMAGENET_STD)
    elif std is not None and not (isinstance(std, np.ndarray) and std.shape[0] in (1, 3)):
        raise AssertionError('CreateDetAugmenter: std must be True, None or a numpy array of 1 or 3 values')
    if mean is not None or std is not None:
        auglist.append(DetBorrowAug(ColorNormalizeAug(mean, std)))
    return auglist


class ImageDetIter(ImageIter):
    """Image iterator for object detection (keyword arguments of :func:`CreateDetAugmenter`, unless
    ``aug_list`` is given). Labels of a batch are ``(batch_size, max_objects, object_width)``, padded with
    -1 rows; ``max_objects`` is the largest object count in the data set (see ``sync_label_shape``).
    Samples whose label has no valid box are skipped."""

    def __init__(self, batch_size, data_shape, path_imgrec=None, path_imglist=None, path_root=None,
                 path_imgidx=None, shuffle=False, part_index=0, num_parts=1, aug_list=None, imglist=None,
                 data_name='data', label_name='label', last_batch_handle='pad', **kwargs):
        super().__init__(batch_size=batch_size, data_shape=data_shape, path_imgrec=path_imgrec,
                         path_imglist=path_imglist, path_root=path_root, path_imgidx=path_imgidx,
                         shuffle=shuffle, part_index=part_index, num_parts=num_parts, aug_list=[],
                         imglist=imglist, data_name=data_name, label_name=label_name,
                         last_batch_handle=last_batch_handle)
        self.auglist = CreateDetAugmenter(data_shape, **kwargs) if aug_list is None else aug_list
        self.label_shape = self._estimate_label_shape()
        self.provide_label = [DataDesc(label_name, (self.batch_size,) + self.label_shape)]

    def _estimate_label_shape(self):
        """(max object count, object width) over the whole data set."""
        max_count, width = 0, None
        self.reset()
        try:
            while True:
                label, _ = self.next_sample()
                label = self._parse_label(label)
                max_count = max(max_count, label.shape[0])
                width = label.shape[1]
        except StopIteration:
            pass
        self.reset()
        if width is None:
            raise MXNetError('ImageDetIter: the data set holds no sample to infer the label shape from')
        return (max_count, width)

    def _parse_label(self, label):
        """The valid ``(num_objects, object_width)`` boxes of a raw flat label; RuntimeError if none."""
        raw = (label.asnumpy() if isinstance(label, nd.NDArray) else np.asarray(label)).ravel()
        if raw.size < 7:
            raise RuntimeError('Label shape is invalid: %s' % (raw.shape,))
        header_width, obj_width = int(raw[0]), int(raw[1])
        if obj_width < 5 or (raw.size - header_width) % obj_width != 0:
            raise RuntimeError('Label shape %s inconsistent with annotation width %d.' % (raw.shape, obj_width))
        out = raw[header_width:].reshape(-1, obj_width)
        out = out[(out[:, 3] > out[:, 1]) & (out[:, 4] > out[:, 2])]
        if out.shape[0] < 1:
            raise RuntimeError('Encounter sample with no valid label.')
        return out

    def _check_valid_label(self, label):
        if label.ndim != 2 or label.shape[1] < 5:
            raise RuntimeError('Label with shape (1+, 5+) required, %s received.' % (label.shape,))
        valid = (label[:, 0] >= 0) & (label[:, 3] > label[:, 1]) & (label[:, 4] > label[:, 2])
        if not valid.any():
            raise RuntimeError('Invalid label occurs.')

    def _new_batch(self):
        data = nd.zeros((self.batch_size,) + self.data_shape)
        label = nd.full(self.provide_label[0].shape, -1.0)
        return data, label

    def _put_sample(self, batch_data, batch_label, i, label, raw):
        data = self.imdecode(raw)
        try:
            self.check_valid_image([data])
            label = self._parse_label(label)
            data, label = self.augmentation_transform(data, label)
            self._check_valid_label(label)
        except RuntimeError as e:
            logging.debug('Invalid image, skipping: %s', e)
            return 0
        batch_data[i] = self.postprocess_data(data)
        rows = np.full(batch_label.shape[1:], -1.0, np.float32)
        n = min(label.shape[0], rows.shape[0])
        rows[:n] = label[:n, :rows.shape[1]]
        batch_label[i] = nd.array(rows)
        return 1

    def augmentation_transform(self, data, label):  # pylint: disable=arguments-differ
        """``(data, label)`` run through every detection augmenter of ``auglist``."""
        for aug in self.auglist:
            data, label = aug(data, label)
        return data, label

    def check_label_shape(self, label_shape):
        """ValueError unless ``label_shape`` is (count >= current count, same object width)."""
        if len(label_shape) != 2:
            raise ValueError('label_shape should have length 2')
        if label_shape[0] < self.label_shape[0]:
            raise ValueError('Attempts to reduce label count from %d to %d, not allowed.'
                             % (self.label_shape[0], label_shape[0]))
        if label_shape[1] != self.provide_label[0].shape[2]:
            raise ValueError('label_shape object width inconsistent: %d vs %d.'
                             % (self.provide_label[0].shape[2], label_shape[1]))

    def reshape(self, data_shape=None, label_shape=None):
        """Change the data shape (C, H, W) and/or the label shape (count, width) of later batches."""
        if data_shape is not None:
            data_shape = tuple(data_shape)
            self.check_data_shape(data_shape)
            self.provide_data = [DataDesc(self.provide_data[0].name, (self.batch_size,) + data_shape)]
            self.data_shape = data_shape
        if label_shape is not None:
            label_shape = tuple(label_shape)
            self.check_label_shape(label_shape)
            self.provide_label = [DataDesc(self.provide_label[0].name, (self.batch_size,) + label_shape)]
            self.label_shape = label_shape

    def sync_label_shape(self, it, verbose=False):
        """Give this iterator and ``it`` the same (larger) label count; returns ``it``."""
        if not isinstance(it, ImageDetIter):
            raise AssertionError('Synchronize with invalid iterator.')
        mine, theirs = self.label_shape, it.label_shape
        if mine[1] != theirs[1]:
            raise AssertionError('object width mismatch.')
        max_count = max(mine[0], theirs[0])
        if max_count > mine[0]:
            self.reshape(None, (max_count, mine[1]))
        if max_count > theirs[0]:
            it.reshape(None, (max_count, theirs[1]))
        if verbose and max_count > min(mine[0], theirs[0]):
            logging.info('Resized label_shape to (%d, %d).', max_count, mine[1])
        return it

    def draw_next(self, color=None, thickness=2, mean=None, std=None, clip=True, waitKey=None,
                  window_name='draw_next', id2labels=None):
        """Yield the next augmented images (HxWx3 uint8, BGR as OpenCV shows them) with their boxes drawn;
        shown in a window when ``waitKey`` is set and OpenCV is installed. ``mean``/``std`` undo the
        normalisation (True: the ImageNet values). ``id2labels`` needs OpenCV to draw text."""
        try:
            import cv2
        except ImportError:
            cv2 = None
        while True:
            try:
                label, s = self.next_sample()
            except StopIteration:
                return
            data = self.imdecode(s)
            try:
                self.check_valid_image([data])
                label = self._parse_label(label)
            except RuntimeError as e:
                logging.debug('Invalid image, skipping: %s', e)
                continue
            data, label = self.augmentation_transform(data, label)
            image = data.asnumpy().astype(np.float64)
            if std is not None:
                image *= np.array(IMAGENET_STD) if std is True else std
            if mean is not None:
                image += np.array(IMAGENET_MEAN) if mean is True else mean
            image = image[:, :, ::-1]
            if clip:
                image = np.clip(image, 0, 255)
            image = np.ascontiguousarray(image.astype(np.uint8))
            height, width = image.shape[:2]
            for row in label:
                x1, y1, x2, y2 = (int(row[1] * width), int(row[2] * height), int(row[3] * width),
                                  int(row[4] * height))
                if x1 < 0:
                    continue
                bc = np.random.rand(3) * 255 if not color else np.array(color[::-1])
                _draw_box(image, x1, y1, x2, y2, bc, thickness)
                if cv2 is not None and id2labels is not None and int(row[0]) in id2labels:
                    cv2.putText(image, str(id2labels[int(row[0])]), (x1 + 5, y1 + 15),
                                cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 2)
            if waitKey is not None and cv2 is not None:
                cv2.imshow(window_name, image)
                cv2.waitKey(waitKey)
            yield image


def _draw_box(image, x1, y1, x2, y2, color, thickness):
    h, w = image.shape[:2]
    x1, x2 = sorted((max(0, min(w - 1, x1)), max(0, min(w - 1, x2))))
    y1, y2 = sorted((max(0, min(h - 1, y1)), max(0, min(h - 1, y2))))
    t = max(1, int(thickness))
    c = np.asarray(color, np.float64).astype(np.uint8)
    image[y1:min(y1 + t, y2 + 1), x1:x2 + 1] = c
    image[max(y2 - t + 1, y1):y2 + 1, x1:x2 + 1] = c
    image[y1:y2 + 1, x1:min(x1 + t, x2 + 1)] = c
    image[y1:y2 + 1, max(x2 - t + 1, x1):x2 + 1] = c
