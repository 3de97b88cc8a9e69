"""The JSON documents of the results as types: the one description of each ``--json``
document, from which its published JSON Schema is generated.

Each document is a :class:`~typing.TypedDict`, the declared return type of the ``to_dict()``
that writes it, so ``mypy --strict`` holds every key and value written to its type. The
types are beside those ``to_dict()`` methods (the parts of a result in
:mod:`penalties.assessment._figures` and :mod:`~penalties.assessment._results`, ``compare``
in :mod:`penalties._compare`, ``thresholds`` in :mod:`penalties.assessment._thresholds`,
``convert`` on the money side, :class:`rates.model.ConversionDocument`); ``assess``
(:class:`AssessmentDocument`), ``map`` (:class:`TierMapDocument`), ``batch-row``
(:data:`BatchRowDocument`) and the conversion block they share are here.
:func:`result_schema` makes the JSON Schema of each from the same types with pydantic's
:class:`~pydantic.TypeAdapter`, closed to keys they do not name: there is no second,
hand-kept description. Every document carries ``schema_version`` (1), which changes with any
change of its shape.

TypedDicts, not pydantic models whose ``model_dump()`` is the document: a TypedDict is a
plain ``dict`` at run time, free to build (a batch writes a document per row) and to import
(the money side and ``penalties convert`` load no pydantic); pydantic is imported only to
make a schema or check a document (:func:`document_adapter`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Literal, NotRequired, TypedDict

from penalties.assessment._figures import FigureDocument, InputDocument, PenaltyDocument
from penalties.assessment._results import ProvisionDocument, TierDocument
from rates.model import FallbackDocument, MoneyDocument, RateDocument

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = ["DOCUMENTS", "AssessedRowDocument", "AssessmentDocument", "BatchErrorDocument",
           "BatchRowDocument", "CarriedKeys", "ConversionBlock", "FactValue",
           "MarginChangeDocument", "MarginDocument", "QuotedFields", "RoundingDocument",
           "SegmentDocument", "TierMapDocument", "document_adapter", "result_schema"]


class RoundingDocument(TypedDict):
    """The rounding modes of a range's minimum, its maximum and any other amount."""

    minimum: str
    maximum: str
    other: str


class QuotedFields(TypedDict):
    """The rate as quoted and dated, with the names of the batch's columns
    (rates.quoted.quoted_json)."""

    rate_quoted: str
    rate_unit: str
    rate_quoted_exact: bool
    rate_multiplier: str
    rate_basis: str
    rate_date: str
    rate_period_start: str


#: The pair and the rate (``from`` is a keyword of Python, hence the functional form).
_Pair = TypedDict("_Pair", {"from": str, "to": str, "rate": str})


class ConversionBlock(_Pair, QuotedFields):
    """The one rate every converted figure of the document was converted at, with its
    provenance: the rate as the multiplier amounts are multiplied by (rate, rate_multiplier)
    and as quoted (rate_quoted per rate_unit, the larger way round), its basis, kind,
    period, age and staleness, the rounding modes, and the rate's own document (details)."""

    source: str
    source_name: str
    attribution: str
    basis: str
    period_start: str
    period_end: str
    asked_for: str
    stale: bool
    age_days: int
    rate_type: str
    mixed_bases: bool
    label: str
    fallbacks: list[FallbackDocument]
    rounding: RoundingDocument
    description: str
    details: RateDocument


#: The value of a fact as the law saw it: an amount, a flag, a count, a date (ISO 8601) or
#: a choice.
FactValue = MoneyDocument | bool | int | str


class AssessmentDocument(TypedDict):
    """What a provision puts at stake for the facts of a case, and why
    (penalties assess --json)."""

    schema_version: Literal[1]
    provision: ProvisionDocument
    offender: str
    offence_date: str
    date_basis: str
    liable: bool
    tier: TierDocument | None
    principal_rule: str
    principal: list[PenaltyDocument]
    additional: list[PenaltyDocument]
    also_met: list[TierDocument]
    notes: list[str]
    inputs: list[InputDocument]
    facts: dict[str, FactValue]
    ignored_facts: list[str]
    not_given: list[str]
    see_also: list[str]
    law_choice: list[str]
    conversion: NotRequired[ConversionBlock]
    #: ``penalties assess --json`` only: how far each amount or count given is from the next
    #: and the previous change (:func:`penalties.margins`).
    margins: NotRequired[list[MarginDocument]]


class SegmentDocument(TypedDict):
    """One interval of the fact, its ends as decimal text (in the law's currency, or a
    count) with their inclusivity, and the answer on it."""

    low: str
    low_included: bool
    high: str | None
    high_included: bool
    low_converted: FigureDocument | None
    high_converted: FigureDocument | None
    interval: str
    tier: str | None
    tier_ref: str | None
    liable: bool
    ranges_vary: bool
    ranges_at: str | None
    principal: list[PenaltyDocument]
    additional: list[PenaltyDocument]


class TierMapDocument(TypedDict):
    """The tier map of one fact (penalties map --json)."""

    schema_version: Literal[1]
    provision: str
    fact: str
    currency: str | None
    offence_date: str
    segments: list[SegmentDocument]
    #: When no tier applies anywhere on the map (and the offender may be liable): the facts
    #: a tier may depend on that were not given, as an assessment's not_given; else empty.
    not_given: list[str]
    #: The other facts given in another currency than the law's, as converted for every
    #: segment (as an assessment's inputs).
    inputs: list[InputDocument]
    #: The value the facts gave for the fact varied, as text (``"60000000"``, ``"10000
    #: USD"``): not held, the map shows every value; absent when none was given.
    not_held: NotRequired[str]
    #: Notes about the date every segment shares (an offence date after today).
    notes: NotRequired[list[str]]
    conversion: NotRequired[ConversionBlock]


class MarginChangeDocument(TypedDict):
    """The smallest change of the case's figure that changes the answer: direction up (a
    raise) or down (a cut); gap, the distance to the boundary, as exact decimal text in the
    law's currency (currency; null for a count), 30 significant digits and gap_exact false
    when its decimals do not end; amount, the gap as an amount of a result (rounded once,
    its converted twin at the document's conversion rate; null for a count); as_given, the
    gap in the currency the fact was given in, at the rate of its entry in inputs (null when
    it was given in the law's currency, or it is the converted twin already); the boundary
    and whether it belongs to the target (boundary_included: if not, the change must be
    more than the gap); the target's tier, tier_ref and liability; text, in words."""

    direction: Literal["up", "down"]
    gap: str
    gap_exact: bool
    currency: str | None
    amount: FigureDocument | None
    as_given: FigureDocument | None
    boundary: str
    boundary_included: bool
    tier: str | None
    tier_ref: str | None
    liable: bool
    text: str


class MarginDocument(TypedDict):
    """How far a case's figure is from the next answer above it and below it: up and down
    in words, and each change structured (changes, the raise first)."""

    fact: str
    up: str | None
    down: str | None
    changes: list[MarginChangeDocument]


class CarriedKeys(TypedDict, total=False):
    """The cells of a batch input's columns that are not facts, by column, carried through."""

    carried: dict[str, str]


class AssessedRowDocument(AssessmentDocument, CarriedKeys):
    """A case of a batch that was assessed: its row (1 = the first) and id, and its
    assessment; the cells of the input's other columns, if any, under carried."""

    row: int
    id: str | None


class BatchErrorDocument(CarriedKeys):
    """A case of a batch that could not be assessed, and why."""

    row: int
    id: str | None
    schema_version: Literal[1]
    error: str


#: One line of ``penalties batch``'s JSON Lines output.
BatchRowDocument = AssessedRowDocument | BatchErrorDocument

#: The documents by the name ``penalties schema --output`` takes, with their titles.
DOCUMENTS: dict[str, str] = {
    "assess": "penalties assess --json",
    "batch-row": "a line of penalties batch's JSON Lines output",
    "compare": "penalties compare --json",
    "convert": "penalties convert --json",
    "map": "penalties map --json",
    "thresholds": "penalties thresholds --json",
}
_ROW = ("A line of penalties batch's JSON Lines output: a case assessed (its row and id, and "
        "its assessment, the document of penalties assess --json), or a case in error.")


def _types() -> dict[str, object]:
    """The type of each document (those beside a ``to_dict()`` elsewhere imported here,
    when asked: their modules import this one)."""
    from penalties._compare import ComparisonDocument
    from penalties.assessment._thresholds import ThresholdsDocument
    from rates.model import ConversionDocument

    return {"assess": AssessmentDocument, "batch-row": BatchRowDocument,
            "compare": ComparisonDocument, "convert": ConversionDocument,
            "map": TierMapDocument, "thresholds": ThresholdsDocument}


@functools.cache
def document_adapter(name: str) -> TypeAdapter[Any]:
    """The pydantic adapter of the document ``name`` (one of :data:`DOCUMENTS`): its
    ``json_schema()``, or ``validate_python(document, strict=True)`` to check a document."""
    from pydantic import TypeAdapter

    from penalties._errors import InvalidInput

    if name not in DOCUMENTS:
        raise InvalidInput("schema", f"{name!r} is not a document", ", ".join(DOCUMENTS))
    from penalties._twins import twin

    made: Any = twin(_types()[name])
    return TypeAdapter(made)


def result_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the ``--json`` document ``name``: ``assess``,
    ``batch-row``, ``compare``, ``convert``, ``map`` or ``thresholds``.

    >>> schema = result_schema("convert")
    >>> schema["title"], schema["properties"]["schema_version"]["const"]
    ('penalties convert --json', 1)
    """
    from pydantic.json_schema import GenerateJsonSchema

    class Untitled(GenerateJsonSchema):
        """pydantic's JSON Schema, without a title on each key (its name says it)."""

        def field_title_should_be_set(self, schema: Any) -> bool:  # noqa: ANN401
            return False

    schema = document_adapter(name).json_schema(schema_generator=Untitled)
    head = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": DOCUMENTS[name], "description": schema.get("description", _ROW)}
    return head | {k: v for k, v in schema.items() if k not in head}
