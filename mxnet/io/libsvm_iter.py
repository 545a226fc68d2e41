"""``mx.io.LibSVMIter``: batches of sparse ``label index:value ...`` records, returned dense."""
import numpy as np

from ..base import MXNetError
from .._op import params as P
from .native import BatchedRecordIter, batch_label_shape, batch_size_param, dtype_param, open_maybe_gz, \
    parse_params

__all__ = ['LibSVMIter']

_SPEC = {
    'data_libsvm': P.Str(),
    'data_shape': P.Shape(),
    'label_libsvm': P.Str(default=None),
    'label_shape': P.Shape(default=(1,)),
    'num_parts': P.Int(default=1),
    'part_index': P.Int(default=0),
    'batch_size': batch_size_param(),
    'round_batch': P.Bool(default=True),
    'prefetch_buffer': P.Int(default=4, low=0),
    'ctx': P.Str(default='gpu'),
    'dtype': dtype_param(),
}


def _part_lines(path, num_parts, part_index):
    """Lines of part ``part_index`` of the file, cut by bytes at line starts as MXNet's input split does."""
    with open_maybe_gz(path) as f:
        raw = f.read()
    if not 0 <= part_index < num_parts:
        raise MXNetError('part_index %d out of range for num_parts %d' % (part_index, num_parts))
    step = -(-len(raw) // num_parts)

    def line_start(pos):
        if pos <= 0:
            return 0
        if pos >= len(raw):
            return len(raw)
        nl = raw.find(b'\n', pos - 1)
        return len(raw) if nl < 0 else nl + 1

    begin, end = line_start(step * part_index), line_start(step * (part_index + 1))
    return raw[begin:end].decode().splitlines()


def read_libsvm(path, width, num_parts, part_index, what):
    """(labels, dense rows) of a libsvm file: each record is ``label idx:value ...`` (0-based indices)."""
    labels, rows = [], []
    for ln in _part_lines(path, num_parts, part_index):
        tokens = ln.split('#', 1)[0].split()
        if not tokens:
            continue
        row = np.zeros(width, np.float32)
        try:
            labels.append(float(tokens[0]))
            for tok in tokens[1:]:
                i, v = tok.split(':')
                i = int(i)
                if not 0 <= i < width:
                    raise MXNetError('%s %s: feature index %d is out of range for data_shape (%d,)'
                                     % (what, path, i, width))
                row[i] = float(v)
        except ValueError:
            raise MXNetError('%s %s: cannot parse libsvm record %r' % (what, path, ln)) from None
        rows.append(row)
    return np.asarray(labels, np.float32), np.asarray(rows, np.float32).reshape(-1, width)


class LibSVMIter(BatchedRecordIter):
    """Batches of libsvm records as dense float32 (batch, data_shape[0]) arrays (MXNet returns CSRNDArrays;
    this package's NDArrays are dense). Labels are the leading numbers of the records, or, with
    ``label_libsvm``, that file's feature vectors shaped by ``label_shape``. ``round_batch`` must be True
    (as in MXNet). ``num_parts``/``part_index`` read a byte range of the file; ``index`` counts within it.
    """

    def __init__(self, *args, **kwargs):
        p = parse_params('LibSVMIter', _SPEC, args, kwargs)
        if len(p['data_shape']) != 1:
            raise MXNetError('Check failed: param_.data_shape.ndim() == 1 (%d vs. 1) : dimension of data_shape is '
                             'expected to be 1' % len(p['data_shape']))
        if p['label_libsvm'] is None and int(np.prod(p['label_shape'])) != 1:
            raise MXNetError('Check failed: param_.label_shape.Size() == 1 (%d vs. 1) : label_shape is expected to '
                             'be (1,) when param_.label_libsvm is NULL' % int(np.prod(p['label_shape'])))
        if not p['round_batch']:
            raise MXNetError("sparse batch loader doesn't support round_batch == false yet")
        if p['dtype'] not in (None, 'float32'):
            raise MXNetError('Check failed: LibSVMIter produces float32 data, dtype %s is not supported'
                             % p['dtype'])
        parts = p['num_parts'], p['part_index']
        label, data = read_libsvm(p['data_libsvm'], p['data_shape'][0], *parts, 'data_libsvm')
        if p['label_libsvm'] is not None:
            lshape = tuple(p['label_shape'])
            _, lrows = read_libsvm(p['label_libsvm'], int(np.prod(lshape)), *parts, 'label_libsvm')
            if lrows.shape[0] < data.shape[0]:
                raise MXNetError('label_libsvm %s has %d records, data_libsvm %d'
                                 % (p['label_libsvm'], lrows.shape[0], data.shape[0]))
            label = lrows[:data.shape[0]].reshape((-1,) + batch_label_shape(lshape))
        super().__init__(data, label, p['batch_size'], True, data_name=p['data_name'],
                         label_name=p['label_name'])
