"""Rate sources: the protocol, the registry of named sources, and chains of sources.

A source is anything with a ``name``, a ``title``, an ``online`` flag, a ``description``
and a ``rate(base, quote, on)`` method that returns a :class:`~rates.model.Rate` or raises
:class:`~rates.errors.RateNotFound` / :class:`~rates.errors.SourceUnavailable`. Built-in
names: ``snapshot`` (default, offline), ``ecb``, ``currency-api``, ``worldbank`` and
``open-er-api`` (online, opt-in). A comma-separated name such as ``"ecb,snapshot"`` is a
:class:`ChainSource`: the first source that answers wins, and the rate says which one did
and why each one before it did not (``Rate.fallbacks``).

**What a source carries.** A source may declare ``currencies``: the ISO 4217 codes it can
quote at some date, its pivot included (a frozen set), or ``None`` when it does not say
(then it is asked). The ECB declares its reference-rate currencies, the World Bank those it
has a country for; currency-api, open-er-api and openexchangerates publish long lists that
change, so they say nothing and are asked. A source that declares its currencies refuses
any other one at once (:func:`require_carried`: no request), with a
:class:`~rates.errors.RateNotFound` that names the registered sources carrying it; a
chain passes over it without asking it; ``rates.update`` warms only what the source
publishes (:func:`update_currencies`).

>>> carried(get_source("ecb")) >= {"EUR", "USD", "JPY"}, "VND" in carried(get_source("ecb"))
(True, False)
>>> carried(get_source("currency-api")) is None
True

>>> get_source().name
'snapshot'
>>> get_source("ecb,snapshot").name
'ecb,snapshot'
>>> sorted(source_names())
['currency-api', 'ecb', 'open-er-api', 'snapshot', 'worldbank']
>>> get_source("fixer")
Traceback (most recent call last):
...
rates.errors.UnknownSource: unknown rate source 'fixer' (known: snapshot, ecb, ...)
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Protocol, runtime_checkable

from rates.errors import RateError, RateNotFound, SourceExists, SourceFailed, UnknownSource
from rates.model import Fallback, Rate

__all__ = [
    "DEFAULT_SOURCE",
    "UPDATE_CURRENCIES",
    "ChainSource",
    "Source",
    "carried",
    "carriers",
    "check_source",
    "get_source",
    "list_sources",
    "not_carried",
    "register_source",
    "require_carried",
    "source_names",
    "unregister_source",
    "update_currencies",
]

#: The source used when none is named.
DEFAULT_SOURCE = "snapshot"

#: What ``rates.update`` warms when no currency is named and the source does not say what it
#: publishes (``published(first, last)``): those of these it carries.
UPDATE_CURRENCIES = ("VND", "EUR")


@runtime_checkable
class Source(Protocol):
    """What the library needs from a rate source (plain class attributes are enough).

    Optional members, read when present: ``currencies`` (the ISO 4217 codes the source can
    quote, its pivot included, or ``None`` when it does not say: see :func:`carried`),
    ``currency_list`` (how a message names that list: ``"the ECB's reference rates"``),
    ``published(first, last)`` (the codes ``rates.update`` warms by default) and
    ``warm_pair(code)`` (the pair whose lookup caches what ``code`` needs).
    """

    @property
    def name(self) -> str:
        """Registry id, such as ``"ecb"``."""
        ...

    @property
    def title(self) -> str:
        """Human name."""
        ...

    @property
    def online(self) -> bool:
        """True if the source may use the network."""
        ...

    @property
    def description(self) -> str:
        """A sentence on what it covers, for ``penalties rates sources``."""
        ...

    def rate(self, base: str, quote: str, on: date) -> Rate:
        """Units of ``quote`` per unit of ``base`` for ``on``, with provenance.

        ``base`` and ``quote`` are upper-case ISO 4217 codes that differ; raise
        :class:`~rates.errors.RateNotFound` or :class:`~rates.errors.SourceUnavailable`
        when there is no answer, never return a guess.
        """
        ...


# name → "module:callable"; the callable takes keyword options and returns a Source.
_BUILTIN = {
    "snapshot": "rates.snapshot:_snapshot_factory",
    "ecb": "rates.online.ecb:EcbSource",
    "currency-api": "rates.online.currency_api:CurrencyApiSource",
    "worldbank": "rates.online.worldbank:WorldBankSource",
    "open-er-api": "rates.online.open_er_api:OpenErApiSource",
}
_registered: dict[str, Source] = {}  # the user's registrations
_instances: dict[str, Source] = {}  # shared instances of built-in sources
_removed: set[str] = set()
_lock = threading.Lock()


def source_names() -> list[str]:
    """Every registered source name: the built-in ones first, then the user's."""
    builtin = [name for name in _BUILTIN if name not in _removed]
    return builtin + [name for name in _registered if name not in _BUILTIN]


def check_source(name: str | Source | None) -> None:
    """Raise :class:`~rates.errors.UnknownSource` for a name (or any name of a chain
    ``"a,b"``) no source is registered under, without building the source: for callers
    that may not need a rate at all, so that a mistyped name is refused, not ignored.

    >>> check_source("ecb,snapshot")
    >>> check_source("ecbb")
    Traceback (most recent call last):
    ...
    rates.errors.UnknownSource: unknown rate source 'ecbb' (known: snapshot, ecb, ...)
    """
    if name is None or not isinstance(name, str):
        return
    known = source_names()
    for part in name.split(","):
        if part.strip() not in known:
            raise UnknownSource(part.strip(), known)


def _factory(name: str) -> Callable[..., Source]:
    module, _, attribute = _BUILTIN[name].partition(":")
    factory: Callable[..., Source] = getattr(importlib.import_module(module), attribute)
    return factory


def get_source(name: str | Source | None = None, **options: object) -> Source:
    """The source registered under ``name`` (default ``"snapshot"``).

    A :class:`Source` object is returned as is. ``"a,b"`` builds a :class:`ChainSource`.
    ``options`` (for example ``offline=True``, ``cache_dir=...``, ``base_url=...``) build a
    fresh instance of a built-in source instead of the shared one.
    """
    if name is None:
        name = DEFAULT_SOURCE
    if not isinstance(name, str):
        return name
    if "," in name:
        return ChainSource([get_source(part.strip(), **options) for part in name.split(",")])
    found = _registered.get(name)
    if found is not None:
        if options:
            raise TypeError(f"source {name!r} was registered as an object: no options allowed")
        return found
    if name not in _BUILTIN or name in _removed:
        raise UnknownSource(name, source_names())
    if options:
        return _factory(name)(**options)
    found = _instances.get(name)
    if found is None:
        with _lock:
            found = _instances.get(name)
            if found is None:
                found = _factory(name)()
                _instances[name] = found
    return found


def list_sources() -> list[Source]:
    """Every registered source, built-in ones first (no network access happens)."""
    return [get_source(name) for name in source_names()]


def register_source(source: Source, *, name: str | None = None, replace: bool = False) -> Source:
    """Make ``source`` available under ``name`` (default ``source.name``).

    A taken name raises :class:`~rates.errors.SourceExists` unless ``replace=True``.
    Returns the source.
    """
    key = name or source.name
    if not key or "," in key:
        raise UnknownSource(key, source_names())
    with _lock:
        taken = key in _registered or (key in _BUILTIN and key not in _removed)
        if taken and not replace:
            raise SourceExists(key)
        _registered[key] = source
        _removed.discard(key)
    return source


def unregister_source(name: str) -> None:
    """Remove a source registered under ``name`` (a built-in one can be registered again)."""
    with _lock:
        if name not in _registered and (name not in _BUILTIN or name in _removed):
            raise UnknownSource(name, source_names())
        _registered.pop(name, None)
        if name in _BUILTIN:
            _removed.add(name)


def _reset() -> None:
    """Forget every registration (tests use it)."""
    with _lock:
        _registered.clear()
        _instances.clear()
        _removed.clear()


class ChainSource:
    """Ask sources in order; the first one that answers wins.

    The chain checks its own input first (``base`` and ``quote`` ISO 4217 codes, ``on`` a
    date): bad input raises at once, before any source is asked. A source that declares the
    currencies it carries (:func:`carried`) and lacks one of the pair is passed over
    without being asked (a ``RateNotFound`` fallback). Then *any* failure of a
    source passes to the next one: a :class:`~rates.errors.RateError` (no rate, source
    down, bad payload, deadline...) and any other exception a source raises (a bug in a
    third-party source, turned into :class:`~rates.errors.SourceFailed`), as does a result
    that is not a :class:`~rates.model.Rate`. The rate returned lists the sources passed
    over in ``fallbacks`` (and says so in its ``note``); when no source answers,
    :class:`~rates.errors.RateNotFound` says why each one did not. Items may be source
    objects or registered names, resolved when first asked (an unknown name is
    :class:`~rates.errors.UnknownSource`: a mistake in the chain, not a failing source).
    """

    def __init__(self, sources: Sequence[Source | str], *, name: str | None = None) -> None:
        if not sources:
            raise UnknownSource("", source_names())
        self._items = tuple(sources)
        names = [item if isinstance(item, str) else item.name for item in self._items]
        self.name = name or ",".join(names)
        self.title = "first of: " + ", ".join(names)
        self.description = "Asks " + ", then ".join(names) + "; the first answer wins."

    @property
    def online(self) -> bool:
        """True if any chained source may use the network."""
        return any(source.online for source in self.sources)

    @property
    def sources(self) -> tuple[Source, ...]:
        """The chained sources, resolved."""
        return tuple(get_source(item) for item in self._items)

    def rate(self, base: str, quote: str, on: date) -> Rate:
        """The first answer among the chained sources, with the ones passed over."""
        from rates.dates import parse_date
        from rates.money import check_currency

        base, quote = check_currency(base), check_currency(quote)
        on = parse_date(on, "on")
        fallbacks: list[Fallback] = []
        for source in self.sources:
            name = _name_of(source)
            absent = _absent(source, (base, quote))
            if absent is not None:  # passed over at once: no request for what it never has
                fallbacks.append(Fallback(name, RateNotFound.__name__,
                                          f"{absent} is not among {_list_name(source)}"))
                continue
            try:
                found = source.rate(base, quote, on)
                if not isinstance(found, Rate):
                    raise TypeError(f"rate() returned {type(found).__name__}, not a Rate")
            except RateError as error:
                fallbacks.append(Fallback(name, type(error).__name__, str(error)))
                continue
            except Exception as error:  # a third-party source's bug: the next one is asked
                failed = SourceFailed(name, error)
                fallbacks.append(Fallback(name, type(failed).__name__, str(failed)))
                continue
            if fallbacks:
                skipped = "; ".join(f"{f.source}: {f.reason}" for f in fallbacks)
                note = f"{found.note} (answered by {name} after {skipped})"
                found = replace(found, note=note.strip(), fallbacks=tuple(fallbacks))
            return found
        raise RateNotFound(
            f"no source in the chain {self.name} has a rate for {base}→{quote} on "
            f"{on.isoformat()}: " + "; ".join(f"{f.source}: {f.reason}" for f in fallbacks)
        )


def _name_of(source: object) -> str:
    """A source's name for a message (a broken third-party source may lack one)."""
    name = getattr(source, "name", None)
    return name if isinstance(name, str) and name else type(source).__name__


# -- what a source carries ----------------------------------------------------------------


def carried(source: object) -> frozenset[str] | None:
    """The currencies ``source`` declares it carries (its ``currencies``), or ``None`` when
    it declares none, or something that is not a collection of upper-case ISO 4217 codes
    (then it is asked)."""
    try:
        declared = getattr(source, "currencies", None)
    except Exception:  # a broken third-party property: as if it said nothing
        return None
    if isinstance(declared, frozenset | set | tuple | list) and all(
        isinstance(code, str) and len(code) == 3 and code.isupper() for code in declared
    ):
        return declared if isinstance(declared, frozenset) else frozenset(declared)
    return None


def _absent(source: object, codes: Iterable[str]) -> str | None:
    """The first of ``codes`` that ``source`` declares it does not carry, if any."""
    declared = carried(source)
    if declared is None:
        return None
    return next((code for code in codes if code not in declared), None)


def _list_name(source: object) -> str:
    """How a message names what ``source`` carries: ``"the ECB's reference rates"``."""
    phrase = getattr(source, "currency_list", None)
    if isinstance(phrase, str) and phrase:
        return phrase
    return f"the currencies of {_name_of(source)}"


def _snapshot_series(source: object, code: str) -> list[str] | None:
    """The series of a snapshot-like source (one with ``info().datasets``) that hold
    ``code``, or ``None`` for a source that is not one."""
    info = getattr(source, "info", None)
    if not callable(info) or getattr(source, "online", True):
        return None
    try:
        datasets = info().datasets
        return [dataset.series for dataset in datasets
                if code in dataset.coverage or code == dataset.base]
    except Exception:  # not a snapshot after all
        return None


def carriers(code: str, *, besides: str = "") -> tuple[list[str], list[str]]:
    """The registered sources, other than ``besides``, that carry ``code`` (a snapshot with
    the series that hold it: ``"snapshot (IMF annual average)"``), and those that do not
    say what they carry (they may). Builds the registered sources, asks none of them."""
    carrying: list[str] = []
    unknown: list[str] = []
    for name in source_names():
        if name == besides:
            continue
        try:
            source = get_source(name)
        except RateError:  # a source that cannot be built (a bad option) is no help here
            continue
        series = _snapshot_series(source, code)
        declared = carried(source)
        if series:
            carrying.append(f"{name} ({', '.join(series)})")
        elif declared is not None and code in declared:
            carrying.append(name)
        elif declared is None and series is None:
            unknown.append(name)
    return carrying, unknown


def not_carried(source: object, code: str) -> RateNotFound:
    """The error of a source asked for a currency it does not carry, naming the sources
    that do: ``VND is not among the ECB's reference rates; sources that carry it: ...``."""
    name = _name_of(source)
    carrying, unknown = carriers(code, besides=name)
    message = f"{code} is not among {_list_name(source)}; sources that carry it: "
    message += ", ".join(carrying) if carrying else "none registered"
    if unknown:
        message += "; sources that do not list their currencies (they may): " + ", ".join(
            unknown)
    return RateNotFound(message)


def require_carried(source: object, *codes: str) -> None:
    """Raise :func:`not_carried`'s error for the first of ``codes`` that ``source``
    declares it does not carry; nothing for a source that declares nothing."""
    absent = _absent(source, codes)
    if absent is not None:
        raise not_carried(source, absent)


def update_currencies(source: object, first: date, last: date) -> list[str]:
    """What ``rates.update`` warms when no currency is named: the source's own
    ``published(first, last)``, else those of :data:`UPDATE_CURRENCIES` it carries."""
    published = getattr(source, "published", None)
    if callable(published):
        return [str(code) for code in published(first, last)]
    declared = carried(source)
    return [code for code in UPDATE_CURRENCIES if declared is None or code in declared]
