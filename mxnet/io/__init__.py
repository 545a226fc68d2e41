"""``mx.io``: data descriptions, batches and data iterators."""
from .base import DataDesc, DataBatch, DataIter  # noqa: F401
from .ndarray_iter import NDArrayIter  # noqa: F401
from .wrappers import ResizeIter, PrefetchingIter  # noqa: F401
from .native import MXDataIter  # noqa: F401
from .csv_iter import CSVIter  # noqa: F401
from .libsvm_iter import LibSVMIter  # noqa: F401
from .mnist_iter import MNISTIter  # noqa: F401
from .image_record import ImageRecordIter  # noqa: F401
