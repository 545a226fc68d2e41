"""The tutorial's ``data_iter`` module (``from data_iter import SyntheticData``), written for these tests.

MXNet's example shipped a synthetic 10-class dataset next to the tutorial; this one labels Gaussian
features with a fixed random teacher MLP (argmax of its outputs), so the classes are learnable and every
``get_iter`` call draws fresh samples from the same distribution. Randomness comes from numpy's global
generator, as the tutorial seeds nothing itself.
"""
import numpy as np

import mxnet as mx


class SyntheticData:
    """``SyntheticData(num_classes, num_features)``: ``get(n)`` -> (x, y), ``get_iter(batch_size)`` -> an
    NDArrayIter over 10 batches."""

    def __init__(self, num_classes, num_features, num_hidden=32):
        self.num_classes = num_classes
        self.num_features = num_features
        self.w1 = np.random.randn(num_features, num_hidden)
        self.w2 = np.random.randn(num_hidden, num_classes)

    def get(self, num_samples):
        x = np.random.randn(num_samples, self.num_features).astype(np.float32)
        y = np.maximum(x @ self.w1, 0) @ self.w2
        return x, y.argmax(axis=1).astype(np.float32)

    def get_iter(self, batch_size, num_batches=10):
        x, y = self.get(batch_size * num_batches)
        return mx.io.NDArrayIter(x, y, batch_size)
