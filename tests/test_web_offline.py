"""The API's documentation works offline (this tool is offline-first): ``/docs`` is Swagger
UI from files the server serves itself (the package ``fastapi-offline``), never from a CDN,
and ``/openapi.json`` answers without any network. A real browser, whose every request to
another host is refused and recorded, shows the documentation of every endpoint."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from penalties import web
from tests.test_web_page import browser_page

#: What each file the documentation page loads must be served as.
MEDIA = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "json"}


class _Links(HTMLParser):
    """Every URL an HTML page names in ``src`` and ``href``."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(web.create_app())


def _docs_urls(html: str) -> list[str]:
    """The URLs of the page's tags, and the one its script loads (``url: '...'``)."""
    links = _Links()
    links.feed(html)
    return links.urls + re.findall(r"""\burl:\s*['"]([^'"]+)['"]""", html)


def test_the_docs_page_names_only_urls_of_this_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.text
    assert not re.findall(r"(?:https?:)?//[\w.-]+", html)  # no other host, whatever scheme
    urls = _docs_urls(html)
    assert "/openapi.json" in urls
    assert {"swagger-ui-bundle.js", "swagger-ui.css"} <= {u.rpartition("/")[2] for u in urls}
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme, url
        assert not parts.netloc, url
        assert url.startswith("/"), url
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.content, url
        suffix = next(s for s in MEDIA if parts.path.endswith(s))
        assert MEDIA[suffix] in answer.headers["content-type"], (url, answer.headers)


def test_the_openapi_document_needs_no_network(client: TestClient) -> None:
    document = client.get("/openapi.json")  # the suite refuses every non-loopback connection
    assert document.status_code == 200
    assert "/assess" in document.json()["paths"]


def test_the_docs_files_are_not_a_way_out_of_their_folder(client: TestClient) -> None:
    [script] = [u for u in _docs_urls(client.get("/docs").text) if u.endswith("-bundle.js")]
    folder = script.rpartition("/")[0]
    assert client.get(f"{folder}/swagger-ui.css").status_code == 200
    for outside in ("../_app.py", "%2e%2e/core.py", "..%2f..%2f__init__.py"):
        assert client.get(f"{folder}/{outside}").status_code == 404, outside


def test_a_browser_shows_the_documentation_with_no_other_host() -> None:
    outside: list[str] = []
    with browser_page() as (page, url, problems):
        def only_here(call: object) -> None:
            asked = call.request.url  # type: ignore[attr-defined]
            if asked.startswith(f"{url}/"):
                call.continue_()  # type: ignore[attr-defined]
            else:
                outside.append(asked)
                call.abort()  # type: ignore[attr-defined]

        page.route("**/*", only_here)
        page.goto(f"{url}/docs")
        asked_outside = list(outside)  # on load: before waiting for what it draws
        if not asked_outside:
            page.wait_for_selector("#operations-default-assess_assess_post, .opblock")
            shown = page.inner_text("#swagger-ui")
    assert asked_outside == [], asked_outside
    assert not problems, problems
    assert "/assess" in shown
    assert "/provisions" in shown
    assert "penalties" in shown
