"""Finding and loading statute files: the built-in catalogue plus the user's directories.

Files are TOML, read by :mod:`penalties.statutes._loader`, validated by the models of
:mod:`penalties.statutes._schema` and compiled by :mod:`penalties.statutes._compile`, with
the general rules of their jurisdiction (``<jurisdiction>/general.toml``,
:mod:`penalties.statutes._general`) and the catalogue's facts vocabulary. Nothing is read
until a provision is first asked for; each catalogue then loads once, under a lock, so it
is safe to share between threads.

User directories come from the ``directories`` argument and from the ``PENALTIES_STATUTES``
environment variable (paths separated by ``os.pathsep``). Files are only read from inside
those directories: a symlink that leads outside is an error, not a file to follow.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from penalties._errors import FieldProblem, StatuteFileError, UnknownProvision, shown
from penalties.statutes._loader import MAX_FILE_BYTES, check_inside, load, read_limited

if TYPE_CHECKING:
    from penalties._vocabulary import Vocabulary
    from penalties.statutes._general import General
    from penalties.statutes._statute import Statute

__all__ = ["ENV_VAR", "GENERAL_FILE", "MAX_FILE_BYTES", "Catalog", "builtin_directory",
           "builtin_general", "default_catalog", "statute_files"]

ENV_VAR = "PENALTIES_STATUTES"
#: The name of a jurisdiction's general rules file (never a statute).
GENERAL_FILE = "general.toml"


def builtin_directory() -> Path:
    """Where the statutes shipped with the library live."""
    return Path(str(files("penalties") / "data"))


@cache
def builtin_general(jurisdiction: str) -> General | None:
    """The built-in general rules of a jurisdiction (``data/<xx>/general.toml``), if any."""
    from penalties.statutes._general import load_general

    path = builtin_directory() / jurisdiction.lower() / GENERAL_FILE
    return load_general(path) if path.is_file() else None


def statute_files(directory: Path) -> list[Path]:
    """The statute files of a directory, recursively: its TOML files but the facts
    vocabulary (``facts.toml``) and general rules files (``general.toml``)."""
    return [p for p in sorted(directory.rglob("*.toml"))
            if p.name not in ("facts.toml", GENERAL_FILE)]


def _files(directory: Path, root: Path | None) -> Iterator[Path]:
    """The TOML files of a directory, recursively, each checked to lie inside ``root``."""
    for path in sorted(directory.rglob("*.toml")):
        check_inside(path, root)
        if path.is_file():
            yield path


def _check_references(statute: Statute, names: dict[str, Path]) -> None:
    """Every ``predecessor`` and ``see_also`` id must name a provision of the catalogue."""
    model = statute.model
    refs = [("predecessor", model.predecessor)] if model.predecessor else []
    refs += [(f"see_also[{i}].id", s.id) for i, s in enumerate(model.see_also)]
    for location, target in refs:
        if target not in names:
            known = ", ".join(sorted(n for n in names if "/" in n))
            problem = FieldProblem(location, f"unknown provision {shown(target)} (known: {known})")
            raise StatuteFileError(statute.path, [problem])


class Catalog:
    """A set of provisions, looked up by id (``vn/penal-code/225``) or alias (``vn-225``).

    Files are indexed by the ``id`` and ``aliases`` lines at their top, and a provision is
    read, validated and compiled when first asked for (with the provisions it refers to);
    listing or iterating reads them all. Every check runs on every file that is read.
    A file named ``general.toml`` holds the general rules of a jurisdiction.

    Args:
        directories: extra directories of statute files, searched recursively.
        builtin: include the statutes (and general rules) shipped with the library.
        use_env: also read directories from ``PENALTIES_STATUTES``.
    """

    def __init__(self, directories: Iterable[str | os.PathLike[str]] = (), *,
                 builtin: bool = True, use_env: bool = True) -> None:
        extra = [Path(d) for d in directories]
        if use_env and os.environ.get(ENV_VAR):
            extra += [Path(p) for p in os.environ[ENV_VAR].split(os.pathsep) if p]
        self._builtin = builtin
        self._directories: tuple[tuple[Path, bool], ...] = (
            *(((builtin_directory(), False),) if builtin else ()),
            *((d, True) for d in extra),
        )
        self._lock = threading.RLock()
        self._paths: dict[str, Path] | None = None  # every id and alias -> its file
        self._generals: dict[str, Path] = {}  # jurisdiction -> its general rules file
        self._roots: dict[Path, Path | None] = {}  # every file -> its user directory, resolved
        self._loaded: dict[Path, Statute] = {}
        self._general: dict[str, General | None] = {}
        self._vocabulary: Vocabulary | None = None
        self._lenses: dict[str, Any] = {}

    def _index(self) -> dict[str, Path]:
        with self._lock:
            if self._paths is not None:
                return self._paths
            paths: dict[str, Path] = {}
            for directory, contained in self._directories:
                if not directory.is_dir():
                    raise StatuteFileError(str(directory), [FieldProblem("", "not a directory")])
                root = directory.resolve() if contained else None
                for path in _files(directory, root):
                    self._roots[path] = root
                    if path.name == GENERAL_FILE:
                        self._index_general(path)
                        continue
                    if root is None and path.name == "facts.toml":
                        continue  # the vocabulary
                    for name in _declared_names(path, root):
                        if name in paths:
                            raise StatuteFileError(str(path), [FieldProblem(
                                "id" if "/" in name else "aliases",
                                f"{shown(name)} is already defined by {paths[name]}")])
                        paths[name] = path
            self._paths = paths
            return paths

    def _index_general(self, path: Path) -> None:
        jurisdiction = path.parent.name.upper()
        if jurisdiction in self._generals:
            raise StatuteFileError(str(path), [FieldProblem("", f"the general rules of "
                                   f"{jurisdiction} are already defined by "
                                   f"{self._generals[jurisdiction]}")])
        self._generals[jurisdiction] = path

    def general(self, jurisdiction: str) -> General | None:
        """The general rules of a jurisdiction in this catalogue, if any."""
        self._index()
        with self._lock:
            if jurisdiction not in self._general:
                from penalties.statutes._general import load_general

                path = self._generals.get(jurisdiction)
                found = None if path is None else load_general(path, self._roots.get(path))
                if found is not None and found.jurisdiction != jurisdiction:
                    raise StatuteFileError(str(path), [FieldProblem(
                        "jurisdiction", f"{found.jurisdiction!r} in the directory of "
                        f"{jurisdiction!r}")])
                self._general[jurisdiction] = found
            return self._general[jurisdiction]

    @property
    def vocabulary(self) -> Vocabulary:
        """The facts this catalogue knows: ``data/facts.toml`` and the facts of every
        general rules file (built-in and the user's)."""
        with self._lock:
            if self._vocabulary is None:
                from penalties._vocabulary import base_vocabulary, builtin_vocabulary, read_facts

                self._index()
                known = builtin_vocabulary() if self._builtin else base_vocabulary()
                for jurisdiction, path in sorted(self._generals.items()):
                    if self._roots.get(path) is None:
                        continue  # built-in: already in the built-in vocabulary
                    general = self.general(jurisdiction)
                    assert general is not None
                    known = known.with_facts(read_facts(list(general.facts), general.path),
                                             general.path)
                known.check("the facts vocabulary")
                self._vocabulary = known
            return self._vocabulary

    def _read(self, path: Path) -> Statute:
        with self._lock:
            statute = self._loaded.get(path)
            if statute is None:
                jurisdiction = _jurisdiction_of(path, self._roots.get(path))
                statute, text = load(path, self._roots.get(path), self.vocabulary,
                                     self.general(jurisdiction) if jurisdiction else None)
                declared = set(_names_in(text, path))
                if declared != {statute.id, *statute.model.aliases}:
                    raise StatuteFileError(str(path), [FieldProblem(
                        "id", "write id and aliases as plain top-level lines (id = \"...\", "
                        "aliases = [\"...\"]) so the catalogue can index the file")])
                if jurisdiction is None or jurisdiction != statute.model.jurisdiction:
                    general = self.general(statute.model.jurisdiction)
                    if general is not None:  # compiled again with its jurisdiction's rules
                        statute, _ = load(path, self._roots.get(path), self.vocabulary,
                                          general)
                self._loaded[path] = statute
                _check_references(statute, self._index())
            return statute

    def _all(self) -> dict[str, Statute]:
        paths = self._index()
        statutes = {}
        for path in dict.fromkeys(paths.values()):
            statute = self._read(path)
            statutes[statute.id] = statute
        return statutes

    def ids(self) -> list[str]:
        """Every provision id, sorted."""
        return sorted(self._all())

    def __iter__(self) -> Iterator[Statute]:
        statutes = self._all()
        return iter([statutes[k] for k in sorted(statutes)])

    def __len__(self) -> int:
        return len(self._all())

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
        """The provision with this id or alias (case and surrounding spaces ignored)."""
        key = name.strip().lower() if isinstance(name, str) else name
        path = self._index().get(key)
        if path is None:
            raise UnknownProvision(str(name), self.ids())
        return self._read(path)


def _jurisdiction_of(path: Path, root: Path | None) -> str | None:
    """The jurisdiction a file's top line names, read cheaply (``None`` if not found)."""
    try:
        text = read_limited(path, root).decode("utf-8-sig", errors="replace")
    except OSError:
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


def _declared_names(path: Path, root: Path | None) -> list[str]:
    """The id and aliases written at the top of a statute file (before any table)."""
    try:
        text = read_limited(path, root).decode("utf-8-sig", errors="replace")
    except OSError:
        return [str(path)]  # unreadable: loading it reports why, when it is asked for
    return _names_in(text, path)


def _names_in(text: str, path: Path) -> list[str]:
    table = _TABLE.search(text)
    head = text[: table.start()] if table else text
    found = _TOP_ID.search(head)
    names = [found.group(1)] if found else [str(path)]
    aliases = _TOP_ALIASES.search(head)
    if aliases:
        names += re.findall(r'"([^"]*)"', aliases.group(1))
    return names


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

