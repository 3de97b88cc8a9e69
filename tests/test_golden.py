"""Every statute file shipped with the library passes its own golden cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from penalties import load_statute, run_cases
from penalties.statutes._catalog import builtin_directory, statute_files
from penalties.statutes._schema import HistoryRule, Leniency

FILES = statute_files(builtin_directory())


def test_there_are_statute_files() -> None:
    assert len(FILES) >= 2


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(builtin_directory())))
def test_golden_cases(path: Path) -> None:
    statute = load_statute(path)
    assert statute.model.cases, "every shipped statute carries golden cases"
    failures = [o for o in run_cases(statute) if not o.passed]
    assert not failures, "\n".join(f"{o.name}: {'; '.join(o.differences)}" for o in failures)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_tier_cites_its_text(path: Path) -> None:
    statute = load_statute(path)
    for version in statute.model.versions:
        for tier in version.tiers:
            assert tier.citation.quote
            assert tier.citation.translation
            assert tier.citation.source
        assert version.sources


def test_a_wrong_expectation_is_reported(tmp_path: Path) -> None:
    source = builtin_directory() / "vn" / "penal-code" / "225.toml"
    text = source.read_text(encoding="utf-8").replace(
        'principal = [{ kind = "fine", min = 300_000_000, max = 1_000_000_000 }]\nadditional',
        'principal = [{ kind = "fine", min = 300_000_001, max = 1_000_000_000 }]\nadditional', 1)
    changed = tmp_path / "225.toml"
    changed.write_text(text, encoding="utf-8")
    outcomes = run_cases(load_statute(changed))
    failed = [o for o in outcomes if not o.passed]
    assert len(failed) == 1
    assert failed[0].differences[0] == (  # in words, not Python tuples (a fresh user's finding)
        "principal: expected fine 300000001 to 1000000000, got fine 300000000 to 1000000000")


@pytest.mark.parametrize("path", sorted(builtin_directory().glob("*/general.toml")),
                         ids=lambda p: p.parent.name)
def test_general_rules_load_and_cite_their_text(path: Path) -> None:
    """A jurisdiction's general rules validate, and each rule cites its text."""
    from penalties.statutes._general import load_general

    general = load_general(path)
    assert general.history or general.leniency
    for rule in (*general.history, *general.leniency):
        assert isinstance(rule, HistoryRule | Leniency)
        assert rule.citation.quote
        assert rule.citation.translation
        assert rule.citation.source
