"""Automatic mixed precision (MXNet's ``mx.contrib.amp.amp``).

``init()`` and the loss-scaling API are accepted so that AMP training scripts run; they compute in the
parameters' own precision (results as with AMP off). Converting a whole model to reduced precision is not
available and says so.
"""
import contextlib

from ...base import MXNetError

__all__ = ['init', 'init_trainer', 'scale_loss', 'unscale', 'convert_model', 'convert_symbol',
           'convert_hybrid_block', 'list_fp16_ops', 'list_fp32_ops', 'list_lp16_ops']

_state = {'initialized': False, 'target_dtype': None}


def init(target_dtype='float16', target_precision_ops=None, conditional_fp32_ops=None, fp32_ops=None,
         layout_optimization=False):
    """Turn AMP on (once per process). ``target_dtype`` is 'float16' or 'bfloat16'."""
    if target_dtype not in ('float16', 'bfloat16'):
        raise ValueError('AMP currently supports only float16 or bfloat16 as a target_dtype, got %r'
                         % (target_dtype,))
    _state.update(initialized=True, target_dtype=target_dtype)


def init_trainer(optimizer_or_trainer):
    """Attach dynamic loss scaling to a Gluon Trainer (scale 1: nothing overflows in fp32)."""
    optimizer_or_trainer._amp_loss_scaler = getattr(optimizer_or_trainer, '_amp_loss_scaler', None) or 1.0


@contextlib.contextmanager
def scale_loss(loss, optimizer_or_trainer):
    """``with amp.scale_loss(loss, trainer) as scaled:`` -- the loss times the current scale (1 here)."""
    yield loss


def unscale(optimizer_or_trainer):
    """Divide the gradients by the loss scale (1 here: nothing to do)."""


def _not_available(what):
    raise MXNetError('amp.%s: converting a model to reduced precision is not available in this '
                     'implementation; cast the parameters (e.g. net.cast("float16")) instead' % what)


def convert_symbol(sym, *args, **kwargs):
    _not_available('convert_symbol')


def convert_model(sym, arg_params, aux_params, *args, **kwargs):
    _not_available('convert_model')


def convert_hybrid_block(block, *args, **kwargs):
    _not_available('convert_hybrid_block')


def list_fp16_ops(target_dtype='float16'):
    return []


list_lp16_ops = list_fp16_ops


def list_fp32_ops(target_dtype='float16'):
    return []
