"""Demos: ``python -m mxnet.demo`` (what ``./dev demo`` runs) trains a LeNet with ``mx.mod.Module``.

The training demo: scikit-learn's digits (1797 8x8 grey images of 0-9, shipped with the package, no
download) split 80/20 into NDArrayIters; a LeNet sized for 8x8 inputs (two conv/pool stages 8 -> 4 -> 2,
then two fully connected layers) trained with SGD+momentum by ``Module.fit`` with ``Speedometer`` logging,
a ``do_checkpoint`` per epoch into ``--out-dir`` (default ./demo_output), a ``ProgressBar`` over the final
evaluation, the final validation accuracy printed, and the network drawn by ``mx.viz.plot_network`` to
``lenet.png`` (skipped when Graphviz's ``dot`` is missing). ``python -m mxnet.demo --ndarray`` runs the
NDArray tutorial instead.

The NDArray tutorial, run snippet by snippet: SNIPPETS holds the tutorial's code unchanged (the source is
a Chinese write-up of MXNet's NDArray tutorial); tests/test_tutorial_ndarray.py runs the same snippets and
compares what they show with MXNet 1.9.1. Snippets that ask for ``mx.gpu()`` run on a substitute context
when no GPU is present: the ``mx`` they see is the real module except that ``gpu(i)`` returns the
substitute (see ``MXWithGPU``).

This module imports only the standard library at load time, so the fixture script can load it under the
reference MXNet interpreter too.
"""
import ast

# id, heading, code (as in the tutorial), after (id of the snippet whose variables it continues from),
# unchecked (variables whose values are arbitrary). Snippets marked 'reconstructed' were cut off in the
# source text and are completed from MXNet's English NDArray tutorial they were translated from.
SNIPPETS = [
    dict(id='import', heading='创建矩阵 (create)', code='import mxnet as mx'),
    dict(id='from_numpy', heading='创建矩阵 (from numpy)', code='''\
import numpy as np
import math
c = np.arange(15).reshape(3,5)
# create a 2-dimensional array from a numpy.ndarray object
a = mx.nd.array(c)
{'a.shape':a.shape}'''),
    dict(id='dtype', heading='dtype', code='''\
# float32 is used in deafult
a = mx.nd.array([1,2,3])
# create an int32 array
b = mx.nd.array([1,2,3], dtype=np.int32)
# create a 16-bit float array
c = mx.nd.array([1.2, 2.3], dtype=np.float16)
(a.dtype, b.dtype, c.dtype)'''),
    dict(id='init', heading='初始化 (zeros, ones, full, empty)', unchecked=['d'], code='''\
a=mx.nd.zeros((2,3))
b=mx.nd.ones((2,3))
# create a same shape array with all elements set to 7
c = mx.nd.full((2,3), 7)
# create a same shape whose initial content is random and
# depends on the state of the memory
d = mx.nd.empty((2,3))'''),
    dict(id='elementwise', heading='基础操作 (elementwise)', code='''\
a = mx.nd.ones((2,3))
b = mx.nd.ones((2,3))
# elementwise plus
c = a + b
# elementwise minus
d = - c
# elementwise pow and sin, and then transpose
e = mx.nd.sin(c**2).T
# elementwise max
f = mx.nd.maximum(a, c)
# convert to print format
f.asnumpy()'''),
    dict(id='dot', heading='矩阵乘法 (dot)', code='''\
a = mx.nd.ones((2,2))
b = a * a
c = mx.nd.dot(a,a)'''),
    dict(id='inplace', heading='+= 和 *= (in place)', code='''\
a = mx.nd.ones((2,2))
b = mx.nd.ones(a.shape)
b += a
b.asnumpy()'''),
    dict(id='setitem', heading='索引和切片 (assign a slice)', code='''\
a = mx.nd.array(np.arange(6).reshape(3,2))
a[1:2] = 1
a[:].asnumpy()'''),
    dict(id='slice_axis', heading='索引和切片 (slice_axis)', after='setitem', code='''\
d = mx.nd.slice_axis(a, axis=1, begin=1, end=2)
d.asnumpy()'''),
    dict(id='reshape', heading='形状操作 (reshape)', code='''\
a = mx.nd.array(np.arange(24))
b = a.reshape((2,3,4))
b.asnumpy()'''),
    dict(id='concatenate', heading='形状操作 (concatenate)', code='''\
a = mx.nd.ones((2,3))
b = mx.nd.ones((2,3))*2
c = mx.nd.concatenate([a,b])
c.asnumpy()'''),
    dict(id='sum', heading='归约 (sum)', code='''\
a=mx.nd.ones((2,3))
b=mx.nd.sum(a,axis=1)'''),
    dict(id='broadcast_to', heading='Broadcast (broadcast_to)', code='''\
a = mx.nd.array(np.arange(6).reshape(6,1))
b = a.broadcast_to((6,2)) #
b.asnumpy()'''),
    dict(id='broadcast_axes', heading='Broadcast (along axes 1 and 2)', after='broadcast_to',
         reconstructed=True, code='''\
c = a.reshape((2,1,1,3))
d = c.broadcast_to((2,2,2,3))
d.asnumpy()'''),
    dict(id='broadcast_infix', heading='Broadcast (* and +)', reconstructed=True, code='''\
a = mx.nd.ones((3,2))
b = mx.nd.ones((1,2))
c = a + b
c.asnumpy()'''),
    dict(id='alias', heading='数据拷贝 (assignment does not copy)', code='''\
a = mx.nd.ones((2,2))
b = a
b is a'''),
    dict(id='identity_fn', heading='数据拷贝 (nor does passing to a function)', after='alias', code='''\
def f(x):
    return x
a is f(a)'''),
    dict(id='copy', heading='数据拷贝 (copy)', after='identity_fn', code='''\
b = a.copy()
b is a'''),
    dict(id='gpu', heading='利用GPU进行运算 (create on GPU)', code='''\
a = mx.nd.ones((100, 100), mx.gpu(0))
a'''),
    dict(id='cross_device', heading='利用GPU进行运算 (copy between devices)', code='''\
a = mx.nd.ones((100,100), mx.cpu())
b = mx.nd.ones((100,100), mx.gpu())
c = mx.nd.ones((100,100), mx.gpu())
a.copyto(c) # copy from CPU to GPU
d = b + c
e = b.as_in_context(c.context) + c # same to above
{'d':d, 'e':e}'''),
    dict(id='pickle', heading='写到磁盘 (pickle)', reconstructed=True, code='''\
import pickle as pkl
a = mx.nd.ones((2, 3))
# pack and then dump into disk
data = pkl.dumps(a)
pkl.dump(data, open('tmp.pickle', 'wb'))
# load from disk and then unpack
data = pkl.load(open('tmp.pickle', 'rb'))
b = pkl.loads(data)
b.asnumpy()'''),
    dict(id='save_load', heading='写到磁盘 (mx.nd.save / mx.nd.load)', code='''\
a = mx.nd.ones((2,3))
b = mx.nd.ones((5,6))
mx.nd.save("temp.ndarray", [a,b])
c = mx.nd.load("temp.ndarray")
c'''),
    dict(id='numpy_assign', heading='用numpy为mx.nd.array赋值 (assign from numpy)', reconstructed=True, code='''\
a=mx.nd.ones((2,3),ctx=mx.gpu())
a[:]=np.random.rand(*a.shape)
a'''),
]
BY_ID = {s['id']: s for s in SNIPPETS}


class MXWithGPU:
    """The ``mx`` module as the snippets see it, with ``gpu(i)`` answering ``ctx`` (a GPU substitute)."""

    def __init__(self, mx, ctx):
        self._mx = mx
        self._ctx = ctx

    def __getattr__(self, name):
        return getattr(self._mx, name)

    def gpu(self, device_id=0):
        return self._ctx


def namespace(gpu_substitute=None):
    """A fresh globals dict for running snippets, holding ``mx`` and ``np`` as the tutorial's first cells
    import them; ``mx.gpu()`` gives ``gpu_substitute`` when one is set."""
    import numpy as np
    import mxnet as mx
    return {'__name__': '__tutorial__', 'np': np,
            'mx': mx if gpu_substitute is None else MXWithGPU(mx, gpu_substitute)}


def run(snippet_id, ns):
    """Run one snippet (after the snippets it continues from) in ``ns`` like a notebook cell: returns the
    value of a final expression statement, else None."""
    snippet = BY_ID[snippet_id]
    if snippet.get('after'):
        run(snippet['after'], ns)
    return run_cell(snippet['code'], ns, snippet_id)


def run_cell(code, ns, label='cell'):
    """Execute ``code`` in ``ns`` as a notebook cell does: returns the value of a final expression
    statement, else None. ``ns['mx']`` survives an ``import mxnet as mx`` in the cell."""
    mx = ns['mx']
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, '<tutorial:%s>' % label, 'exec'), ns)
    shown = eval(compile(ast.Expression(last.value), '<tutorial:%s>' % label, 'eval'), ns) \
        if last is not None else None
    ns['mx'] = mx  # `import mxnet as mx` inside a snippet must not drop the GPU substitute
    return shown


def ndarray_tutorial():
    """Print every NDArray tutorial snippet and what it shows."""
    import os
    import tempfile
    import numpy as np
    import mxnet as mx
    substitute = None if mx.context.num_gpus() > 0 else mx.cpu()
    np.random.seed(0)
    print('MXNet %s NDArray tutorial%s' % (mx.__version__, '' if substitute is None else
                                          ' (no GPU: snippets asking for mx.gpu() run on cpu(0))'))
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # the save/load snippets write files
        try:
            for s in SNIPPETS:
                ns = namespace(substitute)
                print('\n== %s ==' % s['heading'])
                print('\n'.join('>>> ' + line for line in s['code'].splitlines()))
                try:
                    shown = run(s['id'], ns)
                except Exception as e:  # noqa: BLE001  (report and go on with the next section)
                    print('!! %s: %s' % (type(e).__name__, e))
                    continue
                if shown is not None:
                    print(repr(shown))
                    continue
                for name, v in ns.items():  # no displayed value: show the arrays the cell made
                    if isinstance(v, mx.nd.NDArray) and name not in s.get('unchecked', ()):
                        print('%s =%s' % (name, v))
        finally:
            os.chdir(cwd)


# ---- the training demo ------------------------------------------------------------------------------
def lenet(num_classes=10):
    """LeNet for 1x8x8 images: conv5x5(20)-tanh-pool2 (8->4), conv3x3(50)-tanh-pool2 (4->2), fc(256)-tanh,
    fc(num_classes), softmax."""
    import mxnet as mx
    data = mx.sym.Variable('data')
    net = mx.sym.Convolution(data, name='conv1', kernel=(5, 5), pad=(2, 2), num_filter=20)
    net = mx.sym.Activation(net, name='tanh1', act_type='tanh')
    net = mx.sym.Pooling(net, name='pool1', pool_type='max', kernel=(2, 2), stride=(2, 2))
    net = mx.sym.Convolution(net, name='conv2', kernel=(3, 3), pad=(1, 1), num_filter=50)
    net = mx.sym.Activation(net, name='tanh2', act_type='tanh')
    net = mx.sym.Pooling(net, name='pool2', pool_type='max', kernel=(2, 2), stride=(2, 2))
    net = mx.sym.Flatten(net, name='flatten')
    net = mx.sym.FullyConnected(net, name='fc1', num_hidden=256)
    net = mx.sym.Activation(net, name='tanh3', act_type='tanh')
    net = mx.sym.FullyConnected(net, name='fc2', num_hidden=num_classes)
    return mx.sym.SoftmaxOutput(net, name='softmax')


def digits_iters(batch_size=32, val_fraction=0.2, seed=0):
    """(train, val) NDArrayIters over scikit-learn's digits scaled to [0, 1], shaped (N, 1, 8, 8). The
    validation set is a whole number of batches, so no padded samples enter its accuracy."""
    import numpy as np
    import mxnet as mx
    from sklearn.datasets import load_digits
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    y = digits.target.astype(np.float32)
    order = np.random.RandomState(seed).permutation(len(x))
    n_val = batch_size * max(1, int(round(len(x) * val_fraction / batch_size)))
    val, train = order[:n_val], order[n_val:]
    return (mx.io.NDArrayIter(x[train], y[train], batch_size, shuffle=True),
            mx.io.NDArrayIter(x[val], y[val], batch_size))


def train_lenet(num_epoch=10, batch_size=32, out_dir='demo_output', ctx=None, seed=0, learning_rate=0.1,
                lr_halving_epochs=2):
    """Train the LeNet on the digits; returns (module, validation accuracy). The learning rate halves every
    ``lr_halving_epochs`` epochs. Checkpoints go to ``out_dir/lenet-symbol.json`` and
    ``out_dir/lenet-%04d.params`` (one per epoch)."""
    import os
    import numpy as np
    import mxnet as mx
    np.random.seed(seed)  # NDArrayIter's shuffling
    mx.random.seed(seed)  # the initializer
    train, val = digits_iters(batch_size, seed=seed)
    os.makedirs(out_dir, exist_ok=True)
    mod = mx.mod.Module(lenet(), context=ctx or mx.cpu())
    batches_per_epoch = -(-train.num_data // batch_size)
    schedule = mx.lr_scheduler.FactorScheduler(step=lr_halving_epochs * batches_per_epoch, factor=0.5,
                                               base_lr=learning_rate)
    mod.fit(train, eval_data=val, eval_metric='acc', num_epoch=num_epoch, optimizer='sgd',
            optimizer_params={'learning_rate': learning_rate, 'momentum': 0.9, 'wd': 1e-4,
                              'lr_scheduler': schedule},
            initializer=mx.init.Xavier(magnitude=2.0),
            batch_end_callback=mx.callback.Speedometer(batch_size, frequent=15),
            epoch_end_callback=mx.callback.do_checkpoint(os.path.join(out_dir, 'lenet')))
    num_batches = val.num_data // batch_size
    (_, accuracy), = mod.score(val, 'acc', batch_end_callback=mx.callback.ProgressBar(num_batches, length=40))
    return mod, accuracy


def render_network(symbol, out_dir, name='lenet'):
    """Draw ``symbol`` to ``out_dir/name.png``; returns the path, or None when Graphviz cannot render."""
    import os
    import mxnet as mx
    try:
        graph = mx.viz.plot_network(symbol, title=name, save_format='png', shape={'data': (1, 1, 8, 8)},
                                     node_attrs={'fixedsize': 'false'})
        return graph.render(filename=name, directory=out_dir, cleanup=True)
    except Exception as e:  # noqa: BLE001  (no dot program / graphviz package: the picture is optional)
        print('network picture skipped: %s: %s' % (type(e).__name__, e))
        return None


def main(argv=None):
    import argparse
    import logging
    import time
    parser = argparse.ArgumentParser(prog='python -m mxnet.demo', description=__doc__.split('\n')[0])
    parser.add_argument('--epochs', type=int, default=10)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--out-dir', default='demo_output', help='checkpoints and lenet.png go here')
    parser.add_argument('--ndarray', action='store_true', help='run the NDArray tutorial instead')
    args = parser.parse_args(argv)
    if args.ndarray:
        ndarray_tutorial()
        return
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    import os
    import torch
    import mxnet as mx
    if 'OMP_NUM_THREADS' not in os.environ:
        # the layers are tiny: extra intra-op threads cost more in synchronisation than they gain, and
        # on a busy machine they make the run several times slower
        torch.set_num_threads(1)
    print('MXNet %s (PyTorch engine): LeNet on scikit-learn digits, %d epochs' % (mx.__version__, args.epochs))
    tic = time.time()
    mod, accuracy = train_lenet(args.epochs, args.batch_size, args.out_dir)
    print('final validation accuracy: %.4f (%.1f s)' % (accuracy, time.time() - tic))
    print('checkpoints: %s/lenet-symbol.json, lenet-0001..%04d.params' % (args.out_dir, args.epochs))
    path = render_network(mod.symbol, args.out_dir)
    if path:
        print('network picture: %s' % path)


if __name__ == '__main__':
    main()
