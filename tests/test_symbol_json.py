"""Symbol JSON interoperability with MXNet 1.9.1 (fixtures by tests/fixtures/symbol/make_symbol_fixtures.py):
files MXNet wrote load here and compute MXNet's outputs; the JSON we write for the same nets is byte-identical
to MXNet's (so MXNet loads it as its own); 0.8-era files are upgraded as MXNet upgrades them."""
import os
import sys

import numpy as np
import pytest

import mxnet as mx

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'symbol')
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'training'))
import nets  # noqa: E402


def _read(name):
    with open(os.path.join(HERE, name), encoding='utf-8') as f:
        return f.read()


def _check_outputs(sym, name, ctx):
    ref = np.load(os.path.join(HERE, name + '.npz'))
    args = {k[4:]: mx.nd.array(ref[k], ctx=ctx) for k in ref.files if k.startswith('arg:')}
    aux = {k[4:]: mx.nd.array(ref[k], ctx=ctx) for k in ref.files if k.startswith('aux:')}
    assert sorted(args) == sorted(sym.list_arguments())
    assert sorted(aux) == sorted(sym.list_auxiliary_states())
    ex = sym.bind(ctx, args, aux_states=aux, grad_req='null')
    outs = ex.forward(is_train=False)
    for i, o in enumerate(outs):
        np.testing.assert_allclose(o.asnumpy(), ref['out%d' % i], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('name', ['mlp', 'lenet', 'resnet'])
def test_load_mxnet_file_and_compute(name, ctx):
    sym = mx.sym.load(os.path.join(HERE, name + '-symbol.json'))
    assert sym.tojson() == _read(name + '-symbol.json')
    _check_outputs(sym, name, ctx)


@pytest.mark.parametrize('name', ['mlp', 'lenet', 'resnet'])
def test_written_json_is_mxnets(name, tmp_path):
    with mx.name.NameManager():
        sym = getattr(nets, name)(mx)
    assert sym.tojson() == _read(name + '-symbol.json')
    sym.save(str(tmp_path / 'x-symbol.json'))
    assert (tmp_path / 'x-symbol.json').read_text(encoding='utf-8') == _read(name + '-symbol.json')


def test_legacy_08_file_is_upgraded(ctx):
    sym = mx.sym.load(os.path.join(HERE, 'legacy08-symbol.json'))
    assert sym.tojson() == _read('legacy08-upgraded.json')
    assert sym.list_auxiliary_states() == ['bn1_moving_mean', 'bn1_moving_var']
    _check_outputs(sym, 'legacy08', ctx)


def test_bad_json_raises():
    with pytest.raises(mx.MXNetError):
        mx.sym.load_json('{"nodes": [], "heads": [], "bogus": 1}')
    with pytest.raises(mx.MXNetError):
        mx.sym.load_json('not json')
    with pytest.raises(mx.MXNetError, match='not registered'):
        mx.sym.load_json('{"nodes": [{"op": "NoSuchOp", "name": "x", "inputs": []}], "arg_nodes": [], '
                         '"heads": [[0, 0, 0]]}')
