"""The facts vocabulary: which facts exist, of which kind, with which limits, help and option.

The vocabulary is data: ``data/facts.toml`` for every jurisdiction, plus the facts a
jurisdiction's general rules declare (``data/<jurisdiction>/general.toml``, e.g. Vietnam's
categories of a prior sentence) and the facts a statute file declares for itself. The reader
of values (:mod:`penalties._values`), :class:`~penalties._facts.Facts`, the statute
compiler, the batch columns and the command-line options all take their facts from here.

>>> vocabulary = builtin_vocabulary()
>>> vocabulary["times"].kind, vocabulary["times"].low, vocabulary["times"].high
('count', 1, 1000000)
>>> vocabulary["illicit_profit"].option
'profit'
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from penalties._errors import FieldProblem, StatuteFileError

__all__ = ["KINDS", "Fact", "Vocabulary", "base_vocabulary", "builtin_vocabulary",
           "fact_problems", "read_facts"]

Kind = Literal["enum", "amount", "count", "flag", "date", "act"]
#: The kinds of fact, and what a value of each is.
KINDS: dict[str, str] = {
    "enum": "one of a list of values",
    "amount": "an exact amount, with or without its currency",
    "count": "a whole number",
    "flag": "true or false",
    "date": "a date, YYYY-MM-DD",
    "act": "the id of an act of the provision",
}
_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")
_VALUE = re.compile(r"[a-z0-9][a-z0-9_.()-]{0,59}")
_ROLES = ("offence", "trial", "action", "history")
_COMMON = {"name", "kind", "help", "description", "option", "citation"}
_KEYS: dict[str, set[str]] = {
    "enum": {"values", "required", "needs", "assumed"},
    "amount": {"currency_required"},
    "count": {"min", "max", "default", "flag"},
    "flag": {"unknown", "negative", "decided_by", "excludes"},
    "date": {"role", "event", "not_before"},
    "act": set(),
}
#: The largest count any fact may allow.
MAX_COUNT = 1_000_000_000


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact of the vocabulary (see ``data/facts.toml`` for the meaning of each field)."""

    name: str
    kind: Kind
    help: str
    description: str
    option: str
    values: tuple[str, ...] = ()
    required: bool = False
    currency_required: bool = False
    low: int = 0
    high: int = MAX_COUNT
    default: object = None
    unknown: bool = False
    negative: bool = False
    decided_by: str | None = None
    role: str | None = None
    event: bool = False
    excludes: str | None = None
    not_before: str | None = None
    needs: str | None = None
    citation: str | None = None
    #: An enum's value taken when the fact is not given and a provision reads it; the
    #: result names what each other value would give (a hybrid offence: ``indictment``).
    assumed: str | None = None
    #: The flag that says this count is at least one (``prior_conviction`` for
    #: ``prior_convictions``): either may be given, and each answers for the other.
    flag: str | None = None
    origin: str = ""

    @property
    def allowed(self) -> str:
        """What a value of this fact may be, in words (for error messages)."""
        if self.kind == "count":
            return f"{self.low} to {self.high}"
        if self.kind == "enum":
            return ", ".join(self.values)
        if self.kind == "flag":
            return "true, false, yes, no, 1, 0 or blank"
        if self.kind == "date":
            return "YYYY-MM-DD, e.g. 2018-03-19"
        if self.kind == "amount":
            if self.currency_required:
                return "an amount with its currency, e.g. '2000000000 EUR'"
            return "a non-negative amount such as 250000000, '250,000,000 VND' or 'USD 10000'"
        return "an id the provision declares (at most 60 characters), e.g. copying"

    @property
    def quantity(self) -> bool:
        """Whether the fact is an amount or a count (a band can test it)."""
        return self.kind in ("amount", "count")


def fact_problems(spec: object, where: str = "") -> list[tuple[str, str]]:
    """What is wrong with one fact declaration (a table of ``facts.toml``, of a general
    rules file or of a statute file), as ``(location, message)`` pairs."""
    if not isinstance(spec, Mapping):
        return [(where, "a fact is a table with name, kind, help and description")]
    problems: list[tuple[str, str]] = []

    def at(key: str) -> str:
        return f"{where}.{key}" if where else key

    kind = spec.get("kind")
    if not isinstance(kind, str) or kind not in _KEYS:
        return [(at("kind"), f"expected one of {', '.join(_KEYS)}, got {kind!r}")]
    for key in spec:
        if not isinstance(key, str) or key not in _COMMON | _KEYS[kind]:
            problems.append((at(key), f"unknown field for a fact of kind {kind}"))
    name = spec.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        problems.append((at("name"), "expected a name of lower-case letters, digits and _"))
    elif name == "id":  # a batch file's column of a case's id: the fact would never be read
        problems.append((at("name"), "'id' is the batch column of a case's id; give the fact "
                         "another name"))
    for key in ("help", "description"):
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            problems.append((at(key), "required text is missing"))
    for key in ("option", "citation", "decided_by", "excludes", "not_before", "needs",
                "assumed", "flag"):
        if key in spec and not isinstance(spec[key], str):
            problems.append((at(key), "expected text"))
    for key in ("required", "currency_required", "unknown", "negative", "event"):
        if key in spec and not isinstance(spec[key], bool):
            problems.append((at(key), "expected true or false"))
    if kind == "enum":
        values = spec.get("values")
        if not isinstance(values, list) or not values or not all(
                isinstance(v, str) and _VALUE.fullmatch(v) for v in values):
            problems.append((at("values"), "expected a list of lower-case ids"))
        elif "assumed" in spec and spec["assumed"] not in values:
            problems.append((at("assumed"), f"expected one of {', '.join(values)}"))
    if kind == "count":
        for key in ("min", "max", "default"):
            value = spec.get(key)
            if key in spec and (isinstance(value, bool) or not isinstance(value, int)
                                or not 0 <= value <= MAX_COUNT):
                problems.append((at(key), f"expected a whole number from 0 to {MAX_COUNT:,}"))
        low, high = spec.get("min", 0), spec.get("max", MAX_COUNT)
        if type(low) is int and type(high) is int and low > high:  # every value refused
            problems.append((at("min"), f"{low} is above max {high}"))
    if kind == "date" and spec.get("role", "history") not in _ROLES:
        problems.append((at("role"), f"expected one of {', '.join(_ROLES)}"))
    return problems


def _fact(spec: Mapping[str, Any], origin: str) -> Fact:
    kind = spec["kind"]
    return Fact(
        name=spec["name"], kind=kind, help=spec["help"].strip(),
        description=spec["description"].strip(),
        option=spec.get("option", spec["name"]).replace("_", "-"),
        values=tuple(spec.get("values", ())), required=spec.get("required", False),
        currency_required=spec.get("currency_required", False),
        low=spec.get("min", 0), high=spec.get("max", MAX_COUNT),
        default=spec.get("default", False if kind == "flag" and not spec.get("unknown")
                         else None),
        unknown=spec.get("unknown", False), negative=spec.get("negative", False),
        decided_by=spec.get("decided_by"), role=spec.get("role") if kind == "date" else None,
        event=spec.get("event", False), excludes=spec.get("excludes"),
        not_before=spec.get("not_before"), needs=spec.get("needs"),
        citation=spec.get("citation"), assumed=spec.get("assumed"), flag=spec.get("flag"),
        origin=origin)


def read_facts(specs: object, origin: str, where: str = "facts") -> list[Fact]:
    """The facts of a ``facts`` array; :class:`StatuteFileError` naming ``origin`` and each
    field path if a declaration is wrong."""
    if not isinstance(specs, list):
        raise StatuteFileError(origin, [FieldProblem(where, "expected an array of tables")])
    problems = [FieldProblem(*p) for i, spec in enumerate(specs)
                for p in fact_problems(spec, f"{where}[{i}]")]
    if problems:
        raise StatuteFileError(origin, problems)
    return [_fact(spec, origin) for spec in specs]


@dataclass(frozen=True)
class Vocabulary:
    """The facts known to a catalogue or a statute, by name, in their declared order."""

    facts: Mapping[str, Fact]
    _by_kind: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    _place: dict[str, int] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for kind in KINDS:
            self._by_kind[kind] = tuple(n for n, f in self.facts.items() if f.kind == kind)
        self._place.update((name, at) for at, name in enumerate(self.facts))

    def ordered(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` (by fact name) in the vocabulary's order: one case, one order of its
        facts, whatever order they were given in."""
        place = self._place
        return dict(sorted(values.items(), key=lambda item: place[item[0]]))

    def __getitem__(self, name: str) -> Fact:
        return self.facts[name]

    def __contains__(self, name: object) -> bool:
        return name in self.facts

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts.values())

    def __len__(self) -> int:
        return len(self.facts)

    def names(self, kind: str | None = None) -> tuple[str, ...]:
        """Every fact name, or those of one kind, in order."""
        return tuple(self.facts) if kind is None else self._by_kind[kind]

    def kind(self, name: str) -> str | None:
        """The kind of a fact, ``None`` if it is not in the vocabulary."""
        found = self.facts.get(name)
        return found.kind if found else None

    def decided(self) -> dict[str, str]:
        """History flags that a date can decide: flag name -> date fact."""
        return {f.name: f.decided_by for f in self if f.decided_by}

    def with_facts(self, extra: Iterable[Fact], origin: str) -> Vocabulary:
        """This vocabulary and ``extra`` (a statute file's own facts); a name already known
        with another meaning is a :class:`StatuteFileError` naming ``origin``."""
        facts = dict(self.facts)
        problems = []
        for i, fact in enumerate(extra):
            known = facts.get(fact.name)
            if known is not None and replace(known, origin="") != replace(fact, origin=""):
                problems.append(FieldProblem(
                    f"facts[{i}].name", f"{fact.name!r} is already a fact ({known.origin}); "
                    "declare a fact with a new name"))
            facts[fact.name] = fact
        if problems:
            raise StatuteFileError(origin, problems)
        return Vocabulary(facts)

    def check(self, origin: str) -> None:
        """Every reference between facts (``decided_by``, ``excludes``, ``not_before``,
        ``needs``, ``flag``) must name a fact of the right kind."""
        problems = []
        wanted = {"decided_by": "date", "excludes": "flag", "not_before": "date",
                  "needs": "flag", "flag": "flag"}
        for fact in self:
            for key, kind in wanted.items():
                target = getattr(fact, key)
                if target is not None and self.kind(target) != kind:
                    problems.append(FieldProblem(f"facts.{fact.name}.{key}",
                                                 f"{target!r} is not a {kind} fact"))
        if problems:
            raise StatuteFileError(origin, problems)


def _data() -> Path:
    return Path(str(files("penalties") / "data"))


_lock = threading.Lock()
_loaded: dict[str, Vocabulary] = {}


def base_vocabulary() -> Vocabulary:
    """The facts of ``data/facts.toml``, read once."""
    with _lock:
        if "base" not in _loaded:
            import tomllib

            base = _data() / "facts.toml"
            _loaded["base"] = Vocabulary({f.name: f for f in read_facts(
                tomllib.loads(base.read_text(encoding="utf-8")).get("facts"), str(base))})
        return _loaded["base"]


def builtin_vocabulary() -> Vocabulary:
    """The facts of ``data/facts.toml`` and of the built-in general rules files
    (``data/<jurisdiction>/general.toml``), read once."""
    vocabulary = base_vocabulary()
    with _lock:
        if "builtin" not in _loaded:
            import tomllib

            for general in sorted(_data().glob("*/general.toml")):
                data = tomllib.loads(general.read_text(encoding="utf-8"))
                if "facts" in data:
                    vocabulary = vocabulary.with_facts(read_facts(data["facts"], str(general)),
                                                       str(general))
            vocabulary.check(str(_data() / "facts.toml"))
            _loaded["builtin"] = vocabulary
        return _loaded["builtin"]

