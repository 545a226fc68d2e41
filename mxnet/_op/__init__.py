"""The operator registry and every operator definition."""
from . import registry, params  # noqa: F401
from . import defs  # noqa: F401  (registers all operators)
from .registry import OpDef, register, defop, get, all_ops  # noqa: F401

