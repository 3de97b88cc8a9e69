"""``penalties rates refresh``: a user snapshot built by the one builder, from downloads
(a real local HTTP server) or the user's files; preferred to the embedded one once whole,
ignored with one warning when damaged; a failed refresh leaves the previous one in place."""

from __future__ import annotations

import functools
import io
import json
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Response

import rates
from cli import app
from rates import build, refresh, snapshot
from rates.errors import BadPayload, InvalidSnapshotInput, SnapshotWarning, SourceUnavailable

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "fx"
#: A day past the embedded snapshot's last ECB rate (2026-10-30).
LATE = "2026-12-01"


@functools.cache
def embedded_ecb_rows() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The embedded ECB history as the ECB writes it: its header, then one row per day,
    newest first (a refresh must hold at least what the snapshot in use holds)."""
    data = Path(snapshot.DATA_DIR)
    entry = json.loads((data / "manifest.json").read_text(encoding="utf-8"))["datasets"][
        "ecb-daily"]
    days = (data / "ecb" / "dates.txt").read_text(encoding="utf-8").split()
    codes = sorted(entry["currencies"])
    columns = {}
    for code in codes:
        offset = entry["currencies"][code]["offset"]
        lines = (data / "ecb" / f"{code}.txt").read_text(encoding="utf-8").split("\n")
        columns[code] = ["N/A"] * offset + [v or "N/A" for v in lines[:-1]]
    rows = [",".join([day, *(columns[c][at] if at < len(columns[c]) else "N/A"
                             for c in codes), ""]) for at, day in enumerate(days)]
    return (",".join(["Date", *codes, ""]),), tuple(reversed(rows))


def ecb_csv(usd: str = "1.0500") -> str:
    """The ECB history file of the embedded snapshot with a new row for 2026-11-30 (USD at
    ``usd``, the other currencies still quoted at their value of 2026-10-30)."""
    (header,), rows = embedded_ecb_rows()
    codes = header.split(",")[1:-1]
    last = dict(zip(codes, rows[0].split(",")[1:-1], strict=True))
    new = ",".join(["2026-11-30", *(usd if c == "USD" else last[c] for c in codes), ""])
    return "\n".join([header, new, *rows]) + "\n"


def ecb_zip(text: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("eurofxref-hist.csv", ecb_csv() if text is None else text)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A zip of a few kilobytes whose CSV is past the builder's limit once decompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(
            "eurofxref-hist.csv", "w", force_zip64=True) as member:
        member.write(ecb_csv().encode())
        block = b" " * 2**20
        for _ in range(build.MAX_MEMBER_BYTES // 2**20 + 1):
            member.write(block)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh PENALTIES_SNAPSHOT_DIR and a default snapshot chosen again, before and after."""
    place = tmp_path / "user" / "snapshot"
    monkeypatch.setenv("PENALTIES_SNAPSHOT_DIR", str(place))
    snapshot.reset_default_snapshot()
    yield place
    snapshot.reset_default_snapshot()


def usd_eur() -> rates.Conversion:
    return rates.convert("100 USD", "EUR", LATE)


def serve(server: HTTPServer, body: bytes, status: int = 200,
          headers: dict[str, str] | None = None) -> str:
    server.clear()
    server.expect_request("/eurofxref-hist.zip").respond_with_response(
        Response(body, status=status, headers=headers or {}))
    return server.url_for("/eurofxref-hist.zip")


def test_refresh_downloads_and_the_default_source_prefers_it(
        httpserver: HTTPServer, user_dir: Path) -> None:
    before = usd_eur()
    assert before.rate.stale
    url = serve(httpserver, ecb_zip())
    report = refresh.refresh(urls={"ecb-daily": url}, timeout=30)
    assert report.refreshed == {"ecb-daily": "2026-11-30"}
    assert set(report.kept) == {"imf-monthly", "imf-annual"}  # kept from the embedded one
    assert report.directory == user_dir
    assert (user_dir / "manifest.json").is_file()
    after = usd_eur()
    assert not after.rate.stale
    assert after.rate.period == "2026-11-30"
    assert after.rounded == Decimal("95.24")  # 100 / 1.05
    assert after.rate.source_name.startswith("user snapshot (refreshed ")
    info = rates.snapshot_info().to_dict()["snapshot"]
    assert (info["kind"], info["path"]) == ("user", str(user_dir))
    # the kept IMF series still answer, from the user snapshot
    assert rates.get_rate("USD", "VND", "2018-03-19").value == Decimal("22463")


def test_from_file_on_the_command_line_changes_the_answer(
        tmp_path: Path, user_dir: Path) -> None:
    runner = CliRunner()
    stale = runner.invoke(app, ["convert", "100 USD", "--to", "EUR", "--on", LATE, "--json"])
    assert stale.exit_code == 0
    assert '"stale": true' in stale.stdout
    given = tmp_path / "eurofxref-hist.zip"
    given.write_bytes(ecb_zip())
    done = runner.invoke(app, ["rates", "refresh", "--from-file", str(given)])
    assert done.exit_code == 0, done.output
    line = done.stderr.strip()
    assert "\n" not in line
    assert "ecb-daily (to 2026-11-30)" in line
    assert str(user_dir) in line
    snapshot.reset_default_snapshot()  # a new process would choose again
    fresh = runner.invoke(app, ["convert", "100 USD", "--to", "EUR", "--on", LATE, "--json"])
    assert fresh.exit_code == 0
    assert '"stale": false' in fresh.stdout
    assert '"95.24"' in fresh.stdout
    # a CSV (the zip's member) works as well
    plain = tmp_path / "eurofxref-hist.csv"
    plain.write_text(ecb_csv("1.0000"))
    assert runner.invoke(app, ["rates", "refresh", "--from-file", str(plain)]).exit_code == 0
    assert usd_eur().rounded == Decimal("100.00")


#: Each bad download: its body, HTTP status, headers, and the error it must give.
BAD_DOWNLOADS: dict[str, tuple[Callable[[], bytes], int, dict[str, str], type[Exception]]] = {
    "corrupt-zip": (lambda: b"PK\x03\x04" + b"\x00garbage" * 100, 200, {}, BadPayload),
    "zip-bomb": (zip_bomb, 200, {}, BadPayload),
    "fails-the-checks": (lambda: ecb_zip(ecb_csv("abc")), 200, {}, BadPayload),
    "http-500": (lambda: b"Internal Server Error", 500, {}, SourceUnavailable),
    "gzip-bomb": (lambda: zlib.compress(b" " * (3 * 2**20), 9), 200,
                  {"Content-Encoding": "deflate"}, BadPayload),
}


@pytest.mark.parametrize("fault", sorted(BAD_DOWNLOADS))
def test_a_bad_download_leaves_the_previous_snapshot(
        fault: str, httpserver: HTTPServer, user_dir: Path, monkeypatch: pytest.MonkeyPatch,
        figures: Counter[str]) -> None:
    refresh.refresh(urls={"ecb-daily": serve(httpserver, ecb_zip())}, timeout=30)
    previous = build.existing(user_dir)
    monkeypatch.setattr(refresh, "MAX_DOWNLOAD_BYTES", 2 * 2**20)  # the gzip bomb: 3 MiB
    body, status, headers, error = BAD_DOWNLOADS[fault]
    figures["hostile refresh downloads tried"] += 1
    with pytest.raises(error) as raised:
        refresh.refresh(urls={"ecb-daily": serve(httpserver, body(), status, headers)},
                        timeout=30)
    assert "refresh" in str(raised.value)
    assert build.existing(user_dir) == previous  # byte for byte
    assert sorted(p.name for p in user_dir.parent.iterdir()) == ["snapshot"]  # no leftovers
    assert not usd_eur().rate.stale
    figures["hostile refresh downloads refused (previous snapshot kept)"] += 1


@pytest.mark.parametrize("shape", ["two days", "no longer the last day", "fewer currencies",
                                   "a day in the future"])
def test_a_file_that_holds_less_than_the_snapshot_in_use_is_refused(
        shape: str, tmp_path: Path, user_dir: Path, figures: Counter[str]) -> None:
    """A 2-day ECB csv given to --from-file replaced the whole 1999-2026 history (2018 rates
    then came from the 2017 IMF average), exit 0, saying nothing."""
    (header,), rows = embedded_ecb_rows()
    text = {
        "two days": "Date,USD,JPY,\n2026-11-30,1.05,165.2,\n2026-12-01,1.06,165.9,\n",
        "no longer the last day": "\n".join([header, *rows[5:]]) + "\n",
        "fewer currencies": "\n".join(",".join([*r.split(",")[:-2], ""])
                                      for r in [header, *rows]) + "\n",
        "a day in the future": ecb_csv().replace("2026-11-30", "2027-12-01", 1),
    }[shape]
    given = tmp_path / "eurofxref-hist.csv"
    given.write_text(text, encoding="utf-8")
    before = rates.convert("100 USD", "EUR", "2018-03-19")
    figures["hostile refresh files tried"] += 1
    result = CliRunner().invoke(app, ["rates", "refresh", "--from-file", str(given)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "a refresh replaces a whole dataset" in result.stderr
    assert not user_dir.exists()  # nothing written
    assert rates.convert("100 USD", "EUR", "2018-03-19") == before  # the ECB rate of the day
    figures["hostile refresh files refused (previous snapshot kept)"] += 1


@pytest.mark.parametrize("content", [b"PK\x03\x04broken", b"Date,USD\n2026-11-31,1.05\n",
                                     b"hello\n"])
def test_a_bad_file_is_exit_2_and_leaves_the_previous_snapshot(
        content: bytes, tmp_path: Path, user_dir: Path, figures: Counter[str]) -> None:
    good = tmp_path / "good.zip"
    good.write_bytes(ecb_zip())
    refresh.refresh([good])
    previous = build.existing(user_dir)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(content)
    figures["hostile refresh files tried"] += 1
    with pytest.raises(InvalidSnapshotInput):
        refresh.refresh([bad])
    result = CliRunner().invoke(app, ["rates", "refresh", "--from-file", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "bad.zip" in result.stderr
    assert build.existing(user_dir) == previous
    figures["hostile refresh files refused (previous snapshot kept)"] += 1


def test_a_download_failure_is_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise SourceUnavailable("refresh", "https://example.invalid/x.zip", "HTTP 503")

    monkeypatch.setattr(refresh, "_download", fail)
    result = CliRunner().invoke(app, ["rates", "refresh"])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "HTTP 503" in result.stderr


def test_offline_mode_downloads_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """PENALTIES_OFFLINE=1 means nothing leaves the machine, refresh included."""
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a download was started in offline mode")

    monkeypatch.setattr(refresh, "_download", never)
    monkeypatch.setenv("PENALTIES_OFFLINE", "1")
    result = CliRunner().invoke(app, ["rates", "refresh"])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "offline mode (PENALTIES_OFFLINE): nothing is downloaded" in result.stderr


@pytest.mark.parametrize("damage", ["manifest", "missing-file", "format"])
def test_a_damaged_user_snapshot_is_ignored_with_one_warning(
        damage: str, tmp_path: Path, user_dir: Path, figures: Counter[str]) -> None:
    given = tmp_path / "eurofxref-hist.zip"
    given.write_bytes(ecb_zip())
    refresh.refresh([given])
    if damage == "manifest":
        (user_dir / "manifest.json").write_text("{not json")
    elif damage == "missing-file":
        (user_dir / "ecb" / "USD.txt").unlink()
    else:
        text = (user_dir / "manifest.json").read_text()
        (user_dir / "manifest.json").write_text(text.replace('"format": 1', '"format": 9'))
    snapshot.reset_default_snapshot()
    figures["damaged user snapshots tried"] += 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first, second = usd_eur(), usd_eur()
    assert [w.category for w in caught] == [SnapshotWarning]
    assert "penalties rates refresh" in str(caught[0].message)
    assert first.rate.stale
    assert first.rate.period == "2026-10-30"
    assert second.rounded == first.rounded == Decimal("89.51")
    assert rates.snapshot_info().to_dict()["snapshot"]["kind"] == "embedded"
    figures["damaged user snapshots survived (embedded used)"] += 1


def test_an_empty_snapshot_directory_is_no_snapshot_and_no_warning(user_dir: Path) -> None:
    """`mkdir snap; PENALTIES_SNAPSHOT_DIR=snap penalties convert ...` warned on every command
    that the user snapshot was damaged."""
    user_dir.mkdir(parents=True)
    snapshot.reset_default_snapshot()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert usd_eur().rounded == Decimal("89.51")
    assert caught == []
    assert rates.snapshot_info().to_dict()["snapshot"]["kind"] == "embedded"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/fx is not available")
def test_the_package_builder_makes_the_embedded_snapshot_byte_for_byte() -> None:
    assert build.build(SHARED) == build.existing(Path(snapshot.DATA_DIR))
    assert build.differences(build.build(SHARED), Path(snapshot.DATA_DIR)) == []


def test_the_default_place_is_the_platform_data_directory(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import platformdirs

    monkeypatch.delenv("PENALTIES_SNAPSHOT_DIR")
    for xdg in ("", str(tmp_path / "xdg")):
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
        expected = Path(platformdirs.user_data_dir("penalties")) / "snapshot"
        assert refresh.snapshot_dir() == expected


def test_a_download_that_cannot_connect_names_the_file_in_words(tmp_path: Path) -> None:
    """A fresh user's finding (2026-12-03): offline, ``rates refresh`` said "rate source
    'refresh' is unavailable: download failed (ConnectionError)": no rate source was asked,
    and a Python name is no reason."""
    import socket

    from rates.errors import DownloadFailed

    with socket.socket() as probe:  # a port on this machine that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/eurofxref-hist.zip"
    with pytest.raises(DownloadFailed) as raised:
        refresh._download(url, tmp_path / "file", 5.0)
    assert isinstance(raised.value, SourceUnavailable)  # exit 3, as before
    assert str(raised.value) == (f"cannot download {url} for a refresh: request failed "
                                 "(could not connect)")


def test_every_failure_of_a_refresh_names_its_file_not_a_rate_source() -> None:
    """A reviewer's finding (2026-12-03): a timeout, an oversized download or a bad file
    still said "rate source 'refresh' is unavailable", and the size error advised
    ``max_bytes=``, which a refresh does not take."""
    from rates.errors import REFRESH, DeadlineExceeded, PayloadTooLarge

    url = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
    for error in (PayloadTooLarge(REFRESH, url, 100, 120),
                  DeadlineExceeded(REFRESH, url, 120, 3),
                  BadPayload(REFRESH, url, "body", "not a zip file")):
        assert str(error).startswith(f"rates refresh: {url}: ")
        assert "rate source" not in str(error)
        assert "max_bytes" not in str(error)
