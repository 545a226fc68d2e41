"""``mx.profiler``: MXNet's profiler API on ``torch.profiler``.

``set_config`` / ``set_state('run'|'stop')`` / ``pause`` / ``resume`` drive a torch profiler session; ``dump``
writes MXNet's chrome-trace JSON (``{"traceEvents": [...], "displayTimeUnit": "ms"}``, loadable in
chrome://tracing), holding the operators torch ran plus the user's Task/Frame/Event/Counter/Marker records;
``dumps`` returns the aggregate statistics as MXNet's table or JSON (``{"Time": ..., "Memory": ..., "Unit": ...}``).
"""
import contextlib
import json
import os
import threading
import time

from .base import MXNetError

__all__ = ['set_config', 'profiler_set_config', 'set_state', 'profiler_set_state', 'dump', 'dump_profile',
           'dumps', 'pause', 'resume', 'Domain', 'Task', 'Frame', 'Event', 'Counter', 'Marker', 'scope']

_CONFIG_KEYS = ('profile_all', 'profile_symbolic', 'profile_imperative', 'profile_memory', 'profile_api',
                'filename', 'continuous_dump', 'dump_period', 'aggregate_stats', 'profile_process')

_lock = threading.Lock()
_config = {'filename': 'profile.json', 'aggregate_stats': False}
_state = {'running': False, 'paused': False, 'session': None}
_events = []          # chrome-trace events, in order
_stats = {}           # (domain, name) -> [count, total_us, min_us, max_us]
_T0 = time.perf_counter()
_PID = os.getpid()


def _now_us():
    return (time.perf_counter() - _T0) * 1e6


def set_config(**kwargs):
    """Configure the profiler (``filename``, ``profile_all``, ``profile_symbolic``, ``profile_imperative``,
    ``profile_memory``, ``profile_api``, ``aggregate_stats``, ``continuous_dump``, ``dump_period``)."""
    for k in kwargs:
        if k not in _CONFIG_KEYS:
            raise MXNetError('profiler.set_config: unknown parameter %r; known: %s' % (k, ', '.join(_CONFIG_KEYS)))
    _config.update(kwargs)


def profiler_set_config(mode='symbolic', filename='profile.json'):
    """Deprecated 1.x form of :func:`set_config`."""
    set_config(profile_all=(mode == 'all'), profile_symbolic=True, filename=filename)


def _record(ev):
    if _state['running'] and not _state['paused']:
        with _lock:
            _events.append(ev)


def _aggregate(domain, name, dur_us):
    if not _config.get('aggregate_stats'):
        return
    with _lock:
        s = _stats.setdefault((domain, name), [0, 0.0, float('inf'), 0.0])
        s[0] += 1
        s[1] += dur_us
        s[2] = min(s[2], dur_us)
        s[3] = max(s[3], dur_us)


def _start_torch():
    import torch
    acts = [torch.profiler.ProfilerActivity.CPU]
    if torch.cuda.is_available():
        acts.append(torch.profiler.ProfilerActivity.CUDA)
    sess = torch.profiler.profile(activities=acts, profile_memory=bool(_config.get('profile_memory')))
    sess.__enter__()
    _state['session'] = (sess, _now_us(), time.perf_counter_ns() // 1000)


def _stop_torch():
    sess = _state['session']
    if sess is None:
        return
    _state['session'] = None
    prof, t_start, _ = sess
    prof.__exit__(None, None, None)
    try:
        evs = prof.events()
    except (AssertionError, RuntimeError):  # nothing was recorded
        return
    base = min((e.time_range.start for e in evs), default=0)
    for e in evs:
        if e.name.startswith('ProfilerStep') or e.name.startswith('[memory]'):
            continue
        name = e.name[6:] if e.name.startswith('aten::') else e.name
        ts = t_start + (e.time_range.start - base)
        dur = e.time_range.end - e.time_range.start
        with _lock:
            _events.append({'name': name, 'cat': 'operator', 'ph': 'X', 'ts': ts, 'dur': dur, 'pid': _PID,
                            'tid': e.thread})
        _aggregate('operator', name, dur)


def set_state(state='stop', profile_process='worker'):
    """Start (``'run'``) or stop (``'stop'``) profiling."""
    if state not in ('run', 'stop'):
        raise MXNetError("profiler.set_state: state must be 'run' or 'stop', got %r" % (state,))
    if state == 'run' and not _state['running']:
        _state.update(running=True, paused=False)
        _start_torch()
    elif state == 'stop' and _state['running']:
        _stop_torch()
        _state.update(running=False, paused=False)


profiler_set_state = set_state


def pause(profile_process='worker'):
    """Stop recording until :func:`resume`."""
    if _state['running'] and not _state['paused']:
        _stop_torch()
        _state['paused'] = True


def resume(profile_process='worker'):
    if _state['running'] and _state['paused']:
        _state['paused'] = False
        _start_torch()


def dump(finished=True, profile_process='worker'):
    """Write the trace so far to the configured file (atomically). ``finished=False`` keeps profiling on
    (continuous dumping); ``finished=True`` ends the session's recording."""
    if _state['running'] and not _state['paused']:
        _stop_torch()  # flush what torch has collected, then go on
        if not finished:
            _start_torch()
    with _lock:
        trace = {'traceEvents': [{'name': 'process_name', 'ph': 'M', 'pid': _PID,
                                  'args': {'name': 'process %d' % _PID}}] + list(_events),
                 'displayTimeUnit': 'ms'}
    path = _config.get('filename') or 'profile.json'
    tmp = '%s.tmp%d' % (path, os.getpid())
    with open(tmp, 'w') as f:
        json.dump(trace, f)
    os.replace(tmp, path)
    if finished and _state['running']:
        _state.update(running=False, paused=False)


def dump_profile():
    """Deprecated 1.x form of ``dump(True)``."""
    dump(True)


_SORT = {'total': 1, 'avg': None, 'min': 2, 'max': 3, 'count': 0}


def dumps(reset=False, format='table', sort_by='total', ascending=False):  # noqa: A002 (MXNet's name)
    """The aggregate statistics (needs ``set_config(aggregate_stats=True)``) as a table or JSON string."""
    if format not in ('table', 'json'):
        raise MXNetError("profiler.dumps: format must be 'table' or 'json', got %r" % (format,))
    if sort_by not in _SORT:
        raise MXNetError('profiler.dumps: sort_by must be one of %s, got %r' % (', '.join(_SORT), sort_by))
    if _state['running'] and not _state['paused']:
        _stop_torch()
        _start_torch()
    with _lock:
        items = [(d, n, s[0], s[1], s[2] if s[0] else 0.0, s[3], s[1] / s[0] if s[0] else 0.0)
                 for (d, n), s in _stats.items()]
        if reset:
            _stats.clear()
    col = {'count': 2, 'total': 3, 'min': 4, 'max': 5, 'avg': 6}[sort_by]
    items.sort(key=lambda r: r[col], reverse=not ascending)
    if format == 'json':
        time_d = {}
        for d, n, c, tot, mn, mx, avg in items:
            time_d.setdefault(d, {})[n] = {'Count': c, 'Total': tot / 1000, 'Min': mn / 1000, 'Max': mx / 1000,
                                           'Avg': avg / 1000}
        return json.dumps({'Time': time_d, 'Memory': {}, 'Unit': {'Time': 'ms', 'Memory': 'kB'}})
    lines = ['Profile Statistics:', '\tNote the difference in units for different entries.']
    by_domain = {}
    for row in items:
        by_domain.setdefault(row[0], []).append(row)
    for d, rows in by_domain.items():
        lines += [d, '=================',
                  '%-40s %16s %16s %16s %16s %16s' % ('Name', 'Total Count', 'Time (ms)', 'Min Time (ms)',
                                                      'Max Time (ms)', 'Avg Time (ms)'),
                  '%-40s %16s %16s %16s %16s %16s' % ('----', '-----------', '---------', '-------------',
                                                      '-------------', '-------------')]
        for _, n, c, tot, mn, mx, avg in rows:
            lines.append('%-40s %16d %16.4f %16.4f %16.4f %16.4f' % (n, c, tot / 1000, mn / 1000, mx / 1000,
                                                                      avg / 1000))
        lines.append('')
    return '\n'.join(lines)


class Domain:
    """A named group of tasks, frames, events, counters and markers."""

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    def new_task(self, name):
        return Task(self, name)

    def new_frame(self, name):
        return Frame(self, name)

    def new_counter(self, name, value=None):
        return Counter(self, name, value)

    def new_marker(self, name):
        return Marker(self, name)


class _Span:
    """Something with ``start()`` / ``stop()`` that becomes a B/E pair in the trace."""
    _cat = 'task'

    def __init__(self, domain, name):
        self.domain = domain
        self.name = name
        self._t = None

    def start(self):
        self._t = _now_us()
        _record({'name': self.name, 'cat': str(self.domain), 'ph': 'B', 'ts': self._t, 'pid': _PID,
                 'tid': threading.get_ident()})

    def stop(self):
        t = _now_us()
        _record({'name': self.name, 'cat': str(self.domain), 'ph': 'E', 'ts': t, 'pid': _PID,
                 'tid': threading.get_ident()})
        if self._t is not None and _state['running']:
            _aggregate(str(self.domain), self.name, t - self._t)
        self._t = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def __str__(self):
        return self.name


class Task(_Span):
    """A task of a domain: ``start()`` ... ``stop()``."""


class Frame(_Span):
    """A frame (e.g. one iteration) of a domain."""


class Event(_Span):
    """A named span not tied to a domain."""

    def __init__(self, name):
        super().__init__('Python', name)


class Counter:
    """A named value over time (``set_value``, ``increment``, ``decrement``, ``+=``, ``-=``)."""

    def __init__(self, domain, name, value=None):
        self.domain = domain
        self.name = name
        self.value = 0
        if value is not None:
            self.set_value(value)

    def _emit(self):
        _record({'name': self.name, 'cat': str(self.domain), 'ph': 'C', 'ts': _now_us(), 'pid': _PID,
                 'args': {self.name: self.value}})

    def set_value(self, value):
        self.value = value
        self._emit()

    def increment(self, delta=1):
        self.set_value(self.value + delta)

    def decrement(self, delta=1):
        self.set_value(self.value - delta)

    def __iadd__(self, delta):
        self.increment(delta)
        return self

    def __isub__(self, delta):
        self.decrement(delta)
        return self

    def __str__(self):
        return self.name


class Marker:
    """An instant event of a domain: ``mark(scope)`` with scope 'global', 'process', 'thread', 'task' or 'marker'."""

    def __init__(self, domain, name):
        self.domain = domain
        self.name = name

    def mark(self, scope='process'):
        if scope not in ('global', 'process', 'thread', 'task', 'marker'):
            raise MXNetError('Marker.mark: unknown scope %r' % (scope,))
        _record({'name': self.name, 'cat': str(self.domain), 'ph': 'i', 'ts': _now_us(), 'pid': _PID,
                 'tid': threading.get_ident(), 's': {'global': 'g', 'process': 'p'}.get(scope, 't')})


_scope_local = threading.local()


@contextlib.contextmanager
def scope(name='<unk>:', append_mode=False):
    """Profiler scope: names recorded inside carry ``name`` as their scope (``append_mode`` nests them)."""
    prev = getattr(_scope_local, 'name', '<unk>:')
    name = name if name.endswith(':') else name + ':'
    _scope_local.name = prev + name if append_mode and prev != '<unk>:' else name
    try:
        yield
    finally:
        _scope_local.name = prev
