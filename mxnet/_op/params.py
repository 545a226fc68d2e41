"""Typed operator parameters.

MXNet passes operator attributes as strings ("(2, 3)", "True", "float16", "None"). Each field here parses
such a string (or the Python value a user passes to ``mx.nd.*``) into a typed value, and formats a value
back into the string MXNet writes.
"""
import ast

import numpy as np

from ..base import MXNetError
from .. import _dtype

__all__ = ['REQUIRED', 'Param', 'Int', 'Float', 'Bool', 'Str', 'Enum', 'Shape', 'FloatTuple', 'DType',
           'Ctx', 'Any']


class _Required:
    def __repr__(self):
        return 'REQUIRED'


REQUIRED = _Required()


class Param:
    """A field: ``default`` (REQUIRED if none), ``optional`` (accepts None), ``doc``."""
    type_name = 'string'

    def __init__(self, default=REQUIRED, doc='', optional=False):
        self.default = default
        self.doc = doc
        self.optional = optional or default is None

    def parse(self, value):
        """Typed value of a string or Python value; raises ValueError/TypeError on bad input."""
        if value is None or (self.optional and isinstance(value, str) and value.strip() == 'None'):
            if self.optional:
                return None
            raise ValueError('None is not allowed')
        return self._parse(value)

    def _parse(self, value):
        return value

    def format(self, value):
        """The string MXNet writes for ``value``."""
        return 'None' if value is None else self._format(value)

    def _format(self, value):
        return str(value)

    def describe(self):
        kind = self.type_name + (' or None' if self.optional and self.default is not None else '')
        if self.default is REQUIRED:
            return '%s, required' % kind
        return '%s, optional, default=%s' % (kind, self.format(self.default) if self.default is not None
                                              else 'None')


def _literal(s):
    try:
        return ast.literal_eval(s.strip())
    except (ValueError, SyntaxError):
        raise ValueError('cannot parse %r' % s)


class Int(Param):
    type_name = 'int'

    def __init__(self, default=REQUIRED, doc='', optional=False, low=None, high=None):
        super().__init__(default, doc, optional)
        self.low, self.high = low, high

    def _parse(self, value):
        if isinstance(value, str):
            value = _literal(value)
        value = _integer(value)
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise ValueError('%d is out of range [%s, %s]' % (value, self.low, self.high))
        return value


_INT64 = (-(1 << 63), (1 << 63) - 1)


def _integer(v):
    """``v`` as a Python int that fits MXNet's int64 fields (an integral float is accepted)."""
    if isinstance(v, bool):
        raise ValueError('expected an integer, got %r' % (v,))
    if isinstance(v, (int, np.integer)):
        v = int(v)
    else:
        try:
            f = float(v)
        except OverflowError:
            raise ValueError('%r is out of the int64 range' % (v,)) from None
        if not f.is_integer():
            raise ValueError('expected an integer, got %r' % (v,))
        v = int(f)
    if not _INT64[0] <= v <= _INT64[1]:
        raise ValueError('%d is out of the int64 range' % v)
    return v


class Float(Param):
    """A float; ``low``/``high`` bound it (inclusive), as MXNet's ``set_range``/``set_lower_bound``."""
    type_name = 'float'

    def __init__(self, default=REQUIRED, doc='', optional=False, low=None, high=None):
        super().__init__(default, doc, optional)
        self.low, self.high = low, high

    def _parse(self, value):
        try:
            value = float(value)
        except OverflowError:
            raise ValueError('%r is out of the float range' % (value,)) from None
        if (self.low is not None and not value >= self.low) or (self.high is not None and not value <= self.high):
            raise ValueError('%s is out of range [%s, %s]' % (value, self.low, self.high))
        return value

    def _format(self, value):
        return repr(float(value))


class Bool(Param):
    type_name = 'boolean'
    _TRUE = ('true', '1')
    _FALSE = ('false', '0')

    def _parse(self, value):
        if isinstance(value, str):
            v = value.strip().lower()
            if v in self._TRUE:
                return True
            if v in self._FALSE:
                return False
            raise ValueError('expected a boolean, got %r' % value)
        return bool(value)

    def _format(self, value):
        return 'True' if value else 'False'


class Str(Param):
    type_name = 'string'

    def _parse(self, value):
        return str(value)


class Enum(Param):
    """One of ``choices`` (strings)."""

    def __init__(self, choices, default=REQUIRED, doc='', optional=False):
        super().__init__(default, doc, optional)
        self.choices = tuple(choices)
        self.type_name = '{%s}' % ', '.join("'%s'" % c for c in self.choices)

    def _parse(self, value):
        if isinstance(value, (type, np.dtype)):  # a numpy dtype for a dtype enum, named as MXNet's frontend does
            try:
                value = np.dtype(value).name
            except TypeError:
                pass
        value = str(value).strip().strip("'\"")
        if value not in self.choices:
            raise ValueError('%r is not one of %s' % (value, self.type_name))
        return value


class Shape(Param):
    """A tuple of ints (an int is a 1-tuple); ``none_items`` allows None entries, as slice's begin/end."""
    type_name = 'Shape(tuple)'

    def __init__(self, default=REQUIRED, doc='', optional=False, none_items=False, low=None):
        super().__init__(default, doc, optional)
        self.none_items, self.low = none_items, low

    def _parse(self, value):
        if isinstance(value, str):
            value = _literal(value)
        if isinstance(value, (int, float)) or value is None:
            value = (value,)
        out = []
        for v in value:
            if v is None and self.none_items:
                out.append(None)
            elif v is None:
                raise ValueError('expected a tuple of integers, got %r' % (tuple(value),))
            else:
                v = _integer(v)
                if self.low is not None and v < self.low:
                    raise ValueError('every item must be at least %d, got %r' % (self.low, tuple(value)))
                out.append(v)
        return tuple(out)

    def _format(self, value):
        return '(' + ', '.join('None' if v is None else str(v) for v in value) + (',)' if len(value) == 1 else ')')


class FloatTuple(Param):
    type_name = 'tuple of <float>'

    def _parse(self, value):
        if isinstance(value, str):
            value = _literal(value)
        if isinstance(value, (int, float)):
            value = (value,)
        return tuple(float(v) for v in value)

    def _format(self, value):
        return '(' + ', '.join(repr(v) for v in value) + (',)' if len(value) == 1 else ')')


class DType(Param):
    """A dtype, held as its MXNet name ('float32', ...)."""
    type_name = "{%s}" % ', '.join("'%s'" % n for n in _dtype.NAMES)

    def _parse(self, value):
        if isinstance(value, str):
            value = value.strip().strip("'\"")
        try:
            return _dtype.dtype_name(value)
        except MXNetError as e:
            raise ValueError(str(e))


class Ctx(Param):
    """A Context, given as one or as its string form 'cpu(0)'."""
    type_name = 'Context'

    def _parse(self, value):
        from ..context import Context
        if isinstance(value, Context):
            return value
        s = str(value).strip()
        if '(' in s and s.endswith(')'):
            dev, did = s[:-1].split('(', 1)
            return Context(dev, int(did))
        return Context(s, 0)


class Any(Param):
    """A value passed through unparsed (Python objects of Custom ops and callbacks)."""
    type_name = 'any'
