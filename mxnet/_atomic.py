"""Atomic file writes for everything the package saves (arrays, symbols, checkpoints, optimizer states).

A file is written to ``<name>.tmp<pid>.<n>`` in the same directory and renamed over ``<name>``, so a reader
never sees a torn file and a failed write leaves the old file intact. Temporaries left by writers that were
killed before their rename (their pid no longer alive) are removed by the next write of the same name.
"""
import itertools
import os
import re

__all__ = ['write']

_counter = itertools.count()


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _remove_stale_temps(path):
    directory, base = os.path.split(os.path.abspath(path))
    pattern = re.compile(re.escape(base) + r'\.tmp(\d+)(?:\.\d+)?$')
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for n in names:
        m = pattern.match(n)
        if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
            try:
                os.remove(os.path.join(directory, n))
            except OSError:
                pass


def _umask():
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write(path, data):
    """Write ``data`` -- str (UTF-8), bytes-like, or a list of bytes-like chunks -- to ``path`` atomically.
    A path naming a device or FIFO (which cannot be replaced) is written through."""
    path = os.fspath(path)
    chunks = [data.encode('utf-8')] if isinstance(data, str) else (
        [data] if isinstance(data, (bytes, bytearray, memoryview)) else data)
    if os.path.exists(path) and not os.path.isfile(path):
        with open(path, 'wb') as f:
            for c in chunks:
                f.write(c)
        return
    _remove_stale_temps(path)
    tmp = '%s.tmp%d.%d' % (path, os.getpid(), next(_counter))
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~_umask())
        with os.fdopen(fd, 'wb') as f:
            for c in chunks:
                f.write(c)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
