"""The operator registry and every operator definition."""
from . import registry, params  # noqa: F401
from . import defs  # noqa: F401  (registers all operators)
from .registry import OpDef, register, defop, get, all_ops  # noqa: F401


def _warm_meta():
    # The first operator run on torch's meta device (default shape inference) loads torch's meta kernels,
    # which takes seconds.
    import torch
    try:
        torch.empty(1, device='meta').relu()
    except Exception:  # pragma: no cover - warming is best effort
        pass


_warmup = None


def start_warmup():
    """Load torch's meta kernels in a background thread (once). Called when the first Symbol is made, so that
    graph building overlaps the seconds this takes and NDArray-only programs never pay for it."""
    global _warmup
    if _warmup is None:
        import atexit
        import threading
        _warmup = threading.Thread(target=_warm_meta, name='mxnet-meta-warmup', daemon=True)
        _warmup.start()
        # a thread still inside torch's C++ initialisation at interpreter shutdown aborts the process
        atexit.register(_warmup.join)


def wait_ready():
    """Block until the background warm-up is done (benchmarks call this before timing)."""
    start_warmup()
    _warmup.join()
