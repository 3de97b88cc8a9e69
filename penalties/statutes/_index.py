"""Which files a catalogue holds, each once, and the names each declares at its top.

A file is known by what it is (its device and inode), not by the path it was found at: a
symlink or a hard link to a file of the directory is that file, read once, under the path
that is not a link where there is one. A symlink leading outside its user directory is
refused (see SECURITY.md); a directory that is missing is an error for the whole catalogue.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from penalties._errors import DuplicateProvision, FieldProblem, StatuteFileError
from penalties.statutes._loader import check_inside, read_limited

__all__ = ["GENERAL_FILE", "Entry", "builtin_directory", "builtin_names", "declared_names",
           "jurisdiction_of", "names_better", "names_in", "owners", "scan", "statute_files"]

#: The name of a jurisdiction's general rules file (never a statute).
GENERAL_FILE = "general.toml"


def builtin_directory() -> Path:
    """Where the statutes shipped with the library live."""
    return Path(str(files("penalties") / "data"))


def statute_files(directory: Path) -> list[Path]:
    """The statute files of a directory, recursively: its TOML files but the facts
    vocabulary (``facts.toml``) and general rules files (``general.toml``)."""
    return [p for p in sorted(directory.rglob("*.toml"))
            if p.name not in ("facts.toml", GENERAL_FILE)]


def names_better(path: Path, other: Path) -> bool:
    """Whether ``path`` should name a file rather than ``other``, a path to the same file:
    the path that is not a symbolic link wins (a report names the file, not a link)."""
    return other.is_symlink() and not path.is_symlink()


@dataclass(frozen=True, slots=True)
class Entry:
    """One file of a catalogue: the path it is read at, its user directory (resolved;
    ``None`` for the built-in one) and its identity (device, inode)."""

    path: Path
    root: Path | None
    identity: tuple[int, int]


def scan(directories: Iterable[tuple[Path, bool]]) -> tuple[list[Entry], list[StatuteFileError]]:
    """The TOML files of ``directories`` (each ``(directory, contained)``: a user directory
    is contained, its files must lie inside it), recursively, in order, each file once; and
    the paths refused (a symlink leading outside, a dangling symlink), each with its error."""
    entries: dict[tuple[int, int], Entry] = {}
    refused: list[StatuteFileError] = []
    seen: set[Path] = set()  # every path found (a directory inside another one given too)
    for directory, contained in directories:
        if not directory.is_dir():
            raise StatuteFileError(str(directory), [FieldProblem("", "not a directory")])
        root = directory.resolve() if contained else None
        for path, identity in _files(directory, root, refused, seen):
            kept = entries.get(identity)
            if kept is None:
                entries[identity] = Entry(path, root, identity)
            elif names_better(path, kept.path):
                entries[identity] = Entry(path, root, identity)  # same place in the order
    return list(entries.values()), refused


def _files(directory: Path, root: Path | None, refused: list[StatuteFileError],
           seen: set[Path]) -> Iterator[tuple[Path, tuple[int, int]]]:
    for path in sorted(directory.rglob("*.toml")):
        where = Path(os.path.abspath(path))  # symlinks kept: a link is a path of its own
        if where in seen:
            continue
        seen.add(where)
        try:
            real = check_inside(path, root)
            found = os.stat(real)
        except StatuteFileError as exc:
            refused.append(exc)
            continue
        except OSError as exc:
            if path.is_symlink():  # a link to nothing
                refused.append(StatuteFileError(str(path), [FieldProblem(
                    "", f"cannot read the file: {exc.strerror} (a symlink to nothing)")]))
            continue
        if stat.S_ISREG(found.st_mode):  # not a directory named like a file, nor a device
            yield path, (found.st_dev, found.st_ino)


def jurisdiction_of(path: Path, root: Path | None) -> str | None:
    """The jurisdiction a file's top line names, read cheaply (``None`` if not found)."""
    try:
        text = read_limited(path, root).decode("utf-8-sig", errors="replace")
    except (OSError, StatuteFileError):
        return None
    found = _TOP_JURISDICTION.search(text[: _end_of_head(text)])
    return found.group(1) if found else None


def _end_of_head(text: str) -> int:
    table = _TABLE.search(text)
    return table.start() if table else len(text)


_TOP_JURISDICTION = re.compile(r'^jurisdiction\s*=\s*"([A-Z]{2})"', re.MULTILINE)
_TOP_ID = re.compile(r'^id\s*=\s*"([^"]*)"\s*(?:#.*)?$', re.MULTILINE)
_TOP_ALIASES = re.compile(r"^aliases\s*=\s*\[([^\]]*)\]", re.MULTILINE)
_TABLE = re.compile(r"^\s*\[", re.MULTILINE)


def declared_names(path: Path, root: Path | None) -> list[str]:
    """The id and aliases written at the top of a statute file (before any table); the
    path itself when the file cannot be read (loading it then says why)."""
    try:
        text = read_limited(path, root).decode("utf-8-sig", errors="replace")
    except (OSError, StatuteFileError):
        return [str(path)]
    return names_in(text, path)


def names_in(text: str, path: Path) -> list[str]:
    """The id and aliases at the top of the text of a statute file, each once (the path
    when there is no id line)."""
    head = text[: _end_of_head(text)]
    found = _TOP_ID.search(head)
    names = [found.group(1)] if found else [str(path)]
    aliases = _TOP_ALIASES.search(head)
    if aliases:
        names += re.findall(r'"([^"]*)"', aliases.group(1))
    return list(dict.fromkeys(names))


def owners(paths: Mapping[str, Sequence[Path]], declared: Mapping[Path, Sequence[str]],
           loads: Callable[[Path], bool], builtin: Callable[[Path], bool],
           ) -> tuple[dict[str, Path], list[DuplicateProvision]]:
    """Which file defines each id and alias of ``paths`` (each name -> the files declaring
    it, in the catalogue's order; ``declared``: each statute file -> its names, in order).

    A name one file declares is that file's, loaded or not (asking for it gives the file's
    own error). Where files share a name, only they are loaded (``loads`` says whether one
    did), in order: the first that loads takes all its names, and each later one that loads
    but declares a name already taken is a :class:`DuplicateProvision` naming both files
    (``builtin`` says whether a file is a built-in one). One that does not load keeps its
    own error, never "already defined".
    """
    contested = {path for found in paths.values() if len(found) > 1 for path in found}
    taken: dict[str, Path] = {}
    duplicates: list[DuplicateProvision] = []
    for path, names in declared.items():
        if path not in contested or not loads(path):
            continue
        clash = next((name for name in names if name in taken), None)
        if clash is None:
            taken.update(dict.fromkeys(names, path))
        else:
            other = taken[clash]
            duplicates.append(DuplicateProvision(str(path), clash, str(other),
                                                 builtin=builtin(other)))
    return {name: taken.get(name, found[0]) for name, found in paths.items()}, duplicates


@cache
def builtin_names() -> dict[str, Path]:
    """Every id and alias of the built-in statutes, each with its file (read from the top
    lines of the files, as a catalogue indexes them)."""
    entries, _ = scan([(builtin_directory(), False)])
    return {name: entry.path for entry in entries
            if entry.path.name not in ("facts.toml", GENERAL_FILE)
            for name in declared_names(entry.path, None)}
