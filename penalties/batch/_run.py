"""A batch run from one file (or standard input) to another: what ``penalties batch`` does.

CSV to CSV goes by columns (:mod:`penalties.batch._table`); any other pair row by row
(:func:`~penalties.batch._rows.assess_many` with :mod:`penalties.batch._files`). Text is
UTF-8 (a byte order mark at the start of an input, as spreadsheets write, is skipped; a
row holding bytes that are not UTF-8 is a row in error). An input whose format is not
given (nor named by a ``.jsonl`` extension) is JSON Lines when its first character that is
not white space is ``{``, else CSV, whose delimiter is detected unless given
(:mod:`penalties.batch._sniff`).

The output never replaces the input: the two are compared by the files they are, paths and
standard streams alike (:mod:`penalties.batch._output`). A regular output file is written
beside itself and renamed into place when the run ends well, so a run refused before any
result (a bad header, an unknown provision) leaves it as it was, and a run that ends early
(its first invalid row without ``--skip-invalid``, a CSV file that cannot be parsed
further, an interruption) leaves it as it was too, with the rows written so far in
``NAME.partial``. Errors say where the rows are; an interruption carries it as a note
(``exc.__notes__``).
"""

from __future__ import annotations

import csv
import io
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from penalties._errors import FileUnavailable, InvalidFacts, InvalidInput
from penalties.batch._input import opened_input
from penalties.batch._output import Output, file_of, refuse_the_same

if TYPE_CHECKING:
    from penalties.batch._rows import Assessor, BatchResult
    from penalties.statutes._catalog import Catalog
    from rates.model import Rate

__all__ = ["FORMATS", "BatchFiles", "file_format", "input_format", "run_batch"]

#: The file formats of a batch.
FORMATS = ("csv", "jsonl")
#: Reports progress: rows done, bytes of the input read (``None``: not known).
Progress = Callable[[int, int | None], None]
#: Told of each row in error: its number and the reason; it may stop the run by raising.
RowError = Callable[[int, str], None]


#: Input extensions whose format is told from the content (CSV, or JSON Lines if it starts
#: with ``{``), and those that are JSON Lines.
_SNIFFED, _JSON_LINES = ("csv", "tsv", "txt"), ("jsonl", "ndjson")


def file_format(given: str | None, path: str, option: str) -> str:
    """The format of a batch file: ``given``, else the file's extension, else ``csv``."""
    chosen = (given or (path.rsplit(".", 1)[-1] if "." in path else "csv")).lower()
    if chosen not in FORMATS:
        raise InvalidInput(option, f"unknown file format {chosen!r}", ", ".join(FORMATS))
    return chosen


def input_format(given: str | None, path: str) -> str | None:
    """The format of a batch input: ``given``, ``jsonl`` for a ``.jsonl`` (or ``.ndjson``)
    file, else ``None``: told from its first character (``.csv``, ``.tsv``, ``.txt``, no
    extension, standard input)."""
    if given is not None:
        return file_format(given, path, "--input-format")
    extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    if extension in _JSON_LINES:
        return "jsonl"
    if extension and extension not in _SNIFFED:
        raise InvalidInput("--input-format", f"unknown file format {extension!r}",
                           f"{', '.join(FORMATS)} (files named .csv, .tsv, .txt or .jsonl)")
    return None


@dataclass(frozen=True, slots=True)
class BatchFiles:
    """Where a batch reads and writes (``-``: standard input or output) and in which
    formats (``source_format`` ``None``: told from the input's first character)."""

    source: str
    target: str
    source_format: str | None
    target_format: str

    @classmethod
    def of(cls, source: str, target: str, source_format: str | None = None,
           target_format: str | None = None) -> BatchFiles:
        """Check the formats and refuse to write the results over the cases."""
        files = cls(source, target, input_format(source_format, source),
                    file_format(target_format, target, "--output-format"))
        refuse_the_same(source, file_of(source, sys.stdin if source == "-" else None), target)
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
              on_error: RowError | None = None, progress: Progress | None = None,
              on_stale: Callable[[Rate], None] | None = None, delimiter: str | None = None,
              strict_columns: bool = False, on_note: Callable[[str], None] | None = None,
              decimal_mark: str | None = None, input_rate_date: date | None = None,
              escape_formulas: bool = False) -> int:
    """Assess the cases of ``files.source`` into ``files.target``; return the number of
    rows in error. Each row in error is told to ``on_error``. With ``stop_at_error`` the
    first row in error ends the run: an :class:`~penalties._errors.InvalidFacts` naming it
    and saying where the rows before it are. ``delimiter`` separates a CSV input's fields
    (``None``: detected); with ``strict_columns`` a CSV column that is not a fact is
    refused, else it is carried through to the output and ``on_note`` is told so once;
    ``decimal_mark`` is that of a CSV input's amounts (``None``: a comma when the fields are
    separated by ``;``, else a point; :mod:`penalties.batch._decimal`); ``input_rate_date``
    dates the rate of amounts given in another currency than the law's (``None``: each
    case's offence date); with ``escape_formulas``, a cell of a CSV output that a
    spreadsheet would run as a formula is written behind an apostrophe
    (:mod:`penalties.batch._formulas`; ``on_note`` is told when the output is JSON Lines,
    which has no formulas).

    The run is refused (:class:`~penalties._errors.InvalidInput`) when the output is the
    input file. An output file is in place, complete, only when the function returns.
    """
    with opened_input(files.source) as source:
        cases = file_of(files.source, source)  # the file opened
        refuse_the_same(files.source, cases, files.target)
        output = Output(files.target, header=files.target_format == "csv", cases=cases)
        run = _Run(files, output, stop_at_error, on_error, progress)
        run.on_stale, run.on_note = on_stale, on_note
        run.delimiter, run.strict_columns = delimiter, strict_columns
        run.decimal_mark, run.escape_formulas = decimal_mark, escape_formulas
        if escape_formulas and files.target_format != "csv" and on_note is not None:
            on_note("--escape-formulas is not used: the output is JSON Lines, which a "
                    "spreadsheet does not run")
        try:
            run.assess(source, provision, catalog=catalog, to=to, rate_date=rate_date,
                       rate_source=rate_source, input_rate_date=input_rate_date)
        except csv.Error as exc:
            raise InvalidInput(run.source, f"not a CSV file this program can read ({exc}); "
                               f"{run.where(output.abort(), True)}") from None
        except UnicodeDecodeError as exc:  # standard input that is not a file of bytes
            raise InvalidInput(run.source, f"not UTF-8 text ({exc.reason}); "
                               f"{run.where(output.abort(), True)}") from None
        except FileUnavailable:
            output.abort()  # (its message says what became of the output)
            raise
        except BaseException as exc:
            kept = run.where(output.abort(), False)
            if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
                # the output's own errors are FileUnavailable: reading the input failed
                raise FileUnavailable(f"{run.source}: cannot be read: "
                                      f"{exc.strerror or exc}; {kept}") from None
            exc.add_note(kept)
            raise
        if run.stopped is not None:
            row, error = run.stopped
            raise InvalidFacts(f"row {row}", f"{error} ({run.where(output.abort(), True)}; "
                               "--skip-invalid goes on past invalid rows)")
        output.commit()
    return run.failures


class _Run:
    """One run's rows: counted, told to the caller, stopped at the first error if asked."""

    def __init__(self, files: BatchFiles, output: Output, stop_at_error: bool,
                 on_error: RowError | None, progress: Progress | None) -> None:
        self.on_stale: Callable[[Rate], None] | None = None
        self.on_note: Callable[[str], None] | None = None
        self.delimiter: str | None = None
        self.decimal_mark: str | None = None
        self.escape_formulas = False
        self.strict_columns = False
        self.files = files
        self.source = "standard input" if files.source == "-" else files.source
        self.output = output
        self.stop_at_error = stop_at_error
        self.on_error = on_error
        self.tick = progress or (lambda rows, read: None)
        self.failures = 0
        self.stopped: tuple[int, str] | None = None

    def assess(self, source: IO[str], provision: str, *, catalog: Catalog | None,
               to: str | None, rate_date: date | None, rate_source: str | None,
               input_rate_date: date | None = None) -> None:
        """Assess every row of ``source`` into the output, by columns from CSV to CSV."""
        from penalties.batch._files import read_cases, write_csv, write_jsonl
        from penalties.batch._rows import Assessor
        from penalties.batch._sniff import Peeked, detect_format
        from penalties.batch._streams import csv_to_csv

        files, sink, tick = self.files, self.output, self.tick
        cases: IO[str] | Peeked = source
        kind = files.source_format
        if kind is None:
            cases = Peeked(source)
            kind = detect_format(cases)
        delimiter, strict, on_note = self.delimiter, self.strict_columns, self.on_note
        if kind == files.target_format == "csv":
            for done, errors in csv_to_csv(cases, sink, provision, catalog=catalog, to=to,
                                           rate_date=rate_date, rate_source=rate_source,
                                           stop_at_error=self.stop_at_error,
                                           on_stale=self.on_stale, delimiter=delimiter,
                                           strict_columns=strict, on_note=on_note,
                                           decimal_mark=self.decimal_mark,
                                           input_rate_date=input_rate_date,
                                           escape_formulas=self.escape_formulas):
                tick(done, _read_so_far(source))
                for row, error in errors:
                    self.failed(row, error)
            return
        assessor = Assessor(provision, catalog=catalog, to=to, rate_date=rate_date,
                            rate_source=rate_source, on_stale=self.on_stale,
                            input_rate_date=input_rate_date)
        found = read_cases(cases, kind, assessor.vocabulary, delimiter=delimiter,
                           strict_columns=strict, on_note=on_note,
                           decimal_mark=self.decimal_mark)
        results = self._results(assessor, found)
        written = (write_csv(results, sink, found.carried,
                             escape_formulas=self.escape_formulas)
                   if files.target_format == "csv" else write_jsonl(results, sink))
        count = 0
        for count, _ in enumerate(written, start=1):
            if count % 10_000 == 0:
                tick(count, _read_so_far(source))
        tick(count, _read_so_far(source))
        unused = assessor.unused_input_rate()
        if on_note is not None and unused is not None:
            on_note(unused)

    def _results(self, assessor: Assessor, cases: Iterable[Mapping[str, Any]]
                 ) -> Iterator[BatchResult]:
        """The result of each case, up to the first in error with ``stop_at_error``."""
        one = assessor.one
        for number, case in enumerate(cases, start=1):
            result = one(number, case)
            if result.error is not None:
                self.failed(result.row, result.error)
                if self.stopped is not None:
                    return
            yield result

    def failed(self, row: int, error: str) -> None:
        """A row in error: told, counted, and the end of the run with ``stop_at_error``."""
        self.failures += 1
        if self.on_error is not None:
            self.on_error(row, error)
        if self.stop_at_error:
            self.stopped = (row, error)

    def where(self, kept: str | None, before: bool) -> str:
        """Where the rows written before the end are (``before``: the end is a row or line
        in error; else an interruption)."""
        output, target = self.output, self.files.target
        shown = "standard output" if target == "-" else target
        if kept is not None:
            return (f"the rows {'before it' if before else 'done'} are in {kept}, "
                    f"not in {shown}")
        if output.lost is not None:
            return f"{shown} cannot be written: {output.lost}"
        if output.dropped is not None:
            return f"no rows were kept ({output.dropped})"
        if output.streamed and output.rows:
            return (f"the rows before it were written to {shown}" if before
                    else f"{shown} holds only the rows done")
        return "no rows were written"


def _read_so_far(stream: IO[str]) -> int | None:
    """How many bytes of ``stream``'s file have been read (read ahead by at most a buffer),
    or ``None`` when that cannot be told."""
    try:
        return stream.buffer.tell() if isinstance(stream, io.TextIOWrapper) else None
    except (OSError, ValueError):
        return None
