"""The NDArray part of the MXNet tutorial, run snippet by snippet: ``python -m mxnet.demo``.

SNIPPETS holds the tutorial's code unchanged (the source is a Chinese write-up of MXNet's NDArray
tutorial); tests/test_tutorial_ndarray.py runs the same snippets and compares what they show with MXNet
1.9.1. Snippets that ask for ``mx.gpu()`` run on a substitute context when no GPU is present: the ``mx``
they see is the real module except that ``gpu(i)`` returns the substitute (see ``MXWithGPU``).

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
    mx = ns['mx']
    tree = ast.parse(snippet['code'])
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body.pop()
    exec(compile(tree, '<tutorial:%s>' % snippet_id, 'exec'), ns)
    shown = eval(compile(ast.Expression(last.value), '<tutorial:%s>' % snippet_id, 'eval'), ns) \
        if last is not None else None
    ns['mx'] = mx  # `import mxnet as mx` inside a snippet must not drop the GPU substitute
    return shown


def main():
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


if __name__ == '__main__':
    main()
