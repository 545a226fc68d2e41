"""``mx.random``: seeding, and the samplers of ``mx.nd.random``.

Every sampler draws from torch's default generator of the device it runs on, so ``seed`` makes the random
streams of the operators (and of anything else drawing from torch's generators, e.g. Dropout) reproducible.
"""
import torch

from .base import integer_types
from ._op.params import Ctx
from .ndarray.random import (uniform, normal, randn, randint, poisson, exponential, gamma,  # noqa: F401
                             negative_binomial, generalized_negative_binomial, multinomial, shuffle)

__all__ = ['seed', 'uniform', 'normal', 'randn', 'randint', 'poisson', 'exponential', 'gamma',
           'negative_binomial', 'generalized_negative_binomial', 'multinomial', 'shuffle']


def seed(seed_state, ctx='all'):
    """Seed the random number generators of every device (``ctx='all'``) or of one Context.

    The same seed gives the same sequence of samples from then on. ``seed_state`` must be an integer.
    """
    if not isinstance(seed_state, integer_types):
        raise ValueError('seed_state must be int')
    # torch generators take a 64-bit seed; MXNet accepts any integer
    state = int(seed_state) & 0xFFFFFFFFFFFFFFFF
    if ctx == 'all':
        torch.manual_seed(state)
        return
    ctx = _CTX.parse(ctx)
    if ctx.device_type == 'gpu':
        # a machine without that GPU ignores it, as MXNet's CPU builds do
        if torch.cuda.is_available() and ctx.device_id < torch.cuda.device_count():
            with torch.cuda.device(ctx.device_id):
                torch.cuda.manual_seed(state)
    else:
        torch.default_generator.manual_seed(state)


_CTX = Ctx()
