"""Same parameters, same batches: per-batch losses and final parameters after 50 updates match MXNet 1.9.1's
(fixtures made by tests/fixtures/training/make_training_fixtures.py with the reference)."""
import os
import sys

import numpy as np
import pytest

import mxnet as mx

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'training')
sys.path.insert(0, HERE)
import nets  # noqa: E402


@pytest.mark.parametrize('case', sorted(nets.CASES))
def test_training_matches_reference(case):
    ref = np.load(os.path.join(HERE, case + '.npz'))
    losses, args, aux = nets.train(mx, case)
    np.testing.assert_allclose(losses, ref['losses'], rtol=2e-4, atol=2e-4)
    for k, v in args.items():
        np.testing.assert_allclose(v, ref['arg:' + k], rtol=1e-3, atol=2e-4, err_msg=k)
    for k, v in aux.items():
        np.testing.assert_allclose(v, ref['aux:' + k], rtol=1e-3, atol=2e-4, err_msg=k)
    assert set(args) == {k[4:] for k in ref.files if k.startswith('arg:')}
