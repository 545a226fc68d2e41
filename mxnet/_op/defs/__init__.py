"""Operator definitions, one module per family; importing this registers them all.

Every module in this folder is imported (in name order), so a new family is just a new file.
"""
import importlib as _importlib
import pkgutil as _pkgutil

for _m in sorted(m.name for m in _pkgutil.iter_modules(__path__)):
    _importlib.import_module('.' + _m, __name__)
del _m
