"""``mx.io``: data descriptions, batches and data iterators."""
from .base import DataDesc, DataBatch, DataIter  # noqa: F401
