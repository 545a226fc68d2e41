"""mx.test_utils against MXNet 1.9.1: the outcomes in fixtures/test_utils/expected.json were recorded by
running fixtures/test_utils/cases.py with the reference MXNet (make_expected.py)."""
import importlib.util
import json
import os

import numpy as np
import pytest

import mxnet as mx
from mxnet import test_utils as tu

HERE = os.path.join(os.path.dirname(__file__), 'fixtures', 'test_utils')
_spec = importlib.util.spec_from_file_location('tu_cases', os.path.join(HERE, 'cases.py'))
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
with open(os.path.join(HERE, 'expected.json')) as _f:
    EXPECTED = json.load(_f)


@pytest.mark.parametrize('name', sorted(cases.CASES))
def test_outcome_matches_mxnet(name, ctx):
    assert cases.outcome(cases.CASES[name]) == EXPECTED['outcomes'][name]


def test_values_match_mxnet(ctx):
    got = json.loads(json.dumps(cases.values()))
    exp = EXPECTED['values']
    assert got.keys() == exp.keys()
    for k in exp:
        if k == 'rand_ndarray':
            assert got[k][:2] == exp[k][:2]
            np.testing.assert_allclose(got[k][2], exp[k][2], rtol=1e-6)
        else:
            assert got[k] == exp[k], k


def test_default_tolerances():
    assert tu.default_rtols()[np.dtype(np.float32)] == 1e-4
    assert tu.default_atols()[np.dtype(np.float16)] == 1e-1
    assert tu.default_rtols()[np.dtype(np.int32)] == 0
    assert tu.get_rtol() == 1e-5 and tu.get_atol() == 1e-20 and tu.get_etol() == 0
    assert tu.get_rtol(0.5) == 0.5
    assert tu.default_numeric_eps()[np.dtype(np.float32)] == 2.0 ** -9


def test_mismatch_message_names_the_worst_element():
    a = np.zeros((2, 3), np.float32)
    b = a.copy()
    b[1, 2] = 5
    with pytest.raises(AssertionError) as e:
        tu.assert_almost_equal(a, b, names=('got', 'want'))
    msg = str(e.value)
    assert 'rtol=1.000000e-04' in msg and 'atol=1.000000e-03' in msg
    assert '(1, 2)' in msg and 'got=0.00000000' in msg and 'want=5.00000000' in msg


def test_incompatible_shapes_raise_assertion():
    with pytest.raises(AssertionError, match='cannot be compared'):
        tu.assert_almost_equal(np.ones(2), np.ones(3))


def test_default_context_follows_the_with_block(ctx):
    assert tu.default_context() == ctx
    with mx.cpu(0):
        assert tu.default_context() == mx.cpu(0)


def test_set_default_context_sets_current_context():
    before = mx.current_context()
    try:
        tu.set_default_context(mx.gpu(3))
        assert mx.current_context() == mx.gpu(3) and tu.default_context() == mx.gpu(3)
    finally:
        tu.set_default_context(before)
    assert mx.current_context() == before


def test_rand_ndarray_on_ctx(ctx):
    a = tu.rand_ndarray((3, 4), dtype='float64')
    assert a.shape == (3, 4) and a.dtype == np.float64 and a.context == ctx
    c = tu.rand_ndarray((3, 4), stype='csr', density=0.5)
    assert c.stype == 'csr' and c.shape == (3, 4)


def test_rand_shapes_bounds():
    np.random.seed(0)
    for _ in range(20):
        s = tu.rand_shape_nd(3, dim=4)
        assert len(s) == 3 and all(1 <= d <= 4 for d in s) and all(type(d) is int for d in s)
    assert any(0 in tu.rand_shape_nd(5, dim=1, allow_zero_size=True) for _ in range(20))


def test_np_reduce_negative_axis():
    x = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(tu.np_reduce(x, -1, False, np.sum), [3, 12])


def test_assert_exception_fails_when_nothing_raised():
    with pytest.raises(AssertionError):
        tu.assert_exception(lambda: None, ValueError)


def test_retry_reruns_until_pass():
    calls = []

    @tu.retry(3)
    def flaky():
        calls.append(1)
        assert len(calls) == 2

    flaky()
    assert len(calls) == 2


def test_environment_restores(monkeypatch):
    monkeypatch.delenv('MXNET_TU_TEST', raising=False)
    with tu.environment({'MXNET_TU_TEST': '1'}):
        assert os.environ['MXNET_TU_TEST'] == '1'
        with tu.environment('MXNET_TU_TEST', None):
            assert 'MXNET_TU_TEST' not in os.environ
        assert os.environ['MXNET_TU_TEST'] == '1'
    assert 'MXNET_TU_TEST' not in os.environ


def test_assign_each_and_sampling_checks():
    np.testing.assert_array_equal(tu.assign_each(np.array([[1, 2]]), lambda x: x * 2), [[2, 4]])
    np.testing.assert_array_equal(tu.assign_each2(np.array([1, 2]), np.array([3, 4]), max), [3, 4])
    rs = np.random.RandomState(0)
    assert tu.mean_check(lambda n: rs.normal(1.0, 2.0, n), 1.0, 2.0, nsamples=20000)
    assert tu.var_check(lambda n: rs.normal(1.0, 2.0, n), 2.0, nsamples=20000)
    assert not tu.mean_check(lambda n: rs.normal(1.5, 2.0, n), 1.0, 2.0, nsamples=20000)
