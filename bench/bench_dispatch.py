"""Dispatch overhead of every operator in the opdb: ``mx.nd.<op>(...)`` against its own torch compute called
directly on the same tensors with pre-parsed parameters, in one run.

    python bench/bench_dispatch.py [--quick] [--ctx cpu|gpu]

For each opdb case (float32, its sample inputs) it times both sides, best of several rounds, and prints the
ratio ours / torch; then the median and the worst ratio, and the absolute extra time of FullyConnected and
Convolution (target: median under 1.3x, those two within 1 us). One JSON line closes the output.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests'))


def _best(fn, n, rounds):
    best = float('inf')
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t) / n)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--ctx', default='cpu')
    ap.add_argument('--ref', help='ignored (no reference-MXNet side for this benchmark)')
    args = ap.parse_args()
    import numpy as np
    import torch
    import mxnet as mx
    from mxnet._op import registry
    import opdb

    ctx = mx.gpu(0) if args.ctx == 'gpu' else mx.cpu(0)
    n, rounds = (50, 3) if args.quick else (300, 5)
    sync = torch.cuda.synchronize if args.ctx == 'gpu' else (lambda: None)
    rng = np.random.RandomState(0)
    rows, seen = [], set()
    for case in opdb.collect():
        if case.op in seen or 'float32' not in case.dtypes:
            continue
        fn = getattr(mx.nd, case.op, None)
        if fn is None or not hasattr(fn, 'opdef'):
            continue
        op = fn.opdef
        try:
            xs = [mx.nd.array(a, ctx=ctx, dtype='float32') for a in case.inputs(rng, 'float32')]
            fn(*xs, **case.params)
            p = op.parse(dict(case.params))
            ts = [x._data for x in xs]
            call = (lambda: op.compute(p, *ts, is_train=False)) if op.train_aware else (lambda: op.compute(p, *ts))
            call()
        except Exception:  # noqa: BLE001  (a case needing a special harness: not a dispatch sample)
            continue
        seen.add(case.op)

        def ours(fn=fn, xs=xs, kw=case.params):
            return fn(*xs, **kw)
        sync()
        t_ours = _best(ours, n, rounds)
        sync()
        t_torch = _best(call, n, rounds)
        sync()
        rows.append((case.op, t_ours * 1e6, t_torch * 1e6))

    def layer(name, shapes, **kw):
        xs = [mx.nd.array(np.random.rand(*s).astype('float32'), ctx=ctx) for s in shapes]
        fn = getattr(mx.nd, name)
        op = fn.opdef
        p = op.parse(kw)
        ts = [x._data for x in xs]
        return (_best(lambda: fn(*xs, **kw), n, rounds) - _best(lambda: op.compute(p, *ts), n, rounds)) * 1e6
    fc_extra = layer('FullyConnected', [(32, 128), (64, 128), (64,)], num_hidden=64)
    conv_extra = layer('Convolution', [(8, 3, 16, 16), (16, 3, 3, 3), (16,)], kernel=(3, 3), num_filter=16)

    ratios = [o / t for _, o, t in rows]
    rows.sort(key=lambda r: -r[1] / r[2])
    print('%-28s %10s %10s %7s' % ('op', 'ours us', 'torch us', 'ratio'))
    for name, o, t in rows:
        print('%-28s %10.2f %10.2f %7.2f' % (name, o, t, o / t))
    med, worst = statistics.median(ratios), max(ratios)
    print('ops: %d  median ratio %.2f  worst %.2f (%s)' % (len(rows), med, worst, rows[0][0]))
    print('FullyConnected +%.2f us, Convolution +%.2f us over their torch compute' % (fc_extra, conv_extra))
    print(json.dumps({'bench': 'dispatch', 'ctx': args.ctx, 'ops': len(rows), 'median_ratio': round(med, 3),
                      'worst_ratio': round(worst, 3), 'worst_op': rows[0][0], 'fc_extra_us': round(fc_extra, 2),
                      'conv_extra_us': round(conv_extra, 2)}))


if __name__ == '__main__':
    main()
