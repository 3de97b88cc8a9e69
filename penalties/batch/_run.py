"""A batch run from one file (or standard input) to another: what ``penalties batch`` does.

CSV to CSV goes by columns (:mod:`penalties.batch._table`); any other pair row by row
(:func:`~penalties.batch._rows.assess_many` with :mod:`penalties.batch._files`). Text is
UTF-8 (a byte order mark at the start of an input, as spreadsheets write, is skipped). The
output file is created only when its first line is written, so a run refused before any
result (a bad header, an unknown provision) leaves it as it was, and never over the input.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING

from penalties._errors import FileUnavailable, InvalidInput

if TYPE_CHECKING:
    from penalties.statutes._catalog import Catalog

__all__ = ["FORMATS", "BatchFiles", "file_format", "run_batch"]

#: The file formats of a batch.
FORMATS = ("csv", "jsonl")
#: Reports progress: rows done, bytes of the input read (``None``: not known).
Progress = Callable[[int, int | None], None]
#: Told of each row in error: its number and the reason; it may stop the run by raising.
RowError = Callable[[int, str], None]


def file_format(given: str | None, path: str, option: str) -> str:
    """The format of a batch file: ``given``, else the file's extension, else ``csv``."""
    chosen = (given or (path.rsplit(".", 1)[-1] if "." in path else "csv")).lower()
    if chosen not in FORMATS:
        raise InvalidInput(option, f"unknown file format {chosen!r}", ", ".join(FORMATS))
    return chosen


@dataclass(frozen=True, slots=True)
class BatchFiles:
    """Where a batch reads and writes (``-``: standard input or output) and in which
    formats."""

    source: str
    target: str
    source_format: str
    target_format: str

    @classmethod
    def of(cls, source: str, target: str, source_format: str | None = None,
           target_format: str | None = None) -> BatchFiles:
        """Check the formats and refuse to write the results over the cases."""
        files = cls(source, target, file_format(source_format, source, "--input-format"),
                    file_format(target_format, target, "--output-format"))
        _check_not_the_same(source, target)
        return files

    def size(self) -> int | None:
        """The size of the input if it is a regular file (standard input too, when
        redirected from one), else ``None`` (a pipe, a terminal)."""
        try:
            found = (os.stat(self.source) if self.source != "-"
                     else os.fstat(sys.stdin.fileno()))
        except (OSError, ValueError):
            return None  # opening it reports the problem
        return found.st_size if stat.S_ISREG(found.st_mode) else None


def run_batch(files: BatchFiles, provision: str, *, catalog: Catalog | None = None,
              to: str | None = None, rate_date: date | None = None,
              rate_source: str | None = None, stop_at_error: bool = True,
              on_error: RowError | None = None, progress: Progress | None = None) -> int:
    """Assess the cases of ``files.source`` into ``files.target``; return the number of
    rows in error. Each row in error is told to ``on_error``; with ``stop_at_error`` the
    rows after the first are not written."""
    from penalties.batch._files import read_cases, write_csv, write_jsonl
    from penalties.batch._rows import assess_many
    from penalties.batch._streams import csv_to_csv

    tick = progress or (lambda rows, read: None)
    failures = 0
    try:
        with _open(files.source, "r") as source, _open(files.target, "w") as sink:
            if files.source_format == files.target_format == "csv":
                for done, errors in csv_to_csv(source, sink, provision, catalog=catalog, to=to,
                                               rate_date=rate_date, rate_source=rate_source,
                                               stop_at_error=stop_at_error):
                    tick(done, _read_so_far(source))
                    for row, error in errors:
                        failures += 1
                        if on_error is not None:
                            on_error(row, error)
                return failures
            vocabulary = None if catalog is None else catalog.get(provision).vocabulary
            results = assess_many(read_cases(source, files.source_format, vocabulary),
                                  provision, catalog=catalog, to=to, rate_date=rate_date,
                                  rate_source=rate_source)
            writer = write_csv if files.target_format == "csv" else write_jsonl
            count = 0
            for count, result in enumerate(writer(results, sink), start=1):
                if count % 10_000 == 0:
                    tick(count, _read_so_far(source))
                if result.error is not None:
                    failures += 1
                    if on_error is not None:
                        on_error(result.row, result.error)
                    if stop_at_error:
                        break
            tick(count, _read_so_far(source))
    except csv.Error as exc:
        raise InvalidInput(files.source, f"not a CSV file this program can read ({exc}); "
                           "the rows before the problem were written") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput(files.source, f"not UTF-8 text ({exc.reason}); the rows before "
                           "the problem were written") from None
    return failures


@contextmanager
def _open(path: str, mode: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdin if mode == "r" else sys.stdout
        return
    if mode == "w":
        with _Output(path) as output:
            yield output  # type: ignore[misc]  # all the writers use of an IO is write()
        return
    with _opened(path, mode) as stream:
        yield stream


def _opened(path: str, mode: str) -> IO[str]:
    try:
        return open(path, mode, encoding="utf-8-sig" if mode == "r" else "utf-8",
                    newline="")
    except OSError as exc:
        raise FileUnavailable(f"{path}: {exc.strerror}") from None


class _Output:
    """A batch output file, opened for writing at its first ``write``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.stream: IO[str] | None = None

    def write(self, text: str) -> int:
        if self.stream is None:
            self.stream = _opened(self.path, "w")
        return self.stream.write(text)

    def __enter__(self) -> _Output:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.stream is not None:
            self.stream.close()


def _check_not_the_same(source: str, target: str) -> None:
    """Refuse to write the results over the cases."""
    try:
        same = "-" not in (source, target) and os.path.samefile(source, target)
    except OSError:
        return  # one of them does not exist (yet): opening it says so if it matters
    if same:
        raise InvalidInput("--output", f"{target} is the input file; the results would "
                           "overwrite the cases", "another file, or - for standard output")


def _read_so_far(stream: IO[str]) -> int | None:
    """How many bytes of ``stream``'s file have been read (read ahead by at most a buffer),
    or ``None`` when that cannot be told."""
    try:
        return stream.buffer.tell() if isinstance(stream, io.TextIOWrapper) else None
    except (OSError, ValueError):
        return None
