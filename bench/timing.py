"""What the executor benchmarks share: the command line (``--quick``, ``--ctx gpu``) and a synchronised timer."""
import sys
import time

import torch

import mxnet as mx

QUICK = '--quick' in sys.argv
CTX = mx.gpu(0) if '--ctx' in sys.argv and sys.argv[sys.argv.index('--ctx') + 1].startswith('gpu') else mx.cpu()


def sync():
    if CTX.device_type == 'gpu':
        torch.cuda.synchronize()


def timeit(fn, reps):
    """Seconds per call of ``fn`` over ``reps`` calls, after two warm-up calls."""
    fn()
    fn()
    sync()
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    sync()
    return (time.perf_counter() - t) / reps


def bound_net(sym, shape):
    """``sym`` bound on CTX for a forward+backward step: parameter gradients only (as the torch side computes),
    parameters, data and labels filled from a fixed seed."""
    import numpy as np
    req = {n: ('null' if n in ('data', 'softmax_label') else 'write') for n in sym.list_arguments()}
    ex = sym.simple_bind(CTX, grad_req=req, data=shape, softmax_label=(shape[0],))
    rs = np.random.RandomState(0)
    for k, v in ex.arg_dict.items():
        if k not in ('data', 'softmax_label'):
            v[:] = rs.uniform(-0.1, 0.1, size=v.shape)
    ex.arg_dict['data'][:] = rs.rand(*shape)
    ex.arg_dict['softmax_label'][:] = rs.randint(0, 10, size=shape[0])
    return ex


def torch_step(model, shape):
    """Plain PyTorch eager forward+backward of ``model`` on random data of ``shape`` (10 classes), on CTX."""
    import torch.nn.functional as F
    dev = CTX.torch_device
    model = model.to(dev)
    x = torch.rand(*shape, device=dev)
    y = torch.randint(0, 10, (shape[0],), device=dev)

    def step():
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
    return step
