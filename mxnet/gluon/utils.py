"""Gluon helpers: splitting a batch over contexts, global-norm gradient clipping, file checks, and the
(nested) flattening of Block inputs and outputs."""
import hashlib
import math
import os
import warnings

import numpy as np
import torch

from ..base import MXNetError
from .. import ndarray
from ..ndarray.ndarray import NDArray

__all__ = ['split_data', 'split_and_load', 'clip_global_norm', 'check_sha1', 'download']


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """``data`` split into ``num_slice`` slices along ``batch_axis`` (views when the axis is 0). With
    ``even_split`` the size must divide evenly; otherwise the last slice holds the remainder."""
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(
            "data with shape %s cannot be evenly split into %d slices along axis %d. Use a batch size that's "
            "multiple of %d or set even_split=False to allow uneven partitioning of data."
            % (str(data.shape), num_slice, batch_axis, num_slice))
    n_each_section, extras = divmod(size, num_slice)
    section_sizes = [0] + (extras * [n_each_section + 1] + (num_slice - extras) * [n_each_section])
    div_points = np.array(section_sizes).cumsum()
    slices = []
    if batch_axis == 0:
        for i in range(num_slice):
            st, end = int(div_points[i]), int(div_points[i + 1])
            slices.append(data[st:end])
    else:
        for i in range(num_slice):
            st, end = int(div_points[i]), int(div_points[i + 1])
            slices.append(ndarray.slice_axis(data, batch_axis, st, end))
    return slices


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """``data`` (NDArray or numpy) split along ``batch_axis`` with one slice copied to each context."""
    if not isinstance(data, NDArray):
        data = ndarray.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [i.as_in_context(ctx) for i, ctx in zip(slices, ctx_list)]


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Scale ``arrays`` in place so that the 2-norm of all of them together is at most ``max_norm``; returns
    that norm before scaling (a float, or an NDArray when ``check_isfinite`` is False)."""
    assert len(arrays) > 0
    ctx = arrays[0].context
    with torch.no_grad():
        dev = arrays[0]._data.device
        total = torch.zeros((), dtype=torch.float32, device=dev)
        for a in arrays:
            total += a._data.detach().float().pow(2).sum().to(dev)
        total_norm = total.sqrt()
        if check_isfinite:
            norm_val = float(total_norm)
            if not math.isfinite(norm_val):
                warnings.warn(UserWarning('nan or inf is detected. Clipping results will be undefined.'),
                              stacklevel=2)
        scale = max_norm / (total_norm + 1e-8)
        scale = torch.clamp(scale, max=1.0)
        for a in arrays:
            a._data.mul_(scale.to(a._data.device).to(a._data.dtype))
    if check_isfinite:
        return norm_val
    return ndarray.NDArray(total_norm.reshape(1)).as_in_context(ctx)


def check_sha1(filename, sha1_hash):
    """Whether the SHA-1 digest of file ``filename`` is ``sha1_hash`` (hex)."""
    sha1 = hashlib.sha1()
    with open(filename, 'rb') as f:
        while True:
            data = f.read(1048576)
            if not data:
                break
            sha1.update(data)
    return sha1.hexdigest() == sha1_hash


def download(url, path=None, overwrite=False, sha1_hash=None, retries=5, verify_ssl=True):
    """Fetch ``url`` to ``path`` (a file or folder); a present file with the right hash is kept."""
    if path is None:
        fname = url.split('/')[-1]
        assert fname, "Can't construct file-name from this URL. Please set the `path` option manually."
    else:
        path = os.path.expanduser(path)
        fname = os.path.join(path, url.split('/')[-1]) if os.path.isdir(path) else path
    if not overwrite and os.path.exists(fname) and (not sha1_hash or check_sha1(fname, sha1_hash)):
        return fname
    import urllib.request
    dirname = os.path.dirname(os.path.abspath(os.path.expanduser(fname)))
    os.makedirs(dirname, exist_ok=True)
    last = None
    for _ in range(max(int(retries), 1)):
        try:
            tmp = '%s.tmp%d' % (fname, os.getpid())
            with urllib.request.urlopen(url) as r, open(tmp, 'wb') as f:
                while True:
                    chunk = r.read(1 << 20)
                    if not chunk:
                        break
                    f.write(chunk)
            os.replace(tmp, fname)
            if sha1_hash and not check_sha1(fname, sha1_hash):
                raise UserWarning('File {} is downloaded but the content hash does not match. The repo may be '
                                  'outdated or download may be incomplete. If the "repo_url" is overridden, '
                                  'consider switching to the default repo.'.format(fname))
            return fname
        except OSError as e:
            last = e
    raise MXNetError('download of %s failed: %s' % (url, last))


def _indent(s_, num_spaces):
    lines = s_.split('\n')
    if len(lines) == 1:
        return s_
    first = lines.pop(0)
    return first + '\n' + '\n'.join((num_spaces * ' ') + line for line in lines)


def _flatten(args, inout_str):
    """(flat list of NDArrays/Symbols/None, format) of a nested list; ``_regroup`` inverts it."""
    from ..symbol.symbol import Symbol
    if isinstance(args, NDArray):
        return [args], int(0)
    if isinstance(args, Symbol):
        length = len(args.list_outputs())
        length = length if length > 1 else 0
        return [args], int(length)
    if args is None:
        return [None], int(-1)
    if not isinstance(args, (list, tuple)):
        raise ValueError('When hybridized, the %s of HybridBlock must be (nested) list of Symbol or NDArray, '
                         'but got %s of type %s' % (inout_str, str(args), str(type(args))))
    flat, fmts = [], []
    for i in args:
        arg, fmt = _flatten(i, inout_str)
        flat.extend(arg)
        fmts.append(fmt)
    return flat, fmts


def _regroup(args, fmt):
    """(nested structure, rest) rebuilt from a flat list by ``_flatten``'s format."""
    if isinstance(fmt, int):
        if fmt == 0:
            return args[0], args[1:]
        if fmt == -1:
            if args[0] is not None:
                raise ValueError('We do not support passing types that are not None when the initial HybridBlock '
                                 'has received NoneType and has been hybridized. Received arg = {}, Format = {}'
                                 .format(args[0], fmt))
            return None, args[1:]
        return args[:fmt], args[fmt:]
    if not isinstance(fmt, (list, tuple)):
        raise ValueError('When hybridized, the output of HybridBlock must be (nested) list of Symbol or NDArray, '
                         'but got {} of type {}'.format(args, type(args)))
    ret = []
    for i in fmt:
        res, args = _regroup(args, i)
        ret.append(res)
    return ret, args
