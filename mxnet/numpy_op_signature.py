"""``mxnet.numpy_op_signature``: the Python signatures of MXNet's built-in ``_np_*`` operators."""
from ._op import registry as _registry


def _get_builtin_op(op_name):
    """The ``mx.np`` function standing for the registered operator ``op_name`` (``_np_sum`` -> ``np.sum``), or
    None."""
    from .numpy import functions
    if _registry.find(op_name) is None:
        return None
    for prefix in ('_npi_', '_np_', '_npx_'):
        if op_name.startswith(prefix):
            return functions.FUNCTIONS.get(op_name[len(prefix):])
    return None
