"""``mx.runtime``: the features this build has (MXNet's ``Features`` / ``feature_list``).

MXNet reports what its shared library was compiled with; here each feature reflects what the torch engine
under this package really offers (CUDA when torch has a CUDA device, CUDNN when torch has cuDNN, ...).
"""
import collections

__all__ = ['Feature', 'Features', 'feature_list']

# MXNet 1.9.1's feature names, in its order.
_NAMES = ('CUDA', 'CUDNN', 'NCCL', 'CUDA_RTC', 'TENSORRT', 'CPU_SSE', 'CPU_SSE2', 'CPU_SSE3', 'CPU_SSE4_1',
          'CPU_SSE4_2', 'CPU_SSE4A', 'CPU_AVX', 'CPU_AVX2', 'OPENMP', 'SSE', 'F16C', 'JEMALLOC', 'BLAS_OPEN',
          'BLAS_ATLAS', 'BLAS_MKL', 'BLAS_APPLE', 'LAPACK', 'MKLDNN', 'OPENCV', 'CAFFE', 'PROFILER',
          'DIST_KVSTORE', 'CXX14', 'INT64_TENSOR_SIZE', 'SIGNAL_HANDLER', 'DEBUG', 'TVM_OP')


def _cpu_capability():
    try:
        import torch
        return torch.backends.cpu.get_cpu_capability()  # 'AVX2', 'AVX512', 'DEFAULT', ...
    except Exception:  # noqa: BLE001  (older torch: report nothing)
        return ''


def _probe():
    import platform
    import torch
    cap = _cpu_capability()
    x86 = platform.machine().lower() in ('x86_64', 'amd64', 'i686', 'x86')
    config = torch.__config__.show() if hasattr(torch, '__config__') else ''
    cuda = torch.cuda.is_available()
    avx2 = cap in ('AVX2', 'AVX512')
    dist = torch.distributed.is_available()
    return {
        'CUDA': cuda,
        'CUDNN': cuda and torch.backends.cudnn.is_available(),
        'NCCL': cuda and dist and torch.distributed.is_nccl_available(),
        'CUDA_RTC': cuda,
        'CPU_SSE': x86, 'CPU_SSE2': x86, 'CPU_SSE3': x86, 'CPU_SSE4_1': x86, 'CPU_SSE4_2': x86,
        'CPU_AVX': x86 and avx2, 'CPU_AVX2': x86 and avx2, 'SSE': x86, 'F16C': x86 and avx2,
        'OPENMP': torch.backends.openmp.is_available(),
        'BLAS_OPEN': 'openblas' in config.lower(),
        'BLAS_MKL': torch.backends.mkl.is_available(),
        'BLAS_APPLE': torch.backends.mps.is_available() if hasattr(torch.backends, 'mps') else False,
        'LAPACK': True,
        'MKLDNN': torch.backends.mkldnn.is_available(),
        'PROFILER': True,
        'DIST_KVSTORE': dist,
        'CXX14': True,
        'INT64_TENSOR_SIZE': True,
        'SIGNAL_HANDLER': True,
    }


class Feature:
    """One feature: ``name`` and whether it is ``enabled``."""

    def __init__(self, name, enabled):
        self.name = name
        self.enabled = bool(enabled)

    def __repr__(self):
        return '{} {}'.format('✔' if self.enabled else '✖', self.name)


def feature_list():
    """All features of this build, as a list of :class:`Feature`."""
    found = _probe()
    return [Feature(n, found.get(n, False)) for n in _NAMES]


class Features(collections.OrderedDict):
    """The build's features by name (a process-wide singleton, as in MXNet)."""
    instance = None

    def __new__(cls):
        if cls.instance is None:
            cls.instance = super().__new__(cls)
            super(Features, cls.instance).__init__([(f.name, f) for f in feature_list()])
        return cls.instance

    def __init__(self):  # pylint: disable=super-init-not-called
        pass  # filled once in __new__

    def __repr__(self):
        return str(list(self.values()))

    def is_enabled(self, feature_name):
        """Whether ``feature_name`` (case-insensitive) is enabled; RuntimeError for an unknown feature."""
        name = feature_name.upper()
        if name not in self:
            raise RuntimeError('Feature \'{}\' is unknown, known features are: {}'.format(
                name, list(self.keys())))
        return self[name].enabled
