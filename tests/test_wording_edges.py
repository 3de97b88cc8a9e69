"""Wording edges of figures and bands for people.

A currency shown by its ISO code is one word with its digits, a no-break space between
(``RUB 600,000.00``, never ``RUB600,000.00``); a band says which of its ends it includes in
words that cannot be misread (Criminal Code of the Russian Federation, note to Art. 146:
"превышает" (exceeds) RUB 500,000 for part 2, up to the RUB 2,000,000 of part 3(в)).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cli import app
from penalties import _words as words

runner = CliRunner()


def invoke(*args: str) -> str:
    found = runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1",
                                               "TERM": "dumb", "PENALTIES_LOCALE": "en_US"})
    assert found.exit_code == 0, found.output
    return found.stdout


@pytest.mark.parametrize("currency", ["RUB", "CHF", "SEK", "XCG"])
@pytest.mark.parametrize("locale", ["en_US", "fr_FR", "vi_VN"])
def test_a_currency_code_is_never_glued_to_its_digits(currency: str, locale: str) -> None:
    text = words.money(Decimal("600000"), currency, locale)
    assert not re.search(r"[^\W\d_]\d|\d[^\W\d_]", text), text
    assert " " not in text  # one word: the space between is a no-break one


def test_a_symbol_stays_against_its_digits() -> None:
    assert words.money(Decimal("300000000"), "VND", "en_US") == "₫300,000,000"
    assert words.money(Decimal("5"), "USD", "en_US") == "$5.00"


RU = ("assess", "ru/criminal-code/146", "--offender", "person", "--goods-value", "600000",
      "--offence-date", "2025-01-01")


def test_a_reason_names_the_ruble_apart_from_its_digits() -> None:
    out = invoke(*RU)
    assert "RUB\u00a0600,000.00" in out
    assert not re.search(r"RUB\d", out)


def test_a_band_open_below_and_closed_above_reads_unambiguously() -> None:
    """More than RUB 500,000 (excluded), up to RUB 2,000,000 (included: above it is
    part 3(в))."""
    out = invoke(*RU)
    assert "is more than RUB\u00a0500,000.00 and up to RUB\u00a02,000,000.00" in out
    assert " to RUB\u00a02,000,000.00" not in out.replace("and up to", "")
    shown = invoke("thresholds", "ru/criminal-code/146", "--on", "2025-01-01")
    assert "more than RUB\u00a0500,000.00 and up to RUB\u00a02,000,000.00" in shown


def test_the_vietnamese_from_to_under_band_keeps_its_words() -> None:
    out = invoke("thresholds", "vn-225", "--on", "2018-03-19")
    assert "from ₫50,000,000 to under ₫300,000,000" in out


def test_a_none_of_reason_names_what_does_not_hold() -> None:
    """Copyright Act 1957 s63 proviso: the lower minimums are for an infringement "not
    made for gain in the course of trade or business"; not shown, the full penalty applies."""
    out = invoke("assess", "in/copyright-act/63", "--offender", "person", "--offence-date",
                 "2020-01-01")
    assert ": not_for_gain_in_trade does not hold" in out
    assert "none_of" not in out


def test_a_computed_figure_whose_decimals_do_not_end_is_rounded_once_and_marked() -> None:
    """Código Penal art. 49 § 1º: a daily unit of at least one thirtieth of the monthly
    minimum wage (BRL 1,412 from 2024-01-01): BRL 47.0666…, its digits cut a few places past
    the cent in the explanation, never 30 of them; the range's minimum, 10 units, is
    BRL 470.67 (a minimum rounded up, once)."""
    out = invoke("assess", "br/codigo-penal/184", "--offender", "person", "--act", "1",
                 "--offence-date", "2024-06-01")
    assert "divided by 30 = BRL 47.066666… (49 § 1º)" in out
    assert "10 to 360 daily units of BRL 47.066666… to BRL 7,060" in out
    assert "R$470.67" in out
    assert "0666666" not in out
    gdpr = invoke("assess", "eu/gdpr/83", "--offender", "entity", "--turnover",
                  "2000000000 USD", "--act", "83-5-a", "--offence-date", "2019-05-01")
    assert "0.04 × turnover EUR 1,782,848,992.690319… = EUR 71,313,959.707612…" in gdpr


def test_a_penalty_note_is_said_under_the_table() -> None:
    """УК РФ Art. 146(2): "a fine of up to RUB 200,000 or the wage or other income of the
    convicted person for a period of up to eighteen months": the alternative the format
    cannot encode is said, as the data file notes it on the fine."""
    out = invoke(*RU)
    assert ("Note: 146(2) fine: or the wage or other income of the convicted person for a "
            "period of up to 18 months") in out
    assert "Note: 146(2) community sentence: corrective labour" in out


def test_a_clause_with_brackets_of_its_own_is_cited_whole() -> None:
    """The Chinese thresholds are set by interpretations cited as 法释〔2025〕5号, in English
    "Fa Shi [2025] No. 5": the bracket is part of the clause, not a label to strip."""
    import json

    out = invoke("thresholds", "cn-217", "--on", "2025-06-01", "--json")
    refs = {row["ref"] for row in json.loads(out)["thresholds"]}
    assert "217(first range; Fa Shi [2025] No. 5 Art. 13(1))" in refs
    assert not any(ref.endswith("Fa Shi") for ref in refs)


def test_thresholds_on_a_date_before_the_law_name_the_law_then_in_force() -> None:
    """Penal Code 2015 Art. 225 is in force from 2018-01-01; in 2016 the law was the 1999
    Code's Art. 170a (Resolution 41/2017/QH14), which assess applies itself."""
    found = runner.invoke(app, ["thresholds", "vn-225", "--on", "2016-06-01"])
    assert found.exit_code == 3
    assert "on that date: its predecessor vn/penal-code-1999/170a" in found.stderr
    later = runner.invoke(app, ["thresholds", "vn-170a", "--on", "2019-06-01"])
    assert "on that date: its successor vn/penal-code/225" in later.stderr


def test_an_offence_before_the_provision_existed_is_not_said_to_be_under_it() -> None:
    """A fresh user's test (2026-12-03): an entity's offence of 2017 under Art. 225 (in force
    from 2018) read "vn/penal-code/225 (version from 2018-01-01) was in force"."""
    from penalties import assess

    result = assess("vn-225", {"offender": "entity", "commercial_scale": True,
                               "offence_date": "2017-06-01", "trial_date": "2019-01-01"})
    first = result.law_choice[0]
    assert first.startswith("Offence on 2017-06-01: before vn/penal-code/225 (in force from "
                            "2018-01-01); no liability")
    assert "was in force" not in first
    assert "2018-01-01) is in force" in result.law_choice[1]


def test_a_reason_that_scales_both_bounds_is_said_once() -> None:
    """Decree 131 Art. 2(2) doubles an organisation's bracket: its line was printed once per
    bound, which read as doubling twice."""
    from penalties import assess

    [fine] = assess("vn-d131-18", {"offender": "entity", "offence_date": "2020-01-01"}).principal
    assert sum("2(2)" in line for line in fine.basis) == 1
    assert (fine.low.exact, fine.high.exact) == (30_000_000, 70_000_000)


def test_a_tier_for_every_case_of_its_provision_does_not_presume_the_act_given() -> None:
    """A fresh user's test (2026-12-03): Decree 131 Art. 18(1), a tier that holds for every
    case of the article, read "act is copying a work without permission" with no act given,
    as if the user had said so. It is the act the article punishes, taken as the case's
    because the article was asked."""
    from penalties import assess

    result = assess("vn-d131-18", {"offender": "person", "offence_date": "2020-01-01"})
    assert result.tier is not None
    [reason] = result.tier.reasons
    assert reason.text == ("18(1) [copying a work without permission]: act taken to be the "
                           "one this provision punishes (copying a work without permission)")
    assert " act is " not in invoke("assess", "vn-d131-18", "--offender", "person",
                                    "--offence-date", "2020-01-01")


@pytest.mark.parametrize("locale", ["de_CH", "it_CH", "de_LI"])
def test_a_swiss_amount_is_grouped_by_threes(locale: str) -> None:
    """A fresh user's test (2026-12-03): ``--locale de_CH`` printed ``₫ 1000000'000`` beside
    ``₫ 300000000``: babel 2.19 reads two of the locale's ASCII apostrophes (its group mark
    since CLDR 47) as a quoted literal and drops them."""
    from babel.numbers import get_group_symbol

    mark = get_group_symbol(locale)  # "'" since CLDR 47 (babel 2.17), "’" before
    assert words.money(Decimal(1_000_000_000), "VND", locale).endswith(
        f"1{mark}000{mark}000{mark}000")
    assert words.money(Decimal("1234567.5"), "CHF", locale).endswith(f"1{mark}234{mark}567.50")
    assert words.local_number(Decimal("22463.25"), locale) == f"22{mark}463.25"
    shown = invoke("assess", "vn-225", "--offender", "entity", "--profit", "250000000",
                   "--offence-date", "2018-03-19", "--locale", locale)
    assert f"1{mark}000{mark}000{mark}000" in shown
    assert f"300{mark}000{mark}000" in shown
    assert words.money(Decimal(1_000_000_000), "VND", "de_DE").startswith("1.000.000.000")


def test_thresholds_in_a_locale_word_counts_and_conditions_in_it() -> None:
    """``thresholds --locale fr_FR`` formatted the amounts of a band in French but kept the
    amounts of an "only if" condition locale-neutral (``illicit_profit VND 50,000,000 or
    more`` beside ``50 000 000 ₫``), and a count of four digits as ``1,000``."""
    from datetime import date

    from penalties import thresholds
    from penalties._text import thresholds as text
    from penalties.assessment._thresholds import Threshold

    table = thresholds("vn-225", date(2018, 3, 19))
    organised = next(r for r in table if r.fact == "organised")
    said = words.condition(organised, "VND", "fr_FR")
    assert re.fullmatch(r"\(commercial_scale or illicit_profit 50\s000\s000\s₫ or more or "
                        r"damage 100\s000\s000\s₫ or more or goods_value 100\s000\s000\s₫ "
                        r"or more\)", said), said
    assert organised.condition == ("(commercial_scale or illicit_profit VND 50,000,000 or "
                                   "more or damage VND 100,000,000 or more or goods_value VND "
                                   "100,000,000 or more)")  # the JSON's words: locale-neutral
    assert words.condition(organised, "VND") == organised.condition
    shown = "\n".join(str(part) for part in text(table, "fr_FR"))
    assert "VND 50,000,000" not in shown
    out = CliRunner().invoke(app, ["thresholds", "vn-225", "--on", "2018-03-19", "--locale",
                                   "fr_FR"]).output
    assert "VND 50,000,000" not in out
    assert "only if:" in out
    count = Threshold("person", "1", "1", "1", "copies", "band", "1,000 or more",
                      lower=Decimal(1000))
    assert re.fullmatch(r"1\s000 or more", words.threshold(count, "fr_FR"))
    assert words.threshold(count) == "1,000 or more"  # locale-neutral without a locale
