"""The building blocks of the statute file format: the base model, amounts, ratios, texts,
citations, penalty kinds, and the checks a whole parsed document must pass.

See :mod:`penalties.statutes._schema` for the file format itself.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from penalties._errors import shown
from rates.digits import digit_problem
from rates.money import MAX_AMOUNT

__all__ = [
    "MAX_NESTING",
    "MAX_TEXT",
    "MONEY_KINDS",
    "NOT_MONEY",
    "SCHEMA_VERSION",
    "TIME_KINDS",
    "Amount",
    "Citation",
    "Confidence",
    "Day",
    "Months",
    "Name",
    "PenaltyKind",
    "Ratio",
    "Source",
    "Text",
    "Title",
    "document_problems",
]

SCHEMA_VERSION = 1


class Model(BaseModel):
    """Base of every model. Validators are built on first use (``defer_build``), once for
    the whole file format, not at import. List fields default to ``[]``, which pydantic
    copies for each instance: ``default_factory=list`` would make it inspect the signature
    of ``list``, which costs a cold start a few milliseconds."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              defer_build=True)


def _amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("expected an amount written as a TOML integer or decimal, got "
                         f"{shown(value)}")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"expected a non-negative finite amount, got {shown(value)}")
    if amount > MAX_AMOUNT:
        raise ValueError("amounts above 10^18 are not accepted")
    return amount


Amount = Annotated[Decimal, BeforeValidator(_amount)]


def _day(value: object) -> object:
    if isinstance(value, str) and (problem := digit_problem(value)) is not None:
        raise ValueError(f"{shown(value)} {problem}")
    if isinstance(value, datetime) or not isinstance(value, date | str) or (
            isinstance(value, str) and not _ISO_DATE.fullmatch(value)):
        got = (f"a date and time, {value.isoformat()}" if isinstance(value, datetime)
               else shown(value))
        raise ValueError(f"expected a valid date written as a TOML date such as 2018-01-01, "
                         f"got {got}")
    return value  # a date, or its text checked by pydantic (2018-02-30 is no date)


#: A calendar date: a TOML date (``2018-01-01``) or that text in quotes; never a number
#: (pydantic would read one as seconds since 1970) nor a date and time.
Day = Annotated[date, BeforeValidator(_day)]
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
Months = Annotated[int, Field(strict=True, ge=0, le=1200)]


def _ratio(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("expected a number written as a TOML integer or decimal, got "
                         f"{shown(value)}")
    ratio = Decimal(value)
    if not ratio.is_finite() or ratio <= 0 or ratio > 1000:
        raise ValueError(f"expected a factor above 0 and at most 1000, got {shown(value)}")
    return ratio


Ratio = Annotated[Decimal, BeforeValidator(_ratio)]
#: Longest text anywhere in a statute file (a quote, a label, a key).
MAX_TEXT = 20_000
#: Deepest nesting of tables and arrays in a statute file (the built-in files use 16).
MAX_NESTING = 64

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
#: The name of a fact; whether the vocabulary has it is checked when the file is compiled.
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]


class Confidence(StrEnum):
    """How sure we are of a legal fact: read in the statute, secondary, or unconfirmed."""

    CONFIRMED = "C"
    SECONDARY = "S"
    UNCONFIRMED = "U"


class PenaltyKind(StrEnum):
    """Kinds of penalty. ``fine`` and ``statutory_damages`` are money; the rest are
    durations in months."""

    FINE = "fine"
    COMMUNITY_SENTENCE = "community_sentence"
    IMPRISONMENT = "imprisonment"
    SUSPENSION = "suspension"
    OCCUPATION_BAN = "occupation_ban"
    BUSINESS_BAN = "business_ban"
    CAPITAL_RAISING_BAN = "capital_raising_ban"
    STATUTORY_DAMAGES = "statutory_damages"


MONEY_KINDS = frozenset({PenaltyKind.FINE, PenaltyKind.STATUTORY_DAMAGES})
#: ISO 4217 codes that are no currency a law's amounts are in, and what they are (a precious
#: metal is not among them: a gold franc or ounce has been a law's unit of value).
NOT_MONEY = {"XXX": "the code for no currency", "XTS": "the code for testing"}
TIME_KINDS = frozenset(PenaltyKind) - MONEY_KINDS


class Source(Model):
    """Where the text was read: a title, and a web address (``http`` or ``https``)."""

    title: Text
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _web(cls, url: str | None) -> str | None:
        if url is not None and not _WEB_ADDRESS.fullmatch(url):
            raise ValueError("expected a web address, http:// or https:// (not javascript:)")
        return url


_WEB_ADDRESS = re.compile(r"https?://\S+")


class Citation(Model):
    """The clause and point a rule comes from, with its text and our confidence in it.

    ``instrument`` and ``article`` default to the provision's own; set them when the rule
    comes from elsewhere (a general-part article, a transitional resolution).
    """

    instrument: str | None = None
    article: str | None = None
    section_word: str | None = Field(
        default=None, description='how the other instrument names its units, e.g. "s." or '
        '"§" (default: the file\'s section_word)')
    clause: str | None = None
    point: str | None = None
    quote: Text
    translation: Text
    source: Text
    confidence: Confidence
    note: str | None = None


class Title(Model):
    """A title in the original language and in English."""

    original: Text
    en: Text



_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Characters that make a terminal show other text than the file holds: the bidirectional
#: controls (embeddings, overrides, isolates, marks), the line and paragraph separators, and
#: the invisible zero-width space, word joiner and byte order mark (a look-alike id or
#: title that differs from another by an unseen character).
_SPOOFING = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
                       "\u200b\u2060\ufeff]")
_INVISIBLE = (0x200B, 0x2060, 0xFEFF)


def document_problems(data: object) -> list[tuple[str, str]]:
    """What a parsed TOML document breaks before its fields are read, as (location, message):
    nesting deeper than :data:`MAX_NESTING`, text longer than :data:`MAX_TEXT` characters,
    control characters (other than tab and line breaks), bidirectional controls
    (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), the line and paragraph
    separators (U+2028, U+2029) and the invisible U+200B, U+2060 and U+FEFF in any text or
    key: every text of the file, ids, titles, citations, notes and descriptions alike.

    >>> document_problems({"versions": [{"note": "a\\x1b[2Jb"}]})
    [('versions[0].note', 'control character U+001B in the text')]
    >>> location, message = document_problems({"title": {"en": "fee \\u202e10,00"}})[0]
    >>> location, message.split(" (")[0]
    ('title.en', 'bidirectional control character U+202E in the text')
    """
    problems: list[tuple[str, str]] = []
    stack: list[tuple[str, object, int]] = [("", data, 0)]
    while stack:
        where, value, depth = stack.pop()
        if isinstance(value, str):
            problems += [(where, message) for message in _text_problems(value)]
        elif isinstance(value, dict | list) and depth >= MAX_NESTING:
            problems.append((where, f"nested deeper than {MAX_NESTING} levels"))
        elif isinstance(value, list):
            stack += [(f"{where}[{i}]", child, depth + 1) for i, child in enumerate(value)]
        elif isinstance(value, dict):
            for key, child in value.items():
                bad = _text_problems(key)
                problems += [(where, f"key {message}") for message in bad]
                if not bad:
                    stack.append((f"{where}.{key}" if where else key, child, depth + 1))
    return sorted(problems)


def _text_problems(text: str) -> list[str]:
    if len(text) > MAX_TEXT:
        return [f"text of {len(text):,} characters is longer than {MAX_TEXT:,}"]
    control = _CONTROL.search(text)
    if control:
        return [f"control character U+{ord(control.group()):04X} in the text"]
    spoofing = _SPOOFING.search(text)
    if spoofing:
        found = ord(spoofing.group())
        kind = ("line or paragraph separator" if found in (0x2028, 0x2029) else
                "invisible character" if found in _INVISIBLE else
                "bidirectional control character")
        return [f"{kind} U+{found:04X} in the text (it can make a terminal show other text "
                "than the file holds)"]
    return []
