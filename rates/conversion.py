"""An amount converted with one rate: :class:`Conversion`, what went in, what came out, how.

A conversion holds the amount, the currency it was in, the rate (with its provenance), the
result rounded once to the target currency's ISO 4217 minor unit
(:func:`rates.money.round_exact`), the rounding mode, and the exact result,
``amount × rate.exact`` (:func:`rates.exact.product`). The exact result of a conversion at
a quotient rate (an inverse or a cross) is a ``Fraction`` that takes a few times longer to
build than the rounded result itself (:mod:`rates.api`), so a conversion made by the warm
path of :func:`rates.convert` computes it when it is first read, with that same function;
every other conversion holds it from the start. Either way it is the same value, and
equality, hashing, the JSON document and pickling see only the six values.

>>> from datetime import date
>>> from rates.model import identity
>>> done = identity("USD", date(2018, 3, 19)).convert("12.345")
>>> done.rounded, done.unrounded, done.converted
(Decimal('12.35'), Decimal('12.345'), Money('12.35', 'USD'))
>>> amount, currency, rate, unrounded, rounded, rounding = done
>>> rounding
'ROUND_HALF_UP'
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from rates.exact import Exact, decimal_text, product
from rates.money import money, money_json

if TYPE_CHECKING:
    from moneyed import Money
    from rich.table import Table as RichTable

    from rates.model import ConversionDocument, MoneyDocument, Rate

__all__ = ["FIELDS", "PRECISION", "Conversion", "conversion"]

#: Significant digits shown of a derived rate's value (inverse, cross) and of an unrounded
#: result that is not a finite decimal; the computations themselves are exact.
PRECISION = 50


class Conversion:
    """An amount converted with one rate: what went in, what came out, and how.

    ``unrounded`` is ``amount × rate.exact``, exactly (a ``Decimal``, or a ``Fraction`` when
    the rate is a quotient whose decimals do not end); ``rounded`` (and the py-moneyed
    ``converted``) is that rounded once to the ISO 4217 minor unit of the target currency
    with ``rounding``. The fields are read-only; a conversion unpacks into them in the order
    of :data:`FIELDS`, and ``_asdict`` and ``_replace`` work as on a named tuple.
    """

    __slots__ = ("_amount", "_currency", "_rate", "_rounded", "_rounding", "_unrounded")
    _amount: Exact
    _currency: str
    _rate: Rate
    _unrounded: Exact | None  # None: not computed yet (read through ``unrounded``)
    _rounded: Decimal
    _rounding: str

    __match_args__ = ("amount", "currency", "rate", "unrounded", "rounded", "rounding")
    _fields = __match_args__

    def __new__(cls, amount: Exact, currency: str, rate: Rate, unrounded: Exact | None,
                rounded: Decimal, rounding: str) -> Conversion:
        # in __new__, not __init__: a pickle of the named tuple it was loads with __new__;
        # an unrounded None is computed when first read
        made = object.__new__(cls)
        made._amount, made._currency, made._rate = amount, currency, rate
        made._unrounded, made._rounded, made._rounding = unrounded, rounded, rounding
        return made

    @property
    def amount(self) -> Exact:
        """The amount converted, exactly."""
        return self._amount

    @property
    def currency(self) -> str:
        """The currency of the amount converted (the rate's base)."""
        return self._currency

    @property
    def rate(self) -> Rate:
        """The rate used, with its provenance."""
        return self._rate

    @property
    def unrounded(self) -> Exact:
        """``amount × rate.exact``, exactly (:func:`rates.exact.product`)."""
        value = self._unrounded
        if value is None:  # a warm conversion at a quotient rate: computed when first read
            value = self._unrounded = product(self._amount, self._rate.exact)
        return value

    @property
    def rounded(self) -> Decimal:
        """The result rounded once to the target currency's minor unit."""
        return self._rounded

    @property
    def rounding(self) -> str:
        """The rounding mode of :attr:`rounded` (a name of :data:`rates.ROUNDING_MODES`)."""
        return self._rounding

    @property
    def converted(self) -> Money:
        """The result as py-moneyed ``Money`` (built when asked for)."""
        return money(self._rounded, self._rate.quote)

    @property
    def original(self) -> Money:
        """The amount converted, as py-moneyed ``Money`` (an exact result whose decimals do
        not end: its first 50 significant digits)."""
        return money(Decimal(decimal_text(self._amount, PRECISION)[0]), self._currency)

    @property
    def target(self) -> str:
        """The currency converted to."""
        return self._rate.quote

    def _values(self) -> tuple[Exact, str, Rate, Exact, Decimal, str]:
        return (self._amount, self._currency, self._rate, self.unrounded, self._rounded,
                self._rounding)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values())

    def __eq__(self, other: object) -> bool:
        if type(other) is not Conversion:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = zip(FIELDS, self._values(), strict=True)
        return "Conversion(" + ", ".join(f"{name}={value!r}" for name, value in fields) + ")"

    def __reduce__(self) -> tuple[type[Conversion], tuple[Any, ...]]:
        return Conversion, self._values()

    def _asdict(self) -> dict[str, Any]:
        """The fields by name, as ``NamedTuple._asdict`` gives them."""
        return dict(zip(FIELDS, self._values(), strict=True))

    def _replace(self, **changes: object) -> Conversion:
        """A copy with some fields changed, as ``NamedTuple._replace`` makes it."""
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise ValueError(f"Got unexpected field names: {sorted(unknown)!r}")
        return Conversion(**{**self._asdict(), **changes})

    def to_dict(self) -> ConversionDocument:
        """The JSON document (``schema_version`` 1): ``amount`` and ``converted`` as
        ``{"amount", "currency"}``; ``unrounded`` is the exact result, or its first 50
        significant digits when its decimals do not end (then ``unrounded_exact`` is
        false)."""
        unrounded, exact = decimal_text(self.unrounded, PRECISION)
        return {
            "schema_version": 1,
            "amount": {"amount": decimal_text(self._amount, PRECISION)[0],
                       "currency": self._currency},
            "converted": cast("MoneyDocument", money_json(self._rounded, self._rate.quote)),
            "unrounded": unrounded,
            "unrounded_exact": exact,
            "rounding": self._rounding,
            "rate": self._rate.to_dict(),
        }

    def _repr_html_(self) -> str:
        """The conversion in a notebook: an HTML table in the money side's own words
        (:mod:`rates._html`)."""
        from rates._html import html

        return html(self)

    def __rich__(self) -> RichTable:
        """The conversion as a rich table of the same rows as :meth:`_repr_html_`."""
        from rates._html import rich

        return rich(self)


#: The fields of a conversion, in the order it unpacks and is built.
FIELDS = Conversion.__match_args__
_new = Conversion.__new__


def conversion(amount: Exact, currency: str, rate: Rate, unrounded: Exact | None,
               rounded: Decimal, rounding: str) -> Conversion:
    """A :class:`Conversion` from values already checked: the builder of the hot paths
    (:meth:`rates.model.Rate.convert_checked`). ``unrounded`` is ``None`` only when
    ``rounded`` was computed without it (:mod:`rates.api`): it is then computed, by
    :func:`rates.exact.product`, when first read."""
    return _new(Conversion, amount, currency, rate, unrounded, rounded, rounding)
