"""The pydantic twin of a document's type (:mod:`penalties._documents`): each
:class:`~typing.TypedDict` in it remade as one pydantic reads (before Python 3.12, only
``typing_extensions``' kind), closed to keys it does not name, so that a JSON Schema and a
document check come from the one description."""

from __future__ import annotations

import functools
import operator
import sys
import types
import typing
from typing import Any, Literal, NotRequired, TypedDict

__all__ = ["twin"]

_TWINS: dict[object, object] = {}


def twin(hint: object) -> object:
    """``hint`` with each TypedDict in it replaced by one pydantic reads (before Python
    3.12, only ``typing_extensions``' kind), of the same name, docstring, keys, types and
    required keys, and closed to other keys; the other types as they are."""
    if typing.is_typeddict(hint):
        assert isinstance(hint, type)
        return _TWINS.get(hint) or _typed_dict_twin(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is None or origin is Literal:
        return hint
    mapped = tuple(twin(arg) for arg in args)
    if origin in (types.UnionType, typing.Union):
        return functools.reduce(operator.or_, mapped)
    if origin is NotRequired:
        return NotRequired[mapped[0]]
    if origin in (list, dict):
        return origin[mapped]
    raise TypeError(f"no JSON Schema for {hint!r}")


def _typed_dict_twin(hint: type) -> object:
    """The twin of one TypedDict (see :func:`twin`), kept before its keys are read: a type
    may hold itself (a figure's ``converted``, a rate's ``legs``)."""
    from pydantic import ConfigDict

    factory: Any = TypedDict
    if sys.version_info < (3, 12):  # pydantic reads typing's TypedDicts from 3.12 on
        import typing_extensions

        factory = typing_extensions.TypedDict
    made = factory(hint.__name__, {})
    _TWINS[hint] = made
    hints = typing.get_type_hints(hint, include_extras=True)
    made.__annotations__ = {key: twin(value) for key, value in hints.items()}
    made.__required_keys__ = hint.__required_keys__  # type: ignore[attr-defined]
    made.__optional_keys__ = hint.__optional_keys__  # type: ignore[attr-defined]
    made.__doc__ = hint.__doc__
    made.__pydantic_config__ = ConfigDict(extra="forbid")
    return made
