"""Where a problem lies in a statute or general rules file, as its TOML path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from penalties._errors import FieldProblem
from penalties.statutes._schema_penalties import BOUND_TAGS
from penalties.statutes._schema_triggers import TRIGGER_TAGS

__all__ = ["clean_location", "field_problems"]


def clean_location(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as the TOML path: ``versions[0].tiers[2].when``."""
    out = ""
    tagged = False  # a tag is followed by a field, which may bear its name ("always")
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not tagged and (part in TRIGGER_TAGS or part in BOUND_TAGS or re.fullmatch(
                r"function-\w+\[.*\]", part)):
            tagged = True
            continue
        else:
            out += f".{part}" if out else part
        tagged = False
    return out


def field_problems(errors: Iterable[Any], message: Callable[[Any], str]) -> list[FieldProblem]:
    """The problems of a pydantic validation, each at its TOML path; a declared fact's own
    problems (:func:`penalties._vocabulary.fact_problems`) each at its field of the fact."""
    out = []
    for error in errors:
        where = clean_location(error["loc"])
        if error["type"] == "fact_spec":
            out += [FieldProblem(f"{where}.{at}" if at else where, text)
                    for at, text in error["ctx"]["problems"]]
        else:
            out.append(FieldProblem(where, message(error)))
    return out
