"""Convolution, transposed convolution, pooling and padding layers."""
from ...base import numeric_types
from ..block import HybridBlock
from .activations import Activation

__all__ = ['Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose',
           'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D',
           'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D',
           'GlobalAvgPool3D', 'ReflectionPad2D']


def _tuple(v, n):
    return (v,) * n if isinstance(v, numeric_types) else tuple(v)


def _weight_shape(op_name, layout, channels, in_channels, groups, kernel):
    """MXNet's weight layout: Convolution (out, in/groups, *k) [channel-last: (out, *k, in/groups)];
    Deconvolution (in, out/groups, *k). Unknown ``in_channels`` stays 0."""
    if op_name == 'Convolution':
        cin = in_channels // groups if in_channels else 0
        if layout.find('C') == 1:
            return (channels, cin) + tuple(kernel)
        return (channels,) + tuple(kernel) + (cin,)
    cout = channels // groups
    if layout.find('C') == 1:
        return (in_channels, cout) + tuple(kernel)
    return (in_channels,) + tuple(kernel) + (cout,)


class _Conv(HybridBlock):
    """Shared body of the (transposed) convolution layers: ``F.<op_name>(x, weight, bias, **kwargs)``."""

    def __init__(self, channels, kernel_size, strides, padding, dilation, groups, layout, in_channels=0,
                 activation=None, use_bias=True, weight_initializer=None, bias_initializer='zeros',
                 op_name='Convolution', adj=None, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            n = len(kernel_size)
            strides, padding, dilation = _tuple(strides, n), _tuple(padding, n), _tuple(dilation, n)
            self._op_name = op_name
            self._kwargs = {'kernel': tuple(kernel_size), 'stride': strides, 'dilate': dilation, 'pad': padding,
                            'num_filter': channels, 'num_group': groups, 'no_bias': not use_bias,
                            'layout': layout}
            if adj is not None:
                self._kwargs['adj'] = _tuple(adj, n)
            wshape = _weight_shape(op_name, layout, channels, in_channels, groups, kernel_size)
            self.weight = self.params.get('weight', shape=wshape, init=weight_initializer,
                                          allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get('bias', shape=(channels,), init=bias_initializer,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + '_')
            else:
                self.act = None

    def hybrid_forward(self, F, x, weight, bias=None):
        op = getattr(F, self._op_name)
        if bias is None:
            act = op(x, weight, name='fwd', **self._kwargs)
        else:
            act = op(x, weight, bias, name='fwd', **self._kwargs)
        if self.act is not None:
            act = self.act(act)
        return act

    def _alias(self):
        return 'conv'

    def __repr__(self):
        s = '{name}({mapping}, kernel_size={kernel}, stride={stride}'
        n = len(self._kwargs['kernel'])
        if self._kwargs['pad'] != (0,) * n:
            s += ', padding={pad}'
        if self._kwargs['dilate'] != (1,) * n:
            s += ', dilation={dilate}'
        if hasattr(self, 'out_pad') and self.out_pad != (0,) * n:
            s += ', output_padding={out_pad}'.format(out_pad=self.out_pad)
        if self._kwargs['num_group'] != 1:
            s += ', groups={num_group}'
        if self.bias is None:
            s += ', bias=False'
        if self.act:
            s += ', {}'.format(self.act)
        s += ')'
        shape = self.weight.shape
        return s.format(name=self.__class__.__name__,
                        mapping='{0} -> {1}'.format(shape[1] if shape[1] else None, shape[0]), **self._kwargs)


def _conv_class(dims, layouts, transpose):
    default_layout = layouts[0]

    def __init__(self, channels, kernel_size, strides=1, padding=0, *rest, **kwargs):
        names = (['output_padding'] if transpose else []) + ['dilation', 'groups', 'layout', 'activation',
                                                              'use_bias', 'weight_initializer',
                                                              'bias_initializer', 'in_channels']
        defaults = dict(output_padding=0, dilation=1, groups=1, layout=default_layout, activation=None,
                        use_bias=True, weight_initializer=None, bias_initializer='zeros', in_channels=0)
        if len(rest) > len(names):
            raise TypeError('too many positional arguments')
        for k, v in zip(names, rest):
            if k in kwargs:
                raise TypeError('got multiple values for argument %r' % k)
            kwargs[k] = v
        opts = {k: kwargs.pop(k, defaults[k]) for k in list(defaults)}
        layout = opts['layout']
        assert layout in layouts, 'Only supports %s layout for now' % ' and '.join("'%s'" % x for x in layouts)
        kernel_size = _tuple(kernel_size, dims)
        assert len(kernel_size) == dims, 'kernel_size must be a number or a list of %d ints' % dims
        if transpose:
            output_padding = _tuple(opts['output_padding'], dims)
            assert len(output_padding) == dims, 'output_padding must be a number or a list of %d ints' % dims
        _Conv.__init__(self, channels, kernel_size, strides, padding, opts['dilation'], opts['groups'], layout,
                       opts['in_channels'], opts['activation'], opts['use_bias'], opts['weight_initializer'],
                       opts['bias_initializer'], op_name='Deconvolution' if transpose else 'Convolution',
                       adj=output_padding if transpose else None, **kwargs)
        if transpose:
            self.outpad = output_padding
    return __init__


class Conv1D(_Conv):
    """1-D convolution over (N, C, W) input (layout 'NCW' or 'NWC')."""
    __init__ = _conv_class(1, ('NCW', 'NWC'), False)


class Conv2D(_Conv):
    """2-D convolution over (N, C, H, W) input (layout 'NCHW' or 'NHWC')."""
    __init__ = _conv_class(2, ('NCHW', 'NHWC'), False)


class Conv3D(_Conv):
    """3-D convolution over (N, C, D, H, W) input (layout 'NCDHW' or 'NDHWC')."""
    __init__ = _conv_class(3, ('NCDHW', 'NDHWC'), False)


class Conv1DTranspose(_Conv):
    """1-D transposed convolution (``Deconvolution``)."""
    __init__ = _conv_class(1, ('NCW', 'NWC'), True)


class Conv2DTranspose(_Conv):
    """2-D transposed convolution (``Deconvolution``); ``output_padding`` adds to one side of the output."""
    __init__ = _conv_class(2, ('NCHW', 'NHWC'), True)


class Conv3DTranspose(_Conv):
    """3-D transposed convolution (``Deconvolution``)."""
    __init__ = _conv_class(3, ('NCDHW', 'NDHWC'), True)


class _Pooling(HybridBlock):
    """Shared body of the pooling layers: ``F.Pooling(x, **kwargs)``."""

    def __init__(self, pool_size, strides, padding, ceil_mode, global_pool, pool_type, layout,
                 count_include_pad=None, **kwargs):
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        n = len(pool_size)
        self._kwargs = {'kernel': tuple(pool_size), 'stride': _tuple(strides, n), 'pad': _tuple(padding, n),
                        'global_pool': global_pool, 'pool_type': pool_type, 'layout': layout,
                        'pooling_convention': 'full' if ceil_mode else 'valid'}
        if count_include_pad is not None:
            self._kwargs['count_include_pad'] = count_include_pad

    def _alias(self):
        return 'pool'

    def hybrid_forward(self, F, x):
        return F.Pooling(x, name='fwd', **self._kwargs)

    def __repr__(self):
        s = '{name}(size={kernel}, stride={stride}, padding={pad}, ceil_mode={ceil_mode}'
        s += ', global_pool={global_pool}, pool_type={pool_type}, layout={layout})'
        return s.format(name=self.__class__.__name__, ceil_mode=self._kwargs['pooling_convention'] == 'full',
                        **self._kwargs)


def _pool_class(dims, layouts, pool_type, default_size):
    avg = pool_type == 'avg'

    def __init__(self, pool_size=default_size, strides=None, padding=0, layout=layouts[0], ceil_mode=False,
                 *rest, **kwargs):
        count_include_pad = kwargs.pop('count_include_pad', rest[0] if rest else True) if avg else None
        assert layout in layouts, 'Only supports %s layout for now' % ' and '.join("'%s'" % x for x in layouts)
        pool_size = _tuple(pool_size, dims)
        assert len(pool_size) == dims, 'pool_size must be a number or a list of %d ints' % dims
        _Pooling.__init__(self, pool_size, strides, padding, ceil_mode, False, pool_type, layout,
                          count_include_pad, **kwargs)
    return __init__


def _global_pool_class(dims, layouts, pool_type):
    def __init__(self, layout=layouts[0], **kwargs):
        assert layout in layouts, 'Only supports %s layout for now' % ' and '.join("'%s'" % x for x in layouts)
        _Pooling.__init__(self, (1,) * dims, None, 0, True, True, pool_type, layout, **kwargs)
    return __init__


_L1, _L2, _L3 = ('NCW', 'NWC'), ('NCHW', 'NHWC'), ('NCDHW', 'NDHWC')


class MaxPool1D(_Pooling):
    """Max pooling over (N, C, W); ``strides`` default to ``pool_size``; ``ceil_mode`` rounds the size up."""
    __init__ = _pool_class(1, _L1, 'max', 2)


class MaxPool2D(_Pooling):
    """Max pooling over (N, C, H, W)."""
    __init__ = _pool_class(2, _L2, 'max', (2, 2))


class MaxPool3D(_Pooling):
    """Max pooling over (N, C, D, H, W)."""
    __init__ = _pool_class(3, _L3, 'max', (2, 2, 2))


class AvgPool1D(_Pooling):
    """Average pooling over (N, C, W); ``count_include_pad`` counts padding in the divisor."""
    __init__ = _pool_class(1, _L1, 'avg', 2)


class AvgPool2D(_Pooling):
    """Average pooling over (N, C, H, W)."""
    __init__ = _pool_class(2, _L2, 'avg', (2, 2))


class AvgPool3D(_Pooling):
    """Average pooling over (N, C, D, H, W)."""
    __init__ = _pool_class(3, _L3, 'avg', (2, 2, 2))


class GlobalMaxPool1D(_Pooling):
    """Max over the whole width: (N, C, W) -> (N, C, 1)."""
    __init__ = _global_pool_class(1, _L1, 'max')


class GlobalMaxPool2D(_Pooling):
    """Max over each whole map: (N, C, H, W) -> (N, C, 1, 1)."""
    __init__ = _global_pool_class(2, _L2, 'max')


class GlobalMaxPool3D(_Pooling):
    __init__ = _global_pool_class(3, _L3, 'max')


class GlobalAvgPool1D(_Pooling):
    """Mean over the whole width: (N, C, W) -> (N, C, 1)."""
    __init__ = _global_pool_class(1, _L1, 'avg')


class GlobalAvgPool2D(_Pooling):
    """Mean over each whole map: (N, C, H, W) -> (N, C, 1, 1)."""
    __init__ = _global_pool_class(2, _L2, 'avg')


class GlobalAvgPool3D(_Pooling):
    __init__ = _global_pool_class(3, _L3, 'avg')


class ReflectionPad2D(HybridBlock):
    """Pads the two spatial axes of (N, C, H, W) by reflection (``padding`` an int or 8-tuple pad_width)."""

    def __init__(self, padding=0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, numeric_types):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        assert len(padding) == 8
        self._padding = padding

    def hybrid_forward(self, F, x):
        return F.pad(x, mode='reflect', pad_width=self._padding)
