"""The ``penalties`` console script and ``python -m penalties``: run :func:`cli.main` in a
process tuned for a short life.

A command starts by creating many objects that live until it ends (modules, classes,
validation schemas). Python's cyclic garbage collector would scan them again and again as
they are created, and once more at exit: about a fifth of a cold ``penalties assess``
(benchmarks/README.md). So while the command runs, a collection starts after
:data:`GC_THRESHOLD` new objects instead of Python's 700 (cycles are still collected, so a
long batch keeps a bounded memory), and at exit the objects left are frozen
(:func:`gc.freeze`) so that the interpreter's shutdown does not scan them. ``atexit``
handlers run and the standard streams are flushed as usual; what the freeze skips is the
final collection of reference cycles, whose ``__del__`` methods Python does not promise
to run at exit anyway (the command leaves no file or transaction to such a method).
"""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys
from pathlib import Path

__all__ = ["GC_THRESHOLD", "main"]

GC_THRESHOLD = 100_000


def main() -> None:
    """Tune the collector, then import and run the command line (tuned first, so that the
    imports of ``cli`` and its libraries run under it too).

    Meant as a process's entry point: the collector stays tuned until the process ends,
    and, as for other Unix commands, a closed pipe on the output ends the process quietly
    (killed by SIGPIPE) rather than with a Python error.
    (Putting Python's threshold back on the way out would set off a collection of the tens
    of thousands of objects created since the last one, the cost this avoids.)
    """
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    atexit.register(gc.freeze)
    if hasattr(signal, "SIGPIPE"):  # a reader that stops early (| head) ends us quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    from cli import main as run

    run()


def _without_working_directory(path: list[str]) -> list[str]:
    """``sys.path`` for ``python -m penalties``, which puts the working directory first:
    without it (as ``python -P`` would do), unless penalties itself lives there (a source
    checkout), so that a ``cli.py`` or other module of someone else's found there cannot
    shadow ours. The ``penalties`` script imports the same modules."""
    if not path or sys.flags.safe_path:
        return path
    home = Path(__file__).resolve().parent.parent
    return path if Path(path[0] or os.curdir).resolve() == home else path[1:]


if __name__ == "__main__":
    sys.path[:] = _without_working_directory(sys.path)
    main()
