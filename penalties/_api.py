"""The functions most callers need: assess facts, find provisions, get the file schema."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from penalties._facts import Facts
from penalties.assessment._conversion import input_converter
from penalties.assessment._engine import assess_statute
from penalties.batch._classes import figures_of, with_figures
from penalties.statutes._catalog import Catalog, default_catalog

if TYPE_CHECKING:
    from penalties.assessment._results import Assessment
    from penalties.statutes._statute import Statute

__all__ = ["assess", "get_provision", "list_provisions", "statute_schema"]


def assess(provision: str, facts: Facts | Mapping[str, Any], *, catalog: Catalog | None = None,
           today: date | None = None, rate_source: str | None = None,
           input_rate_date: date | None = None) -> Assessment:
    """What ``provision`` puts at stake for ``facts``.

    Args:
        provision: an id (``vn/penal-code/225``) or alias (``vn-225``).
        facts: a :class:`~penalties._facts.Facts`, or a mapping of the same fields.
        catalog: where to look the provision up (default: built-in + ``PENALTIES_STATUTES``).
        today: the date used when the facts give no offence date (default: today).
        rate_source: the rate source for amounts given in another currency than the
            statute's (default: the embedded snapshot).
        input_rate_date: the date of that rate (default: the offence date).

    >>> result = assess("vn/penal-code/225", {"offender": "entity",
    ...                 "illicit_profit": "250000000 VND", "offence_date": "2018-03-19"})
    >>> result.tier.id, [(p.kind, str(p.min.amount), str(p.max.amount)) for p in result.principal]
    ('4a', [('fine', '300000000', '1000000000')])
    """
    checked = facts if isinstance(facts, Facts) else Facts.from_mapping(facts)
    chosen = catalog if catalog is not None else default_catalog()
    statute = chosen.get(provision)
    classes = chosen.classifier(statute)
    given = checked.given()
    key = classes.key(checked, given)
    if key is not None:
        cached = classes.answers.get(key)
        if cached is not None:  # a case the law cannot tell from one already assessed
            return with_figures(cached, figures_of(checked), given, checked.offence_date)
    result = assess_statute(statute, checked, today, resolve=chosen.get,
                            convert=input_converter(rate_source, input_rate_date))
    if key is not None:
        classes.remember(key, result)
    return result


def get_provision(name: str, catalog: Catalog | None = None) -> Statute:
    """The provision with this id or alias; :class:`~penalties._errors.UnknownProvision` if none."""
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
