"""Secrets kept out of the HTTP cache, the logs and the messages: by value, and by name.

An API key travels in the URLs of keyed sources, and a server can send it back anywhere: in
a redirect's path, fragment or query (under another name, in upper case, inside another
parameter, encoded twice), in a header, in a body. Whatever is written down (the cache
file, the logs of urllib3, requests and requests-cache, messages) goes through
:func:`redact`.

* Values: a keyed source registers its key when it is built (:func:`register_secret`), and
  the key is replaced by ``REDACTED`` in every form a URL or a stored document can give it:
  as it is, with any of its characters percent-encoded once or twice (``%2F``, ``%252F``,
  hex digits in either case), spaces as ``+``, JSON-escaped, base64, in any letter case.
* Names: the value of every query parameter in :data:`SECRET_PARAMETERS` (requests-cache's
  defaults such as ``api_key`` plus ``app_id``, ``access_key``, and any a source declares),
  registered or not, after ``?``, ``&``, ``;``, ``#``, ``=`` or ``/`` (or their
  percent-encodings, once or twice) and before ``=`` (or ``%3D``, ``%253D``), in any case.
  These names are also left out of cache keys (see :mod:`rates.session`).
* Serializer: JSON (never pickle: nothing executable is read back from disk); the bodies of
  a response and of its redirects are redacted before they are base64-encoded, then the
  whole stored text.
* Logs: :class:`RedactSecrets` filters every logger of the HTTP stack.

Nothing here imports ``requests_cache`` until the serializer is first built.

>>> register_secret("s3cr3t key/0123")
>>> redact("/k/s3cr3t%20key%2f0123/x.json?next=APP_ID%253Dother#token=S3CR3T+KEY/0123")
'/k/REDACTED/x.json?next=APP_ID%253DREDACTED#token=REDACTED'
"""

from __future__ import annotations

import base64
import json
import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import logging

__all__ = [
    "MIN_SECRET_CHARS",
    "REDACTED",
    "SECRET_PARAMETERS",
    "RedactSecrets",
    "json_serializer",
    "redact",
    "redact_bytes",
    "redact_logged_urls",
    "register_secret",
    "register_url_secrets",
]

#: What a secret becomes.
REDACTED = "REDACTED"
#: Query parameters that never reach a cache key or the cache file, besides requests-cache's
#: own defaults (``Authorization``, ``X-API-Key``, ``api_key``, ``apikey``, ...).
SECRET_PARAMETERS: set[str] = {"app_id", "access_key", "api_key", "apikey", "access_token"}
#: The shortest secret redacted by value: a shorter one would match ordinary text (such a
#: key is still redacted by its parameter's name).
MIN_SECRET_CHARS = 6

#: Top-level loggers of the HTTP stack: each of their loggers gets the filter.
_HTTP_LOGGERS = ("urllib3", "requests", "requests_cache")
#: Loggers known to write request URLs (urllib3 on each retry, requests-cache when it serves
#: a stale response after an error, with the error's text), filtered even before they exist.
_URL_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "requests_cache.session")

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Redact ``value`` (an API key) by value from now on, wherever :func:`redact` is used.

    A value shorter than :data:`MIN_SECRET_CHARS`, or not text, is not registered.
    """
    if isinstance(value, str) and len(value) >= MIN_SECRET_CHARS:
        with _secrets_lock:
            _secrets.add(value)


def register_url_secrets(url: str) -> None:
    """Register the secrets ``url`` carries: its user name and password, and the values of
    its secret query parameters (a key given in a source's base URL)."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    try:
        parts = urlsplit(url)
        found = [parts.username, parts.password]
    except ValueError:  # not a URL that can be split: nothing found in it
        return
    names = {name.lower() for name in SECRET_PARAMETERS.copy()}
    found += [value for name, value in parse_qsl(parts.query) if name.lower() in names]
    for value in found:
        if value:
            register_secret(unquote(value))


def _forms(char: str) -> list[str]:
    """What ``char`` can become in a URL or a JSON document, longest first (both letter
    cases: matching bytes ignores the case of ASCII letters only)."""
    forms = set()
    for case in {char, char.lower(), char.upper()}:
        encoded = "".join(f"%{byte:02X}" for byte in case.encode())
        forms |= {case, encoded, encoded.replace("%", "%25"), json.dumps(case)[1:-1]}
    if char == " ":
        forms |= {"+", "%2B", "%252B"}  # plus-encoded, then percent-encoded
    return sorted(forms, key=lambda form: (-len(form), form))


def _value_pattern(value: str) -> str:
    """A regular expression for ``value`` in any of its forms (see the module docstring)."""
    spelled = "".join(
        "(?:" + "|".join(re.escape(form) for form in _forms(char)) + ")" for char in value
    )
    raw = value.encode()
    encoded = {base64.b64encode(raw), base64.urlsafe_b64encode(raw)}
    whole = sorted({text.decode().rstrip("=") for text in encoded}, key=len, reverse=True)
    return "|".join([spelled, *(re.escape(text) for text in whole)])


@lru_cache(maxsize=8)
def _patterns(
    names: frozenset[str], values: frozenset[str]
) -> tuple[re.Pattern[str], re.Pattern[str] | None, re.Pattern[bytes] | None]:
    """The patterns for secret parameter ``names`` and secret ``values`` (text, bytes)."""
    listed = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    by_name = re.compile(
        rf"(?P<lead>[?&;#=/]|%(?:25)?(?:3B|26|3F|23|3D|2F))(?P<name>{listed})"
        rf"(?P<eq>=|%(?:25)?3D)[^&\s'\"#)\\<>]*",
        re.IGNORECASE,
    )
    if not values:
        return by_name, None, None
    longest = sorted(values, key=len, reverse=True)  # a key inside another goes with it
    pattern = "|".join(f"(?:{_value_pattern(value)})" for value in longest)
    return by_name, re.compile(pattern, re.IGNORECASE), re.compile(pattern.encode(), re.IGNORECASE)


def _current() -> tuple[re.Pattern[str], re.Pattern[str] | None, re.Pattern[bytes] | None]:
    return _patterns(frozenset(SECRET_PARAMETERS.copy()), frozenset(_secrets.copy()))


def redact(text: str) -> str:
    """``text`` with every registered secret, and the value of every secret query
    parameter, replaced by ``REDACTED``.

    >>> redact("/latest.json?base=USD&app_id=s3cr3t&x=1")
    '/latest.json?base=USD&app_id=REDACTED&x=1'
    """
    by_name, by_value, _ = _current()
    if by_value is not None:
        text = by_value.sub(REDACTED, text)
    return by_name.sub(rf"\g<lead>\g<name>\g<eq>{REDACTED}", text)


def redact_bytes(data: bytes) -> bytes:
    """``data`` (a body) with every registered secret replaced by ``REDACTED``."""
    pattern = _current()[2]
    return data if pattern is None else pattern.sub(REDACTED.encode(), data)


def _redact_bodies(document: Any) -> Any:  # noqa: ANN401 - requests-cache's unstructured response
    """The unstructured response ``document`` with its base64 bodies (``_content``, its
    redirects' too) redacted by value."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "_content" and isinstance(value, str) and value:
                body = redact_bytes(base64.b64decode(value))
                document[key] = base64.b64encode(body).decode()
            else:
                _redact_bodies(value)
    elif isinstance(document, list):
        for item in document:
            _redact_bodies(item)
    return document


def json_serializer() -> Any:  # noqa: ANN401 - requests-cache's SerializerPipeline
    """requests-cache's JSON serializer with two more steps: bodies redacted before they
    are base64-encoded, then the stored text (URLs and headers, the request's, the final
    response's and every redirect's ``Location``)."""
    from requests_cache.serializers import SerializerPipeline, Stage
    from requests_cache.serializers import json_serializer as requests_json

    unstructure, to_text = requests_json.copy().stages
    stages = [unstructure, Stage(dumps=_redact_bodies, loads=lambda document: document),
              to_text, Stage(dumps=redact, loads=lambda text: text)]
    return SerializerPipeline(stages, name="json", is_binary=False)


class RedactSecrets:
    """A logging filter: secrets become ``REDACTED`` in the message and in the traceback
    text of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; always keep it."""
        import logging

        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)  # arguments that do not fit: the handler says so
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def redact_logged_urls() -> None:
    """Attach :class:`RedactSecrets` (once) to every logger of urllib3, requests and
    requests-cache that exists, and to those known to write URLs."""
    import logging

    known = [name for name in list(logging.root.manager.loggerDict)
             if name.split(".")[0] in _HTTP_LOGGERS]
    for name in {*_HTTP_LOGGERS, *_URL_LOGGERS, *known}:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
            logger.addFilter(RedactSecrets())
