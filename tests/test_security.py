"""Security of the law side: statute directories keep their files in, the source holds no
code-from-data, and every input has a limit with a clear, typed error.

See SECURITY.md, "Untrusted statute files".
"""

from __future__ import annotations

import ast
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from moneyed import Money

import penalties.statutes._catalog
from penalties import assess
from penalties._errors import SHOWN_PROBLEMS, InvalidFacts, StatuteFileError, UnknownProvision
from penalties._facts import Facts
from penalties._values import MAX_ACT, MAX_TEXT, Amount
from penalties._vocabulary import builtin_vocabulary
from penalties.statutes._catalog import ENV_VAR, MAX_FILE_BYTES, Catalog
from penalties.statutes._compile import MAX_TRIGGER_DEPTH, MAX_TRIGGER_NODES
from penalties.statutes._loader import load_statute
from penalties.statutes._schema import MAX_NESTING
from penalties.statutes._schema import MAX_TEXT as MAX_STATUTE_TEXT
from rates.money import MAX_AMOUNT

MAX_TIMES = builtin_vocabulary()["times"].high

Writer = Callable[..., Path]
Doc = dict[str, Any]
ROOT = Path(__file__).resolve().parent.parent


def refused(read: Callable[[], object]) -> StatuteFileError:
    with pytest.raises(StatuteFileError) as info:
        read()
    return info.value


def catalog_ids(directory: Path) -> list[str]:
    return Catalog([directory], builtin=False, use_env=False).ids()


def messages(error: StatuteFileError) -> dict[str, str]:
    return {p.location: p.message for p in error.problems}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every statute file the catalogue opens, symlinks resolved."""
    opened: list[Path] = []
    real = os.open

    def spy(path: str | os.PathLike[str], flags: int, *args: Any, **kwargs: Any) -> int:
        opened.append(Path(path).resolve())
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    return opened


def with_id(data: Doc, provision: str) -> Doc:
    return {**data, "id": provision, "aliases": []}


# --- files stay inside their directory ------------------------------------------------------


def test_a_symlinked_file_leading_outside_is_refused_not_read(
        tmp_path: Path, write_statute: Writer, statute_data: Doc, reads: list[Path]) -> None:
    secret = write_statute(with_id(statute_data, "xx/outside/1"), "outside/secret.toml")
    inside = tmp_path / "inside"
    write_statute(statute_data, "inside/own.toml")
    os.symlink(secret, inside / "link.toml")
    error = refused(partial(catalog_ids, inside))
    assert error.path == str(inside / "link.toml")
    assert "leads outside" in str(error)
    assert secret.resolve() not in reads


def test_a_symlinked_directory_leading_outside_is_not_followed(
        tmp_path: Path, write_statute: Writer, statute_data: Doc, reads: list[Path]) -> None:
    secret = write_statute(with_id(statute_data, "xx/outside/1"), "outside/secret.toml")
    write_statute(statute_data, "inside/own.toml")
    os.symlink(secret.parent, tmp_path / "inside" / "elsewhere", target_is_directory=True)
    assert catalog_ids(tmp_path / "inside") == ["xx/test-code/1"]
    assert secret.resolve() not in reads


def test_a_symlink_loop_ends(tmp_path: Path, write_statute: Writer, statute_data: Doc) -> None:
    inside = write_statute(statute_data, "inside/own.toml").parent
    os.symlink(inside, inside / "loop", target_is_directory=True)
    os.symlink(inside / "loop", inside / "loop2", target_is_directory=True)
    done: list[list[str]] = []
    worker = threading.Thread(target=lambda: done.append(catalog_ids(inside)), daemon=True)
    worker.start()
    worker.join(timeout=120)  # a hang guard
    assert done == [["xx/test-code/1"]]


def test_a_file_swapped_for_a_symlink_after_indexing_is_refused(
        tmp_path: Path, write_statute: Writer, statute_data: Doc, reads: list[Path]) -> None:
    write_statute(statute_data, "inside/a.toml")
    second = write_statute(with_id(statute_data, "xx/test-code/2"), "inside/b.toml")
    secret = write_statute(with_id(statute_data, "xx/test-code/2"), "outside/b.toml")
    catalog = Catalog([tmp_path / "inside"], builtin=False, use_env=False)
    assert catalog.get("xx/test-code/1").id == "xx/test-code/1"  # indexes both files
    second.unlink()
    os.symlink(secret, second)
    error = refused(lambda: catalog.get("xx/test-code/2"))
    assert "leads outside" in str(error)
    assert secret.resolve() not in reads


def test_a_file_replaced_while_it_is_opened_is_refused(
        tmp_path: Path, write_statute: Writer, statute_data: Doc,
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_statute(statute_data, "inside/a.toml")
    second = write_statute(with_id(statute_data, "xx/test-code/2"), "inside/b.toml")
    secret = write_statute(with_id(statute_data, "xx/test-code/2"), "outside/b.toml")
    catalog = Catalog([tmp_path / "inside"], builtin=False, use_env=False)
    assert catalog.get("xx/test-code/1").id == "xx/test-code/1"  # indexes both files
    real = os.open

    def swapping(path: str | os.PathLike[str], flags: int, *args: Any, **kw: Any) -> int:
        """b.toml is a symlink to the secret just while it is opened, then a file again."""
        if Path(path).name != "b.toml":
            return real(path, flags, *args, **kw)
        kept = second.read_bytes()
        second.unlink()
        os.symlink(secret, second)
        try:
            return real(path, flags, *args, **kw)
        finally:
            second.unlink()
            second.write_bytes(kept)

    monkeypatch.setattr(os, "open", swapping)
    error = refused(lambda: catalog.get("xx/test-code/2"))
    assert error.path == str(second)
    assert "was replaced while it was being opened" in str(error)


def test_a_byte_order_mark_before_the_id_line_is_indexed(
        tmp_path: Path, statute_data: Doc) -> None:
    inside = tmp_path / "inside"
    inside.mkdir()
    text = tomli_w.dumps({"id": statute_data["id"], **statute_data})
    assert text.startswith("id = ")
    (inside / "bom.toml").write_text("\ufeff" + text, encoding="utf-8")
    assert catalog_ids(inside) == [statute_data["id"]]


def test_dangling_symlinks_and_directories_named_like_files(
        tmp_path: Path, write_statute: Writer, statute_data: Doc) -> None:
    inside = write_statute(statute_data, "inside/own.toml").parent
    os.symlink(tmp_path / "nowhere.toml", inside / "dangling.toml")
    assert "leads outside" in str(refused(partial(catalog_ids, inside)))
    (inside / "dangling.toml").unlink()
    (inside / "folder.toml").mkdir()
    assert catalog_ids(inside) == ["xx/test-code/1"]
    assert "cannot read the file" in str(refused(lambda: load_statute(inside / "folder.toml")))


def test_dot_dot_in_a_directory_is_resolved_before_the_check(
        tmp_path: Path, write_statute: Writer, statute_data: Doc) -> None:
    write_statute(statute_data, "outside/secret.toml")
    inside = tmp_path / "inside"
    (inside / "sub").mkdir(parents=True)
    os.symlink(Path("..") / ".." / "outside" / "secret.toml", inside / "sub" / "up.toml")
    for given in (inside, inside / "sub" / ".."):
        error = refused(partial(catalog_ids, given))
        assert "leads outside" in str(error), given


def test_the_environment_variable_directories_are_contained_too(
        tmp_path: Path, write_statute: Writer, statute_data: Doc,
        monkeypatch: pytest.MonkeyPatch) -> None:
    secret = write_statute(statute_data, "outside/secret.toml")
    inside = tmp_path / "inside"
    inside.mkdir()
    os.symlink(secret, inside / "link.toml")
    monkeypatch.setenv(ENV_VAR, str(inside))
    assert "leads outside" in str(refused(lambda: Catalog(builtin=False).ids()))


@pytest.mark.parametrize("provision", ["../../etc/passwd", "vn/../../etc/passwd", "/etc/passwd",
                                       "..", "vn/penal-code/../225"])
def test_ids_are_names_not_paths(provision: str, reads: list[Path]) -> None:
    with pytest.raises(UnknownProvision):
        Catalog(use_env=False).get(provision)
    builtin = penalties.statutes._catalog.builtin_directory().resolve()
    assert all(path.is_relative_to(builtin) for path in reads)


@pytest.mark.parametrize("provision", ["xx/../1", "xx/./1", "../xx/1", "xx/a/..", "xx//1"])
def test_an_id_with_dots_or_empty_segments_is_refused(
        provision: str, write_statute: Writer, statute_data: Doc) -> None:
    error = refused(lambda: load_statute(write_statute(with_id(statute_data, provision))))
    assert "id" in messages(error)


def test_devices_and_pipes_are_never_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    found: list[str] = []

    def read() -> None:
        found.append(str(refused(lambda: load_statute(pipe))))

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=120)  # a hang guard
    assert len(found) == 1
    assert "not a regular file" in found[0]
    if Path("/dev/zero").exists():
        assert "not a regular file" in str(refused(lambda: load_statute("/dev/zero")))


# --- no code from data ----------------------------------------------------------------------

FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint", "input"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle",
                     "jsonpickle", "subprocess", "pty", "code", "codeop", "runpy"}
FORBIDDEN_ATTRIBUTES = {("os", "system"), ("os", "popen"), ("yaml", "load"),
                        ("yaml", "unsafe_load"), ("os", "execv"), ("os", "execvp")}
#: Imports by computed name, each reading its names from a constant table of the module.
DYNAMIC_IMPORTS = {("penalties/__init__.py", "__getattr__"), ("rates/__init__.py", "__getattr__"),
                   ("rates/sources.py", "_factory"),
                   ("penalties/__main__.py", "command_line")}  # its own command line, by name


def sources() -> Iterator[tuple[str, ast.Module]]:
    for package in ("penalties", "rates"):
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_no_eval_exec_or_pickle_in_the_source(figures: Counter[str]) -> None:
    found: list[str] = []
    dynamic: set[tuple[str, str]] = set()
    for name, tree in sources():
        figures["source files scanned"] += 1
        functions = {id(n): f.name for f in ast.walk(tree)
                     if isinstance(f, ast.FunctionDef) for n in ast.walk(f)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                           else [node.module or ""])
                found += [f"{name}: import {m}" for m in modules
                          if m.split(".")[0] in FORBIDDEN_MODULES]
            elif isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                    found.append(f"{name}:{node.lineno}: {func.id}()")
                elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    pair = (func.value.id, func.attr)
                    if pair in FORBIDDEN_ATTRIBUTES:
                        found.append(f"{name}:{node.lineno}: {'.'.join(pair)}()")
                    if pair == ("importlib", "import_module"):
                        dynamic.add((name, functions.get(id(node), "<module>")))
    assert found == []
    assert dynamic == DYNAMIC_IMPORTS


# --- limits on facts ------------------------------------------------------------------------


def facts(**values: Any) -> Facts:
    """Facts of a person, values of any type (as a mapping from JSON or a form would give)."""
    return Facts.from_mapping({"offender": "person", **values})


@pytest.mark.parametrize("value", [10**18 + 1, "1000000000000000001", "1,000,000,000,000,000,001",
                                   "1000000000000000000.01 VND", Decimal("1e18") + 1,
                                   Decimal("1E+400"), Money("1000000000000000001", "VND"),
                                   Amount(Decimal(10**18 + 1), None),
                                   pytest.param(10**5000, id="10**5000")])
def test_amounts_beyond_10_to_the_18_are_refused(value: object) -> None:
    assert Decimal(10) ** 18 == MAX_AMOUNT
    with pytest.raises(InvalidFacts, match=r"illicit_profit: .*exceeds 10\^18") as info:
        facts(illicit_profit=value)
    assert len(str(info.value)) < 300
    assert facts(illicit_profit=10**18).illicit_profit == (MAX_AMOUNT, None)


@pytest.mark.parametrize("value", [Amount(Decimal("NaN"), None), Amount(Decimal("-1"), None),
                                   Amount(Decimal("Infinity"), "VND"), Amount._make(["5", None]),
                                   Amount._make([5, "XYZ"]), Amount._make([5, ["VND"]])])
def test_an_amount_object_is_checked_like_any_other_amount(value: Amount) -> None:
    """``Amount`` is public: one built by hand must not slip past the checks (a NaN used to
    reach the band comparisons and raise ``decimal.InvalidOperation``)."""
    with pytest.raises(InvalidFacts, match="illicit_profit"):
        assess("vn-225", facts(illicit_profit=value, offence_date="2019-01-01"))
    checked = facts(illicit_profit=Amount._make([5, "usd"])).illicit_profit
    assert checked == (Decimal(5), "USD")


@pytest.mark.parametrize("name", ["times", "copies", "works", "violations"])
def test_counts_are_bounded(name: str) -> None:
    assert getattr(facts(**{name: MAX_TIMES}), name) == MAX_TIMES
    assert getattr(facts(**{name: Decimal("2.0")}), name) == 2  # a JSON Lines 2.0
    for value in (MAX_TIMES + 1, -1, 10**5000, True, "3.0", "x" * 30, "9" * 5000, 2.0, 2.5,
                  1e300, float("nan"), Decimal("9.9999999999999999"), Decimal("1E-400")):
        with pytest.raises(InvalidFacts, match=name) as info:
            facts(**{name: value})
        assert len(str(info.value)) < 200


@pytest.mark.parametrize(("name", "limit"), [("offender", MAX_TEXT), ("offence_date", MAX_TEXT),
                                             ("illicit_profit", MAX_TEXT), ("act", MAX_ACT),
                                             ("prior_sentence", MAX_TEXT)])
def test_text_facts_are_bounded(name: str, limit: int) -> None:
    with pytest.raises(InvalidFacts, match=f"^{name}: ") as info:
        facts(prior_conviction=True, **{name: "1" * (limit + 1)})
    assert len(str(info.value)) < 300


@pytest.mark.parametrize("value", [
    pytest.param("x" * 1_000_000, id="long text"), pytest.param(list(range(100_000)), id="list"),
    pytest.param({"a": "b" * 10**6}, id="dict"), pytest.param(10**5000, id="10**5000")])
def test_errors_quote_hostile_values_briefly(value: object) -> None:
    for name in ("offender", "offence_date", "illicit_profit", "act", "organised", "copies"):
        with pytest.raises(InvalidFacts) as info:
            facts(**{name: value})
        assert len(str(info.value)) < 600, name


def test_unknown_fact_names_of_any_type_are_a_typed_error() -> None:
    odd: list[dict[Any, Any]] = [{1: 2, "a": 3, "offender": "person"},
                                 {("x",): 1, "offender": "person"},
                                 {"x" * 10**6: 1, "offender": "person"}]
    for data in odd:
        with pytest.raises(InvalidFacts, match="unknown fact") as info:
            Facts.from_mapping(data)
        assert len(str(info.value)) < 1_000


def test_a_history_window_ending_after_the_calendar_still_counts() -> None:
    """A sanction completed in 9999 counts until after 9999-12-31; computing the window's
    end used to raise a bare ``ValueError`` (year 10000 is out of range)."""
    result = assess("vn-225", {"offender": "entity", "illicit_profit": 150_000_000,
                               "offence_date": "9999-12-31",
                               "prior_admin_penalty_completed": "9999-06-01"})
    assert result.tier is not None
    assert "counts until after 9999-12-31" in result.tier.reasons[-1].text


# --- limits on statute files ----------------------------------------------------------------


def padded(data: Doc, size: int) -> bytes:
    text = tomli_w.dumps(data).encode()
    return text + b"#" * (size - len(text) - 1) + b"\n"


def test_file_size_limit_is_exact(tmp_path: Path, statute_data: Doc) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(padded(statute_data, MAX_FILE_BYTES))
    assert load_statute(path).id == "xx/test-code/1"
    path.write_bytes(padded(statute_data, MAX_FILE_BYTES + 1))
    assert messages(refused(lambda: load_statute(path))) == {
        "": f"file is larger than {MAX_FILE_BYTES} bytes"}


def test_text_length_limit_is_exact(write_statute: Writer, statute_data: Doc) -> None:
    statute_data["subjects"][0]["label"] = "x" * MAX_STATUTE_TEXT
    assert load_statute(write_statute(statute_data)).id == "xx/test-code/1"
    statute_data["subjects"][0]["label"] += "x"
    statute_data["versions"][0]["tiers"][0]["citation"]["note"] = "y" * 10**5
    found = messages(refused(lambda: load_statute(write_statute(statute_data))))
    assert found == {"subjects[0].label": "text of 20,001 characters is longer than 20,000",
                     "versions[0].tiers[0].citation.note":
                     "text of 100,000 characters is longer than 20,000"}


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[2J", "bell\x07", "\x7f", "next\x85line"])
def test_control_characters_are_refused(write_statute: Writer, statute_data: Doc,
                                        text: str) -> None:
    statute_data["title"]["en"] = text
    found = messages(refused(lambda: load_statute(write_statute(statute_data))))
    assert list(found) == ["title.en"]
    assert found["title.en"].startswith("control character U+")
    statute_data["title"]["en"] = "tabs\tand\nnew lines\r\n are text"
    assert load_statute(write_statute(statute_data)).id == "xx/test-code/1"


def test_nesting_is_bounded(write_statute: Writer, statute_data: Doc) -> None:
    deep: object = 1
    for _ in range(MAX_NESTING):
        deep = [deep]
    statute_data["versions"][0]["sources"][0]["title"] = deep
    found = messages(refused(lambda: load_statute(write_statute(statute_data))))
    assert list(found.values()) == [f"nested deeper than {MAX_NESTING} levels"]
    assert next(iter(found)).startswith("versions[0].sources[0].title[0]")


FLAG = {"fact": "organised"}


def tier(number: int, when: Doc) -> Doc:
    """A person tier numbered and ranked ``number``."""
    citation = {"clause": "9", "quote": "q", "translation": "t", "source": "s",
                "confidence": "C"}
    return {"id": str(number), "subject": "person", "rank": number, "citation": citation,
            "when": when, "principal": [{"kind": "fine", "max": 1}]}


def test_trigger_size_limit_is_exact(write_statute: Writer, statute_data: Doc) -> None:
    """The size counts every test with ``same_as`` expanded: what one evaluation walks."""
    tiers = statute_data["versions"][0]["tiers"]
    tiers.append(tier(8, {"any": [FLAG] * 99}))  # 100 tests

    def largest(flags: int) -> Doc:  # 1 + 9 × 100 + 1 + flags tests
        return tier(9, {"any": [{"same_as": "8"}] * 9 + [{"any": [FLAG] * flags}]})

    tiers.append(largest(MAX_TRIGGER_NODES - 902))
    assert load_statute(write_statute(statute_data)).id == "xx/test-code/1"
    tiers[-1] = largest(MAX_TRIGGER_NODES - 901)
    found = messages(refused(lambda: load_statute(write_statute(statute_data))))
    assert found == {"versions[0].tiers[4].when.any": "the trigger has 1,001 tests in 3 "
                     "levels with same_as expanded; at most 1,000 tests in 32 levels are allowed"}


def chain(statute_data: Doc, hops: int) -> Doc:
    """Tiers 10, 11, ... each ``same_as`` the next, the last testing a flag."""
    tiers = statute_data["versions"][0]["tiers"]
    for n in range(hops + 1):
        tiers.append(tier(10 + n, {"same_as": str(11 + n)} if n < hops else FLAG))
    return statute_data


def test_same_as_chain_limit_is_exact(write_statute: Writer, make_statute: Callable[[], Doc],
                                      ) -> None:
    allowed = chain(make_statute(), MAX_TRIGGER_DEPTH - 1)
    assert load_statute(write_statute(allowed)).id == "xx/test-code/1"
    error = refused(lambda: load_statute(write_statute(chain(make_statute(),
                                                             MAX_TRIGGER_DEPTH))))
    assert "nest deeper than 32 levels" in messages(error)["versions[0].tiers[35].when"]


def test_a_same_as_bomb_is_refused_quickly(write_statute: Writer, statute_data: Doc) -> None:
    """Forty tiers each naming the one before twice would expand to 2^40 tests."""
    tiers = statute_data["versions"][0]["tiers"]
    tiers.append(tier(9, FLAG))
    for n in range(10, 50):
        tiers.append(tier(n, {"all": [{"same_as": str(n - 1)}] * 2}))
    error = refused(lambda: load_statute(write_statute(statute_data)))
    assert "tests in" in str(error)


def test_builtin_triggers_are_far_below_the_limits() -> None:
    for statute in Catalog(use_env=False):
        for version in statute.versions:
            for tiers in version.tiers.values():
                for tier in tiers:
                    assert tier.node.size <= 50
                    assert tier.node.height <= 10


def test_a_file_with_many_problems_names_the_first_ones(write_statute: Writer,
                                                        statute_data: Doc) -> None:
    for n in range(5_000):
        statute_data[f"unknown_{n}"] = n
    error = refused(lambda: load_statute(write_statute(statute_data)))
    assert len(error.problems) == 5_000
    assert str(error).endswith(f"; and {5_000 - SHOWN_PROBLEMS} more problems")
    assert len(str(error)) < 5_000


def test_statute_values_are_quoted_briefly(write_statute: Writer, statute_data: Doc) -> None:
    statute_data["versions"][0]["tiers"][0]["rank"] = {"x": "y" * 10_000}
    error = refused(lambda: load_statute(write_statute(statute_data)))
    assert "rank: Input should be a valid integer (got {'x': 'yyy" in str(error)
    assert len(str(error)) < 500
