"""Errors and small shared helpers (MXNet's ``mxnet.base``)."""
import numpy as np

__all__ = ['MXNetError', 'NotImplementedForSymbol', 'string_types', 'numeric_types',
           'integer_types', 'py_str', 'mx_real_t']


class MXNetError(RuntimeError):
    """The error MXNet raises for bad operator input, bad files and failed checks."""


class NotImplementedForSymbol(MXNetError):
    """Raised when an NDArray-only function is called on a Symbol."""

    def __init__(self, function, alias, *args):
        super().__init__()
        self.function = function.__name__ if callable(function) else str(function)
        self.alias = alias
        self.args = [str(type(a)) for a in args]

    def __str__(self):
        msg = 'Function {}'.format(self.function)
        if self.alias:
            msg += ' (namely operator "{}")'.format(self.alias)
        if self.args:
            msg += ' with arguments ({})'.format(', '.join(self.args))
        return msg + ' is not implemented for Symbol and only available in NDArray.'


string_types = (str,)
numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)
mx_real_t = np.float32


def py_str(x):
    return x.decode('utf-8') if isinstance(x, bytes) else x
