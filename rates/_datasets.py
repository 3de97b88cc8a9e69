"""What a snapshot's manifest says about each dataset: titles, publishers, attributions,
licences, bases and transformations (the words of :mod:`rates.build`)."""

from __future__ import annotations

from typing import Any

from rates._unit_breaks import transformations

__all__ = ["ECB_ATTRIBUTION", "IMF_ATTRIBUTION", "IMF_LICENCE", "IMF_MONTHLY_SUBSET", "MISLABELLED",
           "PRIMARY_COUNTRY", "RELABELLED", "annual_entry", "ecb_entry", "monthly_entry"]

ECB_ATTRIBUTION = "Source: ECB statistics"
IMF_ATTRIBUTION = ("Source: International Monetary Fund (Exchange Rates dataset), via "
                   "codeforIATI/imf-exchangerates.")
#: What the monthly dataset's attribution adds (the annual file is the whole upstream file).
IMF_MONTHLY_SUBSET = " The monthly file is a VND-only subset of the upstream file."
IMF_LICENCE = ("IMF data may be reused, also commercially, with attribution; material "
               "transformations must be stated.")


#: Series of the IMF annual file dropped because their code does not name the currency of
#: their values, with the reason (stated in the manifest's transformations).
MISLABELLED = {
    "ZWG": "Zimbabwe's whole series 1950-2024 is labelled ZWG, but its values are of the "
           "currencies ZWG replaced (6.7 billion per USD in 2008, 3,266 in 2024, while the "
           "ZiG traded at 13.5 to 26 per USD in 2024)",
}

#: Series of the IMF annual file whose values are in another currency than their code says,
#: kept under the code of their values, with the reason (stated in the manifest).
RELABELLED = {
    "UYW": ("UYU", "Uruguay's series is labelled UYW (the unidad previsional, a unit of "
                   "account), but its values are pesos per USD (40.2 in 2024)"),
    "VED": ("VEF", "Venezuela's series to 2017 is labelled VED (the bolivar digital of "
                   "2021), but its values are bolivares fuertes per USD (9.975 in 2017)"),
    "HRD": ("HRK", "Croatia's series 1992-2022 is labelled HRD (the dinar, to 1994), but "
                   "its values are kuna per USD (7.16 in 2022; the dinar years rebased)"),
}

#: For currencies the IMF annual file lists under several countries, whose series to keep.
#: The other series are either identical or mislabelled by the upstream scraper.
PRIMARY_COUNTRY = {
    "AUD": "AU",  # Kiribati, Nauru, Tuvalu: same values
    "BEF": "BE",  # Benelux aggregate: same values
    "CHF": "CH",  # Liechtenstein: same values
    "DKK": "DK",  # Faroe Islands and Greenland rows differ from Denmark in later years
    "EUR": "U2",  # the euro area itself (Andorra, Kosovo, Montenegro: same up to rounding)
    "FRF": "FR",  # overseas departments: same values
    "GBP": "GB",  # Crown dependencies: same values
    "ITL": "IT",  # San Marino rows after 1998 are euro values, not lire
    "NLG": "NL",  # Netherlands Antilles rows are Antillean guilders (ANG), not NLG
    "USD": "US",  # Haiti, Ecuador, El Salvador rows are local currencies before dollarisation
    "XAF": "5X",  # CEMAC, the issuing union
    "XCD": "5Y",  # ECCU, the issuing union
    "XCG": "CW",  # Curaçao (Sint Maarten: same values)
    "XOF": "7A",  # WAEMU, the issuing union
    "XPF": "PF",  # French Polynesia (New Caledonia: same values)
    "YDD": "1C_459",  # the dinar was the currency of the People's Democratic Republic of Yemen
    "ZAR": "ZA",  # Lesotho, Namibia: same up to rounding
}


def ecb_entry(
    source: dict[str, object], first: str, last: str, coverage: dict[str, dict[str, object]]
) -> dict[str, Any]:
    """The manifest entry of the ECB daily dataset."""
    return {
        "title": "ECB euro foreign exchange reference rates",
        "series": "ECB daily reference rate",
        "publisher": "European Central Bank",
        "attribution": ECB_ATTRIBUTION,
        "licence": "ECB statistics may be reused provided the source is acknowledged; "
        "the reference rates are published for information purposes only.",
        "basis": "daily",
        "measure": "reference rate of the day (concertation around 14:10 CET)",
        "base": "EUR",
        "directory": "ecb",
        "input": source,
        "first": first,
        "last": last,
        "transformations": "rows sorted by date; N/A left empty; values as published",
        "currencies": coverage,
    }


def monthly_entry(source: dict[str, object], found: dict[str, Any]) -> dict[str, Any]:
    """The manifest entry of the IMF monthly dataset (``found``: first, last, currencies)."""
    return {
        "title": "IMF Exchange Rates, end of period, monthly (VND subset)",
        "series": "IMF monthly end-of-period",
        "publisher": "International Monetary Fund",
        "attribution": IMF_ATTRIBUTION + IMF_MONTHLY_SUBSET,
        "licence": IMF_LICENCE,
        "basis": "monthly",
        "measure": "rate on the last day of the month (end of period)",
        "base": "USD",
        "directory": "imf-monthly",
        "input": source,
        "transformations": "grouped per currency, sorted by date; values as published",
        **found,
    }


def annual_entry(source: dict[str, object], found: dict[str, Any]) -> dict[str, Any]:
    """The manifest entry of the IMF annual dataset (``found``: first, last, currencies)."""
    return {
        "title": "IMF Exchange Rates, period average, annual",
        "series": "IMF annual average",
        "publisher": "International Monetary Fund",
        "attribution": IMF_ATTRIBUTION,
        "licence": IMF_LICENCE,
        "basis": "annual",
        "measure": "average of the calendar year (labelled YYYY-12-31 by the source)",
        "base": "USD",
        "directory": "imf-annual",
        "input": source,
        "transformations": "grouped per currency, sorted by date; values as published; "
        "for a currency listed under several countries one country's series is kept "
        "(see 'country'); the USD series (always 1) is dropped; dropped as mislabelled: "
        + "; ".join(f"{code} ({why})" for code, why in sorted(MISLABELLED.items()))
        + "; kept under the code of their values: "
        + "; ".join(f"{code} as {to} ({why})" for code, (to, why) in sorted(RELABELLED.items()))
        + "; " + transformations(),
        **found,
    }
