"""The bounds of one request to the HTTP API (:mod:`penalties.web`), in one place.

A request that goes beyond one of them is refused before the library is asked anything:
a body larger than :data:`MAX_BODY_BYTES` with 413, the others with 422 naming the field.
The work a request can ask for is bounded by them and by the library's own limits (an
amount up to 10^18 units, a fact's text up to 100 characters, at most 200 boundaries
followed by a tier map, the deadline of an online rate lookup).
"""

from __future__ import annotations

__all__ = ["LIMITS", "MAX_BODY_BYTES", "MAX_CODE", "MAX_FACTS", "MAX_ID", "MAX_NAME",
           "MAX_PROVISIONS", "MAX_TEXT"]

#: Largest request body, in bytes (64 KiB); a larger one is refused with 413.
MAX_BODY_BYTES = 64 * 1024
#: Most provisions one ``POST /compare`` names (``"all": true`` compares the whole
#: catalogue, which the server's operator chooses).
MAX_PROVISIONS = 50
#: Most facts in one ``facts`` object; each value is a JSON scalar (no nesting).
MAX_FACTS = 64
#: Longest provision id or alias.
MAX_ID = 200
#: Longest fact name (``facts`` keys, ``vary``).
MAX_NAME = 100
#: Longest currency code, date or rate source text (the library checks what it means).
MAX_CODE = 100
#: Longest amount text of ``GET /convert``.
MAX_TEXT = 200

#: The limits, as ``GET /`` documents them and the OpenAPI description lists them.
LIMITS: dict[str, int] = {
    "max_body_bytes": MAX_BODY_BYTES,
    "max_provisions": MAX_PROVISIONS,
    "max_facts": MAX_FACTS,
    "max_id_characters": MAX_ID,
    "max_fact_name_characters": MAX_NAME,
}
