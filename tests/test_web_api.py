"""The HTTP API (issue 15, item 3): every endpoint answers the library's own document, every
error is ``{"error": {"type", "field", "message"}}`` with the library's message and its
status, requests are bounded, and a real server process on 127.0.0.1 answers the same."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import penalties
import rates
from cli import app
from penalties import web
from penalties.web._guard import host_name, loopback_hosts
from penalties.web._limits import MAX_BODY_BYTES, MAX_FACTS, MAX_PROVISIONS
from penalties.web._models import AssessRequest
from tests._web_server import request, running_server

ROOT = Path(__file__).resolve().parent.parent
MOVIES = {"offender": "entity", "illicit_profit": "250000000", "offence_date": "2018-03-19"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(web.create_app())


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    found: dict[str, Any] = response.json()["error"]
    assert set(found) == {"type", "field", "message"}
    return found


def message(call: Callable[[], object]) -> str:
    """The library's own message for what ``call`` raises."""
    with pytest.raises((penalties.PenaltyError, rates.RateError)) as caught:
        call()
    return str(caught.value)


# -- the package -----------------------------------------------------------------------


def test_import_penalties_loads_no_web_framework() -> None:
    code = ("import sys, penalties, penalties.web\n"
            "penalties.web.LIMITS\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('fastapi', 'starlette', 'uvicorn') or m == 'penalties.web._app'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True, timeout=120)
    assert done.stdout.strip() == "[]"
    assert "web" not in penalties.__all__


def test_without_the_extra_the_message_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "uvicorn" else real(name, *a))
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'penalties\[web\]'"):
        web.serve(port=1)
    monkeypatch.setattr(importlib.util, "find_spec",  # the files of the documentation page
                        lambda name, *a: None if name == "fastapi_offline" else real(name, *a))
    with pytest.raises(ModuleNotFoundError, match=r"fastapi_offline not installed"):
        web.create_app()


# -- the endpoints: the library's documents --------------------------------------------


def test_provisions_is_the_list_document(client: TestClient) -> None:
    answer = client.get("/provisions")
    assert answer.status_code == 200
    assert answer.json() == [s.summary() for s in penalties.list_provisions()]


@pytest.mark.parametrize("name", ["vn/penal-code/225", "vn-225", "VN-225"])
def test_one_provision_by_id_with_slashes_or_alias(client: TestClient, name: str) -> None:
    answer = client.get(f"/provisions/{name}")
    assert answer.status_code == 200
    statute = penalties.get_provision("vn-225")
    assert answer.json() == statute.model.model_dump(mode="json", by_alias=True,
                                                     exclude_none=True)


def test_assess_answers_the_123movies_question(client: TestClient) -> None:
    answer = client.post("/assess", json={"provision": "vn-225", "facts": MOVIES, "to": "USD"})
    assert answer.status_code == 200
    document = answer.json()
    result = penalties.assess("vn-225", MOVIES, to="USD")
    assert document == json.loads(json.dumps({
        **result.to_dict(), "margins": [m.to_dict() for m in penalties.margins(result,
                                                                              to="USD")]}))
    assert document["tier"]["ref"] == "225(4)(a)"
    fine = document["principal"][0]
    assert (fine["min"]["amount"], fine["max"]["amount"]) == ("300000000", "1000000000")
    assert (fine["min"]["converted"], fine["max"]["converted"]) == (
        {"amount": "13355.30", "currency": "USD"}, {"amount": "44517.65", "currency": "USD"})
    assert document["conversion"]["rate_quoted"] == "22463"


def test_assess_answers_with_the_margins_as_the_command_line_does(client: TestClient) -> None:
    from typer.testing import CliRunner

    from cli import app

    answer = client.post("/assess", json={"provision": "vn-225", "facts": MOVIES, "to": "USD"})
    printed = CliRunner().invoke(app, [
        "assess", "vn-225", "--offender", "entity", "--profit", "250000000",
        "--offence-date", "2018-03-19", "--to", "USD", "--json"])
    assert printed.exit_code == 0, printed.output
    assert answer.json() == json.loads(printed.stdout)  # the one document, both ways
    [margin] = answer.json()["margins"]  # the one amount given, 250,000,000
    assert margin["fact"] == "illicit_profit"
    assert "reaches 225(4)(b)" in margin["up"]
    assert "falls to no tier" in margin["down"]


def test_assess_takes_the_rate_options(client: TestClient) -> None:
    facts = {**MOVIES, "illicit_profit": "10000 USD"}
    body = {"provision": "vn-225", "facts": facts, "to": "EUR", "rate_date": "2019-01-02",
            "input_rate_date": "2018-03-01"}
    answer = client.post("/assess", json=body)
    assert answer.status_code == 200
    expected = penalties.assess("vn-225", facts, to="EUR", rate_date=date(2019, 1, 2),
                                input_rate_date=date(2018, 3, 1))
    assert answer.json() == json.loads(json.dumps({
        **expected.to_dict(),
        "margins": [m.to_dict() for m in penalties.margins(expected, to="EUR")]}))
    assert answer.json()["inputs"][0]["rate"]["asked_for"] == "2018-03-01"


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/assess", {"provision": "vn-225", "facts": MOVIES, "rate_date": "2019-01-02"}),
    ("POST", "/compare", {"all": True, "facts": MOVIES, "rate_date": "2019-01-02"}),
    ("POST", "/map", {"provision": "vn-225", "facts": MOVIES, "vary": "illicit_profit",
                      "rate_date": "2019-01-02"}),
    ("GET", "/thresholds/vn-225?rate_date=2019-01-02", None),
])
def test_a_rate_date_with_nothing_to_convert_is_refused(
        client: TestClient, method: str, path: str, body: dict[str, Any] | None) -> None:
    """Session of 2026-12-03 (third): ``rate_date`` without ``to`` (``in`` for thresholds)
    was accepted and ignored, silently (the command line says so in a note)."""
    found = error_of(client.request(method, path, json=body), 422)
    assert found["field"] == "rate_date"
    assert "nothing is converted" in found["message"]


def test_compare_all_is_the_comparison_document(client: TestClient) -> None:
    facts = {"offender": "person", "illicit_profit": "10000 USD", "offence_date": "2025-06-02"}
    answer = client.post("/compare", json={"all": True, "facts": facts, "to": "USD"})
    assert answer.status_code == 200
    assert answer.json() == json.loads(json.dumps(
        penalties.compare_all(facts, to="USD").to_dict()))
    named = client.post("/compare", json={"provisions": ["vn-225", "vn-226"], "facts": MOVIES})
    assert named.json() == json.loads(json.dumps(
        penalties.compare_all(MOVIES, ["vn-225", "vn-226"]).to_dict()))


def test_map_is_the_tier_map_document(client: TestClient) -> None:
    body = {"provision": "vn-225", "facts": MOVIES, "vary": "profit", "to": "USD"}
    answer = client.post("/map", json=body)
    assert answer.status_code == 200
    assert answer.json() == json.loads(json.dumps(
        penalties.tier_map("vn-225", MOVIES, "profit", to="USD").to_dict()))


def test_chart_is_the_tier_map_drawn(client: TestClient) -> None:
    body = {"provision": "vn-225", "facts": MOVIES, "vary": "profit", "to": "USD"}
    answer = client.post("/chart", json=body)
    if importlib.util.find_spec("matplotlib") is None:
        assert error_of(answer, 501)["type"] == "PlottingUnavailable"
        return
    from penalties._chart import chart_svg

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert answer.text == chart_svg(penalties.tier_map("vn-225", MOVIES, "profit", to="USD"))


def test_no_plotting_library_is_501(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from penalties import _chart

    def unavailable(*args: object, **kwargs: object) -> str:
        raise _chart.PlottingUnavailable(f"charts need matplotlib: {_chart.INSTALL}")

    monkeypatch.setattr(_chart, "chart_svg", unavailable)
    found = error_of(client.post("/chart", json={"provision": "vn-225", "facts": MOVIES}), 501)
    assert found["type"] == "PlottingUnavailable"
    assert _chart.INSTALL in found["message"]


def test_thresholds_on_a_date_in_a_currency(client: TestClient) -> None:
    answer = client.get("/thresholds/vn/penal-code/225", params={"on": "2018-03-19",
                                                                 "in": "USD"})
    assert answer.status_code == 200
    expected = penalties.thresholds(penalties.get_provision("vn-225"), date(2018, 3, 19), "USD")
    assert answer.json() == json.loads(json.dumps(expected.to_dict()))


def test_convert_is_the_conversion_document(client: TestClient) -> None:
    answer = client.get("/convert", params={"amount": "1000000000 VND", "to": "USD",
                                            "on": "2018-03-19"})
    assert answer.status_code == 200
    assert answer.json() == json.loads(json.dumps(
        rates.convert("1000000000 VND", "USD", "2018-03-19").to_dict()))


def test_schema_is_the_statute_schema(client: TestClient) -> None:
    assert client.get("/schema").json() == json.loads(json.dumps(penalties.statute_schema()))


def test_facts_are_the_vocabulary_with_what_a_provision_reads(client: TestClient) -> None:
    every = client.get("/facts").json()
    assert every["provision"] is None
    assert [f["name"] for f in every["facts"]] == list(penalties.builtin_vocabulary().names())
    mine = client.get("/facts", params={"provision": "vn-225"}).json()
    facts = {f["name"]: f for f in mine["facts"]}
    assert mine["provision"] == "vn/penal-code/225"
    assert facts["offender"]["values"] == ["person", "entity"]
    assert facts["offender"]["reads"]
    assert facts["illicit_profit"]["kind"] == "amount"
    assert facts["illicit_profit"]["reads"]
    assert facts["prior_conviction"]["unknown"]
    assert facts["prior_conviction_completed"]["reads"]
    assert not facts["turnover"]["reads"]  # shown among the other facts
    acts = client.get("/facts", params={"provision": "us-1204"}).json()
    act = next(f for f in acts["facts"] if f["name"] == "act")
    assert "1202" in act["values"]
    assert act["labels"]["1202"].startswith("a violation")


def test_the_openapi_document_is_drawn_from_the_request_models(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert {"/provisions", "/provisions/{provision}", "/facts", "/assess", "/compare", "/map",
            "/chart", "/thresholds/{provision}", "/convert", "/schema"} <= set(document["paths"])
    drawn = document["components"]["schemas"]["AssessRequest"]
    assert set(drawn["properties"]) == set(AssessRequest.model_json_schema()["properties"])
    assert drawn["properties"]["facts"]["maxProperties"] == MAX_FACTS
    assert "ErrorDocument" in document["components"]["schemas"]
    assert client.get("/docs").status_code == 200


# -- errors ----------------------------------------------------------------------------


def test_unknown_provision_is_404_with_the_library_message(client: TestClient) -> None:
    expected = message(lambda: penalties.get_provision("vn-999"))
    for answer in (client.get("/provisions/vn-999"), client.get("/thresholds/vn-999"),
                   client.post("/assess", json={"provision": "vn-999", "facts": MOVIES}),
                   client.post("/map", json={"provision": "vn-999", "facts": MOVIES})):
        assert error_of(answer, 404) == {"type": "UnknownProvision", "field": "provision",
                                         "message": expected}


@pytest.mark.parametrize(("facts", "field"), [
    ({**MOVIES, "offender": "robot"}, "offender"),
    ({**MOVIES, "illicit_profit": "-1.5"}, "illicit_profit"),
    ({**MOVIES, "illicit_profit": "250.000.000"}, "illicit_profit"),
    ({**MOVIES, "times": "3.0"}, "times"),
    ({**MOVIES, "offence_date": "2018-02-30"}, "offence_date"),
    ({**MOVIES, "ilicit_profit": "1"}, "ilicit_profit"),
    ({**MOVIES, "willful": True, "innocent": True}, "innocent"),
])
def test_bad_facts_are_422_naming_the_fact(client: TestClient, facts: dict[str, Any],
                                           field: str) -> None:
    found = error_of(client.post("/assess", json={"provision": "vn-225", "facts": facts}), 422)
    assert found["type"] in ("InvalidFacts", "UnsupportedCurrency")
    assert found["field"] == field
    assert found["message"] == message(lambda: penalties.assess("vn-225", facts))


def test_bad_options_are_422_naming_the_request_field(client: TestClient) -> None:
    cases = [({"to": "DOLLARS"}, "UnknownCurrency", "to"),
             ({"rate_date": "19/03/2018"}, "InvalidFacts", "rate_date"),
             ({"to": "USD", "rate_source": "nowhere"}, "UnknownSource", "rate_source")]
    for options, kind, field in cases:
        found = error_of(client.post("/assess", json={"provision": "vn-225", "facts": MOVIES,
                                                      **options}), 422)
        assert (found["type"], found["field"]) == (kind, field), found
    found = error_of(client.post("/map", json={"provision": "vn-225", "facts": MOVIES,
                                               "vary": "offender"}), 422)
    assert (found["type"], found["field"]) == ("InvalidFacts", "vary")
    found = error_of(client.get("/thresholds/vn-225", params={"in": "XX"}), 422)
    assert found["field"] == "in"
    found = error_of(client.get("/convert", params={"amount": "5 ZZZ", "to": "USD"}), 422)
    assert (found["type"], found["field"]) == ("UnknownCurrency", "amount")
    found = error_of(client.get("/convert", params={"amount": "5 EUR", "to": "USD",
                                                    "on": "tomorrow"}), 422)
    assert found["field"] == "on"


def test_no_version_in_force_is_422_naming_the_date(client: TestClient) -> None:
    facts = {"offender": "person", "offence_date": "1950-01-01"}
    found = error_of(client.post("/assess", json={"provision": "gdpr-83", "facts": facts}), 422)
    assert found == {"type": "NoVersionInForce", "field": "offence_date",
                     "message": message(lambda: penalties.assess("gdpr-83", facts))}
    found = error_of(client.get("/thresholds/gdpr-83", params={"on": "1950-01-01"}), 422)
    assert (found["type"], found["field"]) == ("NoVersionInForce", "on")


def test_a_missing_rate_is_422_and_a_source_down_503(client: TestClient, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    found = error_of(client.get("/convert", params={"amount": "1 VND", "to": "USD",
                                                    "on": "1900-01-02"}), 422)
    assert found["type"] == "RateNotFound"
    assert found["message"] == message(lambda: rates.convert("1 VND", "USD", "1900-01-02"))
    monkeypatch.setenv("PENALTIES_OFFLINE", "1")  # nothing leaves the machine
    monkeypatch.setenv("PENALTIES_CACHE_DIR", str(tmp_path))
    found = error_of(client.get("/convert", params={"amount": "1 EUR", "to": "USD",
                                                    "on": "2018-03-19", "source": "ecb"}), 503)
    assert found["type"] == "NotCached"


def test_compare_needs_provisions_or_all(client: TestClient) -> None:
    for body in ({"facts": MOVIES}, {"facts": MOVIES, "all": True, "provisions": ["vn-225"]}):
        found = error_of(client.post("/compare", json=body), 422)
        assert (found["type"], found["field"]) == ("InvalidInput", "provisions")


def test_unexpected_errors_are_500_without_details(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(penalties, "assess", broken)
    quiet = TestClient(web.create_app(), raise_server_exceptions=False)
    answer = quiet.post("/assess", json={"provision": "vn-225", "facts": MOVIES})
    found = error_of(answer, 500)
    assert found["type"] == "InternalError"
    assert found["field"] is None
    assert "secret" not in answer.text
    assert "Traceback" not in answer.text


def test_routes_and_methods_answer_json_errors(client: TestClient) -> None:
    assert error_of(client.get("/nowhere"), 404)["type"] == "NotFound"
    answer = client.delete("/assess")
    assert error_of(answer, 405)["type"] == "MethodNotAllowed"
    assert answer.headers["allow"] == "POST"


# -- limits ----------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_declared_or_streamed(client: TestClient) -> None:
    big = json.dumps({"provision": "vn-225", "facts": {"x": "y" * MAX_BODY_BYTES}}).encode()
    found = error_of(client.post("/assess", content=big,
                                 headers={"content-type": "application/json"}), 413)
    assert found["type"] == "RequestTooLarge"
    assert f"{MAX_BODY_BYTES:,}" in found["message"]
    chunks = (big[i:i + 4096] for i in range(0, len(big), 4096))  # no Content-Length
    assert error_of(client.post("/assess", content=chunks,
                                headers={"content-type": "application/json"}), 413)


def test_requests_beyond_the_limits_are_refused(client: TestClient) -> None:
    many = {f"f{i}": "1" for i in range(MAX_FACTS + 1)}
    found = error_of(client.post("/assess", json={"provision": "vn-225", "facts": many}), 422)
    assert (found["type"], found["field"]) == ("InvalidRequest", "facts")
    found = error_of(client.post("/compare", json={
        "provisions": ["vn-225"] * (MAX_PROVISIONS + 1), "facts": MOVIES}), 422)
    assert (found["type"], found["field"]) == ("InvalidRequest", "provisions")
    found = error_of(client.post("/assess", json={"provision": "x" * 201, "facts": MOVIES}), 422)
    assert found["field"] == "provision"
    nested = error_of(client.post("/assess", json={"provision": "vn-225",
                                                   "facts": {"offender": {"a": [1]}}}), 422)
    assert nested["field"] == "facts.offender"  # a fact's value is a scalar: no nesting
    found = error_of(client.post("/assess", json={"provision": "vn-225", "facts": MOVIES,
                                                  "tx": "USD"}), 422)
    assert found["field"] == "tx"  # a misspelt field is refused, not ignored


def test_a_body_that_is_not_json_is_400(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    assert error_of(client.post("/assess", content=b"{oops", headers=headers),
                    400)["type"] == "InvalidJSON"
    deep = b"[" * 30_000 + b"]" * 30_000  # within the size limit, beyond any parser's depth
    assert error_of(client.post("/assess", content=deep, headers=headers), 400)


def test_a_host_the_server_does_not_answer_to_is_refused() -> None:
    guarded = web.create_app(allowed_hosts=loopback_hosts("127.0.0.1"))
    found = error_of(TestClient(guarded, base_url="http://evil.example").get("/provisions"), 400)
    assert (found["type"], found["field"]) == ("InvalidHost", "Host")
    local = TestClient(guarded, base_url="http://127.0.0.1:8000")
    assert local.get("/schema").status_code == 200
    assert loopback_hosts("0.0.0.0") is None
    assert loopback_hosts("::1") == frozenset({"localhost", "127.0.0.1", "[::1]"})
    assert host_name("LOCALHOST:80") == "localhost"


# -- a real server ---------------------------------------------------------------------


def test_a_real_server_on_127_0_0_1_answers() -> None:
    with running_server() as url:
        status, listed = request(f"{url}/provisions")
        assert status == 200
        assert "vn/penal-code/225" in [p["id"] for p in listed]
        status, document = request(f"{url}/assess", {"provision": "vn-225", "facts": MOVIES,
                                                     "to": "USD"})
        assert status == 200
        assert document["tier"]["ref"] == "225(4)(a)"
        status, document = request(f"{url}/assess", data=b"x" * (MAX_BODY_BYTES + 1))
        assert (status, document["error"]["type"]) == (413, "RequestTooLarge")
        status, document = request(f"{url}/provisions", headers={"Host": "evil.example"})
        assert (status, document["error"]["type"]) == (400, "InvalidHost")


def test_map_takes_the_input_rate_date_and_shows_the_held_inputs(client: TestClient) -> None:
    body = {"provision": "vn-225", "vary": "illicit_profit", "input_rate_date": "2019-06-01",
            "facts": {"offender": "entity", "goods_value": "13355.30 USD",
                      "offence_date": "2018-03-19"}}
    found = client.post("/map", json=body)
    assert found.status_code == 200
    [item] = found.json()["inputs"]
    assert item["rate"]["asked_for"] == "2019-06-01"
    assert client.post("/chart", json=body).status_code in (200, 501)


def test_a_query_parameter_an_endpoint_does_not_take_is_refused(client: TestClient) -> None:
    """``?offence_date=2020-01-01&to=USD`` (the command line's names) on /thresholds, which
    takes ``on`` and ``in``: ignored, it would answer for today's law with no conversion."""
    found = client.get("/thresholds/cn-217", params={"offence_date": "2020-01-01",
                                                     "to": "USD"})
    assert found.status_code == 422
    error = found.json()["error"]
    assert error["field"] == "offence_date"
    assert "on, in" in error["message"] or "in, on" in error["message"]
    assert client.get("/thresholds/cn-217", params={"on": "2020-01-01"}).status_code == 200
    assert client.get("/convert", params={"amount": "1 EUR", "to": "USD", "when": "x"}
                      ).status_code == 422
    assert client.get("/provisions", params={"x": "1"}).status_code == 422


def test_a_query_parameter_given_twice_is_refused(client: TestClient) -> None:
    """``?to=USD&to=EUR`` answered in euros, the last value, silently."""
    found = client.get("/convert", params=[("amount", "1 EUR"), ("to", "USD"), ("to", "EUR")])
    assert found.status_code == 422
    error = found.json()["error"]
    assert error["field"] == "to"
    assert "given 2 times" in error["message"]


def test_a_json_float_is_never_read_as_a_count(client: TestClient) -> None:
    """``"times": 1.9999999999999999`` arrived as the float 2.0: read as 2, it moved an
    entity from 225(4)(a) to 225(4)(b) without a word. The body is read exactly now, so it
    is what it says, and no whole number."""
    body = ('{"provision": "vn-225", "facts": {"offender": "entity", "offence_date": '
            '"2018-03-19", "illicit_profit": "250000000", "times": 1.9999999999999999}}')
    found = client.post("/assess", content=body, headers={"content-type": "application/json"})
    assert found.status_code == 422
    error = found.json()["error"]
    assert error["field"] == "times"
    assert "1.9999999999999999 is not a whole number" in error["message"]
    assert client.post("/assess", content=body.replace("1.9999999999999999", "2"), headers={
        "content-type": "application/json"}).json()["tier"]["id"] == "4b"


@pytest.mark.parametrize(("body", "field"), [
    ('{"provision": "vn-225", "facts": {"offender": "entity", "illicit_profit": "250000000"},'
     ' "facts": {"offender": "person"}}', "facts"),
    ('{"provision": "vn-225", "facts": {"offender": "entity", "illicit_profit": "250000000",'
     ' "illicit_profit": "50000000"}}', "illicit_profit"),
    ('{"provision": "vn-225", "to": "USD", "to": "EUR", "facts": {"offender": "entity"}}',
     "to"),
])
def test_a_key_given_twice_in_a_body_is_refused(client: TestClient, body: str,
                                                 field: str) -> None:
    """The last of two keys answered silently (a whole ``facts`` object dropped)."""
    for path in ("/assess", "/compare", "/map"):
        found = client.post(path, content=body, headers={"content-type": "application/json"})
        assert found.status_code == 422, (path, found.text)
        assert found.json()["error"]["field"] == field
        assert "given twice" in found.json()["error"]["message"]


def test_an_empty_date_or_provision_is_refused_not_read_as_not_given(
        client: TestClient) -> None:
    """``?on=`` converted at today's rate; ``/facts?provision=`` answered the whole
    vocabulary; ``"rate_date": ""`` was no date."""
    found = client.get("/convert", params={"amount": "100 USD", "to": "EUR", "on": ""})
    assert (found.status_code, found.json()["error"]["field"]) == (422, "on")
    assert client.get("/facts", params={"provision": ""}).status_code == 404
    body = {"provision": "vn-225", "facts": {"offender": "entity"}, "rate_date": ""}
    assert client.post("/assess", json=body).json()["error"]["field"] == "rate_date"


def test_a_key_a_request_does_not_take_is_named_with_those_it_takes(client: TestClient) -> None:
    """An unknown key was "extra: Extra inputs are not permitted", pydantic's words, with no
    list of the keys the request takes."""
    found = client.post("/assess", json={"provision": "vn-225", "facts": {}, "offence": "x"})
    assert found.status_code == 422
    error = found.json()["error"]
    assert error["field"] == "offence"
    assert "is not a field of this request" in error["message"]
    assert "provision" in error["message"]
    assert "facts" in error["message"]


def test_errors_about_a_field_name_it(client: TestClient) -> None:
    """``"to": "XAU"`` (no rate) and ``/convert?amount=100`` (no currency) answered with a
    ``field`` of null."""
    body = {"provision": "vn-225", "to": "XAU", "facts": {
        "offender": "entity", "illicit_profit": "250000000", "offence_date": "2018-03-19"}}
    found = client.post("/assess", json=body).json()["error"]
    assert (found["type"], found["field"]) == ("RateNotFound", "to")
    bare = client.get("/convert", params={"amount": "100", "to": "USD"}).json()["error"]
    assert (bare["type"], bare["field"]) == ("InvalidAmount", "amount")
    same = client.post("/assess", json={**body, "to": "USD"}).json()
    assert same == penalties.assess("vn-225", body["facts"], to="USD").to_dict(
        penalties.margins(penalties.assess("vn-225", body["facts"], to="USD"), to="USD"))


@pytest.mark.parametrize(("fact", "value"), [("offence_date", ""), ("trial_date", "  "),
                                             ("illicit_profit", "")])
def test_an_empty_fact_is_refused_not_read_as_not_given(client: TestClient, fact: str,
                                                        value: str) -> None:
    """A fresh user's test (2026-12-03): ``"offence_date": ""`` assessed at today's date and
    ``"trial_date": ""`` dropped lex mitior (170a(2), a minimum of VND 400,000,000, instead
    of 225(2) and 300,000,000), silently. A fact left out, or null, is not given."""
    facts = {"offender": "person", "commercial_scale": True, "times": 3,
             "offence_date": "2016-06-01", "trial_date": "2019-01-01", fact: value}
    for path, body in (("/assess", {"provision": "vn-225", "facts": facts}),
                       ("/compare", {"provisions": ["vn-225"], "facts": facts}),
                       ("/map", {"provision": "vn-225", "facts": facts, "vary": "times"})):
        found = client.post(path, json=body)
        assert found.status_code == 422, (path, found.text)
        error = found.json()["error"]
        assert error["field"] == f"facts.{fact}", (path, error)  # as other shape errors
        assert "is empty" in error["message"]
    left_out = {k: v for k, v in facts.items() if k != fact}
    assert client.post("/assess", json={"provision": "vn-225", "facts": {
        **left_out, fact: None}}).status_code == 200


@pytest.mark.parametrize(("value", "answer"), [
    ("60000000.0", {"tier": "1", "profit": "60000000.0"}),
    ("6e7", {"tier": "1", "profit": "60000000"}),
    ("2.0", None)])
def test_a_json_number_is_read_as_a_batch_json_line_reads_it(
        client: TestClient, tmp_path: Path, value: str, answer: dict[str, str] | None) -> None:
    """A fresh user's test (2026-12-03): ``"illicit_profit": 60000000.0`` and ``6e7``, and
    ``"times": 2.0``, were refused over HTTP (floats) and read in a batch's JSON Lines
    (exactly): one value, two answers. The body is now read as a JSON line is."""
    fact = "times" if answer is None else "illicit_profit"
    facts = {"offender": "person", "offence_date": "2018-03-19", "commercial_scale": True}
    body = json.dumps({"provision": "vn-225", "facts": facts})[:-2] + f', "{fact}": {value}}}}}'
    over_http = client.post("/assess", content=body,
                            headers={"content-type": "application/json"}).json()
    line = json.dumps(facts)[:-1] + f', "{fact}": {value}}}'
    path = tmp_path / "cases.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(app, ["batch", str(path), "--provision", "vn-225", "-o", str(out)])
    assert done.exit_code == 0, done.output
    [row] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert over_http["tier"] == row["tier"]
    assert over_http["facts"] == row["facts"]
    if answer is not None:
        assert over_http["tier"]["id"] == answer["tier"]
        assert over_http["facts"]["illicit_profit"]["amount"] == answer["profit"]
    else:
        assert over_http["facts"]["times"] == 2


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_a_json_constant_that_is_no_number_is_refused(client: TestClient, token: str) -> None:
    """Python's parser took ``NaN`` and ``Infinity``, which JSON does not have."""
    body = ('{"provision": "vn-225", "facts": {"offender": "person", "illicit_profit": '
            + token + "}}")
    found = client.post("/assess", content=body, headers={"content-type": "application/json"})
    assert found.status_code == 422, found.text
    assert f"{token} is not a JSON number" in found.json()["error"]["message"]


def test_a_number_with_a_vast_exponent_is_refused_at_once(client: TestClient) -> None:
    """A reviewer's test (2026-12-03): a 113-byte ``POST /compare`` with
    ``"illicit_profit": 1e-999999999`` answered a gigabyte (the amount written out) after
    20 seconds. Its exponent is now refused with the amount."""
    body = ('{"provisions": ["vn-225"], "facts": {"offender": "person", '
            '"illicit_profit": 1e-999999999}}')
    found = client.post("/compare", content=body, headers={"content-type": "application/json"})
    assert found.status_code == 422
    assert len(found.content) < 2_000
    assert "more than 100 decimal places" in found.json()["error"]["message"]


def test_a_body_with_a_utf8_byte_order_mark_is_read(client: TestClient) -> None:
    """A reviewer's test (2026-12-03): the exact reader refused a UTF-8 body that begins
    with a byte-order mark (400), which Python's parser had taken."""
    body = json.dumps({"provision": "vn-225", "facts": MOVIES}).encode()
    found = client.post("/assess", content=b"\xef\xbb\xbf" + body,
                        headers={"content-type": "application/json"})
    assert found.status_code == 200, found.text
    utf16 = client.post("/assess", content=body.decode().encode("utf-16"),
                        headers={"content-type": "application/json"})
    assert utf16.status_code == 400
    assert "not UTF-8" in utf16.json()["error"]["message"]


@pytest.mark.parametrize(("content", "headers", "status", "said"), [
    (b'{"provision": "vn-225", "facts": {}}', {"content-type": "text/plain"}, 400,
     "the body is not sent as JSON: send a JSON object with Content-Type: application/json"),
    (b"", {}, 400, "the request has no body"),
    (b"[]", {"content-type": "application/json"}, 422, "the body is JSON but not an object")])
def test_a_body_that_is_no_json_object_is_said_so(client: TestClient, content: bytes,
                                                   headers: dict[str, str], status: int,
                                                   said: str) -> None:
    """A fresh user's test (2026-12-03): a text/plain body and an empty one were 422 "Input
    should be a valid dictionary or object to extract fields from" and "Field required";
    the README promises 400 for a body that is not JSON."""
    found = client.post("/assess", content=content, headers=headers)
    assert found.status_code == status, found.text
    assert said in found.json()["error"]["message"]


def test_a_body_that_is_not_json_says_where(client: TestClient) -> None:
    """A fresh user's finding (2026-12-03): the message stopped short ("Invalid control
    character at"), the place left out."""
    body = b'{"provision": "vn-225", "facts": {"offender": "per\nson"}}'
    found = error_of(client.post("/assess", content=body,
                                 headers={"content-type": "application/json"}), 400)
    assert found["message"] == ("the body is not JSON: Invalid control character at "
                                "character 51")
    cut = error_of(client.post("/assess", content=b'[1, 2',
                               headers={"content-type": "application/json"}), 400)
    assert cut["message"] == "the body is not JSON: Expecting ',' delimiter at character 6"


def test_one_request_too_many_is_a_json_503_with_retry_after() -> None:
    """Beyond the requests a server takes at once, uvicorn's own limit answered 503 with
    the plain text "Service Unavailable": the one answer of the API that was not the error
    document. The application now counts its requests in progress itself and answers the
    one too many with the document and ``Retry-After``; the server's limit stays, higher,
    for connections."""
    import asyncio

    from penalties.web._guard import RequestLimit

    entered, release = asyncio.Event(), asyncio.Event()
    sent: list[list[dict[str, object]]] = [[], []]

    async def slow(scope: object, receive: object, send: object) -> None:
        entered.set()
        await release.wait()

    async def run() -> None:
        limited = RequestLimit(slow, limit=1)
        scope = {"type": "http", "method": "GET", "path": "/provisions", "headers": []}

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b"", "more_body": False}

        def sender(index: int) -> Callable[[dict[str, object]], Awaitable[None]]:
            async def send(message: dict[str, object]) -> None:
                sent[index].append(message)
            return send

        first = asyncio.create_task(limited(scope, receive, sender(0)))
        await entered.wait()
        await limited(scope, receive, sender(1))  # the one too many: answered at once
        release.set()
        await first
        assert limited.active == 0
        entered.clear()
        again = asyncio.create_task(limited(scope, receive, sender(0)))
        await entered.wait()  # its place was given back
        release.set()
        await again

    asyncio.run(asyncio.wait_for(run(), 60))  # a hang guard only
    start, body = sent[1]
    assert start["status"] == 503
    headers = dict(start["headers"])  # type: ignore[call-overload]
    assert headers[b"content-type"] == b"application/json"
    assert headers[b"retry-after"] == b"1"
    error = json.loads(body["body"])["error"]  # type: ignore[arg-type]
    assert error["type"] == "Busy"
    assert "1 request in progress" in error["message"]
    assert sent[0] == []  # the slow one answered nothing: it was let through


def test_serve_limits_requests_in_the_application_and_connections_in_uvicorn(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from penalties.web._guard import RequestLimit
    from penalties.web._serve import MAX_CONCURRENT

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **settings: seen.update(app=app, **settings))
    web.serve(port=1)
    outer = seen["app"].user_middleware[0]  # the last added: it runs first
    assert (outer.cls, outer.kwargs) == (RequestLimit, {"limit": MAX_CONCURRENT})
    assert seen["limit_concurrency"] > MAX_CONCURRENT  # connections, idle ones too
    assert all(m.cls is not RequestLimit for m in web.create_app().user_middleware)
