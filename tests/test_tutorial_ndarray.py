"""The NDArray part of the tutorial (/work/shared/seeds/000_b999034713db6178.txt), every snippet run
unchanged from mxnet/demo.py's SNIPPETS, and what it shows compared with MXNet 1.9.1.

fixtures/tutorial/expected.json was recorded by fixtures/tutorial/make_expected.py with the reference
MXNet; both sides describe results with fixtures/tutorial/record.py. Context substitution: the snippets
that ask for mx.gpu() run on the test context when it is not a GPU (demo.MXWithGPU hands it out for
mx.gpu(i)); the fixture was recorded on cpu(0) the same way, so '@cpu(0)' in recorded reprs stands for the
test context.
"""
import importlib.util
import json
import os

import pytest

import mxnet as mx
from mxnet import demo
from mxnet.test_utils import assert_almost_equal

HERE = os.path.join(os.path.dirname(__file__), 'fixtures', 'tutorial')
_spec = importlib.util.spec_from_file_location('tutorial_record', os.path.join(HERE, 'record.py'))
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)
with open(os.path.join(HERE, 'expected.json')) as _f:
    EXPECTED = json.load(_f)

# Snippets needing an operator that is not implemented yet: {snippet id: reason}.


def _substitute(ctx):
    return None if ctx.device_type == 'gpu' else ctx


def _run(snippet_id, ctx):
    return record.run_and_describe(demo, snippet_id, _substitute(ctx))


def _compare_array(got, want, where):
    assert got['type'] == want['type'], where
    assert got['shape'] == want['shape'] and got['dtype'] == want['dtype'], where
    if 'values' in want:
        if want['dtype'].startswith('float'):
            assert_almost_equal(got['values'], want['values'], names=('got ' + where, 'MXNet'))
        else:
            assert got['values'] == want['values'], where
    else:
        assert_almost_equal(got['summary'], want['summary'], rtol=1e-6, atol=1e-6)


def test_fixture_covers_every_snippet():
    assert [s['id'] for s in demo.SNIPPETS] == list(EXPECTED['snippets'])
    assert EXPECTED['mxnet'] == '1.9.1'


@pytest.mark.parametrize('snippet_id', [
    s['id'] for s in demo.SNIPPETS])
def test_snippet_shows_what_mxnet_shows(snippet_id, ctx, tmp_cwd):
    got, _, _ = _run(snippet_id, ctx)
    want = EXPECTED['snippets'][snippet_id]
    assert got['shown_type'] == want['shown_type']
    assert got['shown_repr'] == want['shown_repr'].replace('@cpu(0)', '@%s' % ctx)
    if 'shown' in want:
        _compare_array(got['shown'], want['shown'], 'shown value')
    assert sorted(got['arrays']) == sorted(want['arrays'])
    for name, w in want['arrays'].items():
        _compare_array(got['arrays'][name], w, name)


def test_gpu_snippets_use_the_substituted_context(ctx, tmp_cwd):
    _, ns, shown = _run('cross_device', ctx)
    gpu_ctx = ctx if ctx.device_type == 'gpu' else mx.gpu(0)
    expect = ctx if ctx.device_type != 'gpu' else gpu_ctx
    assert ns['a'].context == mx.cpu(0)
    assert ns['b'].context == ns['c'].context == shown['d'].context == shown['e'].context == expect
    _, ns, _ = _run('numpy_assign', ctx)
    assert ns['a'].context == expect


def test_demo_main_prints_every_section(capsys):
    demo.ndarray_tutorial()
    out = capsys.readouterr().out
    for s in demo.SNIPPETS:
        assert '== %s ==' % s['heading'] in out
    assert "{'a.shape': (3, 5)}" in out
    assert '<NDArray 100x100 @' in out
