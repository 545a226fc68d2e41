"""``mx.optimizer``: optimizers, their registry and the Updater."""
from .optimizer import (Optimizer, register, create, SGD, ccSGD, NAG, Adam, AdaGrad, RMSProp, AdaDelta,  # noqa: F401
                        Adamax, Nadam, Ftrl, FTML, Signum, LAMB, SGLD, DCASGD, Test)
from .updater import Updater, get_updater  # noqa: F401
