"""Optimizer-state checkpoints: no code runs from a ``.states`` file, resumed training equals uninterrupted
training bit for bit, and a ``.params``/``.states`` pair from different saves is refused."""
import glob
import os
import pickle
import random
import signal
import subprocess

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError
from mxnet.optimizer.updater import RESUME_KEY

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, 'fixtures', 'checkpoint')
ORACLE = '/tmp/mxnet-ref/bin/python'
EPOCHS, BATCHES = 4, 5  # batches per epoch


# ---- crafted files never run code --------------------------------------------------------------------
class _Payload:
    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _payloads(marker):
    import builtins
    return {
        'os.system': pickle.dumps(_Payload(os.system, ('touch %s' % marker,))),
        'builtins.eval': pickle.dumps(_Payload(builtins.eval, ("open(%r, 'w').close()" % marker,))),
        'subprocess.Popen': pickle.dumps(_Payload(subprocess.Popen, (['touch', marker],))),
        'nested': pickle.dumps({0: (mx.nd.ones((2,)), [{'x': _Payload(os.system, ('touch %s' % marker,))}]),
                                RESUME_KEY: {'version': 1}}),
        'dumped-optimizer': pickle.dumps(({}, _Payload(os.system, ('touch %s' % marker,)))),
    }


@pytest.mark.parametrize('kind', ['os.system', 'builtins.eval', 'subprocess.Popen', 'nested',
                                  'dumped-optimizer'])
def test_crafted_states_never_run(tmp_path, kind):
    marker = str(tmp_path / 'pwned')
    data = _payloads(marker)[kind]
    upd = mx.optimizer.get_updater(mx.optimizer.SGD())
    with pytest.raises(MXNetError, match='refusing'):
        upd.set_states(data)
    fname = str(tmp_path / 'x.states')
    with open(fname, 'wb') as f:
        f.write(data)
    kv = mx.kv.create('local')
    kv.set_optimizer(mx.optimizer.SGD())
    with pytest.raises(MXNetError, match='x.states'):
        kv.load_optimizer_states(fname)
    assert not os.path.exists(marker)


def test_admitted_classes_cannot_carry_callables():
    """An optimizer (an admitted class) whose attributes hold an admitted callable is refused as well."""
    opt = mx.optimizer.SGD()
    opt.lr_scheduler = np.dtype  # a class object kept as a value: would be called on the next update
    with pytest.raises(MXNetError, match='refusing'):
        mx.optimizer.get_updater(mx.optimizer.SGD()).set_states(pickle.dumps(({}, opt)))
    opt = mx.optimizer.SGD()
    opt._step = np.ndarray
    with pytest.raises(MXNetError, match='refusing'):
        mx.optimizer.get_updater(mx.optimizer.SGD()).set_states(pickle.dumps(({}, opt)))


def test_crafted_states_through_module_load(tmp_path):
    prefix = str(tmp_path / 'm')
    mod = _module()
    mod.save_checkpoint(prefix, 1)
    marker = str(tmp_path / 'pwned')
    with open(prefix + '-0001.states', 'wb') as f:
        f.write(_payloads(marker)['os.system'])
    with pytest.raises(MXNetError, match='m-0001.states'):
        mod2 = mx.mod.Module.load(prefix, 1, load_optimizer_states=True)
        mod2.bind(data_shapes=[('data', (8, 5))], label_shapes=[('softmax_label', (8,))])
        mod2.init_optimizer()
    assert not os.path.exists(marker)


def test_garbage_states_raise_mxneterror():
    upd = mx.optimizer.get_updater(mx.optimizer.SGD())
    for data in (b'', b'\x80\x04garbage', pickle.dumps([1, 2]), pickle.dumps({0: None, RESUME_KEY: 'x'})):
        with pytest.raises(MXNetError):
            upd.set_states(data)


@pytest.mark.parametrize('dump', [False, True])
def test_every_builtin_optimizer_states_load_restricted(dump):
    for name, cls in sorted(mx.optimizer.Optimizer.opt_registry.items()):
        opt = cls(learning_rate=0.1, lr_scheduler=mx.lr_scheduler.FactorScheduler(2, 0.5))
        upd = mx.optimizer.get_updater(opt)
        w = mx.nd.ones((3, 4))
        for _ in range(3):
            upd(0, mx.nd.full((3, 4), 0.1), w)
            upd('b', mx.nd.full((2,), 0.2), mx.nd.ones((2,)))
        upd2 = mx.optimizer.get_updater(cls(learning_rate=0.1, lr_scheduler=mx.lr_scheduler.FactorScheduler(2, 0.5)))
        upd2.set_states(upd.get_states(dump))
        assert set(upd2.states) == {0, 'b'}, name
        assert upd2.optimizer.num_update == 3 and upd2.optimizer._index_update_count == {0: 3, 'b': 3}, name
        assert upd2.optimizer.lr_scheduler.base_lr == opt.lr_scheduler.base_lr, name


# ---- MXNet's files ---------------------------------------------------------------------------------------
def test_mxnet_written_states_load():
    upd = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    with open(os.path.join(FIXTURES, 'mxnet_sgd_momentum.states'), 'rb') as f:
        upd.set_states(f.read())
    m0 = m1 = 0.
    for g0 in (0.5, 1.5, 2.5):
        m0, m1 = 0.9 * m0 - 0.1 * g0, 0.9 * m1 - 0.1 * 0.25
    np.testing.assert_allclose(upd.states[0].asnumpy(), np.full((2, 3), m0), rtol=1e-6)
    np.testing.assert_allclose(upd.states[1].asnumpy(), np.full((4,), m1), rtol=1e-6)
    upd = mx.optimizer.get_updater(mx.optimizer.SGD())
    with open(os.path.join(FIXTURES, 'mxnet_adam_dumped.states'), 'rb') as f:
        upd.set_states(f.read())
    assert type(upd.optimizer).__name__ == 'Adam' and upd.optimizer.num_update == 3
    w = mx.nd.ones((2, 3))
    upd(0, mx.nd.ones((2, 3)), w)
    assert np.isfinite(w.asnumpy()).all() and upd.optimizer._index_update_count[0] == 4


@pytest.mark.skipif(not os.path.exists(ORACLE), reason='needs the reference MXNet')
def test_our_states_load_in_mxnet(tmp_path):
    upd = mx.optimizer.get_updater(mx.optimizer.Adam(learning_rate=0.01))
    w = mx.nd.ones((2, 3))
    for _ in range(2):
        upd(0, mx.nd.ones((2, 3)), w)
    (tmp_path / 'plain.states').write_bytes(upd.get_states(False))
    (tmp_path / 'dumped.states').write_bytes(upd.get_states(True))
    code = ('import mxnet as mx\n'
            'for n in ("plain", "dumped"):\n'
            '    u = mx.optimizer.get_updater(mx.optimizer.Adam(learning_rate=0.01))\n'
            '    u.set_states(open(n + ".states", "rb").read())\n'
            '    w = mx.nd.ones((2, 3)); u(0, mx.nd.ones((2, 3)), w); print(n, w.asnumpy().sum())\n')
    out = subprocess.run([ORACLE, '-c', code], cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'plain' in out.stdout and 'dumped' in out.stdout


# ---- exact resume ------------------------------------------------------------------------------------
def _net():
    d = mx.sym.Variable('data')
    h = mx.sym.Activation(mx.sym.FullyConnected(d, num_hidden=8, name='fc1'), act_type='tanh')
    return mx.sym.SoftmaxOutput(mx.sym.FullyConnected(h, num_hidden=3, name='fc2'), name='softmax')


def _iter():
    rs = np.random.RandomState(0)
    return mx.io.NDArrayIter(rs.randn(8 * BATCHES, 5).astype('f'), rs.randint(0, 3, 8 * BATCHES).astype('f'),
                             batch_size=8)


def _init_params():
    rs = np.random.RandomState(1)
    shapes = {'fc1_weight': (8, 5), 'fc1_bias': (8,), 'fc2_weight': (3, 8), 'fc2_bias': (3,)}
    return {k: mx.nd.array(rs.uniform(-0.5, 0.5, s)) for k, s in shapes.items()}


def _optimizer(kind):
    scheds = {'factor': lambda: mx.lr_scheduler.FactorScheduler(3, 0.7),
              'multifactor': lambda: mx.lr_scheduler.MultiFactorScheduler([4, 9, 13], 0.5),
              'poly': lambda: mx.lr_scheduler.PolyScheduler(EPOCHS * BATCHES + 5, 0.1, pwr=2),
              'cosine': lambda: mx.lr_scheduler.CosineScheduler(EPOCHS * BATCHES + 5, 0.1)}
    if kind == 'sgd':
        return 'sgd', {'learning_rate': 0.1, 'momentum': 0.9}
    if kind == 'adam':
        return 'adam', {'learning_rate': 0.01}
    return 'sgd', {'learning_rate': 0.1, 'momentum': 0.5, 'lr_scheduler': scheds[kind]()}


def _module():
    mod = mx.mod.Module(_net())
    mod.bind(data_shapes=[('data', (8, 5))], label_shapes=[('softmax_label', (8,))])
    mod.init_params(arg_params=_init_params())
    mod.init_optimizer(optimizer='sgd', optimizer_params={'momentum': 0.9})
    return mod


def _last_epoch(prefix):
    done = [int(p[-11:-7]) for p in glob.glob(prefix + '-*.states')]
    return max(done) if done else 0


def _train(kind, prefix, begin=0, kill_at=None):
    """fit() to EPOCHS, a checkpoint with states after every epoch; from ``begin``'s checkpoint when given;
    SIGKILL itself before global batch ``kill_at``. Returns the final parameters."""
    o, p = _optimizer(kind)
    if begin:
        mod = mx.mod.Module.load(prefix, begin, load_optimizer_states=True)
        init = None
    else:
        mod, init = mx.mod.Module(_net()), _init_params()
    seen = [begin * BATCHES]

    def on_batch(_param):
        seen[0] += 1
        if kill_at is not None and seen[0] >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
    mod.fit(_iter(), num_epoch=EPOCHS, begin_epoch=begin, optimizer=o, optimizer_params=p, arg_params=init,
            batch_end_callback=on_batch, epoch_end_callback=mx.callback.module_checkpoint(mod, prefix, 1, True))
    return {k: v.asnumpy() for k, v in mod.get_params()[0].items()}


def _assert_same(a, b, what):
    for k in a:
        assert np.array_equal(a[k], b[k]), '%s: %s differs by %g' % (what, k, abs(a[k] - b[k]).max())


@pytest.mark.parametrize('kind', ['multifactor', 'poly', 'cosine'])
def test_resume_equals_uninterrupted(tmp_path, kind):
    prefix = str(tmp_path / kind)
    full = _train(kind, prefix)
    for begin in (1, 3):
        _assert_same(full, _train(kind, prefix, begin), '%s@%d' % (kind, begin))


def _kill_between_child(prefix):
    """Save epoch 1, train on, save epoch 1 again and die between its .states and .params renames."""
    mod = _module()
    mod.save_checkpoint(prefix, 1, save_optimizer_states=True)
    it = _iter()
    for batch in it:
        mod.forward_backward(batch)
        mod.update()
    real = os.replace

    def replace(src, dst):
        if dst.endswith('.params'):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst)
    os.replace = replace
    mod.save_checkpoint(prefix, 1, save_optimizer_states=True)


def _forked(func, *args):
    """Run ``func(*args)`` in a forked child (no slow re-import); its exit status as ``os.waitpid`` gives it."""
    pid = os.fork()
    if pid == 0:  # the child: it ends by SIGKILL, or exits 1 if func returns or raises
        try:
            import torch
            torch.set_num_threads(1)
            func(*args)
        finally:
            os._exit(1)
    return os.waitpid(pid, 0)[1]


KILL_KINDS = ('sgd', 'adam', 'factor', 'multifactor', 'poly', 'cosine')


@pytest.fixture(scope='module')
def killed_children(tmp_path_factory):
    """Forked trainings killed by SIGKILL at a random batch, and one save killed between its two files."""
    root = str(tmp_path_factory.mktemp('killed'))
    rnd = random.Random()
    kills = {kind: rnd.randrange(1, EPOCHS * BATCHES) for kind in KILL_KINDS}
    status = {kind: _forked(_train, kind, os.path.join(root, kind), 0, k) for kind, k in kills.items()}
    status['between'] = _forked(_kill_between_child, os.path.join(root, 'between'))
    return root, kills, status


@pytest.mark.parametrize('kind', KILL_KINDS)
def test_kill_and_resume_bit_equal(killed_children, kind):
    root, kills, status = killed_children
    assert os.WIFSIGNALED(status[kind]) and os.WTERMSIG(status[kind]) == signal.SIGKILL, status[kind]
    prefix = os.path.join(root, kind)
    begin = _last_epoch(prefix)
    assert begin == (kills[kind] - 1) // BATCHES
    resumed = _train(kind, prefix, begin)
    full = _train(kind, prefix + '-full')
    _assert_same(full, resumed, '%s killed at batch %d, resumed from epoch %d' % (kind, kills[kind], begin))


def test_kill_between_checkpoint_files_detected(killed_children):
    root, _, status = killed_children
    assert os.WIFSIGNALED(status['between']) and os.WTERMSIG(status['between']) == signal.SIGKILL
    prefix = os.path.join(root, 'between')
    orphans = glob.glob(prefix + '-0001.params.tmp*')
    assert len(orphans) == 1
    with pytest.raises(MXNetError, match='different saves') as e:
        mx.mod.Module.load(prefix, 1, load_optimizer_states=True)
    assert 'between-0001.params' in str(e.value) and 'between-0001.states' in str(e.value)
    mx.mod.Module.load(prefix, 1)  # the parameters alone still load
    _module().save_checkpoint(prefix, 1, save_optimizer_states=True)  # a new save: consistent, orphan gone
    assert not glob.glob(prefix + '-0001.params.tmp*')
    mx.mod.Module.load(prefix, 1, load_optimizer_states=True)
