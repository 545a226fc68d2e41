"""The operator registry and every operator definition."""
from . import registry, params  # noqa: F401
from . import defs  # noqa: F401  (registers all operators)
from .registry import OpDef, register, defop, get, all_ops  # noqa: F401


def _warm_meta():
    # The first operator run on torch's meta device (default shape inference) loads torch's meta kernels,
    # which takes seconds; do it in the background while the user's script starts.
    import torch
    try:
        torch.empty(1, device='meta').relu()
    except Exception:  # pragma: no cover - warming is best effort
        pass


def _start_warmup():
    import atexit
    import threading
    t = threading.Thread(target=_warm_meta, name='mxnet-meta-warmup', daemon=True)
    t.start()
    # a thread still inside torch's C++ initialisation at interpreter shutdown aborts the process
    atexit.register(t.join)
    return t


_warmup = _start_warmup()


def wait_ready():
    """Block until the background warm-up is done (benchmarks call this before timing)."""
    _warmup.join()
