"""NDArray benchmark: this project vs plain PyTorch eager (and optionally the reference MXNet) on the
same workloads, in one run.

    python bench/bench_ndarray.py [--quick] [--ctx cpu|gpu] [--ref /tmp/mxnet-ref/bin/python]

Workloads: dispatch cost of a small elementwise op ((2,3) a+b) and of a 5-op chain, a 1024x1024 float32
dot, a 4096x4096 elementwise a*b+a, and save/load of 64 MB (16 float32 1024x1024 arrays) with
mx.nd.save/load vs torch.save/load. The reference MXNet runs this same file as a subprocess
(``--worker mxnet``) in its own interpreter. Prints a table (times per call, ratios) and one JSON line.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

# name: (description, calls per timed loop in full / quick mode)
CASES = {
    'add_2x3': ('(2,3) a+b, per op', 2000, 300),
    'chain5_2x3': ('(2,3) 5-op chain, per chain', 1000, 150),
    'dot_1024': ('1024x1024 float32 dot', 20, 2),
    'fma_4096': ('4096x4096 a*b+a', 10, 1),
    'save_64mb': ('save 16x1024x1024 float32', 3, 1),
    'load_64mb': ('load 16x1024x1024 float32', 3, 1),
}


def _mx_workloads(mx, np, ctx_name, tmpdir):
    ctx = mx.gpu(0) if ctx_name == 'gpu' else mx.cpu(0)
    rs = np.random.RandomState(0)

    def arr(*shape):
        return mx.nd.array(rs.rand(*shape).astype(np.float32), ctx=ctx)
    a, b = arr(2, 3), arr(2, 3)
    x, y = arr(1024, 1024), arr(1024, 1024)
    p, q = arr(4096, 4096), arr(4096, 4096)
    blobs = [arr(1024, 1024) for _ in range(16)]
    fname = os.path.join(tmpdir, 'mx.params')
    mx.nd.save(fname, blobs)

    def chain():
        return ((((a + b) * a) - b) * b) + a
    return {
        'add_2x3': lambda: a + b,
        'chain5_2x3': chain,
        'dot_1024': lambda: mx.nd.dot(x, y),
        'fma_4096': lambda: p * q + p,
        'save_64mb': lambda: mx.nd.save(fname, blobs),
        'load_64mb': lambda: mx.nd.load(fname),
    }, mx.nd.waitall


def _torch_workloads(torch, ctx_name, tmpdir):
    dev = torch.device('cuda' if ctx_name == 'gpu' else 'cpu')
    gen = torch.Generator().manual_seed(0)

    def arr(*shape):
        return torch.rand(*shape, generator=gen).to(dev)
    a, b = arr(2, 3), arr(2, 3)
    x, y = arr(1024, 1024), arr(1024, 1024)
    p, q = arr(4096, 4096), arr(4096, 4096)
    blobs = [arr(1024, 1024) for _ in range(16)]
    fname = os.path.join(tmpdir, 'torch.pt')
    torch.save(blobs, fname)

    def chain():
        return ((((a + b) * a) - b) * b) + a

    def sync():
        if dev.type == 'cuda':
            torch.cuda.synchronize()
    return {
        'add_2x3': lambda: a + b,
        'chain5_2x3': chain,
        'dot_1024': lambda: torch.mm(x, y),
        'fma_4096': lambda: p * q + p,
        'save_64mb': lambda: torch.save(blobs, fname),
        'load_64mb': lambda: torch.load(fname, map_location=dev),
    }, sync


def _time(fn, sync, calls, repeats):
    """Median seconds per call over ``repeats`` loops of ``calls`` calls (synchronised after each loop)."""
    fn()
    sync()
    loops = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        sync()
        loops.append((time.perf_counter() - t0) / calls)
    loops.sort()
    return loops[(len(loops) - 1) // 2]


def measure(which, ctx_name, quick):
    """{case: seconds per call} for 'mxnet' (whichever ``mxnet`` this interpreter imports) or 'torch'."""
    import numpy as np
    repeats = 2 if quick else 5
    with tempfile.TemporaryDirectory() as tmpdir:
        if which == 'torch':
            import torch
            work, sync = _torch_workloads(torch, ctx_name, tmpdir)
        else:
            import mxnet as mx
            work, sync = _mx_workloads(mx, np, ctx_name, tmpdir)
        return {name: _time(work[name], sync, CASES[name][2 if quick else 1], repeats) for name in CASES}


def _run_reference(ref_python, ctx_name, quick):
    cmd = [ref_python, os.path.abspath(__file__), '--worker', 'mxnet', '--ctx', ctx_name] + \
        (['--quick'] if quick else [])
    # run outside the repository so the reference interpreter cannot pick up this project's package
    out = subprocess.run(cmd, cwd=tempfile.gettempdir(), capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        print('reference MXNet failed:\n' + out.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fmt(sec):
    for unit, scale in (('s', 1), ('ms', 1e-3), ('us', 1e-6)):
        if sec >= scale:
            return '%.3g %s' % (sec / scale, unit)
    return '%.3g ns' % (sec / 1e-9)


def report(results):
    """Print the side-by-side table; ratios are this project's time over the other's (lower is better)."""
    cols = ['project', 'torch'] + (['mxnet-ref'] if 'mxnet-ref' in results else [])
    head = '%-30s' % 'case' + ''.join('%12s' % c for c in cols) + '%14s' % 'proj/torch' + \
        ('%14s' % 'proj/mxnet' if 'mxnet-ref' in results else '')
    print(head)
    print('-' * len(head))
    ratios = {}
    for name, (desc, _, _) in CASES.items():
        row = '%-30s' % desc + ''.join('%12s' % _fmt(results[c][name]) for c in cols)
        ratios[name] = {'vs_torch': results['project'][name] / results['torch'][name]}
        row += '%14.2f' % ratios[name]['vs_torch']
        if 'mxnet-ref' in results:
            ratios[name]['vs_mxnet'] = results['project'][name] / results['mxnet-ref'][name]
            row += '%14.2f' % ratios[name]['vs_mxnet']
        print(row)
    return ratios


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--quick', action='store_true', help='fewer iterations (under 20 s)')
    ap.add_argument('--ctx', choices=['cpu', 'gpu'], default='cpu')
    ap.add_argument('--ref', metavar='PYTHON', help='interpreter of the reference MXNet to compare with')
    ap.add_argument('--worker', choices=['mxnet', 'torch'], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:  # subprocess mode: print the measurements as JSON only
        print(json.dumps(measure(args.worker, args.ctx, args.quick)))
        return
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import torch
    torch.set_num_threads(max(1, torch.get_num_threads()))
    results = {'project': measure('mxnet', args.ctx, args.quick), 'torch': measure('torch', args.ctx, args.quick)}
    if args.ref:
        ref = _run_reference(args.ref, args.ctx, args.quick)
        if ref is not None:
            results['mxnet-ref'] = ref
    ratios = report(results)
    print(json.dumps({'bench': 'ndarray', 'ctx': args.ctx, 'quick': args.quick, 'seconds_per_call': results,
                      'ratios': ratios}))


if __name__ == '__main__':
    main()
