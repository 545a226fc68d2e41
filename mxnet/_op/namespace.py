"""Placing registered operators into the ``mx.nd`` / ``mx.sym`` namespaces, by MXNet's name prefixes.

An operator named ``_contrib_box_nms`` is ``mx.nd.contrib.box_nms`` (and ``mx.sym.contrib.box_nms``); likewise
``_linalg_``, ``_image_``, ``_sparse_`` and ``_random_``. Every operator also keeps its full name in the root
namespace and in ``_internal``. Lookups fall back to the registry, so operators registered after import (a
CustomOp, a late contrib op) appear in every namespace without any patching.
"""
from . import registry

__all__ = ['SUBMODULES', 'populate', 'attach']

# sub-namespace -> the op-name prefix routed into it, as in MXNet 1.x's _init_op_module.
SUBMODULES = {'contrib': '_contrib_', 'linalg': '_linalg_', 'image': '_image_', 'sparse': '_sparse_',
              'random': '_random_'}


# Operators MXNet also registers under a ``_sparse_`` alias (they accept sparse storage), so that they appear in
# ``mx.nd.sparse`` / ``mx.sym.sparse`` too; here the alias resolves to the operator itself.
SPARSE_ALSO = frozenset('''
    abs arccos arccosh arcsin arcsinh arctan arctanh cbrt ceil cos cosh degrees exp expm1 fix floor gamma gammaln
    log log10 log1p log2 negative radians relu rint round rsqrt sigmoid sign sin sinh sqrt square tan tanh trunc
    clip cast_storage retain where zeros_like stop_gradient BlockGrad make_loss sum mean norm dot slice concat
    Embedding ElementWiseSum add_n broadcast_add broadcast_sub broadcast_mul broadcast_div broadcast_plus
    broadcast_minus elemwise_add elemwise_sub elemwise_mul elemwise_div sgd_update sgd_mom_update adam_update
    adagrad_update ftrl_update LinearRegressionOutput LogisticRegressionOutput MAERegressionOutput
'''.split())


def _lookup(prefix, name):
    """(op name, OpDef) that ``name`` under ``prefix`` stands for, or (None, None)."""
    op = registry.find(prefix + name)
    if op is not None:
        return prefix + name, op
    if prefix == '_sparse_' and name in SPARSE_ALSO:
        op = registry.find(name)
        if op is not None:
            return name, op
    return None, None


def _names(prefix):
    """{public name: op name} of the registered names under ``prefix`` ('' for the root)."""
    if not prefix:
        return {n: n for n in registry.all_ops()}
    out = {n[len(prefix):]: n for n in registry.all_ops() if n.startswith(prefix) and len(n) > len(prefix)}
    if prefix == '_sparse_':
        for n in SPARSE_ALSO:
            if n not in out and registry.find(n) is not None:
                out[n] = n
    return out


def populate(namespace, prefix, make_function):
    """Put a generated function for each operator under ``prefix`` into ``namespace`` (a module's globals),
    leaving names the module defines itself alone."""
    for public, full in _names(prefix).items():
        if public not in namespace:
            namespace[public] = make_function(registry.get(full), full)


def attach(namespace, prefix, make_function):
    """Fill ``namespace`` now and give its module a ``__getattr__`` that finds operators registered later."""
    populate(namespace, prefix, make_function)

    def __getattr__(name):
        full, op = _lookup(prefix, name)
        if op is None or name.startswith('__'):
            raise AttributeError('module %r has no attribute %r' % (namespace.get('__name__'), name))
        fn = make_function(op, full)
        namespace[name] = fn
        return fn

    def __dir__():
        return sorted(set(namespace) | set(_names(prefix)))

    namespace['__getattr__'] = __getattr__
    namespace['__dir__'] = __dir__
