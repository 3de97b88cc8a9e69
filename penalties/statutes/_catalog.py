"""Finding and loading statute files: the built-in catalogue plus the user's directories.

Files are TOML, parsed with :func:`tomllib.loads` straight to ``Decimal``, validated by the
models of :mod:`penalties.statutes._schema` and compiled by
:mod:`penalties.statutes._compile`. Nothing is read until a provision is first asked for;
each catalogue then loads once, under a lock, so it is safe to share between threads.

User directories come from the ``directories`` argument and from the ``PENALTIES_STATUTES``
environment variable (paths separated by ``os.pathsep``). Files are only read from inside
those directories: a symlink that leads outside is an error, not a file to follow.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import threading
import tomllib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from penalties._errors import FieldProblem, StatuteFileError, UnknownProvision, shown

if TYPE_CHECKING:
    from penalties.batch._classes import Classifier
    from penalties.statutes._statute import Statute

__all__ = ["ENV_VAR", "MAX_FILE_BYTES", "Catalog", "builtin_directory", "default_catalog",
           "load_statute"]

ENV_VAR = "PENALTIES_STATUTES"
MAX_FILE_BYTES = 1_000_000


def builtin_directory() -> Path:
    """Where the statutes shipped with the library live."""
    return Path(str(files("penalties") / "data"))


def load_statute(path: str | os.PathLike[str]) -> Statute:
    """Read, validate and compile one statute file.

    Raises :class:`~penalties._errors.StatuteFileError` naming the file, each field path and
    what was expected.
    """
    return _load(Path(path), None)[0]


def _load(path: Path, root: Path | None) -> tuple[Statute, str]:
    """:func:`load_statute` for a file of the directory ``root`` (``None``: any file), with
    the text it was compiled from."""
    from pydantic import ValidationError

    from penalties.statutes._compile import compile_statute
    from penalties.statutes._schema import StatuteFile, clean_location, document_problems

    named = str(path)
    try:
        raw = _read_limited(path, root)
    except OSError as exc:
        problem = FieldProblem("", f"cannot read the file: {exc.strerror}")
        raise StatuteFileError(named, [problem]) from None
    if len(raw) > MAX_FILE_BYTES:
        problem = FieldProblem("", f"file is larger than {MAX_FILE_BYTES} bytes")
        raise StatuteFileError(named, [problem])
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text, parse_float=Decimal)
    except UnicodeDecodeError as exc:
        problem = FieldProblem("", f"not UTF-8 text ({exc.reason})")
        raise StatuteFileError(named, [problem]) from None
    except tomllib.TOMLDecodeError as exc:
        raise StatuteFileError(named, [FieldProblem("", f"not valid TOML: {exc}")]) from None
    except RecursionError:
        raise StatuteFileError(named, [FieldProblem("", "nesting is too deep")]) from None
    found = document_problems(data)
    if found:
        raise StatuteFileError(named, [FieldProblem(*problem) for problem in found])
    try:
        model = StatuteFile.model_validate(data)
    except ValidationError as exc:
        problems = [FieldProblem(clean_location(e["loc"]), _message(e)) for e in exc.errors()]
        raise StatuteFileError(named, problems) from None
    return compile_statute(model, named), text


# Opening never waits (for a pipe's writer), never leaks the descriptor to a child, and on
# Windows reads bytes as they are.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))


def _read_limited(path: Path, root: Path | None = None) -> bytes:
    """The bytes of a regular file, at most one more than :data:`MAX_FILE_BYTES` (so that
    a larger file is refused without reading it all).

    A file of the user directory ``root`` must have its real path inside ``root``; that is
    checked before it is opened, and again after, on the file opened, so a symlink swapped
    between the check and the opening is refused too (see SECURITY.md). A device or a pipe
    is opened without waiting and refused without being read.
    """
    real = _check_inside(path, root) if root is not None else path  # outside: never opened
    with open(os.open(real, _OPEN_FLAGS), "rb") as file:
        opened = os.fstat(file.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if root is not None:
            checked = os.stat(real, follow_symlinks=False)
            if _check_inside(path, root) != real or (checked.st_dev, checked.st_ino) != (
                    opened.st_dev, opened.st_ino):
                raise StatuteFileError(str(path), [FieldProblem(
                    "", "was replaced while it was being opened; statute files must stay put "
                    "while they are read")])
        return file.read(MAX_FILE_BYTES + 1)


def _message(error: object) -> str:
    assert isinstance(error, dict)
    kind, message = error["type"], str(error["msg"])
    if kind == "extra_forbidden":
        return "unknown field (check its spelling against `penalties schema`)"
    if kind == "missing":
        return "required field is missing"
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    return f"{message} (got {shown(error['input'])})" if "input" in error else message


def _statute_files(directory: Path, root: Path | None) -> Iterator[Path]:
    for path in sorted(directory.rglob("*.toml")):
        _check_inside(path, root)
        if path.is_file():
            yield path


def _check_inside(path: Path, root: Path | None) -> Path:
    """The real path of ``path`` (symlinks followed); refused for a file of a user directory
    (resolved to ``root``) if it is not inside it (``root`` is ``None`` for the built-in
    directory)."""
    real = path.resolve()
    if root is not None and not real.is_relative_to(root):
        raise StatuteFileError(str(path), [FieldProblem("", f"leads outside {root}; statute "
                                                        "files must live inside it")])
    return real


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

    Args:
        directories: extra directories of statute files, searched recursively.
        builtin: include the statutes shipped with the library.
        use_env: also read directories from ``PENALTIES_STATUTES``.
    """

    def __init__(self, directories: Iterable[str | os.PathLike[str]] = (), *,
                 builtin: bool = True, use_env: bool = True) -> None:
        extra = [Path(d) for d in directories]
        if use_env and os.environ.get(ENV_VAR):
            extra += [Path(p) for p in os.environ[ENV_VAR].split(os.pathsep) if p]
        self._directories: tuple[tuple[Path, bool], ...] = (
            *(((builtin_directory(), False),) if builtin else ()),
            *((d, True) for d in extra),
        )
        self._lock = threading.RLock()
        self._paths: dict[str, Path] | None = None  # every id and alias -> its file
        self._roots: dict[Path, Path | None] = {}  # every file -> its user directory, resolved
        self._loaded: dict[Path, Statute] = {}
        self._classifiers: dict[str, Classifier] = {}

    def _index(self) -> dict[str, Path]:
        with self._lock:
            if self._paths is not None:
                return self._paths
            paths: dict[str, Path] = {}
            for directory, contained in self._directories:
                if not directory.is_dir():
                    raise StatuteFileError(str(directory), [FieldProblem("", "not a directory")])
                root = directory.resolve() if contained else None
                for path in _statute_files(directory, root):
                    self._roots[path] = root
                    for name in _declared_names(path, root):
                        if name in paths:
                            raise StatuteFileError(str(path), [FieldProblem(
                                "id" if "/" in name else "aliases",
                                f"{shown(name)} is already defined by {paths[name]}")])
                        paths[name] = path
            self._paths = paths
            return paths

    def _read(self, path: Path) -> Statute:
        with self._lock:
            statute = self._loaded.get(path)
            if statute is None:
                statute, text = _load(path, self._roots.get(path))  # checked again
                declared = set(_names_in(text, path))
                if declared != {statute.id, *statute.model.aliases}:
                    raise StatuteFileError(str(path), [FieldProblem(
                        "id", "write id and aliases as plain top-level lines (id = \"...\", "
                        "aliases = [\"...\"]) so the catalogue can index the file")])
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

    def classifier(self, statute: Statute) -> Classifier:
        """The classes of ``statute``'s cases, shared by every assessment through this
        catalogue (see :mod:`penalties.batch._classes`)."""
        found = self._classifiers.get(statute.id)
        if found is None:
            from penalties.batch._classes import Classifier

            found = self._classifiers.setdefault(statute.id, Classifier(statute, self.get))
        return found

    def get(self, name: str) -> Statute:
        """The provision with this id or alias (case and surrounding spaces ignored)."""
        key = name.strip().lower() if isinstance(name, str) else name
        path = self._index().get(key)
        if path is None:
            raise UnknownProvision(str(name), self.ids())
        return self._read(path)


_TOP_ID = re.compile(r'^id\s*=\s*"([^"]*)"\s*(?:#.*)?$', re.MULTILINE)
_TOP_ALIASES = re.compile(r"^aliases\s*=\s*\[([^\]]*)\]", re.MULTILINE)
_TABLE = re.compile(r"^\s*\[", re.MULTILINE)


def _declared_names(path: Path, root: Path | None) -> list[str]:
    """The id and aliases written at the top of a statute file (before any table)."""
    try:
        text = _read_limited(path, root).decode("utf-8-sig", errors="replace")
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

