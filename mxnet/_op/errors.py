"""MXNet's wording for failures that torch reports inside an operator's compute.

Torch's messages name torch concepts (``torch.Size([3, 5])``, "Dimension out of range", allocator internals).
An MXNet user expects the operator, the argument and the shapes as MXNet prints them (``[3,5]``); ``explain``
rewrites the torch messages the project's computes can raise into that form. Unknown messages keep their text,
with any torch sizes reformatted.
"""
import re

__all__ = ['explain', 'mx_shape']


def mx_shape(shape):
    """A shape as MXNet prints it in errors: ``[2,3,4]``."""
    return '[' + ','.join(str(int(d)) for d in shape) + ']'


def _size(m):
    return mx_shape(int(d) for d in m.group(1).split(',') if d.strip()) if m.group(1).strip() else '[]'


_DTYPES = {'Float': 'float32', 'Double': 'float64', 'Half': 'float16', 'BFloat16': 'bfloat16', 'Long': 'int64',
           'Int': 'int32', 'Byte': 'uint8', 'Char': 'int8', 'Bool': 'bool', 'Short': 'int16'}


def _dtype(name):
    return _DTYPES.get(name, name.lower())


def _axis(m, shapes):
    lo, hi, got = int(m.group(1)), int(m.group(2)), int(m.group(3))
    ndim = hi + 1 if hi >= 0 else (-lo if lo < 0 else 0)
    return 'axis %d exceeds the input dimension of %d (valid axes: %d to %d)' % (got, ndim, -ndim, ndim - 1)


def _broadcast(m, shapes):
    return ('operands could not be broadcast together with shapes %s (dimension %s: %s vs %s)'
            % (' '.join(mx_shape(s) for s in shapes), m.group(3), m.group(1), m.group(2)))


def _matmul(m, shapes):
    return 'shape mismatch in matrix product: [%s,%s] X [%s,%s]' % (m.group(1), m.group(2), m.group(3), m.group(4))


def _alloc(m, shapes):
    return 'out of memory: cannot allocate %s bytes (%.1f GiB) for the result' % (m.group(1),
                                                                                 int(m.group(1)) / 2 ** 30)


def _cuda_oom(m, shapes):
    return 'out of GPU memory: cannot allocate %s' % m.group(1)


def _scalar_type(m, shapes):
    return 'input dtypes do not match: expected %s, got %s' % (_dtype(m.group(1)), _dtype(m.group(2)))


def _shape_invalid(m, shapes):
    return 'target shape %s is invalid for an input of %s elements' % (mx_shape(m.group(1).split(',')), m.group(2))


_RULES = [
    (re.compile(r'Dimension out of range \(expected to be in range of \[(-?\d+), (-?\d+)\], but got (-?\d+)\)'),
     _axis),
    (re.compile(r'The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton '
                r'dimension (\d+)'), _broadcast),
    (re.compile(r'mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)'), _matmul),
    (re.compile(r"can't allocate memory: you tried to allocate (\d+) bytes"), _alloc),
    (re.compile(r'CUDA out of memory\. Tried to allocate ([\d.]+ [KMGT]?i?B)'), _cuda_oom),
    (re.compile(r'expected scalar type (\w+) but found (\w+)'), _scalar_type),
    (re.compile(r"shape '\[([-\d, ]*)\]' is invalid for input of size (\d+)"), _shape_invalid),
]
_TORCH_SIZE = re.compile(r'torch\.Size\(\[([\d, ]*)\]\)')


def explain(err, shapes=()):
    """MXNet-style text for torch exception ``err`` raised on inputs of ``shapes``."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    for pattern, rewrite in _RULES:
        m = pattern.search(text)
        if m:
            return rewrite(m, [tuple(s) for s in shapes])
    text = re.sub(r'^\[enforce fail at [^\]]*\]\s*', '', text)
    return _TORCH_SIZE.sub(_size, text)
