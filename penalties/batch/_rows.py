"""Many cases at once: streaming, in constant memory, with every row's provenance.

:func:`assess_many` takes an iterable of cases (``Facts`` or mappings, e.g. CSV rows) and
yields one :class:`BatchResult` per case, in order, never holding more than one case. A row
that cannot be read is a result with an ``error`` (its row number and the reason), never a
silent gap.

Each row is read by the one reader of values (:mod:`penalties._values`, each distinct text
once) and assessed by the engine (:func:`~penalties.assessment._engine.assess_facts`): rows
the law cannot tell apart share the engine's answer by its key
(:mod:`penalties.assessment._seen`), so no row can get another answer than ``assess``
gives it. Results are converted at one rate per currency, rate date and source.

>>> rows = [{"id": "a", "offender": "entity", "illicit_profit": "250000000",
...          "offence_date": "2018-03-19"},
...         {"id": "b", "offender": "person", "illicit_profit": "lots"}]
>>> [(r.row, r.tier_id, r.error) for r in assess_many(rows, "vn-225")]  # doctest: +ELLIPSIS
[(1, '4a', None), (2, None, "illicit_profit: not an amount this library can read...")]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from penalties._errors import InvalidFacts, PenaltyError, shown
from penalties._facts import Facts, fact_of, given
from penalties._values import TextReader, day_option, read, today_option
from penalties.assessment._conversion import rate_day
from rates.errors import RateError

if TYPE_CHECKING:
    from penalties._vocabulary import Vocabulary
    from penalties.assessment._results import Assessment
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute
    from rates.model import Rate

__all__ = ["BadRow", "BatchResult", "Case", "assess_many", "facts_from_row", "input_columns",
           "refused_id"]

#: Rates remembered by a batch (one per currency, rate date and source).
MAX_RATES = 100_000
#: A lone surrogate: no character of Unicode text (a ``\\ud800`` escape of JSON, or a byte of
#: a file that is not UTF-8 as :mod:`penalties.batch._files` reads it).
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


class BadRow(Mapping[str, Any]):
    """A row that could not be read as a case (a line that is not a JSON object, a CSV row
    with too few fields...): why (``field``, ``problem``, ``allowed``), and its id if it has
    one, which is all it holds as a mapping.

    The batch knows it by its type, never by a key, so no input can pass for one.
    """

    __slots__ = ("allowed", "field", "ident", "problem")

    def __init__(self, problem: str, allowed: str = "one JSON object per line", *,
                 field: str = "row", ident: str | None = None) -> None:
        self.problem = problem
        self.allowed = allowed
        self.field = field
        self.ident = ident

    def error(self) -> InvalidFacts:
        """The error of the row."""
        return InvalidFacts(self.field, self.problem, self.allowed)

    def __getitem__(self, key: str) -> Any:  # noqa: ANN401 - a mapping of cases' values
        if key == "id" and self.ident is not None:
            return self.ident
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("id",) if self.ident is not None else ())

    def __len__(self) -> int:
        return 0 if self.ident is None else 1

    def __bool__(self) -> bool:
        return True  # a row in error, even without an id, is never "no row"

    def __repr__(self) -> str:
        return f"BadRow({self.error()})"


class Case(dict[str, Any]):
    """A row of a table read as a case: its facts and ``id`` (the mapping), and the cells of
    the columns carried through to the output (``carried``: each column's name as written
    and its cell), which are never read as facts."""

    __slots__ = ("carried",)

    def __init__(self, values: Mapping[str, Any], carried: tuple[tuple[str, str], ...] = ()
                 ) -> None:
        super().__init__(values)
        self.carried = carried


def refused_id(text: str) -> str | None:
    """Why an id cannot be written to the output (a NUL character, a lone surrogate), or
    ``None``: an id is copied through as it is, any other text."""
    if "\x00" in text:
        return f"{shown(text)} holds a NUL character"
    if not text.isascii() and LONE_SURROGATE.search(text):
        return f"{shown(text)} is not Unicode text (a lone surrogate)"
    return None


def input_columns(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The columns a batch file may have: ``id`` (passed through) and every fact."""
    return ("id", *vocabulary.names())


def facts_from_row(row: Mapping[str, Any], vocabulary: Vocabulary | None = None,
                   reader: TextReader | None = None) -> Facts:
    """Facts from a row whose values may be text (CSV): blank means "not given"; each
    value is read as any fact is (:mod:`penalties._values`, by ``reader`` for text cells).
    The columns are facts of ``vocabulary`` (default: the built-in one), or an error."""
    if vocabulary is None:
        from penalties._vocabulary import builtin_vocabulary

        vocabulary = builtin_vocabulary()
    if type(row) is BadRow:
        raise row.error()
    values: dict[str, Any] = {}
    for name, raw in row.items():
        if name == "id":
            continue
        if name not in vocabulary:
            from penalties.batch._header import near_fact

            text = str(name)
            near = near_fact(text, vocabulary)
            raise InvalidFacts(text if text.isprintable() else shown(text),
                               f"unknown column{f'; did you mean {near}?' if near else ''}",
                               ", ".join(input_columns(vocabulary)))
        fact = fact_of(vocabulary, name)
        value = reader(fact, raw) if reader is not None and type(raw) is str else read(fact, raw)
        value = given(fact, value)
        if value is not None:
            values[name] = value
    if "offender" not in values:
        raise InvalidFacts("offender", "missing", "person, entity")
    return Facts.of_values(vocabulary, values)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One case of a batch: its row number, its id, and the assessment (converted when a
    currency was asked) or the error; ``carried``: the cells of the input's columns carried
    through (a :class:`Case`'s), each with its column's name."""

    row: int
    id: str | None
    assessment: Assessment | None = None
    error: str | None = None
    carried: tuple[tuple[str, str], ...] = ()

    @property
    def tier_id(self) -> str | None:
        """The tier that applied, if any."""
        found = self.assessment
        return found.tier.id if found is not None and found.tier is not None else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the row, the id, and the assessment (its ``schema_version`` with it)
        or the error (with ``schema_version`` 1 of its own: the documents are described in
        :mod:`penalties._documents`, ``batch-row``); the carried cells, if any, under
        ``carried`` (never mixed with the result's own keys)."""
        out: dict[str, Any] = {"row": self.row, "id": self.id}
        if self.error is not None:
            out["schema_version"] = 1
            out["error"] = self.error
        elif self.assessment is not None:
            out.update(self.assessment.to_dict())
        if self.carried:
            out["carried"] = dict(self.carried)
        return out


def assess_many(cases: Iterable[Facts | Mapping[str, Any]], provision: str | Statute, *,
                catalog: Catalog | None = None, to: str | None = None,
                rate_date: date | None = None, rate_source: str | None = None,
                today: date | None = None, input_rate_date: date | None = None
                ) -> Iterator[BatchResult]:
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
        input_rate_date: the date of the rate that converts amounts given in another
            currency than the law's (default: each case's offence date), as ``assess``'s.
    """
    assessor = Assessor(provision, catalog=catalog, to=to, rate_date=rate_date,
                        rate_source=rate_source, today=today, input_rate_date=input_rate_date)
    return (assessor.one(number, case) for number, case in enumerate(cases, start=1))


class Assessor:
    """The state one batch shares across its rows: the statute, its lens (the engine's
    answers by key), the reader of cell texts, the rates.

    :func:`assess_many` runs :meth:`one` on each row; :mod:`penalties.batch._table` uses
    the same parts for whole columns of rows.
    """

    def __init__(self, provision: str | Statute, *, catalog: Catalog | None = None,
                 to: str | None = None, rate_date: date | None = None,
                 rate_source: str | None = None, today: date | None = None,
                 on_stale: Callable[[Rate], None] | None = None,
                 input_rate_date: date | None = None) -> None:
        from penalties.statutes._catalog import default_catalog
        from rates.money import check_currency
        from rates.sources import check_source, get_source, require_carried

        check_source(rate_source)  # refused at the call, even if no row needs a rate

        self.catalog = catalog if catalog is not None else default_catalog()
        self.statute = (self.catalog.get(provision) if isinstance(provision, str)
                        else provision)
        self.lens = self.catalog.lens(self.statute)
        self.vocabulary = self.statute.vocabulary
        self.reader = TextReader()
        self.target = check_currency(to) if to is not None else None
        if self.target not in (None, self.statute.currency):  # once, not on every row
            require_carried(get_source(rate_source), self.target)
        self.rate_date = rate_day(rate_date, to)  # (text read; refused without ``to``)
        self.rate_source = rate_source
        #: The date of the rate of amounts given in another currency (``None``: each
        #: case's offence date).
        self.input_rate_date = day_option("input_rate_date", input_rate_date)
        #: Whether a case gave an amount in another currency (which that date converts).
        self.converted_inputs = False
        self.today = today_option(today)  # one per batch (text read, empty refused)
        self._rates: dict[tuple[str, str, date, str | None], Rate | None] = {}
        #: Told each stale rate the batch uses, once per currency, date and source.
        self.on_stale = on_stale

    def unused_input_rate(self) -> str | None:
        """What a batch says once, at its end, of an ``input_rate_date`` no case used."""
        if self.input_rate_date is None or self.converted_inputs:
            return None
        return (f"--input-rate-date {self.input_rate_date.isoformat()} is not used: no case "
                f"gives an amount in another currency than {self.statute.currency}")

    def rate(self, currency: str, day: date) -> Rate | None:
        """The rate for results in ``currency`` of a case of ``day`` (``None``: no
        conversion asked, or none needed), looked up once per currency, date and source."""
        if self.target is None or self.target == currency:
            return None
        on = self.rate_date or day
        key = (currency, self.target, on, self.rate_source)
        found = self._rates.get(key)
        if found is None:
            from penalties.assessment._conversion import report_rate

            if len(self._rates) >= MAX_RATES:
                self._rates.clear()
            found = self._rates[key] = report_rate(currency, self.target, on, self.rate_source)
            if found is not None and found.stale and self.on_stale is not None:
                self.on_stale(found)
        return found

    def assess(self, facts: Facts) -> Assessment:
        """The assessment of one case, converted when a currency was asked."""
        from penalties.assessment._conversion import convert_result
        from penalties.assessment._engine import assess_facts

        result = assess_facts(self.lens, facts, self.today, self.rate_source,
                              self.input_rate_date)
        self.converted_inputs = self.converted_inputs or bool(result.inputs)
        return convert_result(result, self.rate(result.provision.currency, result.offence_date))

    def one(self, number: int, case: Facts | Mapping[str, Any]) -> BatchResult:
        """The result of one case (row ``number``), or its error."""
        ident = None
        carried = case.carried if type(case) is Case else ()
        try:
            if not isinstance(case, Facts | Mapping):  # None, a text, a list...: no case
                raise InvalidFacts("case", f"{shown(case)} is not a case",
                                   "a mapping of facts (a dict) or Facts")
            if not isinstance(case, Facts):
                raw_id = case.get("id")
                ident = None if raw_id is None or raw_id == "" else str(raw_id)
                refused = (refused_id(ident) if ident is not None and (
                    "\x00" in ident or not ident.isascii()) else None)
                if refused is not None:
                    ident = None
                    raise InvalidFacts("id", refused, "text to copy to the output")
                facts = facts_from_row(case, self.vocabulary, self.reader)
            else:
                from penalties._api import facts_for

                facts = facts_for(self.statute, case)
            return BatchResult(number, ident, self.assess(facts), carried=carried)
        except (PenaltyError, RateError) as exc:
            return BatchResult(number, ident, error=str(exc), carried=carried)
