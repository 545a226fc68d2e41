"""Shared fixtures. Every test takes its device from ``ctx``: set MXNET_TEST_CTX=gpu to run on mx.gpu(0)."""
import os

import numpy as np
import pytest

import mxnet as mx


def _test_context():
    return mx.gpu(0) if os.environ.get('MXNET_TEST_CTX', 'cpu').startswith('gpu') else mx.cpu(0)


@pytest.fixture
def ctx():
    """The context tests compute on (also made the default for the duration of the test)."""
    c = _test_context()
    with c:
        yield c


@pytest.fixture
def rng():
    return np.random.RandomState(1234)


@pytest.fixture
def tmp_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path
