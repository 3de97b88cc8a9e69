"""Changes of unit inside the IMF annual series, and the build's check that none is left.

The upstream annual file expresses most series in the currency's present unit all along
(the Turkish lira of 2005 back to 1958: 0.000009 TRY per USD in 1959, 9 old lira), but a few
keep their first years in an older unit. Served as they are, they would be silent errors of
a thousandfold and more (100 ZMW was USD 140 in 1971 and USD 139,994 in 1973). The builder
(:mod:`rates.build`) therefore:

* rescales the years of :data:`REBASED` by the exact factor of the redenomination that made
  the present unit (a power of ten: the text of the rate is shifted, not rounded);
* leaves out the years of :data:`DROPPED`, whose unit the source does not state or whose
  values are no rate of the currency's own, so that a date in them has no rate (an error
  that says why, :meth:`rates.snapshot.Snapshot.get`) rather than a wrong one;
* refuses (:func:`check_jumps`) a series in which one observation is a hundred times the
  one before it, or a hundredth of it, unless :data:`JUMPS` lists that year with its reason:
  the next change of unit upstream stops the build instead of reaching users.

Each entry is stated in the manifest's ``transformations`` (the IMF terms require material
transformations to be stated) and in the currency's coverage (``rebased``, ``dropped``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Context, Decimal
from itertools import pairwise

from rates.errors import InvalidSnapshotInput
from rates.exact import CONTEXT

__all__ = ["DROPPED", "JUMPS", "REBASED", "check_jumps", "corrected", "coverage_notes",
           "transformations"]

#: Currency → (last year in the old unit, factor into the present unit, why). The factors
#: are those of the redenominations named, as their central banks decreed them.
REBASED: dict[str, tuple[int, str, str]] = {
    "GHS": (1956, "0.0001", "the years to 1956 are in cedis of 1967 (GHC: 0.714 per USD) "
                            "and the later ones in cedis of 2007 (GHS): 1 GHS = 10,000 GHC "
                            "from July 2007"),
    "SDG": (1956, "0.01", "the years to 1956 are in dinars (SDD: 0.0348 per USD) and the "
                          "later ones in pounds of 2007 (SDG): 1 SDG = 100 SDD from January "
                          "2007"),
    "TRY": (1956, "0.000001", "the years to 1956 are in old lira (TRL: 2.80 per USD) and the "
                              "later ones in lira of 2005 (TRY): 1 TRY = 1,000,000 TRL from "
                              "1 January 2005"),
    "ZMW": (1971, "0.001", "the years to 1971 are in kwacha of 1968 (ZMK: 0.714 per USD) and "
                           "the later ones in kwacha of 2013 (ZMW): 1 ZMW = 1,000 ZMK from "
                           "1 January 2013"),
}

#: Currency → (first year, last year, why): years left out of the snapshot.
DROPPED: dict[str, tuple[int, int, str]] = {
    "IQD": (1971, 2002, "their values (936 to 2,002 per USD) are no dinars per USD: the "
                        "dinar was pegged at USD 3.3778, then 3.2169 (0.296 to 0.311 per "
                        "USD) in those years"),
    "LAK": (1957, 1979, "they are in earlier kips (35 to 725 per USD: the royal kip, then "
                        "from 1976 the Pathet Lao kip of 20 royal kip), not in the kip of "
                        "December 1979 (100 Pathet Lao kip), and the source states no "
                        "factor for each year"),
    "LRD": (1974, 1994, "their values (23.7 and 46.4 per USD) are no Liberian dollars per "
                        "USD: the Liberian dollar was at par with the US dollar in those "
                        "years (1.00 per USD to 1973)"),
    "TRY": (1957, 1957, "the average of 1957 (0.2333 per USD) is in no unit: neither old "
                        "lira (2.80) nor lira of 2005 (0.0000028), it mixes the two"),
    "UYU": (1950, 1956, "their values (0.0000000021 to 0.0000000038 per USD) are a "
                        "thousandth of pesos uruguayos (0.0000042 in 1957), a unit no "
                        "redenomination made (1 UYU = 1,000 new pesos of 1975 = 1,000,000 "
                        "old pesos), and the source states none"),
}

#: (currency, year) → why: observations a hundred times the one before them (or a
#: hundredth) that are what the currency did, not a change of unit.
JUMPS: dict[tuple[str, int], str] = {
    ("BOB", 1985): "hyperinflation (prices rose about 11,750% in 1985)",
    ("CDF", 1994): "hyperinflation of the new zaire of 1993",
    ("IQD", 2004): "the first year after those left out (1971 to 2002): the dinar's fall "
                   "from its peg of USD 3.2169 through the 1990s, to the new dinar of 2003 "
                   "that replaced the dinar of the 1990s at par",
    ("MMK", 2012): "the official rate unified with the market rate (April 2012)",
    ("NIO", 1988): "hyperinflation and the devaluations of the new cordoba of 1988",
    ("SRD", 1994): "the official rate unified with the market rate (1994)",
}

#: The context of the factor an error names (three digits are enough to say it).
_ROUGH = Context(prec=3)

#: How far apart two consecutive observations may be before the build asks why.
FACTOR = Decimal(100)


def corrected(code: str, rows: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The ``(YYYY-12-31, rate)`` rows of ``code``'s annual series with the years of
    :data:`REBASED` rescaled and those of :data:`DROPPED` left out (others as published).

    >>> corrected("ZMW", [("1971-12-31", "0.7142859988788942"), ("1972-12-31", "0.000714")])
    [('1971-12-31', '0.0007142859988788942'), ('1972-12-31', '0.000714')]
    """
    through, factor, _ = REBASED.get(code, (0, "1", ""))
    first, last, _ = DROPPED.get(code, (0, -1, ""))
    shift = Decimal(factor).adjusted()
    kept = []
    for day, rate in rows:
        year = int(day[:4])
        if first <= year <= last:
            continue
        if year <= through:
            rate = format(Decimal(rate).scaleb(shift, CONTEXT), "f")
        kept.append((day, rate))
    return kept


def check_jumps(code: str, rows: Sequence[tuple[str, str]], where: str) -> None:
    """Refuse a series (:class:`~rates.errors.InvalidSnapshotInput`) in which an observation
    is :data:`FACTOR` times the one before it or less than its :data:`FACTOR`-th, unless
    :data:`JUMPS` says why."""
    for (before, old), (day, new) in pairwise(rows):
        small, large = sorted((Decimal(old), Decimal(new)))
        if CONTEXT.multiply(small, FACTOR) <= large and (code, int(day[:4])) not in JUMPS:
            times = _ROUGH.divide(Decimal(new), Decimal(old))
            raise InvalidSnapshotInput(
                f"{where}: {day[:4]} ({new} per USD) is {times:,f} "
                f"times {before[:4]} ({old}): a change of unit? Rescale or leave out the "
                "years in the old unit (rates._unit_breaks.REBASED, DROPPED), or say why in "
                "JUMPS"
            )


def coverage_notes(code: str) -> dict[str, dict[str, object]]:
    """What the manifest's coverage of ``code`` says of its rescaled and left-out years."""
    notes: dict[str, dict[str, object]] = {}
    if code in REBASED:
        through, factor, why = REBASED[code]
        notes["rebased"] = {"through": str(through), "factor": factor, "why": why}
    if code in DROPPED:
        first, last, why = DROPPED[code]
        notes["dropped"] = {"first": str(first), "last": str(last), "why": why}
    return notes


def transformations() -> str:
    """The manifest's words for these corrections."""
    rebased = "; ".join(f"{code} to {through} ×{factor} ({why})"
                        for code, (through, factor, why) in sorted(REBASED.items()))
    dropped = "; ".join(f"{code} {first}" + (f" to {last}" if last != first else "")
                        + f" ({why})" for code, (first, last, why) in sorted(DROPPED.items()))
    return (f"years in an older unit rescaled into the present one: {rebased}; years left "
            f"out: {dropped}")
