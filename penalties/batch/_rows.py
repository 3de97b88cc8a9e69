"""Many cases at once: streaming, in constant memory, with every row's provenance.

:func:`assess_many` takes an iterable of cases (``Facts`` or mappings, e.g. CSV rows) and
yields one :class:`BatchResult` per case, in order, never holding more than one case. A row
that cannot be read is a result with an ``error`` (its row number and the reason), never a
silent gap.

Rows that share everything the law looks at (offender, version, flags, the facts given, and
for each amount the same position among the statute's boundaries) get the same tier and
ranges, so the engine's answer for the first of them is reused for the others; only the
figures in the reasons differ. Rows the engine must see whole (history dates, trial or action
dates, amounts in another currency, computed bounds) always go through it. Rows whose values
are all in plain forms (digits, ``YYYY-MM-DD``, true/false) are classified straight from
their text; any other row is read through :class:`~penalties._facts.Facts` first.

>>> rows = [{"id": "a", "offender": "entity", "illicit_profit": "250000000",
...          "offence_date": "2018-03-19"},
...         {"id": "b", "offender": "person", "illicit_profit": "lots"}]
>>> [(r.row, r.tier_id, r.error) for r in assess_many(rows, "vn-225")]  # doctest: +ELLIPSIS
[(1, '4a', None), (2, None, "illicit_profit: not an amount this library can read...")]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from penalties._errors import InvalidFacts, PenaltyError
from penalties._facts import HISTORY_DATES, Facts
from penalties.batch._classes import (
    COUNTS,
    FALSE,
    FIELDS,
    FLAGS,
    NAMES,
    TRUE,
    Classifier,
    Plan,
    figures_of,
    refigure,
    with_figures,
)
from rates.errors import RateError

if TYPE_CHECKING:
    from penalties.assessment._conversion import ConvertedAssessment
    from penalties.assessment._results import Assessment, Reason
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute
    from rates.model import Rate

__all__ = ["INPUT_COLUMNS", "BatchResult", "assess_many", "facts_from_row"]

#: Columns a batch file may have: ``id`` (passed through) and every fact.
INPUT_COLUMNS: tuple[str, ...] = ("id", *NAMES)


def facts_from_row(row: Mapping[str, Any]) -> Facts:
    """Facts from a row whose values may be text (CSV): blank means "not given", flags
    accept true/false/yes/no/1/0, counts are whole numbers. Unknown columns are an error."""
    if "__error__" in row:
        raise InvalidFacts("row", str(row["__error__"]),
                           str(row.get("__expected__", "one JSON object per line")))
    values: dict[str, Any] = {}
    for name, raw in row.items():
        if name == "id":
            continue
        if name not in FIELDS:
            raise InvalidFacts(name, "unknown column", ", ".join(INPUT_COLUMNS))
        if not isinstance(raw, str):
            if raw is not None:
                values[name] = raw
            continue
        text = raw.strip()
        if name in FLAGS:
            lowered = text.lower()
            if lowered in TRUE:
                values[name] = True
            elif lowered in FALSE:
                if text or name not in HISTORY_DATES:
                    values[name] = False
            else:
                raise InvalidFacts(name, f"{raw!r} is not true or false", "true, false, yes, "
                                   "no, 1, 0 or blank")
        elif not text:
            continue
        elif name in COUNTS or name == "times":
            if not (text.isascii() and text.isdigit()) or len(text) > 18:
                raise InvalidFacts(name, f"{text[:40]!r} is not a whole number",
                                   "0, 1, 2, ... written in digits")
            values[name] = int(text)
        else:
            values[name] = text
    if "offender" not in values:
        raise InvalidFacts("offender", "missing", "person or entity")
    return Facts(**values)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One case of a batch: its row number, its id, and the assessment or the error.

    ``template`` is the assessment of the row's class (see the module docstring) and
    ``figures`` this row's amounts; the row's own :attr:`assessment` (its figures in the
    reasons) is built only when asked for.
    """

    row: int
    id: str | None
    source: Facts | Mapping[str, Any] | None = None
    template: Assessment | None = None
    exact: bool = True
    rate: Rate | None = None
    figures: Mapping[str, Decimal] | None = None
    error: str | None = None

    @property
    def assessment(self) -> Assessment | None:
        """The assessment of this case (``None`` for a row in error)."""
        if self.template is None or self.exact:
            return self.template
        source = self.source
        facts = source if isinstance(source, Facts) else facts_from_row(source or {})
        return with_figures(self.template, self.figures or {}, facts.given(),
                            facts.offence_date)

    def reasons(self) -> tuple[Reason, ...]:
        """The reasons of the tier that applied, with this row's figures."""
        tier = self.template.tier if self.template else None
        if tier is None:
            return ()
        if self.exact or not self.figures:
            return tier.reasons
        return refigure(tier.reasons, self.figures)

    @property
    def conversion(self) -> ConvertedAssessment | None:
        """The assessment in the asked currency, at one rate (``None`` if not asked)."""
        from penalties.assessment._conversion import ConvertedAssessment
        from rates.money import DEFAULT_ROUNDING

        result = self.assessment
        if result is None or self.rate is None:
            return None
        return ConvertedAssessment(result, self.rate.quote, self.rate, DEFAULT_ROUNDING)

    @property
    def tier_id(self) -> str | None:
        """The tier that applied, if any."""
        return self.template.tier.id if self.template and self.template.tier else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the row, the id, and the assessment (converted when asked) or error."""
        out: dict[str, Any] = {"row": self.row, "id": self.id}
        conversion = self.conversion
        if self.error is not None:
            out["error"] = self.error
        elif conversion is not None:
            out.update(conversion.to_dict())
        elif self.assessment is not None:
            out.update(self.assessment.to_dict())
        return out


def assess_many(cases: Iterable[Facts | Mapping[str, Any]], provision: str | Statute, *,
                catalog: Catalog | None = None, to: str | None = None,
                rate_date: date | None = None, rate_source: str | None = None,
                today: date | None = None) -> Iterator[BatchResult]:
    """Assess each case under ``provision``, lazily, in order. The provision, currency and
    dates are checked at the call, before any case is read.

    Args:
        cases: ``Facts``, or mappings of fact names to values (text is accepted, as in CSV;
            an ``id`` key is passed through).
        provision: an id or alias, or a loaded statute.
        to: also convert every result into this currency, one rate per rate date.
        rate_date: the date of that rate (default: each case's offence date).
        rate_source: the rate source (default: the embedded snapshot).
        today: the date of cases that give no offence date (default: the day the batch
            starts, the same for every case even if the batch runs past midnight).
    """
    assessor = Assessor(provision, catalog=catalog, to=to, rate_date=rate_date,
                        rate_source=rate_source, today=today)
    return (assessor.one(number, case) for number, case in enumerate(cases, start=1))


class Assessor:
    """The state one batch shares across its rows: the statute, its classes, the rates.

    :func:`assess_many` runs :meth:`one` on each row; :mod:`penalties.batch._table` uses the
    same methods for whole columns of rows.
    """

    def __init__(self, provision: str | Statute, *, catalog: Catalog | None = None,
                 to: str | None = None, rate_date: date | None = None,
                 rate_source: str | None = None, today: date | None = None) -> None:
        from penalties._api import get_provision
        from penalties.assessment._conversion import input_converter
        from penalties.statutes._catalog import default_catalog

        self.catalog = catalog if catalog is not None else default_catalog()
        self.statute = (provision if not isinstance(provision, str)
                        else get_provision(provision, self.catalog))
        self.convert = input_converter(rate_source)
        self.memo = Classifier(self.statute, self.catalog.get)
        self.rates: dict[date, Rate] = {}
        self.target = None
        if to is not None:
            from rates.money import check_currency

            self.target = check_currency(to)
        self.rate_date = rate_date
        self.rate_source = rate_source
        self.today = today if today is not None else date.today()  # one "today" per batch
        self.plans: dict[tuple[str, ...], Plan] = {}

    def plan(self, columns: tuple[str, ...]) -> Plan:
        """How rows with these columns are read (see :class:`~penalties.batch._classes.Plan`)."""
        found = self.plans.get(columns)
        if found is None:
            found = self.plans[columns] = Plan.of(columns)
        return found

    def template(self, key: tuple[Any, ...] | None, case: Facts | Mapping[str, Any]
                 ) -> tuple[Assessment, bool]:
        """The assessment of the class ``key`` and whether it was made for ``case`` itself
        (else it was made for another case of the class); a case without a class
        (``key`` is ``None``) is always assessed on its own."""
        from penalties.assessment._engine import assess_statute

        cached = self.memo.answers.get(key) if key is not None else None
        if cached is not None:
            return cached, False
        facts = case if isinstance(case, Facts) else facts_from_row(case)
        found = assess_statute(self.statute, facts, self.today, resolve=self.catalog.get,
                               convert=self.convert)
        if key is not None:
            self.memo.remember(key, found)
        return found, True

    def rate(self, currency: str, day: date) -> Rate | None:
        """The rate for results in ``currency`` of a case of ``day`` (``None``: no
        conversion asked, or none needed)."""
        if self.target is None or self.target == currency:
            return None
        on = self.rate_date or day
        found = self.rates.get(on)
        if found is None:
            import rates

            found = self.rates[on] = rates.get_rate(currency, self.target, on,
                                                    source=self.rate_source)
        return found

    def one(self, number: int, case: Facts | Mapping[str, Any]) -> BatchResult:
        """The result of one case (row ``number``), or its error."""
        ident = None
        try:
            figures = found = None
            if not isinstance(case, Facts):
                raw_id = case.get("id")
                ident = None if raw_id in (None, "") else str(raw_id)
                found = self.memo.plain(case, self.plan(tuple(case)))
            day: date | None
            if found is not None:
                plain_key, figures = found
                cached, exact = self.template(plain_key, case)
                day = self.memo.texts[case["offence_date"].strip()]  # type: ignore[index]
            else:
                facts = case if isinstance(case, Facts) else facts_from_row(case)
                key = self.memo.key(facts, facts.given())
                cached, exact = self.template(key, facts)
                if not exact:
                    figures = figures_of(facts)
                day = facts.offence_date or cached.offence_date
            rate = self.rate(cached.provision.currency, day or cached.offence_date)
            return BatchResult(number, ident, case, cached, exact, rate, figures)
        except (PenaltyError, RateError) as exc:
            return BatchResult(number, ident, error=str(exc))
