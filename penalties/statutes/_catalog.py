"""Finding and loading statute files: the built-in catalogue plus the user's directories.

Files are TOML, read by :mod:`penalties.statutes._loader`, validated by the models of
:mod:`penalties.statutes._schema` and compiled by :mod:`penalties.statutes._compile`, with
the general rules of their jurisdiction (``<jurisdiction>/general.toml``,
:mod:`penalties.statutes._general`) and the catalogue's facts vocabulary. Nothing is read
until a provision is first asked for; each catalogue then loads once, under a lock, so it
is safe to share between threads.

User directories come from the ``directories`` argument and from the ``PENALTIES_STATUTES``
environment variable (paths separated by ``os.pathsep``). Files are only read from inside
those directories: a symlink that leads outside is an error, not a file to follow. Which
files a catalogue holds, each once, is :mod:`penalties.statutes._index`'s.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import suppress
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from penalties._errors import FieldProblem, StatuteFileError, UnknownProvision
from penalties.statutes._index import (
    GENERAL_FILE,
    builtin_directory,
    builtin_names,
    declared_names,
    owners,
    scan,
    statute_files,
)
from penalties.statutes._loader import MAX_FILE_BYTES, load_listed

if TYPE_CHECKING:
    from penalties._vocabulary import Vocabulary
    from penalties.statutes._general import General
    from penalties.statutes._statute import Statute

__all__ = ["ENV_VAR", "GENERAL_FILE", "MAX_FILE_BYTES", "Catalog", "builtin_directory",
           "builtin_general", "builtin_names", "default_catalog", "statute_files"]

ENV_VAR = "PENALTIES_STATUTES"


@cache
def builtin_general(jurisdiction: str) -> General | None:
    """The built-in general rules of a jurisdiction (``data/<xx>/general.toml``), if any."""
    from penalties.statutes._general import load_general

    path = builtin_directory() / jurisdiction.lower() / GENERAL_FILE
    return load_general(path) if path.is_file() else None


class Catalog:
    """A set of provisions, looked up by id (``vn/penal-code/225``) or alias (``vn-225``).

    Files are indexed by the ``id`` and ``aliases`` lines at their top, and a provision is
    read, validated and compiled when first asked for (with the provisions it refers to);
    listing or iterating reads them all. Every check runs on every file that is read.
    A file named ``general.toml`` holds the general rules of a jurisdiction. A file is
    known by what it is, not where it was found: a symlink or a hard link to a file of the
    directory is that file, read once.

    A file that does not load is left out, with its own error in :attr:`problems`; the rest
    of the catalogue stays usable, and asking for a provision of that file raises that
    error. Where files declare the same id or alias, the first that loads (the built-in
    one, then in the order of the directories and of their paths) defines it, and each
    other is a :class:`~penalties._errors.DuplicateProvision` naming both files.

    Args:
        directories: extra directories of statute files, searched recursively.
        builtin: include the statutes (and general rules) shipped with the library.
        use_env: also read directories from ``PENALTIES_STATUTES``.
        strict: listing (:meth:`ids`, iterating, ``len``) raises the first of the
            :attr:`problems` instead of leaving its file out. Asking for one provision never
            fails because of another file.
    """

    def __init__(self, directories: Iterable[str | os.PathLike[str]] = (), *,
                 builtin: bool = True, use_env: bool = True, strict: bool = True) -> None:
        extra = [Path(d) for d in directories]
        if use_env and os.environ.get(ENV_VAR):
            extra += [Path(p) for p in os.environ[ENV_VAR].split(os.pathsep) if p]
        self._builtin = builtin
        self._strict = strict
        self._directories: tuple[tuple[Path, bool], ...] = (
            *(((builtin_directory(), False),) if builtin else ()),
            *((d, True) for d in extra),
        )
        self._lock = threading.RLock()
        self._paths: dict[str, list[Path]] | None = None  # id or alias -> the files saying it
        self._owners: dict[str, Path] | None = None  # id or alias -> the file defining it
        self._declared: dict[Path, list[str]] = {}  # every statute file -> its id and aliases
        self._generals: dict[str, Path] = {}  # jurisdiction -> its general rules file
        self._roots: dict[Path, Path | None] = {}  # every file -> its user directory, resolved
        self._loaded: dict[Path, Statute] = {}
        self._failed: dict[Path, StatuteFileError] = {}  # every file that did not load -> why
        self._general: dict[str, General | None] = {}
        self._vocabulary: Vocabulary | None = None
        self._lenses: dict[str, Any] = {}

    def _index(self) -> dict[str, list[Path]]:
        with self._lock:
            if self._paths is not None:
                return self._paths
            entries, refused = scan(self._directories)
            for error in refused:
                self._fail(Path(error.path), error)
            paths: dict[str, list[Path]] = {}
            for entry in entries:
                self._roots[entry.path] = entry.root
                if entry.path.name == GENERAL_FILE:
                    self._index_general(entry.path)
                elif entry.root is not None or entry.path.name != "facts.toml":
                    names = self._declared[entry.path] = declared_names(entry.path,
                                                                        entry.root)
                    for name in names:
                        paths.setdefault(name, []).append(entry.path)
            self._paths = paths
            return paths

    def _index_general(self, path: Path) -> None:
        jurisdiction = path.parent.name.upper()
        if jurisdiction in self._generals:
            self._fail(path, StatuteFileError(str(path), [FieldProblem(
                "", f"the general rules of {jurisdiction} are already defined by "
                f"{self._generals[jurisdiction]}")]))
        else:
            self._generals[jurisdiction] = path

    def _fail(self, path: Path, error: StatuteFileError) -> None:
        self._failed.setdefault(path, error)
        self._loaded.pop(path, None)

    def _owner_of(self) -> dict[str, Path]:
        """Which file defines each id and alias (see :func:`~penalties.statutes._index.owners`)."""
        with self._lock:
            if self._owners is None:
                found, duplicates = owners(self._index(), self._declared, self._loads,
                                           lambda path: self._roots.get(path) is None)
                for duplicate in duplicates:
                    self._fail(Path(duplicate.path), duplicate)
                self._owners = found
            return self._owners

    def names(self) -> frozenset[str]:
        """Every id and alias of the catalogue, from its index (no file is loaded)."""
        return frozenset(self._owner_of())

    def general(self, jurisdiction: str) -> General | None:
        """The general rules of a jurisdiction in this catalogue, if any."""
        self._index()
        with self._lock:
            if jurisdiction not in self._general:
                from penalties.statutes._general import load_general

                path = self._generals.get(jurisdiction)
                if path is not None and path in self._failed:
                    raise self._failed[path].with_traceback(None)
                try:
                    found = None if path is None else load_general(path, self._roots.get(path))
                    if found is not None and found.jurisdiction != jurisdiction:
                        raise StatuteFileError(str(path), [FieldProblem(
                            "jurisdiction", f"{found.jurisdiction!r} in the directory of "
                            f"{jurisdiction!r}")])
                except StatuteFileError as exc:
                    assert path is not None
                    self._fail(path, exc)
                    raise
                self._general[jurisdiction] = found
            return self._general[jurisdiction]

    def _general_for(self, path: Path, jurisdiction: str) -> General | None:
        try:
            return self.general(jurisdiction)
        except StatuteFileError:
            raise StatuteFileError(str(path), [FieldProblem("jurisdiction", (
                f"the general rules of {jurisdiction} ({self._generals[jurisdiction]}) did "
                "not load"))]) from None

    @property
    def vocabulary(self) -> Vocabulary:
        """The facts this catalogue knows: ``data/facts.toml`` and the facts of every
        general rules file that loads (built-in and the user's)."""
        with self._lock:
            if self._vocabulary is None:
                from penalties._vocabulary import base_vocabulary, builtin_vocabulary, read_facts

                self._index()
                known = builtin_vocabulary() if self._builtin else base_vocabulary()
                for jurisdiction, path in sorted(self._generals.items()):
                    if self._roots.get(path) is None:
                        continue  # built-in: already in the built-in vocabulary
                    try:
                        general = self.general(jurisdiction)
                    except StatuteFileError:
                        continue  # one of the problems; its statutes say so
                    assert general is not None
                    known = known.with_facts(read_facts(list(general.facts), general.path),
                                             general.path)
                known.check("the facts vocabulary")
                self._vocabulary = known
            return self._vocabulary

    def _read(self, path: Path) -> Statute:
        with self._lock:
            if path in self._failed:
                raise self._failed[path].with_traceback(None)
            statute = self._loaded.get(path)
            if statute is None:
                vocabulary = self.vocabulary  # its errors are the catalogue's, not the file's
                try:
                    statute = load_listed(path, self._roots.get(path), vocabulary,
                                          partial(self._general_for, path), self._index())
                except StatuteFileError as exc:
                    self._fail(path, exc)
                    raise
                self._loaded[path] = statute
            return statute

    def _loads(self, path: Path) -> bool:
        try:
            self._read(path)
        except StatuteFileError:
            if path not in self._failed:
                raise  # not the file's own error: the catalogue's
            return False
        return True

    def _all(self) -> dict[str, Statute]:
        self._owner_of()
        for jurisdiction in list(self._generals):
            with suppress(StatuteFileError):  # one of the problems
                self.general(jurisdiction)
        return {statute.id: statute for statute in
                (self._loaded[p] for p in list(self._declared) if self._loads(p))}

    def _listed(self) -> dict[str, Statute]:
        with self._lock:
            statutes = self._all()
            if self._strict and self._failed:
                raise self.problems[0].with_traceback(None)
            return statutes

    @property
    def problems(self) -> tuple[StatuteFileError, ...]:
        """Every file of the catalogue that did not load (reading them all), each with its
        own error, in the order of their paths: a parse or validation error, a symlink
        leading outside, a duplicate id. Never raised here, whatever ``strict``."""
        with self._lock:
            self._all()
            return tuple(self._failed[p] for p in sorted(self._failed, key=str))

    def ids(self) -> list[str]:
        """Every provision id, sorted."""
        return sorted(self._listed())

    def __iter__(self) -> Iterator[Statute]:
        statutes = self._listed()
        return iter([statutes[k] for k in sorted(statutes)])

    def __len__(self) -> int:
        return len(self._listed())

    def __bool__(self) -> bool:
        return True  # a catalogue is never "empty" for ``catalog or default``: no loading

    def lens(self, statute: Statute) -> Any:  # noqa: ANN401 - penalties.assessment._seen.Lens
        """What the engine keeps for ``statute`` between assessments through this
        catalogue: the laws by date, the boundaries, the answers of cases already seen
        (see :mod:`penalties.assessment._seen`)."""
        found = self._lenses.get(statute.id)
        if found is None:
            from penalties.assessment._seen import Lens

            with self._lock:
                found = self._lenses.setdefault(statute.id, Lens(statute, self.get))
        return found

    def get(self, name: str) -> Statute:
        """The provision with this id or alias (case and surrounding spaces ignored); the
        error of its file if that file did not load."""
        key = name.strip().lower() if isinstance(name, str) else name
        path = self._owner_of().get(key)
        if path is None:
            with self._lock:
                known = sorted(self._all())
                raise UnknownProvision(str(name), known, [e.path for e in self.problems])
        return self._read(path)


_default: Catalog | None = None
_default_lock = threading.Lock()


def default_catalog() -> Catalog:
    """The shared catalogue: built-in statutes plus ``PENALTIES_STATUTES`` directories."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Catalog()
        return _default


def _reset_default_catalog() -> None:
    """Forget the shared catalogue (tests change ``PENALTIES_STATUTES``)."""
    global _default
    with _default_lock:
        _default = None

