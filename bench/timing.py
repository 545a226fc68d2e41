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
