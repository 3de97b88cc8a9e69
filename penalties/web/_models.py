"""The request bodies of the HTTP API, as pydantic models: FastAPI validates requests with
them and draws the OpenAPI document from them, so the docs and the checks are one.

The models only bound the shape and the size of a request (:mod:`penalties.web._limits`);
what a value means is the library's to say. A fact's value is a JSON scalar handed to the
library as it came (``"250,000,000 VND"``, ``250000000``, ``1234.56``, ``true``): the body
is read exactly (:mod:`penalties.web._body`), so a JSON number with a fraction is a
``Decimal``, never a float.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic import StringConstraints as Text
from pydantic_core import PydanticCustomError

from penalties.web._limits import MAX_CODE, MAX_FACTS, MAX_ID, MAX_NAME, MAX_PROVISIONS

__all__ = ["AssessRequest", "CompareRequest", "ErrorDetail", "ErrorDocument", "FactsObject",
           "MapRequest"]

ProvisionId = Annotated[str, Text(min_length=1, max_length=MAX_ID), Field(
    description="A provision id or alias (GET /provisions).", examples=["vn-225"])]
FactName = Annotated[str, Text(min_length=1, max_length=MAX_NAME)]


def _scalar(value: object) -> object:
    """A fact's value as it came, if it is a JSON scalar (the library reads it); empty text
    is refused (``"offence_date": ""`` is no date: null, or leaving the fact out, gives
    none)."""
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError("fact_value", "is empty (allowed: a value, or null or "
                                  "leaving the fact out to give none)")
    if value is None or isinstance(value, str | int | Decimal | bool):
        return value
    raise PydanticCustomError("fact_value", "a fact's value is text, a number, true, false "
                              "or null, not an object or an array")


Scalar = Annotated[Any, BeforeValidator(_scalar), WithJsonSchema(
    {"type": ["string", "integer", "number", "boolean", "null"]})]
FactsObject = Annotated[dict[FactName, Scalar], Field(
    max_length=MAX_FACTS,
    description="The facts of the case by name (GET /facts), each a JSON scalar: text "
    "(\"250,000,000 VND\"), a number (read exactly: 1234.56 is never a float), true or "
    "false, or null (not given).",
    examples=[{"offender": "entity", "illicit_profit": "250000000",
               "offence_date": "2018-03-19"}])]
Code = Annotated[str, Text(max_length=MAX_CODE)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Rates(_Body):
    """What every converted figure of the answer is converted at (the library's options)."""

    to: Code | None = Field(None, description="Also report every amount in this currency "
                            "(ISO 4217), at one stated rate.", examples=["USD"])
    rate_date: Code | None = Field(None, description="Date of that rate, YYYY-MM-DD "
                                   "(default: the offence date); only with `to`.")
    rate_source: Code | None = Field(None, description="Rate source: snapshot (default, "
                                     "offline), ecb, currency-api, worldbank, open-er-api, "
                                     "or a chain such as 'ecb,snapshot'.")
    input_rate_date: Code | None = Field(
        None, description="Date of the rate that converts amounts given in another currency "
        "than the statute's (default: the offence date).")


class AssessRequest(_Rates):
    """``POST /assess``: the arguments of :func:`penalties.assess`."""

    provision: ProvisionId
    facts: FactsObject


class CompareRequest(_Rates):
    """``POST /compare``: the arguments of :func:`penalties.compare_all`; give
    ``provisions`` or ``"all": true``."""

    provisions: list[ProvisionId] | None = Field(
        None, max_length=MAX_PROVISIONS, description=f"At most {MAX_PROVISIONS} provisions.")
    all: bool = Field(False, description="Every provision of the catalogue.")
    facts: FactsObject


class MapRequest(_Rates):
    """``POST /map``: the arguments of :func:`penalties.tier_map`."""

    provision: ProvisionId
    facts: FactsObject
    vary: FactName = Field("illicit_profit", description="The amount or count fact that "
                           "varies (its name or option: illicit_profit, profit, times).")


class ErrorDetail(BaseModel):
    """What went wrong: the error's class (``InvalidFacts``, ``UnknownProvision``...), the
    field it is about (a fact, a request field, ``null`` when none), the library's message."""

    type: str
    field: str | None
    message: str


class ErrorDocument(BaseModel):
    """The body of every error response."""

    error: ErrorDetail
