"""One set of facts under many provisions (the whole catalogue, if asked), in one currency,
ranked by what is at stake.

:func:`compare_all` assesses the facts under each provision with :func:`~penalties.assess`
(one question, one place: nothing here re-reads the law) and ranks the answers by
:func:`maximum`. A provision that cannot answer these facts (no version in force on the
date, an offender it does not cover, a fact it does not know, no rate for its currency) is
listed as unanswered with the reason, not dropped and not allowed to stop the others.
What is wrong whatever the provision (an unknown provision, a malformed fact, a fact no
compared provision knows, a comparison currency that is not one or that has no rate) is the
caller's error, raised once, as :func:`~penalties.assess` raises it. Whether an error of the
facts is about the provision is read from :attr:`~penalties.InvalidFacts.kind`, never from
its message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from penalties._documents import AssessmentDocument
from penalties._errors import InvalidFacts, InvalidInput, NoVersionInForce
from rates.errors import RateError, shown
from rates.exact import as_fraction

if TYPE_CHECKING:
    from penalties._facts import Facts
    from penalties.assessment._figures import Figure
    from penalties.assessment._results import Assessment
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute

__all__ = ["Comparison", "ComparisonDocument", "Unanswered", "UnansweredDocument", "compare_all",
           "fine_currencies", "maximum"]

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
                provisions: Iterable[str | Statute] | str | Statute | None = None, *,
                catalog: Catalog | None = None, today: date | None = None,
                to: str | None = None, rate_date: date | None = None,
                rate_source: str | None = None,
                input_rate_date: date | None = None) -> Comparison:
    """``facts`` under each of ``provisions`` (ids, aliases or statutes, each compared once,
    first seen first; one alone is a list of one; default: every provision of the
    catalogue), ranked by :func:`maximum`, with ``to`` the one currency of the comparison;
    the other arguments are those of :func:`~penalties.assess`.

    What is wrong for every provision is the caller's error, raised once, as
    :func:`~penalties.assess` raises it: an unknown provision, a malformed fact or one that
    no compared provision knows, a ``to`` that is not a currency
    (:class:`~rates.errors.UnknownCurrency`), or one with no rate: when a rate is missing
    and no result could be given in ``to`` (none converted into it, none already in it),
    the first rate error is raised (``RateNotFound`` naming the pair). A rate missing for
    one provision's own currency while others are given in ``to`` is that provision's
    :class:`Unanswered` row, as is any other problem of one provision only (see the
    module). No provisions at all (an empty list) is :class:`~penalties.InvalidInput`; an
    amount given without a currency that provisions in different currencies read is
    :class:`~penalties.InvalidFacts` (each would read it in its own currency).

    >>> found = compare_all({"offender": "person", "illicit_profit": "10000 USD",
    ...                      "offence_date": "2025-06-02"}, to="USD")
    >>> found.results[0].provision.id != "", all(u.reason for u in found.unanswered)
    (True, True)
    """
    from penalties._api import assess
    from rates.money import check_currency

    target = None if to is None else check_currency(to)
    chosen = _chosen(provisions, catalog)
    answered: list[tuple[str, Assessment]] = []
    unanswered: list[Unanswered] = []
    rate_errors: list[RateError] = []
    for name, statute in chosen:
        try:
            answered.append((name, assess(statute, facts, catalog=catalog, today=today,
                                          to=target, rate_date=rate_date,
                                          rate_source=rate_source,
                                          input_rate_date=input_rate_date)))
        except NoVersionInForce as exc:
            unanswered.append(Unanswered(name, str(exc).removeprefix(f"{statute.id}: ")))
        except RateError as exc:
            rate_errors.append(exc)
            unanswered.append(Unanswered(name, str(exc)))
        except InvalidFacts as exc:
            if not _about_the_provision(exc, [s for _, s in chosen]):
                raise  # a value wrong for every provision: the caller's error, said once
            unanswered.append(Unanswered(name, str(exc)))
    if rate_errors and target is not None and not any(
            r.rate is not None or r.provision.currency == target for _, r in answered):
        # Nothing to show in ``to``: the currency asked for has no rate (or the source none
        # at all), the caller's error, not one provision's own currency.
        raise rate_errors[0]
    _one_reading([r for _, r in answered])
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
    by_fine = target is not None or len(fine_currencies(results)) <= 1
    ranked = sorted(results, key=lambda r: maximum(r, by_fine))
    return Comparison(tuple(ranked), tuple(unanswered), target)


def _one_reading(results: Iterable[Assessment]) -> None:
    """Refuse an amount given without a currency that provisions in different currencies
    read: each would read it in its own (250,000,000 as VND under one law, as CNY under
    another), so they would not be judging the same facts."""
    from penalties._values import Amount

    read: dict[str, set[str]] = {}
    for result in results:
        for name, value in result.facts.items():
            if isinstance(value, Amount) and value.currency is None and (
                    name not in result.ignored):
                read.setdefault(name, set()).add(result.provision.currency)
    for name, currencies in read.items():
        if len(currencies) > 1:
            used = ", ".join(sorted(currencies))
            raise InvalidFacts(name, "an amount without a currency is read in each law's own "
                               f"currency, and the provisions compared use {used}",
                               "the amount with its currency, e.g. '250000000 VND'")


def fine_currencies(results: Iterable[Assessment]) -> tuple[str, ...]:
    """The currencies, sorted, of the results that put a fine at stake: when they are more
    than one and the results are not converted into one, fines are not ranked
    (:func:`maximum` with ``money`` false)."""
    return tuple(sorted({r.provision.currency for r in results
                         if any(p.is_money for p in r.principal)}))


#: What ``provisions`` may be (in an error message).
_PROVISIONS = ("a provision id or alias, a Statute, or a list of them (each compared once); "
               "None for every provision of the catalogue")


def _chosen(provisions: Iterable[str | Statute] | str | Statute | None,
            catalog: Catalog | None) -> list[tuple[str, Statute]]:
    """The provisions to compare, each with its id (an alias asked by is read as the id it
    names: a row, an unanswered entry and the choice of the law in force all speak of
    ids), once each, in the order first asked."""
    from penalties._api import get_provision, list_provisions
    from penalties.statutes._statute import Statute

    if provisions is None:
        return [(s.id, s) for s in list_provisions(catalog)]
    if isinstance(provisions, str | Statute):
        provisions = [provisions]
    elif not isinstance(provisions, Iterable) or isinstance(provisions, Mapping | bytes):
        raise InvalidInput("provisions", f"{shown(provisions)} is not a list of provisions",
                           _PROVISIONS)
    named: dict[str, tuple[str, Statute]] = {}
    for item in provisions:
        if isinstance(item, str):
            statute = get_provision(item, catalog)
        elif isinstance(item, Statute):
            statute = item
        else:
            raise InvalidInput("provisions", f"{shown(item)} is not a provision id, alias or "
                               "Statute", _PROVISIONS)
        named.setdefault(statute.id, (statute.id, statute))
    if not named:
        raise InvalidInput("provisions", "empty: no provision to compare", _PROVISIONS)
    return list(named.values())


def _about_the_provision(error: InvalidFacts, compared: Iterable[Statute]) -> bool:
    """Whether ``error`` says that the facts do not fit this provision (an offender it does
    not cover, an act it does not declare, a fact it does not know but another compared
    provision does) rather than that a value is wrong in itself, or names a fact that no
    compared provision knows (a misspelt name)."""
    if error.kind == "unknown_fact":
        return any(error.field in statute.vocabulary for statute in compared)
    return error.kind in ("offender_not_covered", "unknown_act")
