"""Infix arithmetic of Symbol: equal-shape ``_Plus``-style ops between symbols, ``_PlusScalar``-style with
numbers, named as MXNet names them (``_plus0``, ``_mulscalar0``)."""
from ..base import numeric_types
from .._op import registry
from .symbol import Symbol
from .register import create

# infix name: (symbol-symbol function, symbol-scalar function, scalar-symbol function)
_TABLE = {
    'add': ('_Plus', '_PlusScalar', '_PlusScalar'),
    'sub': ('_Minus', '_MinusScalar', '_RMinusScalar'),
    'mul': ('_Mul', '_MulScalar', '_MulScalar'),
    'truediv': ('_Div', '_DivScalar', '_RDivScalar'),
    'mod': ('_Mod', '_ModScalar', '_RModScalar'),
    'pow': ('_Power', '_PowerScalar', '_RPowerScalar'),
    'eq': ('_equal', '_EqualScalar', '_EqualScalar'),
    'ne': ('_not_equal', '_NotEqualScalar', '_NotEqualScalar'),
    'gt': ('_greater', '_GreaterScalar', '_LesserScalar'),
    'ge': ('_greater_equal', '_GreaterEqualScalar', '_LesserEqualScalar'),
    'lt': ('_lesser', '_LesserScalar', '_GreaterScalar'),
    'le': ('_lesser_equal', '_LesserEqualScalar', '_GreaterEqualScalar'),
}


def _apply(fname, inputs, params):
    return create(registry.get(fname), fname.lower(), inputs, {}, params)


def _method(key, reflected=False):
    vv, vs, sv = _TABLE[key]

    def method(self, other):
        if isinstance(other, Symbol):
            return _apply(vv, [other, self] if reflected else [self, other], {})
        if isinstance(other, numeric_types):
            return _apply(sv if reflected else vs, [self], {'scalar': other})
        if other is None and key in ('eq', 'ne'):
            return (key == 'ne')
        raise TypeError('type %s not supported' % str(type(other)))
    return method


def install():
    for key in _TABLE:
        setattr(Symbol, '__%s__' % key, _method(key))
    for key in ('add', 'sub', 'mul', 'truediv', 'mod', 'pow'):
        setattr(Symbol, '__r%s__' % key, _method(key, reflected=True))
    Symbol.__div__ = Symbol.__truediv__
    Symbol.__rdiv__ = Symbol.__rtruediv__
    Symbol.__neg__ = lambda self: self.__mul__(-1.0)
    Symbol.__abs__ = lambda self: _apply('abs', [self], {})
    Symbol.__hash__ = lambda self: id(self)

    def _inplace(key):
        m = _method(key)

        def method(self, other):
            return m(self, other)
        return method
    for key in ('add', 'sub', 'mul', 'truediv', 'mod'):
        setattr(Symbol, '__i%s__' % key, _inplace(key))


def _binary(name, vv, vs, sv, py):
    """MXNet's symbol-level ``name(left, right)``: Symbol or number on either side (two numbers give
    ``py(left, right)``)."""
    def fn(left, right):
        if isinstance(left, Symbol):
            if isinstance(right, Symbol):
                return _apply(vv, [left, right], {})
            if isinstance(right, numeric_types):
                return _apply(vs, [left], {'scalar': right})
        elif isinstance(left, numeric_types):
            if isinstance(right, Symbol):
                return _apply(sv, [right], {'scalar': left})
            if isinstance(right, numeric_types):
                return py(left, right)
        raise TypeError('types (%s, %s) not supported' % (type(left).__name__, type(right).__name__))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = 'Elementwise %s of two symbols, or of a symbol and a number.' % name
    return fn


maximum = _binary('maximum', '_Maximum', '_MaximumScalar', '_MaximumScalar', max)
minimum = _binary('minimum', '_Minimum', '_MinimumScalar', '_MinimumScalar', min)
power = _binary('power', '_Power', '_PowerScalar', '_RPowerScalar', pow)
pow = power  # noqa: A001 -- MXNet's name
hypot = _binary('hypot', '_Hypot', '_HypotScalar', '_HypotScalar', lambda a, b: (a * a + b * b) ** 0.5)
