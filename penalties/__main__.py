"""The ``penalties`` console script and ``python -m penalties``: run :func:`cli.main` in a
process tuned for a short life.

A command starts by creating many objects that live until it ends (modules, classes,
validation schemas). Python's cyclic garbage collector would scan them again and again as
they are created, and once more at exit: about a fifth of a cold ``penalties assess``
(benchmarks/README.md). So while the command runs, a collection starts after
:data:`GC_THRESHOLD` new objects instead of Python's 700 (cycles are still collected, so a
long batch keeps a bounded memory), and at exit the objects left are frozen
(:func:`gc.freeze`) so that the interpreter's shutdown does not scan them. Nothing else
changes: ``atexit`` handlers run and the standard streams are flushed as usual.
"""

from __future__ import annotations

import atexit
import gc

__all__ = ["GC_THRESHOLD", "main"]

GC_THRESHOLD = 100_000


def main() -> None:
    """Tune the collector, then import and run the command line (tuned first, so that the
    imports of ``cli`` and its libraries run under it too).

    Meant as a process's entry point: the collector stays tuned until the process ends.
    (Restoring Python's threshold on the way out would set off a full collection of
    everything the command created, the cost this avoids.)
    """
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    atexit.register(gc.freeze)
    from cli import main as run

    run()


if __name__ == "__main__":
    main()
