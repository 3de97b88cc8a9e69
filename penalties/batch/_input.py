"""The input of a batch run opened as UTF-8 text with the batch's error handler, and a
UTF-16 or UTF-32 input refused for its encoding (:func:`~penalties.batch._run.run_batch`)."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import IO

from penalties._errors import FileUnavailable, InvalidInput

__all__ = ["opened_input"]


@contextlib.contextmanager
def opened_input(path: str) -> Iterator[IO[str]]:
    """The input, as UTF-8 text read with the batch's error handler
    (:data:`~penalties.batch._files.UNDECODABLE`); standard input too, when it has bytes."""
    from penalties.batch._files import UNDECODABLE

    if path != "-":
        try:
            stream = open(path, encoding="utf-8-sig", errors=UNDECODABLE,  # noqa: SIM115
                          newline="")
        except OSError as exc:
            raise FileUnavailable(f"{path}: {exc.strerror}") from None
        with stream:
            _utf8_only(stream, path)
            yield stream
        return
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        yield sys.stdin
        return
    wrapped = io.TextIOWrapper(buffer, encoding="utf-8-sig", errors=UNDECODABLE, newline="")
    try:
        _utf8_only(wrapped, "standard input")
        yield wrapped
    finally:
        with contextlib.suppress(ValueError):
            wrapped.detach()  # standard input stays open


def _utf8_only(stream: IO[str], path: str) -> None:
    """Refuse a UTF-16 or UTF-32 input (a spreadsheet's "Unicode text"): read as UTF-8 it is
    a header naming no fact, or rows of noise. Its byte-order mark, or every other one of its
    first bytes NUL (a header of ASCII letters so written), tells it."""
    peek = getattr(getattr(stream, "buffer", None), "peek", None)
    try:
        head = peek(16)[:16] if peek is not None else b""
    except OSError:  # (a directory...): said by the reading itself
        return
    wide = len(head) >= 4 and (not any(head[1::2]) or not any(head[0::2]))
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or wide:
        raise InvalidInput(path, "UTF-16 or UTF-32 text (a spreadsheet's \"Unicode text\"), "
                           "not UTF-8", "UTF-8 text: save the file as CSV UTF-8")
