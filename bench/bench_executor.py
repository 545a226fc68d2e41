"""Executor forward+backward of LeNet (batch 64) and a BatchNorm ResNet (batch 32, 3x32x32), side by side with
the same nets in plain PyTorch eager, in one run. Usage: python bench/bench_executor.py [--quick] [--ctx gpu]"""
import json
import os
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxnet as mx  # noqa: E402
import nets  # noqa: E402
from timing import QUICK, CTX, sync, timeit, bound_net, torch_step  # noqa: E402,F401


def bench_pair(sym, model, shape, reps):
    ex = bound_net(sym, shape)

    def ours():
        ex.forward(is_train=True)
        ex.backward()
    theirs = torch_step(model, shape)
    # alternate the two and keep the best round of each, so load from other processes hurts both alike
    rounds = [(timeit(ours, reps), timeit(theirs, reps)) for _ in range(2 if QUICK else 5)]
    return min(r[0] for r in rounds), min(r[1] for r in rounds)


def main():
    res = {}
    for name, sym, model, shape, reps in [
            ('lenet_b64', nets.lenet_sym(mx), nets.lenet_torch(), (64, 1, 28, 28), 5 if QUICK else 20),
            ('resnet_b32', nets.resnet_sym(mx), nets.resnet_torch(), (32, 3, 32, 32), 3 if QUICK else 10)]:
        a, b = bench_pair(sym, model, shape, reps)
        res[name] = {'ours_ms': round(a * 1e3, 3), 'torch_ms': round(b * 1e3, 3),
                     'speed_ratio': round(b / a, 3)}
        print('%-12s fwd+bwd  ours %8.2f ms   torch %8.2f ms   speed ratio (torch time / ours) %.3f'
              % (name, a * 1e3, b * 1e3, b / a))
    print(json.dumps({'bench_executor': res, 'ctx': str(CTX)}))


if __name__ == '__main__':
    main()
