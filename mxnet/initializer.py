"""``mx.init`` / ``mx.initializer``: parameter initializers.

An initializer is called as ``init(InitDesc(name, attrs), arr)`` and fills ``arr`` in place. The parameter's
name picks the rule, as in MXNet 1.x: ``*weight`` -> ``_init_weight`` (the initializer's own distribution),
``*bias`` and ``*beta`` -> 0, ``*gamma`` -> 1, ``*min`` -> 0, ``*max`` -> 1; an ``__init__`` attribute on the
variable (a registered name or a JSON ``'["normal", {"sigma": 0.1}]'``) overrides the rule. Random draws come
from torch's generator of the array's device, which ``mx.random.seed`` seeds.
"""
import json
import logging
import re
import warnings

import numpy as np
import torch

from .ndarray.ndarray import NDArray, wrap

__all__ = ['InitDesc', 'Initializer', 'register', 'alias', 'create', 'Load', 'Mixed', 'Zero', 'One', 'Constant',
           'Uniform', 'Normal', 'Orthogonal', 'Xavier', 'MSRAPrelu', 'Bilinear', 'LSTMBias', 'FusedRNN']

_REGISTRY = {}


class InitDesc(str):
    """A parameter's name (a ``str``) carrying its symbol attributes ``attrs`` and the ``global_init`` that
    called for it."""

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


def register(klass):
    """Register an Initializer subclass under its lower-cased class name (for ``create`` and ``__init__``)."""
    assert isinstance(klass, type)
    name = klass.__name__.lower()
    if name in _REGISTRY and _REGISTRY[name] is not klass:
        warnings.warn('New initializer %s.%s is overriding existing initializer %s.%s'
                      % (klass.__module__, klass.__name__, _REGISTRY[name].__module__, _REGISTRY[name].__name__),
                      UserWarning, stacklevel=2)
    _REGISTRY[name] = klass
    return klass


def alias(*aliases):
    """Decorator: also register the class under each of ``aliases``."""
    def reg(klass):
        for a in aliases:
            _REGISTRY[a.lower()] = klass
        return klass
    return reg


def create(init, /, *args, **kwargs):
    """An initializer from an instance (returned as is), a registered name, a JSON ``'[name, kwargs]'`` or
    ``'{"initializer": name, ...}'`` string, or a dict of the same."""
    if isinstance(init, Initializer):
        assert not args and not kwargs, 'initializer is already an instance. Additional arguments are invalid'
        return init
    if isinstance(init, dict):
        kwargs = dict(init)
        return create(kwargs.pop('initializer'), **kwargs)
    assert isinstance(init, str), 'initializer must be of string type'
    if init.startswith('['):
        assert not args and not kwargs
        name, kw = json.loads(init)
        return create(name, **kw)
    if init.startswith('{'):
        assert not args and not kwargs
        return create(json.loads(init))
    name = init.lower()
    assert name in _REGISTRY, '%s is not registered. Please register with initializer.register first' % init
    return _REGISTRY[name](*args, **kwargs)


def _fill_uniform(arr, low, high):
    arr._data.uniform_(low, high)


def _fill_normal(arr, mean, std):
    arr._data.normal_(mean, std)


class Initializer:
    """Base class: subclasses define ``_init_weight(name, arr)``; ``dumps()`` gives ``'[name, kwargs]'``."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        """Log each initialized array with ``print_func(arr)`` (default: its norm / sqrt(size))."""
        self._verbose = verbose
        if print_func is None:
            def print_func(x):
                return str(float(x._data.double().norm()) / max(x.size, 1) ** 0.5)
        self._print_func = print_func
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            logging.info('Initialized %s as %s: %s', desc, init, self._print_func(arr))

    def dumps(self):
        """The JSON string ``'["<lower-cased class name>", {constructor kwargs}]'`` that ``create`` reads."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    # name suffix -> method, tried in MXNet's order
    _SUFFIX_RULES = (('weight', '_init_weight'), ('bias', '_init_bias'), ('gamma', '_init_gamma'),
                     ('beta', '_init_beta'), ('min', '_init_zero'), ('max', '_init_one'),
                     ('weight_quantize', '_init_quantized_weight'), ('bias_quantize', '_init_quantized_bias'))

    def __call__(self, desc, arr):
        """Fill ``arr`` for the parameter ``desc`` (an InitDesc; a plain name takes the deprecated legacy rules)."""
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get('__init__', '')
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, method in self._SUFFIX_RULES:
            if desc.endswith(suffix):
                getattr(self, method)(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    _LEGACY_RULES = (('bias', '_init_bias'), ('gamma', '_init_gamma'), ('beta', '_init_beta'),
                     ('weight', '_init_weight'), ('moving_mean', '_init_zero'), ('moving_var', '_init_one'),
                     ('moving_inv_var', '_init_zero'), ('moving_avg', '_init_zero'), ('min', '_init_zero'),
                     ('max', '_init_one'))

    def _legacy_init(self, name, arr):
        """The pre-InitDesc rules (``init(str, NDArray)``), including 'upsampling*' (bilinear) and 'stn_loc*'."""
        warnings.warn('Calling initializer with init(str, NDArray) has been deprecated. '
                      'please use init(mx.init.InitDesc(...), NDArray) instead.', DeprecationWarning, stacklevel=3)
        if not isinstance(name, str):
            raise TypeError('name must be string')
        if not isinstance(arr, NDArray):
            raise TypeError('arr must be NDArray')
        if name.startswith('upsampling'):
            return self._init_bilinear(name, arr)
        if name.startswith('stn_loc') and name.endswith('weight'):
            return self._init_zero(name, arr)
        if name.startswith('stn_loc') and name.endswith('bias'):
            return self._init_loc_bias(name, arr)
        for suffix, method in self._LEGACY_RULES:
            if name.endswith(suffix):
                return getattr(self, method)(name, arr)
        return self._init_default(name, arr)

    def _init_bilinear(self, _, arr):
        arr[:] = _bilinear(arr.shape)

    def _init_loc_bias(self, _, arr):
        assert arr.shape[0] == 6
        arr[:] = np.array([1.0, 0, 0, 0, 1.0, 0])

    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    _init_bias = _init_zero
    _init_beta = _init_zero
    _init_gamma = _init_one

    def _init_quantized_bias(self, _, arr):
        arr[:] = 0

    def _init_quantized_weight(self, _, arr):
        arr[:] = torch.randint(-127, 127, arr.shape, device=arr._data.device).to(torch.int8).cpu().numpy()

    def _init_weight(self, name, arr):
        raise NotImplementedError('Must override it')

    def _init_default(self, name, _):
        raise ValueError('Unknown initialization pattern for %s. Default initialization is now limited to '
                         '"weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
                         'mx.sym.Variable(init=mx.init.*) to set initialization pattern' % name)

    def __eq__(self, other):
        return type(self) is type(other) and self._kwargs == other._kwargs

    __hash__ = object.__hash__

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__, ', '.join('%s=%r' % kv for kv in self._kwargs.items()))


def _bilinear(shape):
    """Bilinear-upsampling kernel over the last two axes of ``shape`` (float32 numpy)."""
    f = np.ceil(shape[3] / 2.0)
    c = (2 * f - 1 - f % 2) / (2.0 * f)
    x = np.arange(shape[3])
    y = np.arange(shape[2])
    kernel = np.outer(1 - np.abs(y / f - c), 1 - np.abs(x / f - c)).astype(np.float32)
    return np.ascontiguousarray(np.broadcast_to(kernel, shape))


class Load:
    """Initialize from saved parameters (a file name for ``mx.nd.load`` or a dict); the 'arg:'/'aux:' prefixes
    are dropped; names not found use ``default_init``."""

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            from .ndarray import load
            param = load(param)
        assert isinstance(param, dict)
        self.param = {}
        for name, arr in param.items():
            self.param[name[4:] if name.startswith(('arg:', 'aux:')) else name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            assert arr.shape == self.param[name].shape, \
                'Parameter %s cannot be initialized from loading. Shape mismatch, target %s vs loaded %s' \
                % (name, str(arr.shape), self.param[name].shape)
            arr[:] = self.param[name]
            if self.verbose:
                logging.info('Initialized %s by loading', name)
        else:
            assert self.default_init is not None, \
                'Cannot Initialize %s. Not found in loaded param and no default Initializer is provided.' % name
            self.default_init(name, arr)
            if self.verbose:
                logging.info('Initialized %s by default', name)


class Mixed:
    """Use the initializer of the first regular expression in ``patterns`` that matches the name."""

    def __init__(self, patterns, initializers):
        assert len(patterns) == len(initializers)
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError('Parameter name %s did not match any pattern. Consider add a ".*" pattern at the end '
                         'with default Initializer.' % name)


@register
@alias('zeros')
class Zero(Initializer):
    """Weights 0."""

    def _init_weight(self, _, arr):
        arr[:] = 0


@register
@alias('ones')
class One(Initializer):
    """Weights 1."""

    def _init_weight(self, _, arr):
        arr[:] = 1


@register
class Constant(Initializer):
    """Weights set to ``value`` (a scalar or an array of the parameter's shape)."""

    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value

    def dumps(self):
        val = self._kwargs['value']
        if not np.isscalar(val):
            self._kwargs['value'] = np.asarray(val.asnumpy() if isinstance(val, NDArray) else val).tolist()
        return super().dumps()


@register
class Uniform(Initializer):
    """Weights uniform in [-scale, scale]."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _fill_uniform(arr, -self.scale, self.scale)


@register
class Normal(Initializer):
    """Weights normal with mean 0 and standard deviation ``sigma``."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _fill_normal(arr, 0, self.sigma)


@register
class Orthogonal(Initializer):
    """Weights ``scale`` times an orthogonal matrix (SVD of a 'uniform' or 'normal' random (out, in) matrix)."""

    def __init__(self, scale=1.414, rand_type='uniform'):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        tmp = torch.empty((nout, nin), dtype=torch.float32, device=arr._data.device)
        if self.rand_type == 'uniform':
            tmp.uniform_(-1.0, 1.0)
        elif self.rand_type == 'normal':
            tmp.normal_(0.0, 1.0)
        tmp = tmp.cpu().numpy()
        u, _, v = np.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        arr[:] = self.scale * res.reshape(arr.shape)


@register
class Xavier(Initializer):
    """Glorot init: scale = sqrt(magnitude / factor), factor = fan 'avg' / 'in' / 'out' (fans include the
    kernel's spatial size); 'uniform' draws in [-scale, scale], 'gaussian' with std scale."""

    def __init__(self, rnd_type='uniform', factor_type='avg', magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError('Xavier initializer cannot be applied to vector {0}. It requires at least 2D.'
                             .format(name))
        hw_scale = np.prod(shape[2:]) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        factors = {'avg': (fan_in + fan_out) / 2.0, 'in': fan_in, 'out': fan_out}
        if self.factor_type not in factors:
            raise ValueError('Incorrect factor type')
        scale = float(np.sqrt(self.magnitude / factors[self.factor_type]))
        if self.rnd_type == 'uniform':
            _fill_uniform(arr, -scale, scale)
        elif self.rnd_type == 'gaussian':
            _fill_normal(arr, 0, scale)
        else:
            raise ValueError('Unknown random type')


@register
class MSRAPrelu(Xavier):
    """He init for PReLU: gaussian Xavier with magnitude 2 / (1 + slope**2)."""

    def __init__(self, factor_type='avg', slope=0.25):
        super().__init__('gaussian', factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {'factor_type': factor_type, 'slope': slope}


@register
class Bilinear(Initializer):
    """Bilinear-upsampling weights (for Deconvolution)."""

    def _init_weight(self, _, arr):
        self._init_bilinear(_, arr)


@register
class LSTMBias(Initializer):
    """LSTM bias: 0 except the forget gate (the second quarter), which gets ``forget_bias``."""

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        arr[:] = 0.0
        num_hidden = int(arr.shape[0] / 4)
        arr[num_hidden:2 * num_hidden] = self.forget_bias


_RNN_GATES = {'rnn_relu': [''], 'rnn_tanh': [''], 'lstm': ['_i', '_f', '_c', '_o'], 'gru': ['_r', '_z', '_o']}


def fused_rnn_pieces(size, num_hidden, num_layers, mode, bidirectional=False):
    """[(name, offset, shape)] of the gate blocks of a fused RNN parameter vector of ``size`` elements, in
    MXNet's layout: every layer's and direction's i2h then h2h weights, then the biases in the same order."""
    gates = _RNN_GATES[mode]
    dirs = ['l', 'r'] if bidirectional else ['l']
    g, h, d = len(gates), num_hidden, len(dirs)
    rest = (num_layers - 1) * d * g * h * (d * h + h) + num_layers * d * 2 * g * h
    input_size = (size - rest) // (d * g * h) - h
    pieces, offset = [], 0
    for kind in ('weight', 'bias'):
        for layer in range(num_layers):
            n_in = input_size if layer == 0 else d * h
            for direction in dirs:
                for conn, cols in (('i2h', n_in), ('h2h', h)):
                    for gate in gates:
                        shape = (h, cols) if kind == 'weight' else (h,)
                        pieces.append(('%s%d_%s%s_%s' % (direction, layer, conn, gate, kind), offset, shape))
                        offset += int(np.prod(shape))
    assert offset == size, 'fused RNN parameter of size %d does not fit mode=%s num_hidden=%d num_layers=%d' \
        % (size, mode, num_hidden, num_layers)
    return pieces


@register
class FusedRNN(Initializer):
    """Initialize a fused RNN cell's packed parameter vector gate block by gate block with ``init`` (or the
    global initializer); LSTM forget-gate biases get ``forget_bias``."""

    def __init__(self, init, num_hidden, num_layers, mode, bidirectional=False, forget_bias=1.0):
        if isinstance(init, str):
            init = create(init)
        super().__init__(init=init.dumps() if init is not None else None, num_hidden=num_hidden,
                         num_layers=num_layers, mode=mode, bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _init_weight(self, desc, arr):
        flat = arr._data.reshape(-1)
        for name, offset, shape in fused_rnn_pieces(flat.numel(), self._num_hidden, self._num_layers,
                                                    self._mode, self._bidirectional):
            piece = wrap(flat[offset:offset + int(np.prod(shape))].view(shape))
            piece_desc = InitDesc(name, global_init=getattr(desc, 'global_init', None))
            if self._mode == 'lstm' and name.endswith('_f_bias'):
                piece[:] = self._forget_bias
            elif self._init is None:
                piece_desc.global_init(piece_desc, piece)
            else:
                self._init(piece_desc, piece)
