"""Recording and training-mode state (``mx.autograd``)."""
import threading

__all__ = ['is_recording', 'is_training', 'set_recording', 'set_training', 'record', 'pause',
           'train_mode', 'predict_mode']

_state = threading.local()


def is_recording():
    return getattr(_state, 'recording', False)


def is_training():
    """Whether operators run in training mode (Dropout drops, BatchNorm uses batch statistics)."""
    return getattr(_state, 'training', False)


def set_recording(flag):
    prev = is_recording()
    _state.recording = bool(flag)
    return prev


def set_training(flag):
    prev = is_training()
    _state.training = bool(flag)
    return prev


class _Scope:
    def __init__(self, recording, training):
        self._rec, self._train = recording, training
        self._prev = None

    def __enter__(self):
        self._prev = (set_recording(self._rec) if self._rec is not None else None,
                      set_training(self._train) if self._train is not None else None)
        return self

    def __exit__(self, *exc):
        if self._rec is not None:
            set_recording(self._prev[0])
        if self._train is not None:
            set_training(self._prev[1])


def record(train_mode=True):
    return _Scope(True, train_mode)


def pause(train_mode=False):
    return _Scope(False, train_mode)


def train_mode():
    return _Scope(None, True)


def predict_mode():
    return _Scope(None, False)
