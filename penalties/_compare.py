"""One set of facts under many provisions (the whole catalogue, if asked), in one currency,
ranked by what is at stake.

:func:`compare_all` assesses the facts under each provision with :func:`~penalties.assess`
(one question, one place: nothing here re-reads the law) and ranks the answers by
:func:`maximum`. A provision that cannot answer these facts (no version in force on the
date, an offender it does not cover, a fact it does not know, no rate for its currency) is
listed as unanswered with the reason, not dropped and not allowed to stop the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from penalties._documents import AssessmentDocument
from penalties._errors import InvalidFacts, NoVersionInForce
from rates.errors import RateError
from rates.exact import as_fraction

if TYPE_CHECKING:
    from penalties._facts import Facts
    from penalties.assessment._figures import Figure
    from penalties.assessment._results import Assessment
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute

__all__ = ["Comparison", "ComparisonDocument", "Unanswered", "UnansweredDocument", "compare_all",
           "maximum"]

#: How the results are ordered, in words (also in the JSON document).
ORDER = ("by the highest principal fine in the comparison currency (no statutory maximum "
         "first; with several currencies and none to compare in, not by fine), then the "
         "longest principal imprisonment; provisions with no tier for the facts last")


class UnansweredDocument(TypedDict):
    """A provision that gives no answer for the facts, and why."""

    provision: str
    reason: str


class ComparisonDocument(TypedDict):
    """One set of facts under several provisions, ranked (penalties compare --json)."""

    schema_version: Literal[1]
    order: str
    currency: str | None
    results: list[AssessmentDocument]
    unanswered: list[UnansweredDocument]


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A provision that gives no answer for these facts, and why."""

    provision: str
    reason: str

    def to_dict(self) -> UnansweredDocument:
        """JSON-ready form."""
        return {"provision": self.provision, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Comparison:
    """The answers, ranked by :func:`maximum`, and the provisions that gave none."""

    results: tuple[Assessment, ...]
    unanswered: tuple[Unanswered, ...]
    currency: str | None

    def to_dict(self) -> ComparisonDocument:
        """The JSON document of ``penalties compare --json`` (``schema_version`` 1; each
        result is the document of ``penalties assess --json``)."""
        return {"schema_version": 1, "order": ORDER, "currency": self.currency,
                "results": [r.to_dict() for r in self.results],
                "unanswered": [u.to_dict() for u in self.unanswered]}


def _shown(figure: Figure | None) -> Figure | None:
    return figure.converted if figure is not None and figure.converted is not None else figure


def maximum(result: Assessment, money: bool = True) -> tuple[int, int, Fraction, int,
                                                             Fraction, str]:
    """The sort key of a result, largest first: whether a tier applies, the highest fine
    (converted when the result was; a fine with no statutory maximum above any amount;
    left out with ``money`` false, for results in several currencies), the longest
    imprisonment in months (no maximum: above any), then the provision id."""
    if result.tier is None:
        return (1, 0, Fraction(0), 0, Fraction(0), result.provision.id)
    fines = [_shown(p.high) for p in result.principal if p.is_money]
    prisons = [p.max_months for p in result.principal if p.kind == "imprisonment"]
    fine = max((as_fraction(f.exact) for f in fines if f is not None), default=Fraction(0))
    months = max((as_fraction(m) for m in prisons if m is not None), default=Fraction(0))
    unlimited_fine = int(any(f is None for f in fines))
    unlimited_prison = int(any(m is None for m in prisons))
    if not money:
        unlimited_fine, fine = 0, Fraction(0)
    return (0, -unlimited_fine, -fine, -unlimited_prison, -months, result.provision.id)


def compare_all(facts: Facts | Mapping[str, Any],
                provisions: Iterable[str | Statute] | None = None, *,
                catalog: Catalog | None = None, today: date | None = None,
                to: str | None = None, rate_date: date | None = None,
                rate_source: str | None = None,
                input_rate_date: date | None = None) -> Comparison:
    """``facts`` under each of ``provisions`` (default: every provision of the catalogue),
    ranked by :func:`maximum`, with ``to`` the one currency of the comparison; the other
    arguments are those of :func:`~penalties.assess`.

    >>> found = compare_all({"offender": "person", "illicit_profit": "10000 USD",
    ...                      "offence_date": "2025-06-02"}, to="USD")
    >>> found.results[0].provision.id != "", all(u.reason for u in found.unanswered)
    (True, True)
    """
    from penalties._api import assess, list_provisions

    chosen = list(provisions) if provisions is not None else list_provisions(catalog)
    answered: list[tuple[str, Assessment]] = []
    unanswered: list[Unanswered] = []
    for provision in chosen:
        name = provision if isinstance(provision, str) else provision.id
        try:
            answered.append((name, assess(provision, facts, catalog=catalog, today=today, to=to,
                                          rate_date=rate_date, rate_source=rate_source,
                                          input_rate_date=input_rate_date)))
        except (NoVersionInForce, RateError) as exc:
            unanswered.append(Unanswered(name, str(exc).removeprefix(f"{name}: ")))
        except InvalidFacts as exc:
            if not _about_the_provision(exc):
                raise  # a value wrong for every provision: the caller's error, said once
            unanswered.append(Unanswered(name, str(exc)))
    kept: dict[tuple[str, date], Assessment] = {}
    # A predecessor or successor in force answers for another: one row per law, the
    # provision's own row first (a stable sort keeps the order within each group).
    for name, result in sorted(answered, key=lambda item: item[0] != item[1].provision.id):
        key = (result.provision.id, result.provision.version)
        if key in kept:
            unanswered.append(Unanswered(name, f"the law in force for these facts is "
                                               f"{result.provision.id}, listed"))
        else:
            kept[key] = result
    results = list(kept.values())
    one_currency = to is not None or len({r.provision.currency for r in results}) <= 1
    ranked = sorted(results, key=lambda r: maximum(r, one_currency))
    return Comparison(tuple(ranked), tuple(unanswered), to)


def _about_the_provision(error: InvalidFacts) -> bool:
    """Whether ``error`` says the provision cannot take these facts (an offender it does
    not cover, a fact it does not know, an act it does not declare) rather than that a
    value is wrong in itself."""
    text = str(error)
    return ("does not cover the offender kind" in text or "unknown fact for" in text
            or "is not an act of" in text)
