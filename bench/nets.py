"""The benchmark networks (as in ../shared/bench/bench_core.py), as MXNet symbols and as torch modules."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp_sym(mx):
    d = mx.sym.Variable('data')
    x = mx.sym.FullyConnected(d, name='fc1', num_hidden=64)
    x = mx.sym.Activation(x, act_type='relu')
    x = mx.sym.FullyConnected(x, name='fc2', num_hidden=10)
    return mx.sym.SoftmaxOutput(x, name='softmax')


def lenet_sym(mx):
    d = mx.sym.Variable('data')
    x = mx.sym.Convolution(d, kernel=(5, 5), num_filter=20)
    x = mx.sym.Activation(x, act_type='tanh')
    x = mx.sym.Pooling(x, pool_type='max', kernel=(2, 2), stride=(2, 2))
    x = mx.sym.Convolution(x, kernel=(5, 5), num_filter=50)
    x = mx.sym.Activation(x, act_type='tanh')
    x = mx.sym.Pooling(x, pool_type='max', kernel=(2, 2), stride=(2, 2))
    x = mx.sym.Flatten(x)
    x = mx.sym.FullyConnected(x, num_hidden=500)
    x = mx.sym.Activation(x, act_type='tanh')
    x = mx.sym.FullyConnected(x, num_hidden=10)
    return mx.sym.SoftmaxOutput(x, name='softmax')


def resnet_sym(mx):
    def conv_bn(x, nf, stride, name):
        x = mx.sym.Convolution(x, kernel=(3, 3), pad=(1, 1), stride=stride, num_filter=nf, no_bias=True,
                               name=name + '_conv')
        x = mx.sym.BatchNorm(x, fix_gamma=False, name=name + '_bn')
        return mx.sym.Activation(x, act_type='relu')

    def block(x, nf, stride, name):
        y = conv_bn(x, nf, stride, name + 'a')
        y = mx.sym.Convolution(y, kernel=(3, 3), pad=(1, 1), num_filter=nf, no_bias=True, name=name + 'b_conv')
        y = mx.sym.BatchNorm(y, fix_gamma=False, name=name + 'b_bn')
        sc = x if stride == (1, 1) else mx.sym.Convolution(x, kernel=(1, 1), stride=stride, num_filter=nf,
                                                            no_bias=True, name=name + 'sc')
        return mx.sym.Activation(y + sc, act_type='relu')
    x = conv_bn(mx.sym.Variable('data'), 16, (1, 1), 'stem')
    for i, (nf, st) in enumerate([(16, (1, 1)), (32, (2, 2)), (64, (2, 2))]):
        x = block(x, nf, st, 'b%d' % i)
    x = mx.sym.Pooling(x, global_pool=True, pool_type='avg', kernel=(8, 8))
    x = mx.sym.FullyConnected(mx.sym.Flatten(x), num_hidden=10)
    return mx.sym.SoftmaxOutput(x, name='softmax')


def mlp_torch():
    return nn.Sequential(nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def lenet_torch():
    return nn.Sequential(nn.Conv2d(1, 20, 5), nn.Tanh(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.Tanh(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 500), nn.Tanh(), nn.Linear(500, 10))


class _Block(nn.Module):
    def __init__(self, i, o, st):
        super().__init__()
        self.c1 = nn.Conv2d(i, o, 3, st, 1, bias=False)
        self.b1 = nn.BatchNorm2d(o, eps=1e-3, momentum=0.1)
        self.c2 = nn.Conv2d(o, o, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(o, eps=1e-3, momentum=0.1)
        self.sc = None if st == 1 else nn.Conv2d(i, o, 1, st, bias=False)

    def forward(self, x):
        y = self.b2(self.c2(F.relu(self.b1(self.c1(x)))))
        return F.relu(y + (x if self.sc is None else self.sc(x)))


def resnet_torch():
    return nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16, eps=1e-3), nn.ReLU(),
                         _Block(16, 16, 1), _Block(16, 32, 2), _Block(32, 64, 2), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(64, 10))
