"""Statute directories (issue 12, item 7): a link to a file of the directory is that file; a
broken user file is reported with its own error while the rest of the catalogue stays
usable; a file shadowing a built-in id is refused, by ``validate`` and at load, naming both
files; bidirectional controls and line separators are refused in statute text."""

from __future__ import annotations

import copy
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import tomli_w

from penalties import Catalog, StatuteFileError, UnknownProvision, assess, load_statute
from penalties.statutes._catalog import builtin_directory
from penalties.statutes._golden import validate

if TYPE_CHECKING:  # imported where used, so that each test fails alone on the code before
    from penalties._errors import DuplicateProvision

Doc = dict[str, Any]
Writer = Callable[..., Path]
BUILTIN_225 = builtin_directory() / "vn" / "penal-code" / "225.toml"
FACTS = {"offender": "person", "illicit_profit": 150, "offence_date": "2020-01-01"}


def write(path: Path, data: Doc | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else tomli_w.dumps(data), encoding="utf-8")
    return path


def other(data: Doc, number: int, **changes: Any) -> Doc:
    """``data`` as provision ``xx/test-code/<number>`` (alias ``xx-<number>``), changed."""
    changed = {**copy.deepcopy(data), "id": f"xx/test-code/{number}", "aliases": [f"xx-{number}"]}
    return {**changed, **changes}


def broken_currency(data: Doc) -> Doc:
    return {**copy.deepcopy(data), "currency": "XYZ"}


def broken_rank(data: Doc) -> Doc:
    changed = copy.deepcopy(data)
    changed["versions"][0]["tiers"][0]["rank"] = "high"
    return changed


def unloaded(problems: tuple[StatuteFileError, ...]) -> list[str]:
    from penalties._text import unloaded as lines  # what `penalties list` prints of them

    return lines(problems)


def duplicate() -> type[DuplicateProvision]:
    from penalties._errors import DuplicateProvision

    return DuplicateProvision


def lenient(*directories: Path, builtin: bool = False) -> Catalog:
    return Catalog(directories, builtin=builtin, use_env=False, strict=False)


def faults(error: StatuteFileError) -> dict[str, str]:
    return {p.location: p.message for p in error.problems}


def by_path(catalog: Catalog) -> dict[str, StatuteFileError]:
    return {error.path: error for error in catalog.problems}


# --- a link is the file ---------------------------------------------------------------------


def test_a_symlink_and_a_hard_link_in_the_directory_are_the_file(
        tmp_path: Path, statute_data: Doc, figures: Counter[str]) -> None:
    folder = tmp_path / "d"
    target = write(folder / "a.toml", statute_data)
    os.symlink("a.toml", folder / "0-link.toml")  # found before its target
    os.symlink(target, folder / "z-link.toml")  # an absolute link
    os.link(target, folder / "hard.toml")
    (folder / "sub").mkdir()
    os.symlink(Path("..") / "a.toml", folder / "sub" / "up.toml")
    for catalog in (Catalog([folder], builtin=False, use_env=False),  # strict: no problem
                    Catalog([folder, folder, folder / "sub"], builtin=False, use_env=False)):
        assert catalog.ids() == ["xx/test-code/1"]
        assert catalog.problems == ()
        assert catalog.get("xx-1").path == str(target)  # named by the path that is no link
        figures["statute directory shapes tried (catalogue usable)"] += 1
    # checked once, and named by the file, not by the link found first
    assert [(entry["file"], entry.get("error")) for entry in validate([folder])] == [
        (str(target), None)]


# --- a broken file has its own error, the rest stays usable ----------------------------------


def test_one_broken_file_among_good_ones_is_named_with_its_own_error(
        tmp_path: Path, statute_data: Doc, figures: Counter[str]) -> None:
    folder = tmp_path / "d"
    write(folder / "good.toml", statute_data)
    write(folder / "also-good.toml", other(statute_data, 3))
    broken = write(folder / "broken.toml", broken_currency(other(statute_data, 2)))
    catalog = lenient(folder)
    assert catalog.ids() == ["xx/test-code/1", "xx/test-code/3"]
    assert assess("xx-1", FACTS, catalog=catalog).tier is not None
    (problem,) = catalog.problems
    assert problem.path == str(broken)
    assert "unknown currency code 'XYZ'" in faults(problem)["currency"]
    with pytest.raises(StatuteFileError, match="unknown currency code 'XYZ'") as asked:
        catalog.get("xx-2")  # the file's own error, not "unknown provision"
    assert not isinstance(asked.value, UnknownProvision)
    with pytest.raises(UnknownProvision, match=r"1 statute file did not load: .*broken\.toml"):
        catalog.get("xx-9")
    assert unloaded(catalog.problems) == [f"not loaded: {problem}"]
    with pytest.raises(StatuteFileError, match="unknown currency code 'XYZ'"):
        Catalog([folder], builtin=False, use_env=False).ids()  # strict: the first error
    strict = Catalog([folder], builtin=False, use_env=False)
    assert strict.get("xx-1").id == "xx/test-code/1"  # another file never stops a lookup
    figures["statute directory shapes tried (catalogue usable)"] += 1


@pytest.mark.parametrize("with_a_good_one", [True, False])
def test_broken_files_sharing_an_id_are_each_named_with_their_own_fault(
        tmp_path: Path, statute_data: Doc, figures: Counter[str], with_a_good_one: bool) -> None:
    folder = tmp_path / "d"
    if with_a_good_one:
        write(folder / "a.toml", statute_data)
    first = write(folder / "b1.toml", broken_currency(statute_data))
    second = write(folder / "b2.toml", broken_rank(statute_data))
    catalog = lenient(folder)
    found = by_path(catalog)
    assert set(found) == {str(first), str(second)}
    assert "unknown currency code 'XYZ'" in faults(found[str(first)])["currency"]
    assert "valid integer" in faults(found[str(second)])["versions[0].tiers[0].rank"]
    assert not any("already defined" in str(error) for error in catalog.problems)
    if with_a_good_one:
        assert catalog.ids() == ["xx/test-code/1"]
        assert catalog.get("xx-1").path == str(folder / "a.toml")
    else:
        assert catalog.ids() == []
        with pytest.raises(StatuteFileError, match="unknown currency code 'XYZ'"):
            catalog.get("xx-1")
    figures["statute directory shapes tried (catalogue usable)"] += 1


def test_a_valid_second_copy_is_a_duplicate_naming_both_files(
        tmp_path: Path, statute_data: Doc) -> None:
    folder = tmp_path / "d"
    first = write(folder / "a.toml", statute_data)
    copied = copy.deepcopy(statute_data)
    copied["title"]["en"] = "Another test offence"
    second = write(folder / "b.toml", copied)
    catalog = lenient(folder)
    assert catalog.get("xx-1").path == str(first)
    (problem,) = catalog.problems
    assert isinstance(problem, duplicate())
    assert str(problem).startswith(f"{second}: id: 'xx/test-code/1' is already defined by "
                                   f"{first}")
    assert (problem.name, problem.other, problem.builtin) == ("xx/test-code/1", str(first), False)


# --- shadowing a built-in -------------------------------------------------------------------


def test_shadowing_a_builtin_id_is_refused_by_validate_and_at_load(
        tmp_path: Path, statute_data: Doc, figures: Counter[str]) -> None:
    shadow = write(tmp_path / "d" / "225.toml", {
        **statute_data, "id": "vn/penal-code/225", "aliases": ["my-225"]})
    (entry,) = validate([shadow])
    error = str(entry.get("error"))
    assert str(shadow) in error, entry
    assert str(BUILTIN_225) in error, entry
    assert "already defined by the built-in file" in error
    catalog = lenient(shadow.parent, builtin=True)
    assert catalog.get("vn-225").path == str(BUILTIN_225)  # the built-in stays usable
    assert assess("vn-225", {"offender": "person", "illicit_profit": 150_000_000,
                             "offence_date": "2020-01-01"}, catalog=catalog).tier is not None
    (problem,) = catalog.problems
    assert isinstance(problem, duplicate())
    assert (problem.path, problem.other, problem.builtin) == (str(shadow), str(BUILTIN_225), True)
    with pytest.raises(duplicate()):
        catalog.get("my-225")  # the refused file's other names give its error
    figures["statute directory shapes tried (catalogue usable)"] += 1


def test_validate_a_builtin_file_or_two_copies(tmp_path: Path, statute_data: Doc) -> None:
    assert "error" not in validate([BUILTIN_225])[0]  # a built-in file is itself
    first = write(tmp_path / "a.toml", statute_data)
    second = write(tmp_path / "b.toml", statute_data)
    report = validate([first, second])
    assert "error" not in report[0]
    assert f"is already defined by {first}" in str(report[1]["error"])


# --- hostile shapes of a directory ----------------------------------------------------------


def _outside_link(folder: Path, data: Doc) -> str:
    secret = write(folder.parent / "outside" / "secret.toml", other(data, 7))
    os.symlink(secret, folder / "link.toml")
    return "leads outside"


def _dangling_link(folder: Path, data: Doc) -> str:
    os.symlink("nowhere.toml", folder / "dangling.toml")
    return "a symlink to nothing"


def _broken_general(folder: Path, data: Doc) -> str:
    write(folder / "zz" / "general.toml", "schema_version = ")
    write(folder / "zz" / "s.toml", {**copy.deepcopy(data), "id": "zz/test-code/1",
                                     "aliases": [], "jurisdiction": "ZZ"})
    return "not valid TOML"


def _not_utf8(folder: Path, data: Doc) -> str:
    (folder / "latin1.toml").write_bytes(tomli_w.dumps(other(data, 2)).encode("utf-16"))
    return "not UTF-8 text"


def _id_not_on_a_top_line(folder: Path, data: Doc) -> str:
    text = tomli_w.dumps(other(data, 2))
    write(folder / "literal-id.toml", text.replace('id = "xx/test-code/2"',
                                                    "id = 'xx/test-code/2'"))
    return "write id and aliases as plain top-level lines"


def _spoofing_name(folder: Path, data: Doc) -> str:
    write(folder / "fine\u202elmth.toml", broken_currency(other(data, 2)))
    return "fine\\u202elmth.toml: currency"  # escaped wherever the error is shown


SHAPES = {"a file name with a bidi control": _spoofing_name,
          "a symlink leading outside": _outside_link, "a dangling symlink": _dangling_link,
          "a broken general rules file": _broken_general, "a file not in UTF-8": _not_utf8,
          "an id not on a top line": _id_not_on_a_top_line}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_hostile_file_leaves_the_rest_usable(
        tmp_path: Path, statute_data: Doc, figures: Counter[str], shape: str) -> None:
    folder = tmp_path / "d"
    write(folder / "good.toml", statute_data)
    (folder / "folder.toml").mkdir()  # a directory named like a file is no file
    says = SHAPES[shape](folder, statute_data)
    catalog = lenient(folder)
    assert "xx/test-code/1" in catalog.ids()
    assert assess("xx-1", FACTS, catalog=catalog).tier is not None
    assert catalog.problems, shape
    assert any(says in str(error) for error in catalog.problems), catalog.problems
    assert all(line.isprintable() for line in unloaded(catalog.problems))  # one plain line
    assert all(str(error).isprintable() for error in catalog.problems)
    with pytest.raises(StatuteFileError):
        Catalog([folder], builtin=False, use_env=False).ids()
    figures["statute directory shapes tried (catalogue usable)"] += 1


def test_statutes_of_a_jurisdiction_whose_general_rules_failed_say_so(
        tmp_path: Path, statute_data: Doc) -> None:
    folder = tmp_path / "d"
    _broken_general(folder, statute_data)
    found = by_path(lenient(folder))
    general = str(folder / "zz" / "general.toml")
    assert set(found) == {general, str(folder / "zz" / "s.toml")}
    assert f"the general rules of ZZ ({general}) did not load" in str(
        found[str(folder / "zz" / "s.toml")])


# --- text that spoofs a terminal --------------------------------------------------------------

SPOOFING = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
            "\u2069", "\u200e", "\u200f", "\u061c", "\u2028", "\u2029",
            "\u200b", "\u2060", "\ufeff"]  # (the last three invisible: look-alike ids and titles)
FIELDS = {"title.en": ("title", "en"), "title.original": ("title", "original"),
          "versions[0].tiers[0].citation.quote": ("versions", 0, "tiers", 0, "citation", "quote"),
          "versions[0].sources[0].title": ("versions", 0, "sources", 0, "title"),
          "id": ("id",)}


@pytest.mark.parametrize("character", SPOOFING, ids=lambda c: f"U+{ord(c):04X}")
def test_bidi_controls_and_separators_are_refused_naming_the_field(
        write_statute: Writer, statute_data: Doc, figures: Counter[str], character: str) -> None:
    for location, keys in FIELDS.items():
        data = copy.deepcopy(statute_data)
        target: Any = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = f"{target[keys[-1]]}{character}10,000"
        with pytest.raises(StatuteFileError) as info:
            load_statute(write_statute(data))
        assert f"U+{ord(character):04X} in the text" in faults(info.value)[location], location
        figures["spoofing characters refused"] += 1


def test_a_spoofed_key_and_general_rules_text_are_refused(tmp_path: Path, statute_data: Doc
                                                          ) -> None:
    data = copy.deepcopy(statute_data)
    data["versions"][0]["tiers"][0]["citation"]["note\u202e"] = "x"
    with pytest.raises(StatuteFileError, match=r"key bidirectional control character U\+202E"):
        load_statute(write(tmp_path / "key.toml", data))
    folder = tmp_path / "d"
    write(folder / "zz" / "general.toml", 'schema_version = 1\njurisdiction = "ZZ"\n'
          '[[leniency]]\napplies_to = ["zz/"]\norder = ["tier"]\n[leniency.citation]\n'
          'quote = "q\u2028"\ntranslation = "t"\nsource = "s"\nconfidence = "C"\n')
    (problem,) = lenient(folder).problems
    assert "leniency[0].citation.quote: line or paragraph separator U+2028" in str(problem)
