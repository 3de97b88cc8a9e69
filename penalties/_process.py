"""The process around a long command: SIGTERM ended like Ctrl-C, and a closed standard
output left quietly.

A batch interrupted by SIGINT (Python's :class:`KeyboardInterrupt`), SIGTERM or SIGHUP (the
terminal or the SSH session closed) ends the same way: the exception unwinds through the
batch, which keeps the rows done as ``NAME.partial`` (:mod:`penalties.batch._output`), and
the command line reports it with 128 + the signal's number (130, 143, 129), as a shell
reports a command a signal ended.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

__all__ = ["ENDING_SIGNALS", "Terminated", "ending", "quiet_standard_output",
           "terminated_as_an_exception"]


#: The signals that end a batch as Ctrl-C does, by name (those the platform has).
ENDING_SIGNALS = ("SIGTERM", "SIGHUP")


class Terminated(BaseException):
    """SIGTERM or SIGHUP, raised where the program is (a :class:`BaseException`, like
    :class:`KeyboardInterrupt`, so that no ``except Exception`` swallows it); ``number`` and
    ``name`` are the signal's."""

    def __init__(self, number: int, name: str) -> None:
        super().__init__(name)
        self.number = number
        self.name = name


@contextlib.contextmanager
def terminated_as_an_exception() -> Iterator[None]:
    """While the block runs in the main thread, each of :data:`ENDING_SIGNALS` raises
    :class:`Terminated` (unless the process ignores that signal or handles it itself: then
    nothing changes for it)."""
    import signal
    import threading

    def terminated(number: int, frame: object) -> None:
        raise Terminated(number, signal.Signals(number).name)

    taken = [] if threading.current_thread() is not threading.main_thread() else [
        number for name in ENDING_SIGNALS
        if (number := getattr(signal, name, None)) is not None
        and signal.getsignal(number) is signal.SIG_DFL]
    for number in taken:
        signal.signal(number, terminated)
    try:
        yield
    finally:
        for number in taken:
            signal.signal(number, signal.SIG_DFL)


def quiet_standard_output() -> None:
    """Point standard output at the null device, so that nothing more is written to a closed
    pipe (not even the interpreter's last flush)."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def ending(interruption: BaseException) -> tuple[str, int]:
    """What the command line says of a run that ``interruption`` (:class:`KeyboardInterrupt`
    or :class:`Terminated`) ended, with the notes the run added (where its rows are), and
    its exit code: 128 + the signal's number."""
    said = "".join(f"; {note}" for note in getattr(interruption, "__notes__", ()))
    if isinstance(interruption, Terminated):
        return f"terminated ({interruption.name}){said}", 128 + interruption.number
    import signal

    return f"interrupted{said}", 128 + signal.SIGINT


@contextlib.contextmanager
def warnings_as_lines() -> Iterator[None]:
    """While the block runs, each warning is one line on stderr, ``penalties: warning:
    ...`` (a cache moved aside or kept in memory), not Python's two lines naming a source
    file; the filters (which warnings are shown, and how often) are unchanged."""
    import warnings

    def line(message: Warning | str, category: type[Warning], *args: object,
             **kwargs: object) -> None:
        sys.stderr.write(f"penalties: warning: {message}\n")

    with warnings.catch_warnings():
        warnings.showwarning = line
        yield
