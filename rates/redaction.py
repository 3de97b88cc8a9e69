"""Secrets kept out of the HTTP cache and the logs: which query parameters are secret, and
their values replaced by ``REDACTED`` wherever a URL is written down.

An API key travels in the query string of some sources' URLs, and URLs are written down in
places that outlive the request: the cache file, and the logs of urllib3 and requests-cache.
:func:`rates.session.build_session` uses this module to keep keys out of all of them.

* Serializer: JSON (never pickle: nothing executable is read back from disk), with every
  secret query parameter redacted from the stored text.
* Secrets: every query parameter in :data:`SECRET_PARAMETERS` (requests-cache's defaults
  such as ``api_key`` plus ``app_id``, ``access_key``, and any a source declares) is left out
  of cache keys and redacted from what is stored, and from what urllib3 and requests-cache
  log (a retry logs the URL).

Nothing here imports ``requests_cache`` until the serializer is first built.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

__all__ = [
    "SECRET_PARAMETERS",
    "RedactSecrets",
    "json_serializer",
    "redact",
    "redact_logged_urls",
]

#: Query parameters that never reach a cache key or the cache file, besides requests-cache's
#: own defaults (``Authorization``, ``X-API-Key``, ``api_key``, ``apikey``, ...).
SECRET_PARAMETERS: set[str] = {"app_id", "access_key", "api_key", "apikey", "access_token"}

#: Loggers that write request URLs (urllib3 on each retry, requests-cache when it serves a
#: stale response after an error, with the error's text).
_URL_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "requests_cache.session")


def redact(text: str) -> str:
    """``text`` with the value of every secret query parameter replaced by ``REDACTED``.

    >>> redact("/latest.json?base=USD&app_id=s3cr3t&x=1")
    '/latest.json?base=USD&app_id=REDACTED&x=1'
    """
    names = "|".join(re.escape(name) for name in sorted(SECRET_PARAMETERS.copy()))
    pattern = rf"(?<=[?&;])({names})=[^&\s'\"#)\\]*"
    return re.sub(pattern, r"\1=REDACTED", text, flags=re.IGNORECASE)


def json_serializer() -> Any:  # noqa: ANN401 - requests-cache's SerializerPipeline
    """requests-cache's JSON serializer, plus a last step that redacts secret query
    parameters anywhere in the stored text: requests-cache redacts the request and the
    final URL, not a redirect's ``Location`` header kept in the response history."""
    from requests_cache.serializers import SerializerPipeline, Stage
    from requests_cache.serializers import json_serializer as requests_json

    redact_stage = Stage(dumps=redact, loads=lambda text: text)
    stages = [*requests_json.copy().stages, redact_stage]
    return SerializerPipeline(stages, name="json", is_binary=False)


class RedactSecrets:
    """A logging filter: the values of secret query parameters become ``REDACTED`` in the
    message and in the traceback text of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; always keep it."""
        import logging

        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            record.exc_info = None
        return True


def redact_logged_urls() -> None:
    """Attach :class:`RedactSecrets` to the loggers that write request URLs (once)."""
    import logging

    for name in _URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
            logger.addFilter(RedactSecrets())
