"""What a batch input is, told from its first lines: JSON Lines or CSV, and which character
separates a CSV file's fields.

Only a bounded sample is looked at (:data:`SAMPLE_LINES` lines, at most
:data:`SAMPLE_CHARS` characters) and given back (:class:`Peeked`), so standard input is
read once and nothing is held beyond the sample. The answers depend on the sample alone:

- the input is JSON Lines when its first character that is not white space is ``{``
  (a CSV header never starts so), else CSV;
- a CSV file's delimiter is ``,``, ``;`` or a tab: the one that splits the header into
  the most columns named after facts or ``id`` (or nearly: a misspelt fact counts, so that
  the header's own check can say "did you mean"); between equals, the one that splits
  every row of the sample into as many fields as the header, then the one that gives the
  most columns, then ``,`` before ``;`` before tab. When no delimiter gives a column named
  after a fact, or two still tie with more than one column each, the delimiter cannot be
  told: an :class:`~penalties._errors.InvalidInput` says how to give it (``--delimiter``).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Protocol

from penalties._errors import InvalidInput
from penalties.batch._header import fold, near_fact

if TYPE_CHECKING:
    from penalties._vocabulary import Vocabulary

__all__ = ["DELIMITERS", "SAMPLE_CHARS", "SAMPLE_LINES", "Peeked", "Rows", "delimiter_of",
           "detect_delimiter", "detect_format", "open_csv"]

#: Lines of the input looked at to tell its format and delimiter.
SAMPLE_LINES = 50
#: Most characters looked at.
SAMPLE_CHARS = 65_536
#: The delimiters told apart, in the order ties go, and their names.
DELIMITERS = {",": "','", ";": "';'", "\t": "tab"}


class Rows(Protocol):
    """A ``csv`` reader: rows of cells, and the number of the line read last."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


class Peeked:
    """A text stream whose first lines have been read to look at them (:attr:`sample`),
    then given back: read by lines (:meth:`readline`, or iterated, as ``csv`` reads), it
    gives the sample then the rest of the stream, exactly as the stream would have."""

    def __init__(self, stream: IO[str] | Peeked) -> None:
        self.stream = stream
        lines: list[str] = []
        size = 0
        while len(lines) < SAMPLE_LINES and size < SAMPLE_CHARS:
            line = stream.readline(SAMPLE_CHARS - size)
            if not line:
                break
            lines.append(line)
            size += len(line)
        #: The sample, and whether it is the whole input.
        self.sample = "".join(lines)
        self.whole = len(lines) < SAMPLE_LINES and size < SAMPLE_CHARS
        self._pending = lines[::-1]

    def readline(self, size: int = -1) -> str:
        """The next line (at most ``size`` characters of it), as ``stream.readline``."""
        pending = self._pending
        if not pending:
            return self.stream.readline(size)
        piece = pending.pop()
        if 0 <= size < len(piece):
            pending.append(piece[size:])
            return piece[:size]
        if piece.endswith(("\n", "\r")) or pending:
            return piece
        return piece + self.stream.readline(-1 if size < 0 else size - len(piece))

    def __iter__(self) -> Iterator[str]:
        """The lines not read yet: the rest of the sample, then the stream's own lines (as
        fast as iterating the stream)."""
        pending = self._pending
        if pending and not pending[0].endswith(("\n", "\r")):
            pending[0] += self.stream.readline()  # the sample's last line, cut short
        lines = pending[::-1]
        pending.clear()
        return itertools.chain(lines, self.stream)


def detect_format(peeked: Peeked) -> str:
    """``jsonl`` when the input's first character that is not white space is ``{``, else
    ``csv``."""
    return "jsonl" if peeked.sample.lstrip().startswith("{") else "csv"


def delimiter_of(given: str | None) -> str | None:
    """The delimiter an option gives (``tab`` or ``\\t`` for a tab), checked; ``None``
    when none is given (it is then detected)."""
    if given is None:
        return None
    found = "\t" if given.lower() in ("tab", "\\t") else given
    if len(found) != 1 or found in "\"\r\n" or found.isalnum():
        raise InvalidInput("--delimiter", f"{given!r} cannot separate fields",
                           "one character such as ',', ';' or tab")
    return found


def detect_delimiter(peeked: Peeked, vocabulary: Vocabulary | None = None) -> str:
    """The delimiter of a CSV sample (see the module's docstring)."""
    if vocabulary is None:
        from penalties._vocabulary import builtin_vocabulary

        vocabulary = builtin_vocabulary()
    known = {fold(name) for name in ("id", *vocabulary.names())}
    scores: dict[str, tuple[int, bool, int]] = {}
    for delimiter in DELIMITERS:
        try:
            records = [r for r in csv.reader(io.StringIO(peeked.sample), delimiter=delimiter)
                       if r]
        except csv.Error:
            continue
        if not records:
            return ","
        if not peeked.whole and len(records) > 1:
            records.pop()  # (it may be cut short)
        header, rows = records[0], records[1:]
        named = sum(fold(cell) in known or near_fact(cell, vocabulary) is not None
                    for cell in header[:1000])
        scores[delimiter] = (named, all(len(row) == len(header) for row in rows), len(header))
    if not scores:
        return ","
    ranked = sorted(scores, key=lambda d: scores[d], reverse=True)  # (stable: the order)
    best = ranked[0]
    if scores[best][0] == 0:
        raise InvalidInput("delimiter", "no column of the header names a fact, whether the "
                           "fields are separated by ',', ';' or tabs", "--delimiter CHAR to "
                           "say which character separates them, and a header naming "
                           "offender and other facts")
    if len(ranked) > 1 and scores[ranked[1]] == scores[best] and scores[best][2] > 1:
        raise InvalidInput("delimiter", f"the first lines split into as many columns with "
                           f"{DELIMITERS[best]} as with {DELIMITERS[ranked[1]]}",
                           "--delimiter ',' or ';' or tab, to say which separates the fields")
    return best


def open_csv(stream: IO[str] | Peeked, delimiter: str | None = None,
             vocabulary: Vocabulary | None = None) -> tuple[Rows, IO[str] | Peeked]:
    """A ``csv`` reader of ``stream`` with ``delimiter`` (detected from the first lines
    when ``None``), and the stream it reads (``stream``, or a :class:`Peeked` of it)."""
    if delimiter is None:
        stream = Peeked(stream)
        delimiter = detect_delimiter(stream, vocabulary)
    return csv.reader(stream, delimiter=delimiter), stream
