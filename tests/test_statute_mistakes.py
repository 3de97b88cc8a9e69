"""Statute-file mistakes that ``validate`` passed (a fresh user's test, 2026-12-03): each is
now refused when the file loads, naming the field and what is allowed.

A cap written for a months kind was never applied; a fact declared with a minimum above its
maximum refused every value; a fact named ``id`` is never read from a batch file (the
column is a case's id); a provision that is its own predecessor, a currency that is no
currency (XXX) and a source address that is not a web address (``javascript:``) were
all taken.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from penalties import StatuteFileError
from penalties.statutes._loader import load_statute

CITATION = {"article": "9", "quote": "q", "translation": "t", "source": "s",
            "confidence": "C"}


def _cap_on_months(data: dict[str, Any]) -> None:
    data["versions"][0]["caps"] = [{"subject": "person", "kind": "imprisonment", "max": 10,
                                    "citation": CITATION}]


def _fact(**spec: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["facts"] = [{"name": "seats", "kind": "count", "help": "h", "description": "d",
                          **spec}]
    return change


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[key] = value
    return change


def _source_url(data: dict[str, Any]) -> None:
    data["versions"][0]["sources"] = [{"title": "t", "url": "javascript:alert(1)"}]


@pytest.mark.parametrize(("change", "field", "message"), [
    (_cap_on_months, "caps", "a cap's max is an amount: its kind is one of fine, "
     "statutory_damages"),
    (_fact(min=10, max=1), "facts[0].min", "10 is above max 1"),
    (_fact(name="id"), "facts[0].name", "'id' is the batch column of a case's id"),
    (_set("predecessor", "xx/test-code/1"), "", "predecessor is this file's own id"),
    (_set("successor", "xx/test-code/1"), "", "successor is this file's own id"),
    (_set("currency", "XXX"), "currency", "XXX is the code for no currency"),
    (_set("currency", "XTS"), "currency", "XTS is the code for testing"),
    (_source_url, "sources[0].url", "expected a web address, http:// or https://"),
])
def test_a_mistake_is_refused_naming_its_field(
        change: Callable[[dict[str, Any]], None], field: str, message: str,
        statute_data: dict[str, Any], write_statute: Callable[..., Path]) -> None:
    change(statute_data)
    with pytest.raises(StatuteFileError) as raised:
        load_statute(write_statute(statute_data))
    text = str(raised.value)
    assert message in text, text
    assert field in text


@pytest.mark.parametrize(("link", "message"), [
    ({"see_also": [{"id": "xx/test-code/1", "why": "w"}]},
     "see_also[0].id: 'xx/test-code/1' is this file's own id"),
    ({"see_also": [{"id": "xx/nope/9", "why": "w"}]},
     "see_also[0].id: unknown provision 'xx/nope/9'"),
    ({"predecessor": "xx/nope/9"}, "predecessor: unknown provision 'xx/nope/9'")])
def test_validate_names_the_file_and_field_of_a_link_to_nowhere(
        link: dict[str, Any], message: str, statute_data: dict[str, Any],
        write_statute: Callable[..., Path]) -> None:
    """``validate`` said only "unknown provision 'xx/nope/9' (known: ...)", from a golden
    case, with neither the file nor the field; a link to the file itself was "unknown"."""
    from penalties.statutes._golden import validate

    path = write_statute({**statute_data, **link})
    [entry] = validate([path])
    assert str(entry["error"]).startswith(f"{path}: {message}"), entry


def test_validate_takes_links_between_the_files_it_is_given_in_any_order(
        tmp_path: Path, statute_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A reviewer's test (2026-12-03): links were checked file by file, so a ``see_also``
    to a file validated later was "unknown provision"; and a broken file of
    ``PENALTIES_STATUTES`` failed every file given."""
    import tomli_w

    from penalties.statutes import _catalog
    from penalties.statutes._golden import validate

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "b.toml").write_text('id = "xx/broken/1"\nthis is not toml\n', encoding="utf-8")
    monkeypatch.setenv("PENALTIES_STATUTES", str(broken))
    monkeypatch.setattr(_catalog, "_default", None)  # the catalogue of this environment
    first = {**statute_data, "see_also": [{"id": "xx/test-code/2", "why": "w"}]}
    second = {**statute_data, "id": "xx/test-code/2", "aliases": ["xx-2"],
              "predecessor": "xx/test-code/1"}
    given = tmp_path / "given"
    given.mkdir()
    paths = []
    for name, data in (("a.toml", first), ("b.toml", second)):
        (given / name).write_text(tomli_w.dumps(data), encoding="utf-8")
        paths.append(given / name)
    for order in (paths, paths[::-1]):
        report = validate(order)
        assert [entry.get("error") for entry in report] == [None, None], report
