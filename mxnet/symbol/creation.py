"""``mx.sym.zeros``/``ones``/``full``/``arange``/``linspace``: MXNet's Python wrappers of the creation ops.

As in MXNet, a 0 in ``shape`` is an unknown dimension that shape inference fills in (an RNN's begin_state).
"""
import numpy as np

from . import _internal

__all__ = ['zeros', 'ones', 'full', 'arange', 'linspace']


def _op(name):
    """The generated ``mx.sym`` function of operator ``name`` (cached in ``_internal``)."""
    return getattr(_internal, name)


def zeros(shape, dtype=None, **kwargs):
    """A symbol of zeros of ``shape`` (float32 unless ``dtype``)."""
    return _op('_zeros')(shape=shape, dtype=np.float32 if dtype is None else dtype, **kwargs)


def ones(shape, dtype=None, **kwargs):
    """A symbol of ones of ``shape`` (float32 unless ``dtype``)."""
    return _op('_ones')(shape=shape, dtype=np.float32 if dtype is None else dtype, **kwargs)


def full(shape, val, dtype=None, **kwargs):
    """A symbol of ``shape`` filled with ``val`` (float32 unless ``dtype``)."""
    return _op('_full')(shape=shape, value=val, dtype=np.float32 if dtype is None else dtype, **kwargs)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None):
    """Evenly spaced values in [start, stop) (float32 unless ``dtype``)."""
    kw = dict(start=start, stop=stop, step=step, repeat=repeat, name=name,
              dtype=np.float32 if dtype is None else dtype)
    if infer_range:
        kw['infer_range'] = infer_range
    return _op('_arange')(**kw)


def linspace(start, stop, num, endpoint=True, name=None, dtype=None):
    """``num`` evenly spaced values from start to stop (float32 unless ``dtype``)."""
    return _op('_linspace')(start=start, stop=stop, num=num, endpoint=endpoint, name=name,
                            dtype=np.float32 if dtype is None else dtype)
