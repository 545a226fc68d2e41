"""Binary arithmetic, comparison and logic: ``broadcast_*`` (numpy broadcasting), ``elemwise_*``/``_*``
(equal shapes) and ``_*_scalar`` (array with a Python number).

MXNet keeps the input dtype: integer division truncates, comparisons give 0/1 in the input dtype, and a
scalar is cast to the array's dtype first.
"""
import torch

from ...base import MXNetError
from ..registry import OpDef, register
from ..params import Float, Bool


def _div(a, b):
    if a.dtype.is_floating_point:
        return torch.div(a, b)
    return torch.div(a, b, rounding_mode='trunc')


def _mod(a, b):
    # MXNet: the sign follows the divisor, and x % 0 is 0.
    r = torch.remainder(a, b)
    if isinstance(b, torch.Tensor):
        return torch.where(b == 0, torch.zeros((), dtype=r.dtype, device=r.device), r)
    return torch.zeros_like(r) if b == 0 else r


def _cmp(fn):
    return lambda a, b: fn(a, b).to(a.dtype if isinstance(a, torch.Tensor) else b.dtype)


def _logic(fn):
    def compute(a, b):
        if not isinstance(b, torch.Tensor):
            b = torch.tensor(b, device=a.device)
        return fn(a != 0, b != 0).to(a.dtype)
    return compute


def _pow(a, b):
    return torch.pow(a, b)


def _hypot(a, b):
    if not isinstance(b, torch.Tensor):
        b = torch.full_like(a, b)
    elif not isinstance(a, torch.Tensor):
        a = torch.full_like(b, a)
    return torch.hypot(a, b)


# key: (broadcast name and aliases, elemwise name and aliases, scalar names, reflected-scalar names, fn)
TABLE = {
    'add': (('broadcast_add', 'broadcast_plus'), ('elemwise_add', '_add', '_plus', '_Plus'),
            ('_plus_scalar', '_PlusScalar'), None, torch.add),
    'sub': (('broadcast_sub', 'broadcast_minus'), ('elemwise_sub', '_sub', '_minus', '_Minus'),
            ('_minus_scalar', '_MinusScalar'), ('_rminus_scalar', '_RMinusScalar'), torch.sub),
    'mul': (('broadcast_mul',), ('elemwise_mul', '_mul', '_Mul'), ('_mul_scalar', '_MulScalar'), None, torch.mul),
    'div': (('broadcast_div',), ('elemwise_div', '_div', '_Div'), ('_div_scalar', '_DivScalar'),
            ('_rdiv_scalar', '_RDivScalar'), _div),
    'mod': (('broadcast_mod',), ('_mod', '_Mod'), ('_mod_scalar', '_ModScalar'), ('_rmod_scalar', '_RModScalar'),
            _mod),
    'power': (('broadcast_power',), ('_power', '_Power'), ('_power_scalar', '_PowerScalar'),
              ('_rpower_scalar', '_RPowerScalar'), _pow),
    'maximum': (('broadcast_maximum',), ('_maximum', '_Maximum'), ('_maximum_scalar', '_MaximumScalar'), None,
                lambda a, b: torch.maximum(a, b) if isinstance(b, torch.Tensor) else torch.clamp(a, min=b)),
    'minimum': (('broadcast_minimum',), ('_minimum', '_Minimum'), ('_minimum_scalar', '_MinimumScalar'), None,
                lambda a, b: torch.minimum(a, b) if isinstance(b, torch.Tensor) else torch.clamp(a, max=b)),
    'hypot': (('broadcast_hypot',), ('_hypot', '_Hypot'), ('_hypot_scalar', '_HypotScalar'), None, _hypot),
    'equal': (('broadcast_equal',), ('_equal', '_Equal'), ('_equal_scalar', '_EqualScalar'), None, _cmp(torch.eq)),
    'not_equal': (('broadcast_not_equal',), ('_not_equal', '_Not_Equal'), ('_not_equal_scalar', '_NotEqualScalar'),
                  None, _cmp(torch.ne)),
    'greater': (('broadcast_greater',), ('_greater', '_Greater'), ('_greater_scalar', '_GreaterScalar'), None,
                _cmp(torch.gt)),
    'greater_equal': (('broadcast_greater_equal',), ('_greater_equal', '_Greater_Equal'),
                      ('_greater_equal_scalar', '_GreaterEqualScalar'), None, _cmp(torch.ge)),
    'lesser': (('broadcast_lesser',), ('_lesser', '_Lesser'), ('_lesser_scalar', '_LesserScalar'), None,
               _cmp(torch.lt)),
    'lesser_equal': (('broadcast_lesser_equal',), ('_lesser_equal', '_Lesser_Equal'),
                     ('_lesser_equal_scalar', '_LesserEqualScalar'), None, _cmp(torch.le)),
    'logical_and': (('broadcast_logical_and',), ('_logical_and', '_Logical_And'),
                    ('_logical_and_scalar', '_LogicalAndScalar'), None, _logic(torch.logical_and)),
    'logical_or': (('broadcast_logical_or',), ('_logical_or', '_Logical_Or'),
                   ('_logical_or_scalar', '_LogicalOrScalar'), None, _logic(torch.logical_or)),
    'logical_xor': (('broadcast_logical_xor',), ('_logical_xor', '_Logical_Xor'),
                    ('_logical_xor_scalar', '_LogicalXorScalar'), None, _logic(torch.logical_xor)),
}


def _fmt(s):
    return '(' + ','.join(str(d) for d in s) + (',)' if len(s) == 1 else ')')


def broadcast_error(p, tensors):
    a, b = tensors[0].shape, tensors[1].shape
    for x, y in zip(reversed(a), reversed(b)):
        if x != y and x != 1 and y != 1:
            return 'operands could not be broadcast together with shapes %s %s' % (_fmt(a), _fmt(b))
    return None


def _scalar_for(x, s):
    """The scalar as the array's dtype sees it (MXNet casts the scalar to the array's dtype)."""
    if x.dtype.is_floating_point:
        return s
    return int(s) if x.dtype is not torch.bool else bool(s)


def _make(key, bnames, enames, snames, rnames, fn):
    out = {}

    def bcompute(p, lhs, rhs):
        return fn(lhs, rhs)

    out['broadcast'] = register(OpDef(
        bnames[0], bcompute, inputs=('lhs', 'rhs'), aliases=bnames[1:], explain_error=broadcast_error,
        doc='Elementwise %s of two arrays with numpy broadcasting.' % key))

    def ecompute(p, lhs, rhs):
        if lhs.shape != rhs.shape:
            raise MXNetError('%s: the operands must have the same shape, got %s and %s'
                             % (enames[0], _fmt(lhs.shape), _fmt(rhs.shape)))
        return fn(lhs, rhs)

    def eshape(p, shapes):
        known = [s for s in shapes if s is not None]
        if not known:
            return shapes, [None], []
        for s in known[1:]:
            if s != known[0]:
                raise MXNetError('%s: incompatible input shapes %s and %s' % (enames[0], known[0], s))
        return [known[0]] * 2, [known[0]], []

    out['elemwise'] = register(OpDef(enames[0], ecompute, inputs=('lhs', 'rhs'), aliases=enames[1:],
                                     infer_shape=eshape,
                                     doc='Elementwise %s of two arrays of the same shape.' % key))
    sparams = {'scalar': Float(1.0, 'scalar input value'), 'is_int': Bool(True, 'whether the scalar is integral')}

    def scompute(p, data):
        return fn(data, _scalar_for(data, p.scalar))

    out['scalar'] = register(OpDef(snames[0], scompute, aliases=snames[1:], params=sparams,
                                   doc='Elementwise %s of an array and a scalar.' % key))
    if rnames:
        def rcompute(p, data):
            s = _scalar_for(data, p.scalar)
            return fn(torch.full_like(data, s), data)

        out['rscalar'] = register(OpDef(rnames[0], rcompute, aliases=rnames[1:], params=sparams,
                                        doc='Elementwise %s of a scalar and an array (reflected).' % key))
    return out


OPS = {key: _make(key, *row) for key, row in TABLE.items()}
