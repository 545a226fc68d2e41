"""Monitor (``mx.mon.Monitor``): statistics of every node output, argument and auxiliary state of the
installed executors, collected every ``interval`` batches between ``tic()`` and ``toc()``."""
import logging
import math
import re

from .ndarray.ndarray import NDArray
from . import ndarray

__all__ = ['Monitor']


def _default_stat(x):
    """norm(x) / sqrt(x.size): the root-mean-square of the elements."""
    return ndarray.norm(x) / math.sqrt(x.size)


class Monitor:
    """Collect ``stat_func(array)`` for the arrays whose name matches ``pattern`` (``re.match``).

    interval     collect on every ``interval``-th ``tic()``.
    stat_func    NDArray -> NDArray (or list of NDArrays); default: root-mean-square.
    sort         order the results by name.
    monitor_all  also report each operator's inputs, not only its outputs.
    """

    def __init__(self, interval, stat_func=None, pattern='.*', sort=False, monitor_all=False):
        self.stat_func = _default_stat if stat_func is None else stat_func
        self.interval = interval
        self.activated = False
        self.queue = []
        self.step = 0
        self.exes = []
        self.re_prog = re.compile(pattern)
        self.sort = sort
        self.monitor_all = monitor_all

    def stat_helper(self, name, array):
        """The executor's callback: record one named array while activated."""
        if not self.activated or not self.re_prog.match(name):
            return
        self.queue.append((self.step, name, self.stat_func(array)))

    def install(self, exe):
        """Attach to an executor (its forward reports node outputs to this monitor)."""
        exe._install_monitor(self.stat_helper, self.monitor_all)
        self.exes.append(exe)

    def tic(self):
        """Start a batch; collection is on when the step count is a multiple of ``interval``."""
        if self.step % self.interval == 0:
            self.queue = []
            self.activated = True
        self.step += 1

    def toc(self):
        """Stop collecting; add the arguments and auxiliary states and return ``[(step, name, text)]`` with
        each statistic formatted as text (tab-terminated)."""
        if not self.activated:
            return []
        for exe in self.exes:
            sym = exe._symbol
            for names, arrays in ((sym.list_arguments(), exe.arg_arrays),
                                  (sym.list_auxiliary_states(), exe.aux_arrays)):
                for name, array in zip(names, arrays):
                    if self.re_prog.match(name):
                        self.queue.append((self.step, name, self.stat_func(array)))
        self.activated = False
        if self.sort:
            self.queue.sort(key=lambda x: x[1])
        res = []
        for step, name, stats in self.queue:
            if isinstance(stats, NDArray):
                stats = [stats]
            assert isinstance(stats, list)
            text = ''
            for v in stats:
                assert isinstance(v, NDArray)
                text += (str(v.asscalar()) if v.shape == (1,) else str(v.asnumpy())) + '\t'
            res.append((step, name, text))
        self.queue = []
        return res

    def toc_print(self):
        """toc(), logging one ``Batch: <step> <name> <stat>`` line per entry."""
        for step, name, text in self.toc():
            logging.info('Batch: {:7d} {:30s} {:s}'.format(step, name, text))
