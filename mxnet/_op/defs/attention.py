"""Fused multi-head attention products of ``mx.nd.contrib``: ``interleaved_matmul_selfatt_qk``,
``interleaved_matmul_selfatt_valatt``, ``interleaved_matmul_encdec_qk`` and ``interleaved_matmul_encdec_valatt``.

MXNet 1.x contract: sequences are (length, batch, features) and the projections are interleaved per head:
self-attention's ``queries_keys_values`` holds, for each head, [q, k, v] (head_dim each), so its last axis is
heads * 3 * head_dim; encoder-decoder's ``keys_values`` holds [k, v] per head and ``queries`` heads * head_dim.
The ``_qk`` ops give (batch * heads, q_len, k_len) scores q k^T / sqrt(head_dim) (index b * heads + h); the
``_valatt`` ops give attention @ v back in (q_len, batch, heads * head_dim) layout.
"""
import math

import torch

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Int
from .reduce import fmt_shape


def _split_heads(name, x, heads, parts):
    """(length, batch, heads * parts * d) -> parts tensors of shape (batch * heads, length, d)."""
    if x.dim() != 3 or x.shape[2] % (heads * parts):
        raise MXNetError('%s: the input must be (length, batch, heads * %d * head_dim) with heads=%d, got %s'
                         % (name, parts, heads, fmt_shape(x.shape)))
    n, b, _ = x.shape
    t = x.reshape(n, b, heads, parts, -1).permute(3, 1, 2, 0, 4)  # parts, batch, heads, length, d
    return [t[i].reshape(b * heads, n, -1) for i in range(parts)]


def _merge_heads(y, heads):
    """(batch * heads, length, d) -> (length, batch, heads * d)."""
    bh, n, d = y.shape
    return y.reshape(bh // heads, heads, n, d).permute(2, 0, 1, 3).reshape(n, bh // heads, heads * d)


def _scores(q, k):
    return torch.bmm(q / math.sqrt(q.shape[-1]), k.transpose(1, 2))


def _check_att(name, att, bh, q_len, k_len):
    if tuple(att.shape) != (bh, q_len, k_len):
        raise MXNetError('%s: attention must have shape %s, got %s'
                         % (name, fmt_shape((bh, q_len, k_len)), fmt_shape(att.shape)))


def _selfatt_qk(p, qkv):
    q, k, _ = _split_heads('interleaved_matmul_selfatt_qk', qkv, p.heads, 3)
    return _scores(q, k)


def _selfatt_valatt(p, qkv, att):
    name = 'interleaved_matmul_selfatt_valatt'
    _, _, v = _split_heads(name, qkv, p.heads, 3)
    _check_att(name, att, v.shape[0], v.shape[1], v.shape[1])
    return _merge_heads(torch.bmm(att, v), p.heads)


def _encdec_qk(p, queries, kv):
    name = 'interleaved_matmul_encdec_qk'
    (q,) = _split_heads(name, queries, p.heads, 1)
    k, _ = _split_heads(name, kv, p.heads, 2)
    if q.shape[0] != k.shape[0] or q.shape[2] != k.shape[2]:
        raise MXNetError('%s: queries %s and keys_values %s disagree on batch or head size'
                         % (name, fmt_shape(queries.shape), fmt_shape(kv.shape)))
    return _scores(q, k)


def _encdec_valatt(p, kv, att):
    name = 'interleaved_matmul_encdec_valatt'
    _, v = _split_heads(name, kv, p.heads, 2)
    if att.dim() != 3 or att.shape[0] != v.shape[0] or att.shape[2] != v.shape[1]:
        raise MXNetError('%s: attention must be (batch * heads, q_len, %d), got %s'
                         % (name, v.shape[1], fmt_shape(att.shape)))
    return _merge_heads(torch.bmm(att, v), p.heads)


def _heads():
    return {'heads': Int(low=1, doc='number of attention heads')}


register(OpDef('_contrib_interleaved_matmul_selfatt_qk', _selfatt_qk, inputs=('queries_keys_values',),
               params=_heads(), doc='Self-attention scores q k^T / sqrt(head_dim) of interleaved projections.'))
register(OpDef('_contrib_interleaved_matmul_selfatt_valatt', _selfatt_valatt,
               inputs=('queries_keys_values', 'attention'), params=_heads(),
               doc='Self-attention output attention @ v of interleaved projections.'))
register(OpDef('_contrib_interleaved_matmul_encdec_qk', _encdec_qk, inputs=('queries', 'keys_values'),
               params=_heads(), doc='Encoder-decoder attention scores q k^T / sqrt(head_dim).'))
register(OpDef('_contrib_interleaved_matmul_encdec_valatt', _encdec_valatt, inputs=('keys_values', 'attention'),
               params=_heads(), doc='Encoder-decoder attention output attention @ v.'))
