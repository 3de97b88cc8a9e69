"""The web page (issue 15, item 4): served at ``/`` by the API's own app, it asks the API
and shows the library's documents as text; a real browser (Debian's headless Chromium,
driven by Playwright for Python) answers the 123Movies question through it.

The browser test is skipped, with the reason, only when ``/usr/bin/chromium`` or the
``playwright`` package is missing (``.ci/run`` installs Chromium when it is missing).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import penalties
from penalties import web
from penalties.web._page import ASSETS, asset
from tests._web_server import running_server

CHROMIUM = Path("/usr/bin/chromium")
#: Chromium's switches: headless, no sandbox (root in CI), nothing fetched from the network
#: (no updates, no sync, no proxy, every host name but this machine's unresolvable).
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-proxy-server",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
#: Hang guard of one browser step, in milliseconds (a busy machine is slow, never this slow).
STEP_MS = 60_000
#: A provision whose texts are markup: the page must show them as text.
HOSTILE = '<img src=x onerror="document.title=1"><b>Hostile</b> & "quoted"'


def test_the_page_is_served_with_its_policy() -> None:
    client = TestClient(web.create_app())
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    for name in ("page.js", "page.css"):
        answer = client.get(f"/static/{name}")
        assert answer.status_code == 200
        assert answer.content == asset(name)
        assert answer.headers["content-type"] == ASSETS[name]
    assert client.get("/static/../_app.py").status_code == 404


def test_the_page_has_no_inline_script_and_never_writes_markup() -> None:
    html = asset("index.html").decode()
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/page.js" defer>']
    assert not re.search(r"\son[a-z]+\s*=", html)  # no inline event handler
    script = asset("page.js").decode()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "href"):
        assert sink not in script, sink


@pytest.fixture(scope="module")
def hostile_statutes(tmp_path_factory: pytest.TempPathFactory,
                     make_statute: Callable[[], dict[str, Any]]) -> Path:
    import tomli_w

    directory = tmp_path_factory.mktemp("hostile")
    data = make_statute()
    data["title"]["en"] = data["instrument"] = HOSTILE
    (directory / "hostile.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    return directory


def _playwright() -> Any:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian's package: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install '.[test]')")
    return sync_playwright


@contextmanager
def browser_page(env: dict[str, str] | None = None, **context: Any) -> Iterator[tuple[Any, str,
                                                                                     list[str]]]:
    """A page of headless Chromium (``context``: its options, e.g. ``java_script_enabled``),
    the URL of a real server and the problems the page reported (script errors, console
    errors), for the time of the block."""
    sync_playwright = _playwright()
    problems: list[str] = []
    with running_server(env) as url, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS,
                                         timeout=STEP_MS)
        try:
            page = browser.new_context(**context).new_page()
            page.set_default_timeout(STEP_MS)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("console", lambda note: problems.append(note.text)
                    if note.type == "error" else None)
            yield page, url, problems
        finally:
            browser.close()


def _open(page: Any, url: str, provision: str) -> None:
    """The page, with ``provision`` chosen and its facts' fields loaded."""
    page.goto(f"{url}/")
    page.wait_for_selector("#case[data-loaded]", state="attached")
    page.select_option("#provision", provision)
    page.wait_for_selector(f'#case[data-loaded="{provision}"]', state="attached")


def _fill_the_123movies_case(page: Any, url: str) -> None:
    _open(page, url, "vn/penal-code/225")
    page.select_option("#fact-offender", "entity")
    page.fill("#fact-illicit_profit", "250000000")
    page.fill("#fact-offence_date", "2018-03-19")
    page.fill("#to", "USD")


def _assess(page: Any) -> None:
    page.click("#assess")
    page.wait_for_selector("#status:text-matches('^Done'), #error:not([hidden])")


def test_a_browser_answers_the_123movies_question(hostile_statutes: Path) -> None:
    with browser_page({"PENALTIES_STATUTES": str(hostile_statutes)}) as (page, url, problems):
        _fill_the_123movies_case(page, url)
        page.click("#assess")
        page.wait_for_selector("#status:text-is('Done.'), #error:not([hidden])")
        error = page.inner_text("#error")
        result, thresholds, tier_map = (page.inner_text(f"#{part}").replace("\xa0", " ")
                                        for part in ("result", "thresholds", "map"))
        margins = page.eval_on_selector_all("#margins li", "m => m.map(x => x.textContent)")
        chart = page.eval_on_selector("#chart", "c => [c.textContent, c.querySelector("
                                      "'img') ? c.querySelector('img').naturalWidth : 0]")
        options = page.eval_on_selector_all("#provision option", "o => o.map(x => x.text)")
        page.select_option("#provision", "xx/test-code/1")  # its texts are markup
        page.wait_for_selector('#case[data-loaded="xx/test-code/1"]', state="attached")
        shown = page.inner_text("#provision-info")
        injected = page.evaluate("document.querySelectorAll('main img:not(#chart-image), "
                                 "main b, [onerror]').length")
        title = page.title()
    assert not error, error
    assert not problems, problems
    assert "Tier 225(4)(a)" in result
    fine = next(line for line in result.splitlines() if line.startswith("fine"))
    assert "VND 300,000,000 (≈ USD 13,355.30)" in fine
    assert "VND 1,000,000,000 (≈ USD 44,517.65)" in fine
    assert "225(4)(a): illicit_profit VND 250,000,000 is from VND 200,000,000 to under VND " \
        "300,000,000 (≈ USD 11,129.41)" in result
    rate = next(line for line in result.splitlines() if line.startswith("Converted at"))
    assert rate.startswith("Converted at 22,463 VND per USD (")
    assert "month-end official rate; asked for 2018-03-19; source snapshot" in rate
    assert "International Monetary Fund" in rate
    assert "Vietnam Penal Code" in result  # the citation of the version
    case = penalties.assess("vn-225", {"offender": "entity", "illicit_profit": "250000000",
                                       "offence_date": "2018-03-19"}, to="USD")
    expected = [m.to_dict() for m in penalties.margins(case, to="USD")]
    assert expected  # how far 250,000,000 is from the next tier and the previous one
    assert margins == ["; ".join(t for t in (m["up"], m["down"]) if t) for m in expected]
    assert "reaches 225(4)(b)" in margins[0]
    assert "from VND 200,000,000 to under VND 300,000,000" in thresholds
    assert "Converted at 22,463 VND per USD" in thresholds
    assert re.search(r"from VND 200,000,000 to under VND 300,000,000 \(≈ USD [\d,.]+ to "
                     r"USD 13,355.30\)\s+\[200000000, 300000000\)\s+225\(4\)\(a\)", tier_map)
    assert f"xx-1: {HOSTILE} (XX)" in options  # statute text shown as text, never as markup
    assert shown.startswith(f"{HOSTILE}, 1; currency VND")
    assert injected == 0
    assert title.startswith("penalties")
    if importlib.util.find_spec("matplotlib") is not None:
        assert chart[1] > 0  # the tier map drawn, shown as an image
    else:
        assert chart[0].startswith("No chart: ")  # and the table above says it all


def test_a_maximum_that_is_only_a_floor_is_shown_as_one() -> None:
    """A fresh user's finding (2026-12-03): GDPR Art. 83(5) without the turnover showed
    "to EUR 20,000,000.00" as if it were the ceiling; the law's maximum is at least that
    (the greater of EUR 20 million and 4 % of the turnover), as the command line says."""
    with browser_page() as (page, url, problems):
        _open(page, url, "eu/gdpr/83")
        page.select_option("#fact-offender", "entity")
        page.select_option("#fact-act", "83-5-a")
        page.fill("#fact-offence_date", "2019-05-01")
        _assess(page)
        result = page.inner_text("#result").replace("\xa0", " ")
    assert not problems, problems
    assert "at least EUR 20,000,000.00" in result, result


def test_the_page_says_at_which_value_varying_ranges_are_shown_and_the_law_s_date() -> None:
    """A reviewer's finding (2026-12-03): the map said "the ranges depend on the amount"
    (for a count too) without the value they were shown at, which the JSON now gives
    (``ranges_at``); the thresholds named the version's first day, not the date asked."""
    with browser_page() as (page, url, problems):
        _open(page, url, "eu/gdpr/83")
        page.select_option("#fact-offender", "entity")
        page.select_option("#fact-act", "83-5-a")
        page.fill("#fact-offence_date", "2019-05-01")
        page.fill("#fact-turnover", "1000000000 EUR")
        _assess(page)
        page.wait_for_selector("#map:not([hidden])")
        shown = page.inner_text("#map").replace("\xa0", " ")
        thresholds = page.inner_text("#thresholds").replace("\xa0", " ")
    assert not problems, problems
    assert "the ranges read turnover: these are at EUR 0" in shown, shown
    assert "version in force on 2019-05-01: from 2018-05-25" in thresholds, thresholds


def test_a_rate_date_without_a_currency_is_said_on_the_page() -> None:
    """A reviewer's finding (2026-12-03): the API now refuses a ``rate_date`` with nothing
    to convert, and the page sent one whenever the field was filled: it says so in its own
    words, at the field, and sends nothing."""
    with browser_page() as (page, url, problems):
        _fill_the_123movies_case(page, url)
        page.fill("#to", "")
        page.fill("#rate_date", "2019-01-02")
        _assess(page)
        error = page.inner_text("#error")
        marked = page.get_attribute("#rate_date", "aria-invalid")
        result = page.inner_text("#result")
    assert not problems, problems
    assert "fill in “Also show amounts in”, or clear the date" in error
    assert marked == "true"
    assert "Tier" not in result  # nothing was assessed


def test_without_javascript_the_page_says_so_and_shows_no_dead_form() -> None:
    with browser_page(java_script_enabled=False) as (page, url, problems):
        page.goto(f"{url}/")
        notice = page.locator("#no-script")
        shown = notice.is_visible() and notice.inner_text()
        links = page.eval_on_selector_all("#no-script a", "a => a.map(x => x.pathname)")
        form = page.is_visible("#case")
        above = page.evaluate("document.getElementById('no-script').compareDocumentPosition("
                              "document.getElementById('case')) & Node.DOCUMENT_POSITION_FOLLOWING")
    assert not problems, problems
    assert shown, "the notice is not shown"
    assert "needs JavaScript" in shown, shown
    assert {"/provisions", "/openapi.json"} <= set(links)  # what answers without it
    assert above  # said before the form, not in the footer
    assert not form  # a form that cannot work is not shown


def _failing(status: int) -> Callable[[Any], None]:
    """A route handler that answers with an error document of ``status``."""
    def answer(call: Any) -> None:
        call.fulfill(status=status, content_type="application/json", body=json.dumps(
            {"error": {"type": f"Failed{status}", "field": None,
                       "message": f"part {status} failed"}}))
    return answer


def test_errors_are_shown_at_their_field_and_every_one_is_kept() -> None:
    with browser_page() as (page, url, problems):
        _fill_the_123movies_case(page, url)
        page.fill("#to", "DOLLARS")  # a request field: the error names "to"
        _assess(page)
        currency = page.inner_text("#error")
        marked = page.get_attribute("#to", "aria-invalid")
        beside = page.inner_text("#to >> xpath=.. >> .field-error")
        focused = page.evaluate("document.activeElement.id")

        page.fill("#to", "USD")  # corrected: the marks go
        page.click("#more summary")  # a fact among the other facts, given, then folded
        page.fill("#fact-turnover", "abc")
        page.click("#more summary")
        _assess(page)
        folded = page.evaluate("document.getElementById('more').open")
        turnover = (page.get_attribute("#fact-turnover", "aria-invalid"),
                    page.evaluate("document.activeElement.id"))
        cleared = page.get_attribute("#to", "aria-invalid"), page.locator(
            "#to >> xpath=.. >> .field-error").count()

        page.fill("#fact-turnover", "")
        for route, code in (("**/thresholds/**", 503), ("**/map", 500)):  # both parts fail
            page.route(route, _failing(code))
        _assess(page)
        page.wait_for_selector("#error p:nth-child(2)")
        both = page.inner_text("#error")
        status = page.inner_text("#status")
        result = page.is_visible("#result")

        page.select_option("#provision", "vn/penal-code/226")  # another case: nothing stale
        page.wait_for_selector('#case[data-loaded="vn/penal-code/226"]', state="attached")
        after = [page.is_visible(f"#{part}") for part in ("result", "thresholds", "map",
                                                           "error")]
    assert [p for p in problems if "Failed to load resource" not in p] == []
    assert currency.startswith("UnknownCurrency: ")
    assert marked == "true"
    assert beside.strip() == currency.removeprefix("UnknownCurrency: ").strip()
    assert focused == "to"
    assert folded is True
    assert turnover == ("true", "fact-turnover")
    assert cleared == (None, 0)
    assert "part 503 failed" in both  # the first is not lost
    assert "part 500 failed" in both
    assert result  # the result itself was shown
    assert status != "Done."
    assert "error" in status
    assert after == [False, False, False, False]


def test_an_amount_in_another_currency_shows_its_rate_once_and_if_stale() -> None:
    facts = {"offender": "entity", "illicit_profit": "10000 USD", "offence_date": "2018-03-19"}
    document = TestClient(web.create_app()).post(
        "/assess", json={"provision": "vn-225", "facts": facts}).json()
    [given] = document["inputs"]
    given["rate"].update(stale=True, age_days=400)  # as a stale rate's document says it
    with browser_page() as (page, url, problems):
        page.route("**/assess", lambda call: call.fulfill(
            status=200, content_type="application/json", body=json.dumps(document)))
        _fill_the_123movies_case(page, url)
        page.fill("#to", "")
        _assess(page)
        shown = page.inner_text("#result").replace("\xa0", " ")
    assert not problems, problems
    line = next(x for x in shown.splitlines() if x.startswith("illicit_profit: USD 10,000"))
    assert line.startswith(given["text"])
    assert given["rate"]["description"] not in line.removeprefix(given["text"])  # said once
    assert "This rate is stale: 400 days old." in line


def test_a_rate_whose_decimals_never_end_is_marked_on_the_page() -> None:
    """VND per JPY on 2018-03-19 is a quotient that never ends, given to 50 digits with
    ``rate_quoted_exact`` false: the page showed those digits as if they were the rate."""
    facts = {"offender": "entity", "illicit_profit": "250000000", "offence_date": "2018-03-19"}
    document = TestClient(web.create_app()).post(
        "/assess", json={"provision": "vn-225", "facts": facts, "to": "JPY"}).json()
    assert document["conversion"]["rate_quoted_exact"] is False
    with browser_page() as (page, url, problems):
        page.route("**/assess", lambda call: call.fulfill(
            status=200, content_type="application/json", body=json.dumps(document)))
        _fill_the_123movies_case(page, url)
        _assess(page)
        shown = page.inner_text("#result").replace("\xa0", " ")
    assert not problems, problems
    line = next(x for x in shown.splitlines() if x.startswith("Converted at"))
    assert line.startswith("Converted at 211.631892078071182548794489092996555683122847"
                           "30195… VND per JPY ("), line


def test_a_later_law_applied_shows_its_thresholds_and_what_a_penalty_goes_with() -> None:
    """A fresh user's test (2026-12-03): for an offence of 2016 tried in 2019 (lex mitior:
    Art. 225 of the 2015 code, in force from 2018) the page asked for the thresholds of
    Art. 225 on 2016-06-01 and showed NoVersionInForce; and its table dropped "(only with
    imprisonment)" from the additional fine of 225(3), which the command line shows."""
    with browser_page() as (page, url, problems):
        page.goto(f"{url}/")
        page.wait_for_selector("#case[data-loaded]", state="attached")
        page.select_option("#provision", "vn/penal-code/225")
        page.wait_for_selector('#case[data-loaded="vn/penal-code/225"]', state="attached")
        page.select_option("#fact-offender", "person")
        page.evaluate("() => { const c = document.getElementById('fact-commercial_scale'); "
                      "if (c.type === 'checkbox') c.checked = true; else c.value = 'true'; }")
        page.fill("#fact-offence_date", "2016-06-01")
        page.evaluate("() => { document.getElementById('fact-times').value = '3'; "
                      "document.getElementById('fact-trial_date').value = '2019-01-01'; }")
        _assess(page)
        status, error = page.inner_text("#status"), page.inner_text("#error")
        result = page.inner_text("#result").replace("\xa0", " ")
        shown = page.evaluate("!document.getElementById('thresholds').hidden")
        thresholds = page.inner_text("#thresholds").replace("\xa0", " ")
    assert not problems, problems
    assert status == "Done.", (status, error)
    assert "Tier 225(2)" in result
    assert "fine (only with imprisonment)" in result
    assert shown
    assert "225(2)" in thresholds
