"""Mixed precision (amp_cast, amp_multicast, all_finite), quantization, CTC loss, index_copy, div_sqrt_dim.

References follow MXNet 1.9.1's contracts: AMP casts touch float inputs only; int8 quantization is zero-centred
with 127 levels, uint8 maps [min, max] onto [0, 255]; CTC applies a softmax to the activations and returns the
negative log-likelihood per sequence (blank first: class 0, labels padded with 0).
"""
import numpy as np

from opdb import FLOATS, Case, ErrorCase, rand

F32 = ('float32',)


def _ctc_nll(acts, labels):
    """-log p(labels | acts) by the CTC forward recursion (blank 0, 0-padded labels); acts (T, N, C)."""
    x = acts.astype(np.float64)
    logp = x - x.max(2, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(2, keepdims=True))
    out = []
    for n in range(x.shape[1]):
        lab = [int(v) for v in labels[n] if v != 0]
        ext = [0]
        for v in lab:
            ext += [v, 0]
        alpha = np.full(len(ext), -np.inf)
        alpha[0] = logp[0, n, 0]
        if len(ext) > 1:
            alpha[1] = logp[0, n, ext[1]]
        for t in range(1, x.shape[0]):
            new = np.full_like(alpha, -np.inf)
            for s in range(len(ext)):
                terms = [alpha[s]] + ([alpha[s - 1]] if s >= 1 else []) + \
                    ([alpha[s - 2]] if s >= 2 and ext[s] != 0 and ext[s] != ext[s - 2] else [])
                new[s] = np.logaddexp.reduce(terms) + logp[t, n, ext[s]]
            alpha = new
        out.append(-np.logaddexp.reduce(alpha[-2:] if len(ext) > 1 else alpha[-1:]))
    return np.array(out)


def _ctc_inputs(rng, dtype):
    return [rng.uniform(-2, 2, size=(6, 3, 5)).astype(dtype),
            np.array([[1, 2, 0], [3, 3, 1], [4, 0, 0]], dtype=dtype)]


def _quant(x, lo, hi, out_type):
    if out_type == 'int8':
        real = max(abs(float(lo[0])), abs(float(hi[0])))
        q = np.trunc(np.sign(x) * np.minimum(np.abs(x) * 127.0 / real + 0.5, 127)).astype(np.int8)
        return [q, np.array([-real], np.float32), np.array([real], np.float32)]
    q = np.trunc(np.clip((x - lo[0]) * 255.0 / (hi[0] - lo[0]) + 0.5, 0, 255)).astype(np.uint8)
    return [q, lo.astype(np.float32), hi.astype(np.float32)]


def _quant_inputs(rng, dtype):
    return [rng.uniform(-1, 1, size=(3, 4)).astype(dtype), np.array([-1.0], dtype), np.array([1.0], dtype)]


def _index_copy_inputs(rng, dtype):
    return [rng.uniform(-1, 1, size=(5, 3)).astype(dtype), np.array([4, 0, 2], dtype=np.int64),
            rng.uniform(-1, 1, size=(3, 3)).astype(dtype)]


def _index_copy_ref(old, index, new):
    out = old.copy()
    out[index] = new
    return out


CASES = [
    Case('amp_cast', rand((3, 4)), lambda x, dtype: x.astype(dtype), {'dtype': 'float16'}, out_dtype='float16',
         grad=False),
    Case('amp_cast', rand((3, 4)), lambda x, dtype: x, {'dtype': 'float16'}, dtypes=('int32',),
         name='amp_cast_int_unchanged'),
    Case('amp_multicast', lambda rng, dt: [rng.uniform(-1, 1, (2, 3)).astype('float16'),
                                           rng.uniform(-1, 1, (2, 3)).astype('float32')],
         lambda a, b, num_outputs: [a.astype('float32'), b], {'num_outputs': 2}, dtypes=F32, grad=False),
    Case('all_finite', lambda rng, dt: [np.array([[0.0, np.inf]], dt)], lambda x: np.array([0.0]),
         dtypes=F32, grad=False),
    Case('all_finite', rand((2, 3)), lambda x: np.array([1.0]), dtypes=F32, grad=False, name='all_finite_true'),
    Case('multi_all_finite', lambda rng, dt: [np.ones((2,), dt), np.array([np.nan], dt)],
         lambda a, b, num_arrays: np.array([0.0]), {'num_arrays': 2}, dtypes=F32, grad=False),
    Case('_contrib_quantize', _quant_inputs, lambda x, lo, hi, out_type: _quant(x, lo, hi, out_type),
         {'out_type': 'int8'}, dtypes=F32, out_dtype=None, grad=False,
         gaps={'float32': 'outputs of mixed dtypes: the dtype check takes one expected dtype'}),
    Case('_contrib_dequantize', lambda rng, dt: [np.array([[18, 75], [-77, 127]], np.int8),
                                                 np.array([-2.0], np.float32), np.array([1.0], np.float32)],
         lambda q, lo, hi, out_type: q.astype(np.float32) * 2.0 / 127, {'out_type': 'float32'},
         dtypes=F32, grad=False, out_dtype='float32'),
    Case('_contrib_index_copy', _index_copy_inputs, _index_copy_ref, dtypes=('float32', 'float64'),
         grad=False),  # the gradient checks perturb every input, the index too
    Case('_contrib_div_sqrt_dim', rand((2, 3, 4)), lambda x: x / 2.0),
    Case('CTCLoss', _ctc_inputs, lambda a, l: _ctc_nll(a, l), dtypes=('float32', 'float64'),
         tol={'float32': (1e-5, 1e-5)}, grad=False),  # labels are inputs: the gradient checks would perturb them
]

ERRORS = [
    ErrorCase('_contrib_index_copy', lambda rng, dt: [np.zeros((5, 3), dt), np.array([0, 1], dt),
                                                      np.zeros((3, 3), dt)], match='index_copy'),
    ErrorCase('CTCLoss', lambda rng, dt: [np.zeros((4, 2), dt), np.zeros((2, 3), dt)], match='CTCLoss'),
]
