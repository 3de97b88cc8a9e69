"""The functions most callers need: assess facts (and compare provisions), find provisions,
get the statute file schema.

Every computation runs in the library's own exact arithmetic (:mod:`rates.exact`), so the
results are the same, digit for digit, whatever ``decimal.getcontext()`` holds in the
calling thread or any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from penalties._errors import InvalidFacts
from penalties._facts import Facts
from penalties._values import day_option
from penalties.assessment._conversion import (
    convert_result,
    input_rate_unused,
    rate_day,
    report_rate,
)
from penalties.assessment._engine import assess_facts
from penalties.statutes._catalog import Catalog, default_catalog

if TYPE_CHECKING:
    from penalties.assessment._results import Assessment
    from penalties.statutes._statute import Statute

__all__ = ["assess", "compare", "facts_for", "get_provision", "list_provisions",
           "statute_schema"]


def assess(provision: str | Statute, facts: Facts | Mapping[str, Any], *,
           catalog: Catalog | None = None, today: date | None = None, to: str | None = None,
           rate_date: date | None = None, rate_source: str | None = None,
           input_rate_date: date | None = None) -> Assessment:
    """What ``provision`` puts at stake for ``facts``.

    Args:
        provision: an id (``vn/penal-code/225``) or alias (``vn-225``), or a loaded statute.
        facts: a :class:`~penalties._facts.Facts`, or a mapping of the same fields (a
            statute's own declared facts included).
        catalog: where to look the provision up (default: built-in + ``PENALTIES_STATUTES``).
        today: the date used when the facts give no offence date (default: today).
        to: also report every amount in this currency, at one rate (see ``rate_date``).
        rate_date: the date of that rate (default: the offence date); refused
            (:class:`~penalties.InvalidInput`) without ``to``.
        rate_source: the rate source, for amounts given in another currency and for ``to``
            (default: the embedded snapshot).
        input_rate_date: the date of the rate that converts amounts given in another
            currency than the statute's (default: the offence date); when no amount is in
            another currency, the result's ``notes`` say it was not used.

    >>> result = assess("vn/penal-code/225", {"offender": "entity",
    ...                 "illicit_profit": "250000000 VND", "offence_date": "2018-03-19"})
    >>> result.tier.id, [(p.kind, str(p.min.amount), str(p.max.amount)) for p in result.principal]
    ('4a', [('fine', '300000000', '1000000000')])
    """
    from rates.sources import check_source

    check_source(rate_source)  # a mistyped source is refused even when no rate is needed
    rate_date = rate_day(rate_date, to)  # refused without ``to``: it would seem used
    chosen = catalog if catalog is not None else default_catalog()
    statute = chosen.get(provision) if isinstance(provision, str) else provision
    input_day = day_option("input_rate_date", input_rate_date)
    result = assess_facts(chosen.lens(statute), facts_for(statute, facts), today, rate_source,
                          input_day)
    if input_day is not None and not result.inputs:  # said, not silently unused
        result = replace(result, notes=(*result.notes, input_rate_unused(
            input_day, result.provision.currency)))
    if to is None:
        return result
    day = result.offence_date if rate_date is None else rate_date
    return convert_result(result, report_rate(result.provision.currency, to, day, rate_source))


def compare(provisions: Iterable[str | Statute], facts: Facts | Mapping[str, Any], *,
            catalog: Catalog | None = None, today: date | None = None, to: str | None = None,
            rate_date: date | None = None, rate_source: str | None = None,
            input_rate_date: date | None = None) -> list[Assessment]:
    """One set of facts under several provisions (each converted at its own rate, stated,
    with ``to``); the arguments are those of :func:`assess`."""
    return [assess(p, facts, catalog=catalog, today=today, to=to, rate_date=rate_date,
                   rate_source=rate_source, input_rate_date=input_rate_date)
            for p in provisions]


def facts_for(statute: Statute, facts: Facts | Mapping[str, Any]) -> Facts:
    """``facts`` read for ``statute`` (its own declared facts included); every fact given
    must be one the statute knows."""
    checked = (facts if isinstance(facts, Facts)
               else Facts.from_mapping(facts, statute.vocabulary))
    unknown = [name for name in checked.given() if name not in statute.vocabulary]
    if unknown:
        raise InvalidFacts(unknown[0], f"unknown fact for {statute.id}",
                           ", ".join(sorted(statute.vocabulary.names())), kind="unknown_fact")
    return checked


def get_provision(name: str, catalog: Catalog | None = None) -> Statute:
    """The provision with this id or alias; :class:`~penalties._errors.UnknownProvision` if
    none."""
    return (catalog if catalog is not None else default_catalog()).get(name)


def list_provisions(catalog: Catalog | None = None) -> list[Statute]:
    """Every provision in the catalogue, sorted by id."""
    return list(catalog if catalog is not None else default_catalog())


def statute_schema() -> dict[str, Any]:
    """The JSON Schema of the statute file format (what ``penalties schema`` prints)."""
    from penalties.statutes._schema import StatuteFile

    schema = StatuteFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
