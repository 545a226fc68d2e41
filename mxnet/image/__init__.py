"""``mx.image`` (also ``mx.img``): image decoding, resizing, cropping, augmenters and image iterators.

``mx.image.image`` holds the single-image functions, ``augment`` the classification augmenters,
``image_iter`` :class:`ImageIter` and ``detection`` (also ``mx.image.det``) the detection pipeline.
"""
from . import codec  # noqa: F401
from . import image  # noqa: F401
from .image import *  # noqa: F401,F403
from . import augment  # noqa: F401
from .augment import *  # noqa: F401,F403
from . import image_iter  # noqa: F401
from .image_iter import ImageIter  # noqa: F401
from . import detection  # noqa: F401
from . import detection as det  # noqa: F401
from .detection import *  # noqa: F401,F403

# MXNet keeps the augmenters and ImageIter in mx.image.image too; code reaches them there.
for _name in augment.__all__ + ['ImageIter']:
    setattr(image, _name, globals()[_name])
del _name
