"""Statute loader fuzzing: over a thousand malformed and hostile statute files.

Every file is made from a valid statute (each built-in file and ``minimal_statute()``) by one
mutation that makes it invalid by construction: broken TOML, invalid UTF-8, NUL and control
characters, bidirectional controls and line separators, a file over the size limit, random
bytes, wrong types, unknown fields, missing required fields, huge numbers (``1e400``,
``10**30``, NaN, infinities, negatives), text over the length limit, deep nesting,
overlapping and gapped bands, ``same_as`` cycles, chains and
fan-out bombs, duplicate ids and ranks. Each must give a
:class:`~penalties._errors.StatuteFileError` naming the file and, among its problems, the
field path the mutation touched (or the whole file, ``""``, when it cannot be parsed), with
no other exception and with bounded work: each trigger table of the file is compiled at most
once, however ``same_as`` expands it. Beside a good file (of the same id, for mutants of
``minimal_statute()``), a catalogue stays usable and names the file with that error. No test
here measures time (CI machines are shared and noisy); the suite's hang guard (``timeout``
in ``pyproject.toml``) stops a run that hangs. Mutants are drawn from a fixed seed, so a
failure names a file that can be made again.
"""

from __future__ import annotations

import random
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from penalties import Catalog, StatuteFileError, load_statute
from penalties.statutes import _compile_triggers as compile_triggers
from penalties.statutes._catalog import MAX_FILE_BYTES, builtin_directory, statute_files
from penalties.statutes._schema import MAX_NESTING, MAX_TEXT

SEED = 20_250_301
PER_BASE = 64

Doc = dict[str, Any]
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Mutant:
    """A hostile file and what its error must say: a problem whose location lies under
    ``where`` (``None``: any location) and whose message contains one of ``says``."""

    kind: str
    content: Doc | bytes
    where: str | None
    says: tuple[str, ...] = ("",)

    def explained_by(self, error: StatuteFileError) -> bool:
        return any(under(p.location, self.where) and any(s in p.message for s in self.says)
                   for p in error.problems)


def under(location: str, where: str | None) -> bool:
    """Whether ``location`` is the field path ``where`` or lies inside it."""
    return where is None or where == "" or location == where or location.startswith(
        (where + ".", where + "["))


def rendered(path: Path_) -> str:
    """A field path as errors write it: ``versions[0].tiers[2].when``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def nodes(value: object, path: Path_ = ()) -> Iterator[tuple[Path_, object]]:
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from nodes(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from nodes(child, (*path, index))


def at(doc: object, path: Path_) -> Any:
    for part in path:
        doc = doc[part]  # type: ignore[index]
    return doc


def put(doc: Doc, path: Path_, value: object) -> Doc:
    """``doc`` with the value at ``path`` replaced (the root when ``path`` is empty)."""
    if not path:
        assert isinstance(value, dict)
        return value
    at(doc, path[:-1])[path[-1]] = value
    return doc


def copied(doc: Doc) -> Doc:
    """A deep copy through TOML itself, so every mutant starts from a fresh file."""
    result: Doc = tomllib.loads(tomli_w.dumps(doc), parse_float=Decimal)
    return result


def in_cases(path: Path_) -> bool:
    return bool(path) and path[0] == "cases"


# --- mutations of the parsed document ---------------------------------------------------------

WRONG = {"zz_unknown": [1]}  # no field of the format takes this table
HUGE: list[object] = [10**30, 2**64, Decimal("1e400"), Decimal("-1e400"), Decimal("NaN"),
                      Decimal("Infinity"), Decimal("-Infinity"), -1]
CONTROL = ["\x00", "\x1b[2J", "\x07", "\x7f", "\x85", "\x08"]
# Text that makes a terminal show other text than the file holds (bidi controls, separators).
SPOOFING = ["\u202e", "\u202d", "\u2067", "\u2069", "\u200f", "\u061c", "\u2028", "\u2029"]
# Keys a table cannot lack wherever the format uses them.
REQUIRED = {"schema_version", "id", "jurisdiction", "title", "currency", "language",
            "subjects", "versions", "effective_from", "sources", "tiers", "rank", "citation",
            "quote", "translation", "source", "confidence", "penalties", "factor",
            "applies_to", "window_months", "anchor", "quantity", "name", "values", "original",
            "en", "tier", "why", "any", "all", "none", "same_as", "always", "facts"}


def required(path: Path_, key: str) -> bool:
    """Whether the table at ``path`` cannot lack ``key``."""
    if in_cases(path) and "facts" in path:
        return False
    if path and path[0] == "facts":  # a fact the file declares (fields of data/facts.toml)
        return key in ("name", "kind", "help", "description")
    parent = next((p for p in reversed(path) if isinstance(p, str)), "")
    if key in REQUIRED:
        return True
    if key in ("instrument", "article"):
        return not path
    if key == "kind":  # of a subject or a penalty; the file's own kind has a default
        return bool(path)
    if key in ("when", "principal"):
        return parent == "tiers"
    if key == "subject":
        return parent != "modifiers"
    if key == "label":
        return parent in ("subjects", "acts")
    if key == "amount":
        return parent == "values"
    if key in ("max", "max_months"):
        return not in_cases(path) and parent in ("principal", "penalties", "caps")
    return False


def wrong_type(doc: Doc, rng: random.Random) -> Mutant:
    path, _ = rng.choice(list(nodes(doc)))
    return Mutant("wrong type", put(doc, path, dict(WRONG)), rendered(path))


def unknown_field(doc: Doc, rng: random.Random) -> Mutant:
    path, table = rng.choice([(p, v) for p, v in nodes(doc) if isinstance(v, dict)])
    assert isinstance(table, dict)
    table["zz_extra"] = 1
    return Mutant("unknown field", doc, rendered((*path, "zz_extra")))


def missing_field(doc: Doc, rng: random.Random) -> Mutant:
    choices = [(p, k) for p, v in nodes(doc) if isinstance(v, dict) for k in v if required(p, k)]
    path, key = rng.choice(choices)
    del at(doc, path)[key]
    return Mutant("missing field", doc, rendered(path))


def huge_number(doc: Doc, rng: random.Random) -> Mutant:
    leaves = [p for p, v in nodes(doc)
              if isinstance(v, int | Decimal) and not isinstance(v, bool)]
    path = rng.choice(leaves)
    values = [v for v in HUGE if path[-1] != "rank" or not isinstance(v, int) or v < 0]
    return Mutant("huge number", put(doc, path, rng.choice(values)), rendered(path))


def long_text(doc: Doc, rng: random.Random) -> Mutant:
    if rng.random() < 0.2:  # a key rather than a value
        path, table = rng.choice([(p, v) for p, v in nodes(doc) if isinstance(v, dict)])
        assert isinstance(table, dict)
        table["k" * (MAX_TEXT + 1)] = 1
        return Mutant("long text", doc, rendered(path), ("longer than",))
    path = rng.choice([p for p, v in nodes(doc) if isinstance(v, str)])
    text = "x" * (MAX_TEXT + rng.randint(1, 5_000))
    return Mutant("long text", put(doc, path, text), rendered(path), ("longer than",))


def control_character(doc: Doc, rng: random.Random) -> Mutant:
    path = rng.choice([p for p, v in nodes(doc) if isinstance(v, str)])
    text = at(doc, path)
    cut = rng.randint(0, len(text))
    text = text[:cut] + rng.choice(CONTROL) + text[cut:]
    return Mutant("control character", put(doc, path, text), rendered(path),
                  ("control character",))


def spoofing_character(doc: Doc, rng: random.Random) -> Mutant:
    path = rng.choice([p for p, v in nodes(doc) if isinstance(v, str)])
    text = at(doc, path)
    cut = rng.randint(0, len(text))
    text = text[:cut] + rng.choice(SPOOFING) + text[cut:]
    return Mutant("spoofing character", put(doc, path, text), rendered(path),
                  ("bidirectional control character", "line or paragraph separator"))


def deep_nesting(doc: Doc, rng: random.Random) -> Mutant:
    version, j, tier = pick_tier(doc, rng)
    trigger = tier["when"]
    for _ in range(rng.randint(MAX_NESTING // 2, 45)):  # each "any" is two levels
        trigger = {"any": [trigger]}
    tier["when"] = trigger
    return Mutant("deep nesting", doc, f"versions[{version}].tiers[{j}].when",
                  ("nested deeper", "nest deeper"))


def pick_tier(doc: Doc, rng: random.Random) -> tuple[int, int, dict[str, Any]]:
    version = rng.randrange(len(doc["versions"]))
    tiers = doc["versions"][version]["tiers"]
    j = rng.randrange(len(tiers))
    return version, j, tiers[j]


def new_tier(doc: Doc, version: int, like: dict[str, Any], when: dict[str, Any],
             name: str) -> dict[str, Any]:
    """A tier of the same subject as ``like``, ranked above every other, with ``when``."""
    tiers = doc["versions"][version]["tiers"]
    rank = max(t["rank"] for t in tiers) + 1
    return {"id": name, "subject": like["subject"], "rank": rank, "when": when,
            "principal": like["principal"], "citation": like["citation"]}


def bands_clash(doc: Doc, rng: random.Random) -> Mutant:
    """Two new tiers whose bands of one quantity overlap or leave a gap."""
    version, _, like = pick_tier(doc, rng)
    fact = rng.choice(["illicit_profit", "damage", "goods_value", "retail_value", "copies"])
    low = rng.randint(0, 10**9)
    high = low + rng.randint(1, 10**9)
    lower: dict[str, Any] = {"quantity": fact, "from": low, "below": high}
    upper: dict[str, Any] = {"quantity": fact, "from": high}
    shift = rng.choice(["overlap", "gap", "inclusive", "exclusive"])
    if shift == "overlap":
        upper["from"] = high - rng.randint(1, high - low)
    elif shift == "gap":
        upper["from"] = high + rng.randint(1, 10**9)
    elif shift == "inclusive":
        lower["to"] = lower.pop("below")
    else:
        upper["above"] = upper.pop("from")
    tiers = doc["versions"][version]["tiers"]
    tiers.append(new_tier(doc, version, like, {"any": [lower]}, "zz-lower"))
    tiers.append(new_tier(doc, version, like, {"any": [upper]}, "zz-upper"))
    return Mutant("overlapping or gapped bands", doc, f"versions[{version}].tiers",
                  ("overlap", "gap"))


def same_as_cycle(doc: Doc, rng: random.Random) -> Mutant:
    version, j, first = pick_tier(doc, rng)
    tiers = doc["versions"][version]["tiers"]  # the second tier: of the same version
    k = rng.randrange(len(tiers)) if rng.random() < 0.7 else j
    if rng.random() < 0.2:
        first["when"] = {"same_as": "zz-nowhere"}
        return Mutant("same_as cycle", doc, f"versions[{version}].tiers[{j}].when",
                      ("unknown tier",))
    second = doc["versions"][version]["tiers"][k]
    first["when"] = {"same_as": second["id"]}
    if k != j:
        second["when"] = {"any": [{"same_as": first["id"]}, second["when"]]}
    return Mutant("same_as cycle", doc, f"versions[{version}].tiers", ("cycle",))


def same_as_bomb(doc: Doc, rng: random.Random) -> Mutant:
    """Tiers that each name the one before several times (a tree that doubles or more at
    each step once ``same_as`` is expanded), or a long chain of ``same_as``."""
    version, _, like = pick_tier(doc, rng)
    chain = rng.random() < 0.4
    names = [f"zz-{n}" for n in range(rng.randint(40, 300) if chain else rng.randint(11, 40))]
    whens: list[dict[str, Any]]
    if chain:  # each names the next: compiling the first walks the whole chain
        whens = [{"same_as": target} for target in [*names[1:], like["id"]]]
    else:
        whens = [{rng.choice(["any", "all", "none"]): [{"same_as": target}] * rng.randint(2, 4)}
                 for target in [like["id"], *names[:-1]]]
    for name, when in zip(names, whens, strict=True):
        doc["versions"][version]["tiers"].append(new_tier(doc, version, like, when, name))
    return Mutant("same_as bomb or chain", doc, f"versions[{version}].tiers",
                  ("tests in", "nest deeper"))


def duplicate_id_or_rank(doc: Doc, rng: random.Random) -> Mutant:
    version = rng.randrange(len(doc["versions"]))
    tiers = doc["versions"][version]["tiers"]
    j = rng.randrange(len(tiers))
    copy = dict(tiers[j])
    if rng.random() < 0.5:
        copy["rank"] = max(t["rank"] for t in tiers) + 1
        says = ("is used twice",)
    else:
        copy["id"] = "zz-twin"
        copy["when"] = {"fact": "organised"}
        says = ("also the rank of tier",)
    tiers.append(copy)
    return Mutant("duplicate id or rank", doc, f"versions[{version}].tiers", says)


# --- mutations of the bytes ---------------------------------------------------------------------


def broken_toml(doc: Doc, rng: random.Random) -> Mutant:
    text = tomli_w.dumps(doc)
    lines = text.splitlines(keepends=True)
    where = rng.randrange(len(lines) + 1)
    how = rng.choice(["bad line", "unclosed table", "duplicate key", "unterminated string"])
    if how == "bad line":
        lines.insert(where, "= broken\n")
    elif how == "unclosed table":
        lines.insert(where, "[[versions]\n")
    elif how == "duplicate key":
        lines.insert(0, f"{next(iter(doc))} = 1\n")
    else:
        quotes = [i for i, c in enumerate(text) if c == '"']
        cut = rng.choice(quotes)
        lines = [text[: cut + 1] + "never closed\n"]
    return Mutant("broken TOML", "".join(lines).encode(), "", ("not valid TOML",))


def bad_bytes(doc: Doc, rng: random.Random) -> Mutant:
    raw = tomli_w.dumps(doc).encode()
    cut = rng.randrange(len(raw) + 1)
    kind = rng.choice(["invalid UTF-8", "NUL byte", "over the size limit", "random bytes"])
    if kind == "invalid UTF-8":
        bad = rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80"])
        return Mutant(kind, raw[:cut] + bad + raw[cut:], "", ("not UTF-8",))
    if kind == "NUL byte":
        # inside a character of several bytes, the NUL also breaks the UTF-8
        return Mutant(kind, raw[:cut] + b"\x00" + raw[cut:], "", ("not valid TOML", "not UTF-8"))
    if kind == "over the size limit":
        padding = b"# " + b"x" * (MAX_FILE_BYTES - len(raw) + rng.randint(1, 10_000)) + b"\n"
        return Mutant(kind, padding + raw, "", ("larger than",))
    if rng.random() < 0.5:
        return Mutant(kind, rng.randbytes(rng.randint(0, 5_000)), None)
    deep = rng.randint(MAX_NESTING + 1, 5_000)
    return Mutant("deep nesting", raw + b"\nzz = " + b"[" * deep + b"]" * deep + b"\n", None,
                  ("nested deeper", "nesting is too deep"))


MUTATIONS: list[Callable[[Doc, random.Random], Mutant]] = [
    wrong_type, unknown_field, missing_field, huge_number, long_text, control_character,
    deep_nesting, bands_clash, same_as_cycle, same_as_bomb, duplicate_id_or_rank, broken_toml,
    bad_bytes, bad_bytes,
]


def bases(minimal: Doc) -> dict[str, Doc]:
    found = {"minimal_statute": minimal}
    for path in statute_files(builtin_directory()):
        found[path.relative_to(builtin_directory()).as_posix()] = tomllib.loads(
            path.read_text(encoding="utf-8"), parse_float=Decimal)
    return found


def mutants(minimal: Doc) -> Iterator[tuple[str, Mutant]]:
    rng = random.Random(SEED)
    for name, base in bases(minimal).items():
        for n in range(PER_BASE):
            yield name, MUTATIONS[n % len(MUTATIONS)](copied(base), rng)


# --- the tests ----------------------------------------------------------------------------------


def test_the_bases_are_valid(make_statute: Callable[[], Doc], tmp_path: Path) -> None:
    for name, base in bases(make_statute()).items():
        path = tmp_path / "base.toml"
        path.write_text(tomli_w.dumps(base), encoding="utf-8")
        assert load_statute(path).id == base["id"], name


def test_hostile_statute_files_give_typed_errors_with_bounded_work(
        make_statute: Callable[[], Doc], tmp_path: Path, figures: Counter[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each mutant, read by :func:`load_statute` and (for one in four, alone in a directory)
    by a :class:`Catalog`, gives a :class:`StatuteFileError` that names the file and has a
    problem at the field path the mutation touched; compiling it builds each trigger table
    of the file at most once (a ``same_as`` bomb that expands to millions of tests costs
    what its text costs), counted, not timed."""
    compiled = count_calls(monkeypatch, compile_triggers.Triggers, "compile")
    kinds: Counter[str] = Counter()
    for number, (base, mutant) in enumerate(mutants(make_statute())):
        folder = tmp_path / f"m{number}"
        folder.mkdir()
        path = folder / "statute.toml"
        content = mutant.content
        path.write_bytes(content if isinstance(content, bytes) else tomli_w.dumps(
            content).encode())
        readers: list[Callable[[], object]] = [partial(load_statute, path)]
        if number % 4 == 0:
            readers.append(partial(catalog_ids, folder))
        tables = tables_in(content) if not isinstance(content, bytes) else 0
        for read in readers:
            compiled.clear()
            error = refusal(read, f"{mutant.kind} of {base} (mutant {number})")
            context = f"{mutant.kind} of {base} (mutant {number}): {error}"
            assert sum(compiled) <= tables, context
            assert error.path == str(path), context
            assert str(error).startswith(str(path)), context
            assert mutant.explained_by(error), context
            figures["typed errors checked"] += 1
        if number % 8 == 0:
            usable_beside(path, tmp_path / f"beside{number}", mutant, make_statute())
            figures["hostile statute files beside a good one (catalogue usable)"] += 1
        figures["statute files fuzzed"] += 1
        figures["statute catalogues fuzzed"] += len(readers) - 1
        kinds[mutant.kind] += 1
    assert sum(kinds.values()) >= 1_000
    assert min(kinds.values()) >= 15, kinds


def usable_beside(hostile: Path, folder: Path, mutant: Mutant, good: Doc) -> None:
    """The hostile file in a directory beside a good one (which has its id, for mutants of
    ``minimal_statute()``): the catalogue lists the good one and names the hostile file,
    with the error it has alone, as its one problem."""
    folder.mkdir()
    copied = folder / hostile.name
    copied.write_bytes(hostile.read_bytes())
    (folder / "good.toml").write_text(tomli_w.dumps(good), encoding="utf-8")
    catalog = Catalog([folder], builtin=False, use_env=False, strict=False)
    assert catalog.ids() == [good["id"]], mutant.kind
    (problem,) = catalog.problems
    assert problem.path == str(copied), problem
    assert mutant.explained_by(problem), f"{mutant.kind}: {problem}"
    assert "already defined" not in str(problem), problem


def test_spoofing_characters_in_any_text_are_refused(
        make_statute: Callable[[], Doc], tmp_path: Path, figures: Counter[str]) -> None:
    """A bidirectional control or a line separator put in a random text of each base file
    (an id, a title, a quote, a key's value...) is refused naming that field."""
    rng = random.Random(SEED + 1)  # its own draws: the mutants above stay as they are
    for name, base in bases(make_statute()).items():
        for number in range(4):
            mutant = spoofing_character(copied(base), rng)
            assert not isinstance(mutant.content, bytes)
            path = tmp_path / f"{number}.toml"
            path.write_text(tomli_w.dumps(mutant.content), encoding="utf-8")
            error = refusal(partial(load_statute, path), f"{mutant.kind} of {name}")
            assert mutant.explained_by(error), f"{mutant.kind} of {name}: {error}"
            figures["spoofing characters refused"] += 1


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> list[int]:
    """Replace ``owner.name`` by a wrapper that appends 1 to the returned list per call."""
    calls: list[int] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def tables_in(value: object) -> int:
    """How many tables (dicts) a document holds, at every depth: a bound on its triggers."""
    if isinstance(value, dict):
        return 1 + sum(tables_in(v) for v in value.values())
    if isinstance(value, list):
        return sum(tables_in(v) for v in value)
    return 0


def catalog_ids(folder: Path) -> list[str]:
    return Catalog([folder], builtin=False, use_env=False).ids()


def refusal(read: Callable[[], object], what: str) -> StatuteFileError:
    """The error ``read`` raises; a failure naming the mutant if it raises none."""
    try:
        read()
    except StatuteFileError as error:
        return error
    pytest.fail(f"accepted: {what}")
