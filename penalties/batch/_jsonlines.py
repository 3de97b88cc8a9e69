"""One JSON line read as a case, or why it is not one (a
:class:`~penalties.batch._rows.BadRow`): not JSON, not an object, nested values, a number of
more than :data:`MAX_DIGITS` digits, ``NaN``, a key given twice, a boolean ``id``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from penalties._errors import shown
from penalties.batch._rows import BadRow

__all__ = ["MAX_DIGITS", "case_of_line", "document_of"]

#: Most digits of a JSON number (an amount has at most 18 before its decimal point).
MAX_DIGITS = 100


class _Refused(Exception):
    """A JSON line refused while it is parsed (a hook of :func:`json.loads` raised it)."""

    def __init__(self, row: BadRow) -> None:
        super().__init__(row.problem)
        self.row = row


_VALUES = "text, a number, true, false or null"


def _number(text: str, kind: type[int] | type[Decimal] = int) -> int | Decimal:
    if len(text) > MAX_DIGITS:
        raise _Refused(BadRow(f"a number of {len(text):,} characters",
                              f"numbers of at most {MAX_DIGITS} characters"))
    return kind(text)


def _decimal(text: str) -> int | Decimal:
    return _number(text, Decimal)


def _constant(text: str) -> Any:  # noqa: ANN401 - json.loads's hook
    raise _Refused(BadRow(f"{text} is not a JSON number", _VALUES))


def _twice(pairs: list[tuple[str, Any]], found: dict[str, Any]) -> str | None:
    """The first key of ``pairs`` given twice (``found`` is their dict), if one is."""
    if len(found) == len(pairs):
        return None
    keys = [key for key, _ in pairs]
    return next(key for at, key in enumerate(keys) if key in keys[:at])


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if (twice := _twice(pairs, found)) is not None:
        raise _Refused(BadRow(f"the key {shown(twice)} appears twice", "each key once"))
    for key, value in pairs:
        if type(value) is list or type(value) is dict:
            kind = "an array" if type(value) is list else "an object"
            raise _Refused(BadRow(f"{kind} is not a value", _VALUES,
                                  field=key if key.isprintable() else shown(key)))
    return found


#: The JSON parsers of a line: as fast as JSON parses, and with every hook (made once: a
#: decoder made per line would cost more than parsing the line).
_PARSE = json.JSONDecoder(parse_float=_decimal, parse_constant=_constant).decode
_CHECK = json.JSONDecoder(parse_float=_decimal, parse_int=_number, parse_constant=_constant,
                          object_pairs_hook=_object).decode


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if (twice := _twice(pairs, found)) is not None:
        raise _Refused(BadRow("is given twice in one object", "each key once", field=twice))
    return found


_DOCUMENT = json.JSONDecoder(parse_float=_decimal, parse_int=_number, parse_constant=_constant,
                             object_pairs_hook=_once).decode


def document_of(body: bytes) -> Any:  # noqa: ANN401 - any JSON value
    """A JSON document (an HTTP request's body) read with the rules of a JSON line: every
    number exact (a fraction a ``Decimal``, never a float), ``NaN`` and ``Infinity`` refused,
    no number of more than :data:`MAX_DIGITS` characters, no key twice in one object;
    nested values allowed. A refusal is an :class:`~penalties.InvalidInput` naming the key
    given twice, or ``body``; a body that is not JSON (or not UTF-8, RFC 8259 §8.1: UTF-16
    and UTF-32 are refused, a UTF-8 byte-order mark ignored) a
    :class:`json.JSONDecodeError`."""
    from penalties._errors import InvalidInput

    try:
        return _DOCUMENT(body.decode("utf-8-sig"))  # a byte-order mark may lead (RFC 8259)
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError(f"not UTF-8 text ({exc.reason})", "", exc.start) from None
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", "", 0) from None
    except _Refused as exc:
        row = exc.row
        raise InvalidInput(row.field if row.field != "row" else "body", row.problem,
                           row.allowed) from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # an integer too long for int() (sys.int_max_str_digits)
        raise InvalidInput("body", "a number too long", f"numbers of at most {MAX_DIGITS} "
                           "characters") from None


def case_of_line(line: str) -> dict[str, Any] | BadRow:
    """The case of one JSON line, or why it is not one.

    A line is parsed as JSON usually is (in C); only a line that might hold a nested value
    or a key given twice (a ``[``, a second ``{``, more colons than keys) or a huge number
    (an error of the fast parse) is parsed again with the hooks that say what is wrong.
    """
    try:
        value = _PARSE(line)
    except json.JSONDecodeError as exc:
        return BadRow(f"not JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return BadRow("not JSON this program can read: nested too deeply")
    except _Refused as exc:
        return exc.row
    except ValueError:  # an integer too long for int() (sys.int_max_str_digits)
        found = _checked(line)
        return found if found is not None else BadRow("not JSON this program can read: a "
                                                      "number too long")
    if type(value) is not dict:
        return BadRow("not a JSON object")
    if "[" in line or line.count("{") > 1 or line.count(":") > len(value):
        found = _checked(line)
        if found is not None:
            return found
    ident = value.get("id")
    if type(ident) is bool:
        return BadRow(f"{str(ident).lower()} is not an id", "text or a number", field="id")
    return value


def _checked(line: str) -> BadRow | None:
    """What is wrong with a JSON line that parses, seen by the hooks (every number's
    length, every object's keys and values), or ``None``."""
    try:
        _CHECK(line)
    except _Refused as exc:
        return exc.row
    except (ValueError, RecursionError):
        return None
    return None
