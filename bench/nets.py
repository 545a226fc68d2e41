"""The benchmark networks (as in ../shared/bench/bench_core.py), as MXNet symbols and as torch modules."""
import importlib.util
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

# the symbol builders of the training fixtures, at the benchmark's sizes
_spec = importlib.util.spec_from_file_location('_fixture_nets', os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'training', 'nets.py'))
_fixture_nets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixture_nets)


def mlp_sym(mx):
    return _fixture_nets.mlp(mx)


def lenet_sym(mx):
    return _fixture_nets.lenet(mx, filters=(20, 50), hidden=500)


def resnet_sym(mx):
    return _fixture_nets.resnet(mx, stem=16, stages=((16, (1, 1)), (32, (2, 2)), (64, (2, 2))))


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
