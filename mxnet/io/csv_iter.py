"""``mx.io.CSVIter``: batches of rows read from CSV files."""
import numpy as np

from ..base import MXNetError
from .._op import params as P
from .native import (BatchedRecordIter, batch_label_shape, batch_size_param, dtype_param, open_maybe_gz,
                     parse_params)

__all__ = ['CSVIter']

_SPEC = {
    'data_csv': P.Str(),
    'data_shape': P.Shape(),
    'label_csv': P.Str(default=None),
    'label_shape': P.Shape(default=(1,)),
    'batch_size': batch_size_param(),
    'round_batch': P.Bool(default=True),
    'prefetch_buffer': P.Int(default=4, low=0),
    'ctx': P.Str(default='gpu'),
    'dtype': dtype_param(),
}
_CSV_DTYPES = {None: np.float32, 'float32': np.float32, 'int32': np.int32, 'int64': np.int64}


def read_csv_rows(path, shape, dtype, what):
    """All rows of a CSV file as an array of shape (rows,) + ``shape``; every row must hold prod(shape) values."""
    size = int(np.prod(shape))
    with open_maybe_gz(path) as f:
        lines = [ln for ln in f.read().decode().splitlines() if ln.strip()]
    if not lines:
        return np.zeros((0,) + tuple(shape), dtype)
    try:
        rows = np.loadtxt(lines, delimiter=',', dtype=np.float64, ndmin=2)
        lengths = [rows.shape[1]]
    except ValueError:  # ragged rows: find the first whose length is wrong
        rows = None
        lengths = [len(ln.split(',')) for ln in lines]
    bad = next((n for n in lengths if n != size), None)
    if bad is not None:
        raise MXNetError('Check failed: row.length == shape.Size() (%d vs. %d) : The data size in CSV do not match '
                         'size of shape: specified shape=%s, the csv row-length=%d (%s %s)'
                         % (bad, size, list(shape), bad, what, path))
    if rows is None:
        raise MXNetError('cannot parse %s %s as numbers' % (what, path))
    return rows.astype(dtype).reshape((-1,) + tuple(shape))


class CSVIter(BatchedRecordIter):
    """Batches of ``data_csv`` rows reshaped to ``data_shape``, with labels from ``label_csv`` (rows of
    ``label_shape``; zeros when no label file). Keyword arguments only, as MXNet's.

    ``round_batch`` (default True) fills the last batch by wrapping to the start, and the next epoch resumes
    after the wrapped rows. ``dtype``: float32 (default), int32 or int64. ``prefetch_buffer`` and ``ctx``
    are accepted and ignored (batches are on cpu(0)).
    """

    def __init__(self, *args, **kwargs):
        p = parse_params('CSVIter', _SPEC, args, kwargs)
        if p['dtype'] not in _CSV_DTYPES:
            raise MXNetError('Check failed: false: %s is not supported for CSVIter' % p['dtype'])
        dtype = _CSV_DTYPES[p['dtype']]
        data = read_csv_rows(p['data_csv'], p['data_shape'], dtype, 'data_csv')
        lshape = batch_label_shape(p['label_shape'])
        if p['label_csv'] is None:
            label = np.zeros((data.shape[0],) + lshape, dtype)
        else:
            label = read_csv_rows(p['label_csv'], p['label_shape'], dtype, 'label_csv')
            if label.shape[0] < data.shape[0]:
                raise MXNetError("Check failed: label_parser_->Next(): Data CSV's row is smaller than the number "
                                 "of rows in label_csv (%d data rows, %d label rows)"
                                 % (data.shape[0], label.shape[0]))
            label = label[:data.shape[0]].reshape((-1,) + lshape)
        super().__init__(data, label, p['batch_size'], p['round_batch'], data_name=p['data_name'],
                         label_name=p['label_name'])
