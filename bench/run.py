"""Run every bench/bench_*.py in turn with this interpreter, passing the arguments through
(``--quick``, ``--ctx gpu``, ``--ref /tmp/mxnet-ref/bin/python``): ``python bench/run.py --quick``."""
import glob
import os
import subprocess
import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    here = os.path.dirname(os.path.abspath(__file__))
    failed = []
    for script in sorted(glob.glob(os.path.join(here, 'bench_*.py'))):
        print('### %s' % os.path.basename(script), flush=True)
        if subprocess.call([sys.executable, script] + list(argv)) != 0:
            failed.append(os.path.basename(script))
    if failed:
        print('failed: ' + ', '.join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
