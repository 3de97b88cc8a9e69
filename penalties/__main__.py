"""The ``penalties`` console script and ``python -m penalties``: run the command line in a
process tuned for a short life.

The command line is ``cli.py`` at the root of the repository, shipped inside the package as
``penalties/_cli.py`` (hatchling ``force-include``), so that no module named ``cli`` is
installed. In a source checkout or an editable install, where ``penalties/_cli.py`` does not
exist, :func:`command_line` loads ``cli.py`` from beside the package under that same name.
This launcher is the only module of the package that runs the command line; the library
never imports it.

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
import importlib
import importlib.util
import os
import signal
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["GC_THRESHOLD", "command_line", "main"]

GC_THRESHOLD = 100_000
_NAME = "penalties._cli"


def command_line() -> ModuleType:
    """The command-line module: ``penalties._cli`` when installed from a wheel, else
    ``cli.py`` beside the package (a source checkout), loaded as ``penalties._cli``."""
    try:
        return importlib.import_module(_NAME)
    except ModuleNotFoundError as exc:
        if exc.name != _NAME:
            raise
    path = Path(__file__).resolve().parent.parent / "cli.py"
    spec = importlib.util.spec_from_file_location(_NAME, path)
    if spec is None or spec.loader is None:  # pragma: no cover - the checkout has cli.py
        raise ModuleNotFoundError(f"no command line at {path}", name=_NAME)
    module = importlib.util.module_from_spec(spec)
    sys.modules[_NAME] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    """Tune the collector, then import and run the command line (tuned first, so that the
    imports of the command line and its libraries run under it too).

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
    command_line().main()


def _without_working_directory(path: list[str]) -> list[str]:
    """``sys.path`` for ``python -m penalties``, which puts the working directory first:
    without it (as ``python -P`` would do), unless penalties itself lives there (a source
    checkout), so that modules of someone else's found there cannot shadow ours. The
    ``penalties`` script imports the same modules."""
    if not path or sys.flags.safe_path:
        return path
    home = Path(__file__).resolve().parent.parent
    return path if Path(path[0] or os.curdir).resolve() == home else path[1:]


if __name__ == "__main__":
    sys.path[:] = _without_working_directory(sys.path)
    main()
