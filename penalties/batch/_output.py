"""Where a batch writes, and the promise that it never writes over what it reads.

A batch's input and output are compared by what they are, the device and inode of the
regular file behind each (:func:`same_file`): a path, a hard or symbolic link to it, and
standard input or output redirected from or to it are the same file, whichever of them is
``-``. Two terminals, pipes or devices are never "the same file" (``penalties batch - -o -``
at a terminal reads and writes the terminal).

:class:`Output` writes a regular (or new) output file to a temporary file beside it
(``.NAME.XXXXXXXX.tmp``, made as any new file is, with the permissions the umask leaves)
and renames it into place when the run ends well (:meth:`Output.commit`), so the file at
``NAME`` is complete or as it was before. A run that ends early (:meth:`Output.abort`)
keeps the rows written so far, whole rows only, as ``NAME.partial``, or removes the
temporary file when it holds no row or cannot be trusted (a failed write). A symbolic link
``NAME`` is written through: the file it points to is replaced. Standard output, devices
(``/dev/null``, ``/dev/full``) and pipes are written as the run goes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from typing import IO, BinaryIO

from penalties._errors import FileUnavailable, InvalidInput

__all__ = ["PARTIAL", "Output", "file_of", "refuse_the_same", "same_file"]

#: The suffix of the rows an unfinished run wrote (``results.csv.partial``).
PARTIAL = ".partial"
#: What the identity of a file is: its device and inode.
Identity = tuple[int, int]


def file_of(name: str, stream: IO[str] | None = None) -> Identity | None:
    """The device and inode of the regular file behind ``stream`` (its open file), else
    behind the batch file ``name`` (``-`` without a stream: none), or ``None`` (no such
    file yet, a terminal, a pipe, a device, a stream without a file)."""
    try:
        if stream is not None:
            found = os.fstat(stream.fileno())
        elif name != "-":
            found = os.stat(name)
        else:
            return None
    except (OSError, ValueError, AttributeError):
        return None
    return (found.st_dev, found.st_ino) if stat.S_ISREG(found.st_mode) else None


def same_file(cases: Identity | None, target: str) -> bool:
    """Whether the output ``target`` (``-``: standard output) is the input file whose
    identity is ``cases``."""
    return cases is not None and file_of(target, sys.stdout if target == "-" else None) == cases


def refuse_the_same(source: str, cases: Identity | None, target: str) -> None:
    """Refuse a run whose output, or standard error, is its input (``cases``: the input's
    identity): the messages about its rows would become rows."""
    if cases is not None and file_of("-", sys.stderr) == cases:
        raise InvalidInput("standard error", f"is the input file {source}: the batch would "
                           "read its own messages as cases", "standard error sent elsewhere")
    if not same_file(cases, target):
        return
    if target == "-":
        what = ("standard output and standard input are one file" if source == "-"
                else f"standard output is the input file {source}")
        raise InvalidInput("--output", f"{what}: the batch would read its own results, or "
                           "write them over the cases",
                           "another file, or standard output sent elsewhere")
    where = ("; standard input is read from it" if source == "-" else
             "" if os.path.normpath(source) == os.path.normpath(target) else f" ({source})")
    raise InvalidInput("--output", f"{target} is the input file{where}; the results would "
                       "overwrite the cases", "another file, or - for standard output")


class Output:
    """The output of a batch, opened at its first :meth:`write`; ``header``: its first
    write is a header, not a row. ``cases`` is the identity of the input, never replaced
    by a ``.partial`` file."""

    def __init__(self, target: str, *, header: bool, cases: Identity | None = None) -> None:
        self.target = target
        self.standard = target == "-"
        self.cases = cases
        self.header = header
        self.file: BinaryIO | None = None
        self.temporary: str | None = None
        #: Whether the output is a device or a pipe, written directly.
        self.direct = False
        self.final = target
        #: The bytes and writes accepted so far (a write is a row, or a chunk of rows), and
        #: the bytes of the write under way.
        self.size = self.writes = self.pending = 0
        #: Why the output could not be written to the end, when an early end found it out.
        self.lost: str | None = None
        #: Why the rows written were not kept, when they could have been.
        self.dropped: str | None = None

    @property
    def rows(self) -> bool:
        """Whether a row has been written."""
        return self.writes > self.header

    @property
    def streamed(self) -> bool:
        """Whether the output is written as the run goes (standard output, a device)."""
        return self.standard or self.direct

    def write(self, text: str) -> int:
        """Write ``text`` (one or more whole rows, or the header)."""
        if not text:
            return 0
        if self.standard:
            try:
                sys.stdout.write(text)
            except BrokenPipeError:
                raise
            except OSError as exc:
                raise self._failed(exc) from None
            self.writes += 1
        else:
            data = text.encode("utf-8")
            self.pending = len(data)  # (a write that returns but is not yet counted: abort)
            try:
                (self.file or self._open()).write(data)
            except OSError as exc:
                raise self._failed(exc) from None
            self.writes += 1
            self.size += self.pending
            self.pending = 0
        return len(text)

    def commit(self) -> None:
        """End a run that went well: the output complete, in place (an empty file for a run
        that wrote nothing)."""
        try:
            if self.standard:
                sys.stdout.flush()
                return
            file = self.file or self._open()
            file.close()
            if self.temporary is not None:
                os.replace(self.temporary, self.final)
                self.temporary = None
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def abort(self) -> str | None:
        """End a run that did not go well: where the rows written so far are kept
        (``NAME.partial``), or ``None`` (none kept: none written, or written as the run
        went; :attr:`lost` says why when the last of them could not be written)."""
        if self.standard:
            with contextlib.suppress(OSError, ValueError):
                sys.stdout.flush()
            return None
        if self.file is None:
            return None
        trusted = True
        try:
            self.file.flush()
            if self.temporary is not None:
                if self.pending and os.fstat(self.file.fileno()).st_size >= (
                        self.size + self.pending):  # the last write was done, not counted
                    self.size, self.writes, self.pending = (
                        self.size + self.pending, self.writes + 1, 0)
                self.file.truncate(self.size)  # whole rows: not a write that was cut short
        except OSError as exc:
            trusted, self.lost = False, exc.strerror or str(exc)
        except ValueError:  # closed by a write that failed
            trusted = False
        with contextlib.suppress(OSError, ValueError):
            self.file.close()
        temporary, self.temporary = self.temporary, None
        if temporary is None:
            return None
        partial = self.final + PARTIAL
        if trusted and self.rows:
            if self.cases is not None and file_of(partial) == self.cases:
                self.dropped = f"{partial} is the input"
            else:
                try:
                    os.replace(temporary, partial)
                    return partial
                except OSError as exc:
                    self.dropped = f"{partial} cannot be written: {exc.strerror or exc}"
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return None

    def _open(self) -> BinaryIO:
        """Open the output at its first write: a temporary file beside a regular (or new)
        file, else the file itself (a device, a pipe)."""
        final = os.path.realpath(self.target) if os.path.islink(self.target) else self.target
        try:
            found = os.stat(final)
        except FileNotFoundError:
            found = None
        except OSError as exc:
            raise self._failed(exc, opening=True) from None
        if found is not None and stat.S_ISDIR(found.st_mode):
            raise FileUnavailable(f"{self.target}: is a directory")
        try:
            if found is not None and not stat.S_ISREG(found.st_mode):
                self.file = open(final, "wb")  # noqa: SIM115 - closed by commit or abort
                self.direct = True
                return self.file
            folder, name = os.path.split(final)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL  # (and not inherited, PEP 446)
            for attempt in range(8):
                temporary = os.path.join(folder, f".{name[:200]}.{secrets.token_hex(4)}.tmp")
                try:
                    number = os.open(temporary, flags, 0o666)
                    break
                except FileExistsError:
                    if attempt == 7:
                        raise
            self.temporary, self.final = temporary, final
            if found is not None:
                _keep_access(number, found)
            self.file = os.fdopen(number, "wb")
        except OSError as exc:
            raise self._failed(exc, opening=True) from None
        return self.file

    def _failed(self, exc: OSError, *, opening: bool = False) -> FileUnavailable:
        """The error of a write (or an open) that failed; the temporary file, which cannot
        be trusted, is removed."""
        where = "standard output" if self.target == "-" else self.target
        problem = exc.strerror or str(exc)
        if opening:
            return FileUnavailable(f"{where}: {problem}")
        if self.temporary is not None and self.file is not None:
            with contextlib.suppress(OSError, ValueError):
                self.file.close()
            with contextlib.suppress(OSError):
                os.unlink(self.temporary)
            self.temporary = None
            return FileUnavailable(f"{where}: cannot be written: {problem}; no rows were kept")
        return FileUnavailable(f"{where}: cannot be written: {problem}")


def _keep_access(descriptor: int, old: os.stat_result) -> None:
    """Give the new file (open on ``descriptor``) the permissions and group of the file it
    replaces, so that results written over private results stay private (the owner is the
    process's: another user's file is not ours to recreate)."""
    with contextlib.suppress(OSError):
        os.fchmod(descriptor, stat.S_IMODE(old.st_mode))
    with contextlib.suppress(OSError, AttributeError):
        if os.fstat(descriptor).st_gid != old.st_gid:
            os.fchown(descriptor, -1, old.st_gid)
