"""Checkpoints in MXNet's layout: ``prefix-symbol.json`` and ``prefix-%04d.params`` (``arg:``/``aux:`` names)."""
import logging
from collections import namedtuple

from .base import MXNetError
from . import ndarray as nd
from . import symbol as sym

__all__ = ['BatchEndParam', 'save_checkpoint', 'load_checkpoint', 'load_params']

BatchEndParam = namedtuple('BatchEndParams', ['epoch', 'nbatch', 'eval_metric', 'locals'])


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Write ``prefix-symbol.json`` (when ``symbol`` is given) and ``prefix-%04d.params`` (arrays on CPU)."""
    if symbol is not None:
        symbol.save('%s-symbol.json' % prefix, remove_amp_cast=remove_amp_cast)
    save_dict = {'arg:%s' % k: v.as_in_context(_cpu()) for k, v in arg_params.items()}
    save_dict.update({'aux:%s' % k: v.as_in_context(_cpu()) for k, v in aux_params.items()})
    param_name = '%s-%04d.params' % (prefix, epoch)
    nd.save(param_name, save_dict)
    logging.info('Saved checkpoint to "%s"', param_name)


def _cpu():
    from .context import cpu
    return cpu()


def params_bytes(arg_params, aux_params):
    """The bytes of a ``.params`` file holding ``arg:``/``aux:`` arrays (what ``nd.save`` would write)."""
    from .ndarray.serialization import _list_chunks
    save_dict = {'arg:%s' % k: v.as_in_context(_cpu()) for k, v in arg_params.items()}
    save_dict.update({'aux:%s' % k: v.as_in_context(_cpu()) for k, v in aux_params.items()})
    return bytes(b''.join(bytes(c) for c in _list_chunks(list(save_dict.values()), list(save_dict.keys()))))


def params_stamp(data):
    """The stamp a ``.states`` file records for the ``.params`` bytes ``data`` saved with it."""
    import hashlib
    return hashlib.sha256(data).hexdigest()


def check_checkpoint_pair(param_name, state_name):
    """Raise MXNetError when ``state_name`` records a stamp of a ``.params`` file other than ``param_name``
    (a save interrupted between the two writes). States without a stamp (MXNet's own) pass."""
    from .optimizer.updater import states_stamp
    try:
        with open(state_name, 'rb') as f:
            data = f.read()
    except OSError:
        return  # reported when the states are loaded
    stamp = states_stamp(data, repr(state_name))
    if stamp is None:
        return
    try:
        with open(param_name, 'rb') as f:
            actual = params_stamp(f.read())
    except OSError as e:
        raise MXNetError('cannot read %r: %s' % (param_name, e.strerror or e)) from None
    if actual != stamp:
        raise MXNetError('checkpoint files %r and %r are from different saves (the save was interrupted '
                         'between them): resume from an earlier epoch' % (param_name, state_name))


def load_params(prefix, epoch):
    """(arg_params, aux_params) from ``prefix-%04d.params``."""
    return split_params(nd.load('%s-%04d.params' % (prefix, epoch)), '%s-%04d.params' % (prefix, epoch))


def split_params(save_dict, fname='params'):
    arg_params, aux_params = {}, {}
    if not save_dict:
        logging.warning('Params file "%s" is empty', fname)
        return arg_params, aux_params
    if not isinstance(save_dict, dict):
        raise MXNetError('Invalid param file %s: expected named arrays' % fname)
    for k, v in save_dict.items():
        tp, _, name = k.partition(':')
        if tp == 'arg':
            arg_params[name] = v
        elif tp == 'aux':
            aux_params[name] = v
        else:
            raise MXNetError('Invalid param file %s: name %r has no arg:/aux: prefix' % (fname, k))
    return arg_params, aux_params


def load_checkpoint(prefix, epoch):
    """(symbol, arg_params, aux_params) saved by save_checkpoint."""
    symbol = sym.load('%s-symbol.json' % prefix)
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params


def _create_kvstore(kvstore, num_device, arg_params):
    """(KVStore or None, update_on_kvstore) as MXNet's Module decides: a string names a store to create
    (none for one device outside distributed training); the optimizer runs in the store unless
    ``MXNET_UPDATE_ON_KVSTORE=0``, the store cannot, or a 'local' store holds a parameter over 16M elements."""
    import os
    import numpy as np
    from . import kvstore as kvs
    update_on_kvstore = bool(int(os.getenv('MXNET_UPDATE_ON_KVSTORE', '1')))
    if kvstore is None:
        kv = None
    elif isinstance(kvstore, kvs.KVStore):
        kv = kvstore
    elif isinstance(kvstore, str):
        if num_device == 1 and 'dist' not in kvstore:
            kv = None
        else:
            kv = kvs.create(kvstore)
            if kvstore == 'local' and arg_params and \
                    max(int(np.prod(p.shape)) for p in arg_params.values()) > 1024 * 1024 * 16:
                update_on_kvstore = False
    else:
        raise TypeError('kvstore must be KVStore, str or None')
    if kv is None:
        return None, False
    return kv, update_on_kvstore and _capable_of_optimizer(kv)


def _capable_of_optimizer(kv):
    """Whether store ``kv`` can run the optimizer itself (a custom store without ``is_capable`` can when it
    has ``set_optimizer``)."""
    capable = getattr(kv, 'is_capable', None)
    return capable('optimizer') if capable else hasattr(kv, 'set_optimizer')
