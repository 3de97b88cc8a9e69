"""The process around a long command: SIGTERM ended like Ctrl-C, and a closed standard
output left quietly.

A batch interrupted by SIGINT (Python's :class:`KeyboardInterrupt`) or SIGTERM ends the same
way: the exception unwinds through the batch, which keeps the rows done as ``NAME.partial``
(:mod:`penalties.batch._output`), and the command line reports it with 128 + the signal's
number (130, 143), as a shell reports a command a signal ended.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

__all__ = ["Terminated", "quiet_standard_output", "terminated_as_an_exception"]


class Terminated(BaseException):
    """SIGTERM, raised where the program is (a :class:`BaseException`, like
    :class:`KeyboardInterrupt`, so that no ``except Exception`` swallows it)."""


@contextlib.contextmanager
def terminated_as_an_exception() -> Iterator[None]:
    """While the block runs in the main thread, SIGTERM raises :class:`Terminated` (unless
    the process ignores SIGTERM or handles it itself: then nothing changes)."""
    import signal
    import threading

    def terminated(number: int, frame: object) -> None:
        raise Terminated

    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL):
        yield
        return
    signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def quiet_standard_output() -> None:
    """Point standard output at the null device, so that nothing more is written to a closed
    pipe (not even the interpreter's last flush)."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
