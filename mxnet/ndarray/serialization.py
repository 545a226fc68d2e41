"""``mx.nd.save`` / ``mx.nd.load`` in MXNet's binary format (to be written)."""


def save(fname, data):
    raise NotImplementedError


def load(fname):
    raise NotImplementedError


def load_frombuffer(buf):
    raise NotImplementedError
