"""``penalties rates refresh``: a user snapshot built from the newest upstream files.

:func:`refresh` downloads the files the embedded snapshot is built from (:data:`URLS`), or
reads files the user downloaded (``from_files``: an ECB ``eurofxref-hist.zip`` or its CSV,
an IMF monthly or annual CSV; no network), checks and builds them with the one builder
(:mod:`rates.build`), and writes the snapshot to :func:`snapshot_dir` (``$PENALTIES_SNAPSHOT_DIR``,
else ``platformdirs.user_data_dir("penalties")/snapshot``) atomically: it is written beside
the old one, loaded back, then renamed into place, so a failed refresh leaves the previous
snapshot as it was. A dataset with no new file is kept from the snapshot in use.
:func:`rates.snapshot.default_snapshot` then prefers it to the embedded one.

Each download is bounded: at most :data:`MAX_DOWNLOAD_BYTES` once decompressed, all of them
within one deadline (``timeout``, default :data:`DEFAULT_TIMEOUT` s). A download that fails
is a :class:`~rates.errors.DownloadFailed` (a ``SourceUnavailable``: exit 3), a downloaded
file that fails the build's checks a :class:`~rates.errors.BadPayload` (exit 3), a user's
file that fails them an :class:`~rates.errors.InvalidSnapshotInput` (exit 2).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rates import build
from rates.errors import REFRESH, BadPayload, DownloadFailed, InvalidSnapshotInput
from rates.snapshot import ENV_SNAPSHOT_DIR

__all__ = [
    "DEFAULT_TIMEOUT", "ENV_SNAPSHOT_DIR", "MAX_DOWNLOAD_BYTES", "URLS", "RefreshReport",
    "kind_of", "refresh", "snapshot_dir",
]

#: Where each dataset's upstream file is downloaded from.
URLS = {
    "ecb-daily": "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip",
    "imf-monthly": "https://raw.githubusercontent.com/codeforIATI/imf-exchangerates/"
    "gh-pages/imf_exchangerates.csv",
    "imf-annual": "https://raw.githubusercontent.com/codeforIATI/imf-exchangerates/"
    "gh-pages/imf_exchangerates_A_ENDA_USD.csv",
}
#: The largest download, counted after decompression (the IMF monthly file: about 8 MB).
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
#: The deadline of all the downloads of one refresh, in seconds.
DEFAULT_TIMEOUT = 300.0
_NAMES = {"ecb-daily": "eurofxref-hist.zip", "imf-monthly": "imf_exchangerates.csv",
          "imf-annual": "imf_exchangerates_A_ENDA_USD.csv"}
_PIECES = {"ecb-daily": build.ecb_piece, "imf-monthly": build.monthly_piece,
           "imf-annual": build.annual_piece}


def snapshot_dir() -> Path:
    """The user snapshot's directory: ``$PENALTIES_SNAPSHOT_DIR``, else ``snapshot`` in
    ``platformdirs.user_data_dir("penalties")``."""
    from rates.snapshot import user_snapshot_dir

    return Path(user_snapshot_dir())


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh did: the datasets built anew and their last observation, the ones
    kept from the previous snapshot, and where the snapshot was written."""

    directory: Path
    refreshed: dict[str, str]
    kept: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: ``refreshed ecb-daily (to 2026-11-30); kept ...; written to DIR``."""
        new = ", ".join(f"{name} (to {last})" for name, last in self.refreshed.items())
        old = ", ".join(f"{name} (to {last})" for name, last in self.kept.items())
        return (f"refreshed {new}" + (f"; kept {old}" if old else "")
                + f"; user snapshot written to {self.directory}")


def kind_of(path: Path) -> str:
    """Which dataset a user's file feeds, from its first bytes (a zip or a ``Date,``
    CSV with currency columns: the ECB; an IMF CSV: by its ``Frequency`` column)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise InvalidSnapshotInput(f"{path}: cannot be read ({error.strerror})") from None
    if head.startswith(b"PK\x03\x04"):
        return "ecb-daily"
    lines = head.decode("utf-8", "replace").splitlines()
    if lines and lines[0].startswith("Date,Rate,Currency,Frequency,"):
        frequency = lines[1].split(",")[3] if len(lines) > 1 and lines[1].count(",") > 3 else ""
        if frequency in ("M", "A"):
            return "imf-monthly" if frequency == "M" else "imf-annual"
    elif lines and lines[0].startswith("Date,"):
        return "ecb-daily"
    raise InvalidSnapshotInput(
        f"{path.name}: not an ECB history file (eurofxref-hist.zip or .csv) nor an IMF "
        "exchange-rate CSV (columns Date,Rate,Currency,Frequency,...)")


def refresh(
    from_files: Sequence[str | os.PathLike[str]] = (),
    *,
    directory: str | os.PathLike[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    urls: dict[str, str] | None = None,
    today: date | None = None,
) -> RefreshReport:
    """Build and write the user snapshot from ``from_files`` or, with none, from fresh
    downloads of ``urls`` (default :data:`URLS`); see the module docstring."""
    from rates import lookback, snapshot

    target = Path(directory) if directory is not None else snapshot_dir()
    pieces: dict[str, build.Piece] = {}
    with tempfile.TemporaryDirectory(prefix="penalties-refresh-") as scratch:
        if from_files:
            for given in from_files:
                path = Path(given)
                name = kind_of(path)
                if name in pieces:
                    raise InvalidSnapshotInput(f"{path.name}: a second file for {name}")
                pieces[name] = _piece(name, path)
        else:
            from rates.session import offline_by_default

            for name, url in (urls or URLS).items():
                if offline_by_default():  # PENALTIES_OFFLINE: nothing leaves this machine
                    raise DownloadFailed(url, "offline mode (PENALTIES_OFFLINE): "
                                            "nothing is downloaded; give the files you "
                                            "downloaded with --from-file")
                path = Path(scratch) / _NAMES[name]
                _download(url, path, timeout)
                try:
                    pieces[name] = _piece(name, path)
                except InvalidSnapshotInput as error:
                    raise BadPayload(REFRESH, url, "body", str(error)) from None
    base = Path(snapshot.current_snapshot_dir())
    day = today or lookback.today()
    in_use = _datasets(base)
    for name, piece in pieces.items():
        _no_less(name, piece[1], in_use[name], day, downloaded=not from_files)
    refreshed = {name: piece[1]["last"] for name, piece in pieces.items()}
    kept = {}
    for name in build.DATASETS:
        if name not in pieces:
            pieces[name] = _kept(base, in_use[name])
            kept[name] = pieces[name][1]["last"]
    about = {"snapshot": {"kind": "user", "refreshed": day.isoformat(), "refreshed_datasets":
                          sorted(refreshed), "kept_from": os.fspath(base)}}
    files = build.manifest_of(pieces, "penalties rates refresh", about)
    _replace(target, files)
    snapshot.reset_default_snapshot()
    return RefreshReport(target, refreshed, kept)


def _no_less(name: str, new: dict[str, Any], old: dict[str, Any], today: date, *,
             downloaded: bool) -> None:
    """Refuse a refreshed dataset that holds less than the one it replaces (it starts later,
    ends earlier, or has fewer currencies: a refresh never shortens the history a rate is
    chosen from) or that holds observations after ``today``."""
    problem = None
    if new["first"] > old["first"] or new["last"] < old["last"]:
        problem = (f"covers {new['first']} to {new['last']}, less than the "
                   f"{old['first']} to {old['last']} of the snapshot in use")
    elif len(new.get("currencies", ())) < len(old.get("currencies", ())):
        problem = (f"has {len(new['currencies'])} currencies, fewer than the "
                   f"{len(old['currencies'])} of the snapshot in use")
    elif new["last"] > today.isoformat():
        problem = f"has observations after today ({new['last']})"
    if problem is None:
        return
    said = (f"{name} {problem}: a refresh replaces a whole dataset (use the full history "
            "file, such as eurofxref-hist.zip)")
    if downloaded:
        raise BadPayload(REFRESH, name, "body", said)
    raise InvalidSnapshotInput(said)


def _piece(name: str, path: Path) -> build.Piece:
    try:
        return _PIECES[name](path)
    except OSError as error:
        raise InvalidSnapshotInput(f"{path.name}: cannot be read ({error.strerror})") from None


def _datasets(base: Path) -> dict[str, dict[str, Any]]:
    """The manifest entries of the datasets of the snapshot in ``base``, by name."""
    import json

    manifest = json.loads((base / "manifest.json").read_text(encoding="utf-8"))
    datasets: dict[str, dict[str, Any]] = manifest["datasets"]
    return datasets


def _kept(base: Path, entry: dict[str, Any]) -> build.Piece:
    """A dataset (its manifest ``entry``) of the snapshot in ``base`` as it is: its files
    and manifest entry."""
    folder = base / entry["directory"]
    files = {f"{entry['directory']}/{p.name}": p.read_bytes()
             for p in sorted(folder.iterdir()) if p.suffix == ".txt"}
    return files, entry


def _download(url: str, path: Path, timeout: float) -> None:
    """``url`` into ``path``: at most :data:`MAX_DOWNLOAD_BYTES` once decompressed, within
    the refresh's deadline (:func:`rates.retry.deadline`, enforced on the connection)."""
    import requests

    from rates.errors import DeadlineExceeded, PayloadTooLarge
    from rates.online._deadline import bounded_adapter
    from rates.online._limits import read_body
    from rates.online.http import request_failure
    from rates.retry import deadline

    with requests.Session() as session, deadline(timeout) as budget:
        session.mount("https://", bounded_adapter())
        session.mount("http://", bounded_adapter())
        try:
            response = session.get(url, stream=True, timeout=max(budget.remaining(), 0.001))
            try:
                if response.status_code != 200:
                    raise DownloadFailed(url, f"HTTP {response.status_code}")
                read_body(response, MAX_DOWNLOAD_BYTES, lambda read: PayloadTooLarge(
                    REFRESH, url, MAX_DOWNLOAD_BYTES, read))
                content = response.content
            finally:
                response.close()
        except requests.RequestException as error:
            if budget.remaining() <= 0:
                raise DeadlineExceeded(REFRESH, url, timeout, budget.attempts) from None
            raise DownloadFailed(url, request_failure(error, timeout)) from None
        path.write_bytes(content)


def _replace(target: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` as the snapshot in ``target``: in a new directory beside it, loaded
    back and checked, then renamed into place (the old one removed after)."""
    from rates.snapshot import check_snapshot_dir

    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    old: Path | None = None
    try:
        build.write(files, fresh)
        check_snapshot_dir(fresh)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
            os.rename(target, old / "snapshot")
        os.rename(fresh, target)
    except BaseException:
        if old is not None and not target.exists():  # put the previous snapshot back
            os.rename(old / "snapshot", target)
        shutil.rmtree(fresh, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


