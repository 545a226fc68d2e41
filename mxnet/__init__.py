"""A PyTorch-backed implementation of the Apache MXNet 1.x Python API (``import mxnet as mx``)."""
__version__ = '1.9.1'

from .base import MXNetError  # noqa: F401
from . import base  # noqa: F401
from . import util  # noqa: F401
from .util import (is_np_shape, set_np_shape, np_shape, use_np_shape, is_np_array, np_array,  # noqa: F401
                   use_np_array, use_np, set_np, reset_np)
from . import runtime  # noqa: F401
from . import engine  # noqa: F401
from . import library  # noqa: F401
from . import profiler  # noqa: F401
from .context import Context, cpu, gpu, cpu_pinned, current_context, num_gpus  # noqa: F401
from . import context  # noqa: F401
from . import autograd  # noqa: F401
from . import ndarray  # noqa: F401
from . import ndarray as nd  # noqa: F401
from . import numpy  # noqa: F401
from . import numpy as np  # noqa: F401
from . import numpy_extension  # noqa: F401
from . import numpy_extension as npx  # noqa: F401
from . import random  # noqa: F401
from . import test_utils  # noqa: F401
from . import name  # noqa: F401
from . import attribute  # noqa: F401
from .attribute import AttrScope  # noqa: F401
from . import symbol  # noqa: F401
from . import symbol as sym  # noqa: F401
from . import operator  # noqa: F401
from . import visualization  # noqa: F401
from . import visualization as viz  # noqa: F401
from . import metric  # noqa: F401
from . import callback  # noqa: F401
from . import monitor  # noqa: F401
from . import monitor as mon  # noqa: F401
from .monitor import Monitor  # noqa: F401
from . import initializer  # noqa: F401
from . import initializer as init  # noqa: F401
from . import optimizer  # noqa: F401
from . import lr_scheduler  # noqa: F401
from . import io  # noqa: F401
from . import image  # noqa: F401
from . import image as img  # noqa: F401
from . import recordio  # noqa: F401
from . import model  # noqa: F401
from . import kvstore  # noqa: F401
from . import kvstore as kv  # noqa: F401
from . import module  # noqa: F401
from . import module as mod  # noqa: F401
from . import rnn  # noqa: F401
from . import contrib  # noqa: F401
from . import gluon  # noqa: F401
