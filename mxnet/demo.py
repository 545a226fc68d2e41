"""The main demo: runs the NDArray part of the tutorial and prints its results."""


def main():
    import numpy as np
    import mxnet as mx
    a = mx.nd.array(np.arange(15).reshape(3, 5))
    print({'a.shape': a.shape})


if __name__ == '__main__':
    main()
