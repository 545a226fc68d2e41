"""A bound graph compiled: torch.compile(fullgraph=True) of the executor's plan function (``Executor._plan.
function``) for LeNet (batch 64) and a BatchNorm ResNet (batch 32, 3x32x32). Prints, in one run, the graph
count dynamo gives each net and the forward+backward step time of the bound net eager (Executor.forward/
backward), compiled, and the same net in plain PyTorch eager.

Usage: python bench/bench_compile.py [--quick] [--ctx gpu] [--backend inductor|aot_eager|eager]
(default inductor, falling back to aot_eager where it cannot compile, e.g. without a C compiler)."""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxnet as mx  # noqa: E402
import nets  # noqa: E402
from timing import QUICK, CTX, sync, timeit, bound_net, torch_step  # noqa: E402,F401
BACKEND = sys.argv[sys.argv.index('--backend') + 1] if '--backend' in sys.argv else 'inductor'


def counting(backend):
    """``backend`` wrapped to count the graphs dynamo hands it."""
    from torch._dynamo import lookup_backend
    inner = lookup_backend(backend)
    count = [0]

    def wrapped(gm, example_inputs):
        count[0] += 1
        return inner(gm, example_inputs)
    return wrapped, count


def bench(sym, model, shape, reps):
    ex = bound_net(sym, shape)

    def eager():
        ex.forward(is_train=True)
        ex.backward()

    names = ex._plan.arg_names
    args = [a._data.detach().clone().requires_grad_(req[n] != 'null') for n, a in zip(names, ex.arg_arrays)]
    aux = [a._data.detach().clone() for a in ex.aux_arrays]
    leaves = [a for a in args if a.requires_grad]
    grads = [ex.grad_dict[n]._data for n, a in zip(names, args) if a.requires_grad]
    backend, count = counting(BACKEND)
    torch._dynamo.reset()
    fn = torch.compile(ex._plan.function(is_train=True), fullgraph=True, backend=backend)

    def compiled():
        outs = fn(args, aux)
        for dst, g in zip(grads, torch.autograd.grad(outs, leaves, [torch.ones_like(o) for o in outs])):
            dst.copy_(g)
    t0 = time.perf_counter()
    compiled()
    compile_s = time.perf_counter() - t0

    plain = torch_step(model, shape)
    # alternate and keep the best round of each, so load from other processes hurts all alike
    rounds = [(timeit(eager, reps), timeit(compiled, reps), timeit(plain, reps)) for _ in range(2 if QUICK else 5)]
    return [min(r[k] for r in rounds) for k in range(3)], count[0], compile_s


def main():
    global BACKEND
    try:
        torch.compile(lambda t: t * 2, fullgraph=True, backend=BACKEND)(torch.ones(4, device=CTX.torch_device))
    except Exception as e:  # noqa: BLE001 -- no C compiler, unsupported Python: compile without code generation
        print('backend %s unavailable here (%s): using aot_eager' % (BACKEND, str(e).splitlines()[0][:100]))
        BACKEND = 'aot_eager'
    res = {}
    for name, sym, model, shape, reps in [
            ('lenet_b64', nets.lenet_sym(mx), nets.lenet_torch(), (64, 1, 28, 28), 5 if QUICK else 20),
            ('resnet_b32', nets.resnet_sym(mx), nets.resnet_torch(), (32, 3, 32, 32), 3 if QUICK else 10)]:
        (a, b, c), graphs, compile_s = bench(sym, model, shape, reps)
        res[name] = {'graphs': graphs, 'compile_s': round(compile_s, 1), 'eager_ms': round(a * 1e3, 3),
                     'compiled_ms': round(b * 1e3, 3), 'torch_ms': round(c * 1e3, 3)}
        print('%-12s graphs %d (compile %.1f s)  fwd+bwd  executor %8.2f ms   compiled %8.2f ms   '
              'torch eager %8.2f ms' % (name, graphs, compile_s, a * 1e3, b * 1e3, c * 1e3))
    print(json.dumps({'bench_compile': res, 'backend': BACKEND, 'ctx': str(CTX)}))


if __name__ == '__main__':
    main()
