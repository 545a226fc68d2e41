"""Module.fit-style training throughput of the MLP (batch 32), LeNet (batch 64) and the BatchNorm ResNet
(batch 32, 3x32x32), side by side with the same training loop in plain PyTorch eager, in one process.

Ours: bind, Xavier init, SGD (momentum 0.9, lr 0.01), 'acc' metric, then forward_backward/update/update_metric
over an NDArrayIter (as ../shared/bench/bench_core.py's fit_throughput). Torch: SGD momentum 0.9 lr 0.01,
cross_entropy, argmax accuracy with one .item() per batch (as ../shared/bench/bench_torch_peer.py).
Epochs of the two alternate and the best of N counts, so load from other processes hurts both alike.

    python bench/bench_module.py [--quick] [--ctx gpu] [--repeat N] [--threads N] [--only mlp_b32 ...]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxnet as mx  # noqa: E402
import nets  # noqa: E402

# name: (symbol maker, torch maker, batch shape, batches in full / quick mode)
CASES = [
    ('mlp_b32', nets.mlp_sym, nets.mlp_torch, (32, 128), 300, 100),
    ('lenet_b64', nets.lenet_sym, nets.lenet_torch, (64, 1, 28, 28), 30, 8),
    ('resnet_b32', nets.resnet_sym, nets.resnet_torch, (32, 3, 32, 32), 20, 5),
]


def _data(shape, batches):
    rs = np.random.RandomState(0)
    x = rs.rand(batches * shape[0], *shape[1:]).astype(np.float32)
    y = rs.randint(0, 10, batches * shape[0]).astype(np.float32)
    return x, y


def ours_epoch_fn(sym, shape, batches, ctx):
    """A function running one epoch of Module training (synchronised at the end)."""
    x, y = _data(shape, batches)
    it = mx.io.NDArrayIter(mx.nd.array(x, ctx=ctx), mx.nd.array(y, ctx=ctx), shape[0],
                           label_name='softmax_label')
    mod = mx.mod.Module(sym, context=ctx)
    mod.bind(data_shapes=it.provide_data, label_shapes=it.provide_label)
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.01, 'momentum': 0.9})
    metric = mx.metric.create('acc')

    def epoch():
        it.reset()
        metric.reset()
        for batch in it:
            mod.forward_backward(batch)
            mod.update()
            mod.update_metric(metric, batch.label)
        metric.get()
        mx.nd.waitall()
    return epoch, mod, it, metric


def torch_epoch_fn(model, shape, batches, dev):
    """A function running one epoch of the plain PyTorch loop of bench_torch_peer.py."""
    x, y = _data(shape, batches)
    X, Y = torch.from_numpy(x).to(dev), torch.from_numpy(y).long().to(dev)
    model = model.to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    bs = shape[0]

    def epoch():
        correct = 0
        for i in range(batches):
            xb, yb = X[i * bs:(i + 1) * bs], Y[i * bs:(i + 1) * bs]
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (out.argmax(1) == yb).sum().item()
        return correct
    return epoch


def _sync(ctx):
    if ctx.device_type == 'gpu':
        torch.cuda.synchronize()


def measure(ctx, quick, repeat, only=None):
    """{case: {ours/torch samples per second (best of ``repeat`` alternating epochs), ratio}}."""
    res = {}
    for name, sym_fn, torch_fn, shape, full, short in CASES:
        if only and name not in only:
            continue
        batches = short if quick else full
        ours = ours_epoch_fn(sym_fn(mx), shape, batches, ctx)[0]
        theirs = torch_epoch_fn(torch_fn(), shape, batches, ctx.torch_device)
        ours()
        theirs()  # warm up both
        best = {'ours': float('inf'), 'torch': float('inf')}
        for _ in range(repeat):
            for key, fn in (('ours', ours), ('torch', theirs)):
                _sync(ctx)
                t = time.perf_counter()
                fn()
                _sync(ctx)
                best[key] = min(best[key], time.perf_counter() - t)
        n = batches * shape[0]
        res[name] = {'ours_sps': round(n / best['ours'], 1), 'torch_sps': round(n / best['torch'], 1),
                     'ours_us_per_batch': round(1e6 * best['ours'] / batches, 1),
                     'torch_us_per_batch': round(1e6 * best['torch'] / batches, 1),
                     'ratio': round(best['torch'] / best['ours'], 3)}
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='fewer batches and repeats')
    ap.add_argument('--ctx', default='cpu', help='cpu or gpu')
    ap.add_argument('--repeat', type=int, default=None, help='alternating epochs per side (best counts)')
    ap.add_argument('--only', nargs='*', help='case names to run')
    ap.add_argument('--threads', type=int, help='torch intra-op threads (default: torch\'s own); 1 gives stable '
                    'figures on a loaded machine')
    # bench/run.py passes every option to every benchmark (e.g. --ref): ignore the ones not meant for this one
    args, _ = ap.parse_known_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    ctx = mx.gpu(0) if args.ctx.startswith('gpu') else mx.cpu()
    repeat = args.repeat or (3 if args.quick else 5)
    res = measure(ctx, args.quick, repeat, args.only)
    print('%-12s %14s %14s %12s %12s %8s' % ('case', 'ours samp/s', 'torch samp/s', 'ours us/b', 'torch us/b',
                                             'ratio'))
    for name, r in res.items():
        print('%-12s %14.1f %14.1f %12.1f %12.1f %8.3f' % (name, r['ours_sps'], r['torch_sps'],
                                                          r['ours_us_per_batch'], r['torch_us_per_batch'],
                                                          r['ratio']))
    print(json.dumps({'bench_module': res, 'ctx': str(ctx), 'quick': args.quick, 'repeat': repeat,
                      'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
