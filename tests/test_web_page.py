"""The web page (issue 15, item 4): served at ``/`` by the API's own app, it asks the API
and shows the library's documents as text; a real browser (Debian's headless Chromium,
driven by Playwright for Python) answers the 123Movies question through it.

The browser test is skipped, with the reason, only when ``/usr/bin/chromium`` or the
``playwright`` package is missing (``.ci/run`` installs Chromium when it is missing).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

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


def test_a_browser_answers_the_123movies_question(hostile_statutes: Path) -> None:
    sync_playwright = _playwright()
    problems: list[str] = []
    with running_server({"PENALTIES_STATUTES": str(hostile_statutes)}) as url, \
            sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS,
                                         timeout=STEP_MS)
        try:
            page = browser.new_page()
            page.set_default_timeout(STEP_MS)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("console", lambda note: problems.append(note.text)
                    if note.type == "error" else None)
            page.goto(f"{url}/")
            page.wait_for_selector("#case[data-loaded]", state="attached")
            page.select_option("#provision", "vn/penal-code/225")
            page.wait_for_selector('#case[data-loaded="vn/penal-code/225"]', state="attached")
            page.select_option("#fact-offender", "entity")
            page.fill("#fact-illicit_profit", "250000000")
            page.fill("#fact-offence_date", "2018-03-19")
            page.fill("#to", "USD")
            page.click("#assess")
            page.wait_for_selector("#status:text-is('Done.'), #error:not([hidden])")
            error = page.inner_text("#error")
            result, thresholds, tier_map = (page.inner_text(f"#{part}").replace("\xa0", " ")
                                            for part in ("result", "thresholds", "map"))
            chart = page.eval_on_selector("#chart", "c => [c.textContent, c.querySelector("
                                          "'img') ? c.querySelector('img').naturalWidth : 0]")
            options = page.eval_on_selector_all("#provision option", "o => o.map(x => x.text)")
            page.select_option("#provision", "xx/test-code/1")  # its texts are markup
            page.wait_for_selector('#case[data-loaded="xx/test-code/1"]', state="attached")
            shown = page.inner_text("#provision-info")
            injected = page.evaluate("document.querySelectorAll('main img:not(#chart-image), "
                                     "main b, [onerror]').length")
            title = page.title()
        finally:
            browser.close()
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
