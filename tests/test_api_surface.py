"""The public surface: explicit, sorted ``__all__``; nothing heavy at import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import penalties


def isort_style(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps ``__all__`` in: constants, classes, then the rest."""
    if name.isupper():
        return 0, name
    return (1 if name[0].isupper() else 2), name


def test_all_is_sorted_and_resolves() -> None:
    names = [n for n in penalties.__all__ if n != "__version__"]
    assert names == sorted(names, key=isort_style)
    for name in penalties.__all__:
        assert getattr(penalties, name) is not None
    assert set(dir(penalties)) == set(penalties.__all__)


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = penalties.nope


def test_error_tree() -> None:
    assert issubclass(penalties.InvalidFacts, penalties.PenaltyError)
    assert issubclass(penalties.InvalidFacts, ValueError)
    assert issubclass(penalties.UnsupportedCurrency, penalties.InvalidFacts)
    assert issubclass(penalties.UnknownProvision, LookupError)
    assert issubclass(penalties.NoVersionInForce, LookupError)
    assert issubclass(penalties.StatuteFileError, ValueError)


def test_import_loads_nothing_heavy() -> None:
    code = ("import sys, penalties; heavy = [m for m in ('pydantic', 'requests', "
            "'requests_cache', 'moneyed', 'babel', 'tomllib', 'rich', 'typer') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_assessing_offline_never_imports_an_http_stack() -> None:
    code = ("import sys, penalties; penalties.assess('vn-225', {'offender': 'person', "
            "'organised': True, 'offence_date': '2018-03-19'}); "
            "print([m for m in ('requests', 'requests_cache', 'urllib3') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_schema_is_json_schema() -> None:
    schema = penalties.statute_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "versions" in schema["properties"]
    assert "from" in str(schema)  # bands use the law's words for their bounds
