"""Helpers the batch tests share (imported as ``tests._cases``, as ``cli`` is imported from
the repository root)."""

from __future__ import annotations

import csv
import io

__all__ = ["csv_of"]


def csv_of(rows: list[dict[str, str]]) -> str:
    """The CSV text of ``rows`` (mappings with the same keys, in order): a header, then one
    line per row, as a spreadsheet writes it."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
