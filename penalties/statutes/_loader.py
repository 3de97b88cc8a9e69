"""Reading statute and general rules files: bounded in size, only from inside their
directory, parsed straight to ``Decimal``, checked as a whole document, validated and
compiled.

See SECURITY.md for what a hostile file can and cannot do.
"""

from __future__ import annotations

import errno
import os
import stat
import tomllib
from collections.abc import Callable, Collection
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from penalties._errors import FieldProblem, StatuteFileError, shown

if TYPE_CHECKING:
    from penalties._vocabulary import Vocabulary
    from penalties.statutes._general import General
    from penalties.statutes._statute import Statute

__all__ = ["MAX_FILE_BYTES", "check_inside", "check_references", "load_listed", "load_statute",
           "read_document", "read_limited"]

#: The largest statute or general rules file read.
MAX_FILE_BYTES = 1_000_000


def load_statute(path: str | os.PathLike[str], vocabulary: Vocabulary | None = None,
                 general: General | None = None) -> Statute:
    """Read, validate and compile one statute file.

    ``vocabulary`` is the facts known besides the file's own (default: the built-in
    vocabulary), ``general`` its jurisdiction's general rules (default: the built-in ones).
    Raises :class:`~penalties._errors.StatuteFileError` naming the file, each field path and
    what was expected.
    """
    return load(Path(path), None, vocabulary, general)[0]


def load(path: Path, root: Path | None, vocabulary: Vocabulary | None = None,
         general: General | None = None) -> tuple[Statute, str]:
    """:func:`load_statute` for a file of the directory ``root`` (``None``: any file), with
    the text it was compiled from."""
    from pydantic import ValidationError

    from penalties.statutes._compile import compile_statute
    from penalties.statutes._locations import field_problems
    from penalties.statutes._schema import StatuteFile

    named = str(path)
    data, text = read_document(path, root)
    try:
        model = StatuteFile.model_validate(data)
    except ValidationError as exc:
        raise StatuteFileError(named, field_problems(exc.errors(), _message)) from None
    if general is None:
        from penalties.statutes._catalog import builtin_general

        general = builtin_general(model.jurisdiction)
    return compile_statute(model, named, vocabulary, general), text


def load_listed(path: Path, root: Path | None, vocabulary: Vocabulary,
                general_of: Callable[[str], General | None],
                names: Collection[str]) -> Statute:
    """:func:`load` for a file of a catalogue: compiled with the general rules of its
    jurisdiction (``general_of``), its top lines naming its id and aliases (the catalogue
    indexes it by them), and every provision it refers to among the catalogue's ``names``.
    """
    from penalties.statutes._index import jurisdiction_of, names_in

    jurisdiction = jurisdiction_of(path, root)
    statute, text = load(path, root, vocabulary, general_of(jurisdiction) if jurisdiction
                         else None)
    if set(names_in(text, path)) != {statute.id, *statute.model.aliases}:
        raise StatuteFileError(str(path), [FieldProblem(
            "id", "write id and aliases as plain top-level lines (id = \"...\", "
            "aliases = [\"...\"]) so the catalogue can index the file")])
    if jurisdiction is None or jurisdiction != statute.model.jurisdiction:
        general = general_of(statute.model.jurisdiction)
        if general is not None:  # compiled again with its jurisdiction's rules
            statute, _ = load(path, root, vocabulary, general)
    check_references(statute, names)
    return statute


def check_references(statute: Statute, names: Collection[str]) -> None:
    """Every ``predecessor`` and ``see_also`` id must name another provision, one of the
    catalogue's ``names``."""
    model = statute.model
    refs = [("predecessor", model.predecessor)] if model.predecessor else []
    refs += [(f"see_also[{i}].id", s.id) for i, s in enumerate(model.see_also)]
    for location, target in refs:
        if target in (statute.id, *model.aliases):
            raise StatuteFileError(statute.path, [FieldProblem(
                location, f"{shown(target)} is this file's own id; it names another "
                "provision")])
        if target not in names:
            known = ", ".join(sorted(n for n in names if "/" in n))
            problem = FieldProblem(location, f"unknown provision {shown(target)} (known: {known})")
            raise StatuteFileError(statute.path, [problem])


def read_document(path: Path, root: Path | None) -> tuple[dict[str, Any], str]:
    """The parsed TOML document of a file and its text, after the checks every document
    passes (size, encoding, nesting, text length, control and bidirectional characters,
    line separators)."""
    from penalties.statutes._schema import document_problems

    named = str(path)
    try:
        raw = read_limited(path, root)
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
    return data, text


# Opening never waits (for a pipe's writer), never leaks the descriptor to a child, and on
# Windows reads bytes as they are.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))


def read_limited(path: Path, root: Path | None = None) -> bytes:
    """The bytes of a regular file, at most one more than :data:`MAX_FILE_BYTES` (so that
    a larger file is refused without reading it all).

    A file of the user directory ``root`` must have its real path inside ``root``; that is
    checked before it is opened, and again after, on the file opened, so a symlink swapped
    between the check and the opening is refused too (see SECURITY.md). A device or a pipe
    is opened without waiting and refused without being read.
    """
    real = check_inside(path, root) if root is not None else path  # outside: never opened
    with open(os.open(real, _OPEN_FLAGS), "rb") as file:
        opened = os.fstat(file.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if root is not None:
            checked = os.stat(real, follow_symlinks=False)
            if check_inside(path, root) != real or (checked.st_dev, checked.st_ino) != (
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


def check_inside(path: Path, root: Path | None) -> Path:
    """The real path of ``path`` (symlinks followed); refused for a file of a user directory
    (resolved to ``root``) if it is not inside it (``root`` is ``None`` for the built-in
    directory)."""
    real = path.resolve()
    if root is not None and not real.is_relative_to(root):
        raise StatuteFileError(str(path), [FieldProblem("", f"leads outside {root}; statute "
                                                        "files must live inside it")])
    return real
