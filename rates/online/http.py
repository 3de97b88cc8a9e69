"""What every online source shares: fetching through the cached session, and distrust.

:class:`HttpSource` fetches through the one session of :mod:`rates.session` (which retries
a failing request a few times), turns network failures into
:class:`~rates.errors.SourceUnavailable`, offline misses into
:class:`~rates.errors.NotCached` and anything that is not a usable number into
:class:`~rates.errors.BadPayload` naming the field. A response served from an expired cache
entry because the refresh failed gives rates flagged ``stale=True``.

A fresh body is checked before it is stored (``fetch(check=...)``): a body that is not a
usable answer is never cached, and when an expired answer is cached it is served instead
(stale). A cached body found bad when read is dropped from the cache, so the next lookup
asks the source again.

Every lookup is bounded (:mod:`rates.online._limits`, :mod:`rates.online._deadline`): a
subclass's ``rate()`` runs within one deadline, the source's ``timeout`` (10 s by default:
every connection, request, retry and wait counted, however slowly the server sends), else
:class:`~rates.errors.DeadlineExceeded`; a body is read decompressed up to ``max_bytes``
(8 MiB), else :class:`~rates.errors.PayloadTooLarge`; JSON nested more than 32 levels is
:class:`~rates.errors.PayloadTooDeep`; an expiry taken from the server is kept at most a
day ahead. A payload that makes the parsing code fail in an untyped way (a ``TypeError``,
an ``OverflowError``...) is a :class:`~rates.errors.BadPayload` too: no exception from a
payload reaches the caller untyped.

Subclasses set ``name``, ``title``, ``description``, ``series``, ``attribution``,
``default_base_url`` and, for keyed sources, ``secret_parameters`` (query parameters that
must never reach the cache file or an error message), and implement ``rate()``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict
from urllib.parse import urlencode

from rates.errors import (
    BadPayload,
    DeadlineExceeded,
    InvalidOption,
    NotCached,
    PayloadTooDeep,
    PayloadTooLarge,
    RateError,
    SourceUnavailable,
    shown,
)
from rates.model import Basis, Rate, RateType
from rates.online._deadline import bound, one_lookup
from rates.online._limits import (
    DEFAULT_TIMEOUT,
    MAX_BODY_BYTES,
    MAX_DEPTH,
    MAX_SERVER_EXPIRY,
    PAYLOAD_ERRORS,
    NumberTooLong,
    deeper_than,
    read_body,
    read_decimal,
    read_integer,
    seconds_option,
    shown_seconds,
    unreadable,
)
from rates.retry import Deadline, current_deadline, deadline
from rates.session import add_secret_parameters, get_session, offline_by_default

if TYPE_CHECKING:
    import requests
    from requests_cache import CachedSession

__all__ = [
    "MAX_RATE",
    "MIN_RATE",
    "NEVER_EXPIRE",
    "PAYLOAD_ERRORS",
    "Check",
    "Fetched",
    "HttpOptions",
    "HttpSource",
    "today_utc",
]

#: requests-cache's value for "keep forever" (dated publications never change).
NEVER_EXPIRE = -1

#: Rates outside [MIN_RATE, MAX_RATE] are refused as absurd.
MAX_RATE = Decimal("1e15")
MIN_RATE = Decimal("1e-15")



def today_utc() -> date:
    """Today's date in UTC (publication schedules are stated in UTC or CET)."""
    return datetime.now(UTC).date()


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response body with what the rate's provenance needs."""

    url: str
    content: bytes
    fetched_at: datetime
    stale: bool
    from_cache: bool
    response: Any


#: A check of a fresh body: raises :class:`~rates.errors.BadPayload` if it is unusable.
Check = Callable[[Fetched], object]


class HttpOptions(TypedDict, total=False):
    """The keyword options every online source accepts (see :class:`HttpSource`)."""

    base_url: str | None
    cache_dir: str | os.PathLike[str] | None
    session: CachedSession | None
    offline: bool | None
    timeout: float
    max_bytes: int


class HttpSource:
    """Base class of the online sources (see the module docstring).

    ``base_url`` replaces the source's default (tests point it at a local server);
    ``cache_dir`` picks the cache directory, ``session`` a session built by
    :func:`rates.session.build_session`; ``offline=True`` only reads the cache (default:
    the ``PENALTIES_OFFLINE`` environment variable). ``timeout`` is the deadline of one
    lookup in seconds (default 10, at most 3600): every connection, request, retry and
    wait of a ``rate()`` call counted, however slowly a server sends. ``max_bytes`` is the
    largest body read, counted after decompression (default 8 MiB).
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    series: ClassVar[str] = ""
    attribution: ClassVar[str] = ""
    default_base_url: ClassVar[str] = ""
    secret_parameters: ClassVar[tuple[str, ...]] = ()
    online: ClassVar[bool] = True
    #: What kind of rate the publisher gives (:data:`rates.model.RATE_TYPES`).
    rate_type: ClassVar[RateType] = "unstated"
    #: The currency the source quotes against, used to warm the cache (rates.update).
    pivot: ClassVar[str] = "USD"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        session: CachedSession | None = None,
        offline: bool | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.cache_dir = cache_dir
        self._offline = offline
        self.timeout = seconds_option(timeout)
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise InvalidOption("max_bytes", max_bytes, "a whole number of bytes, at least 1")
        self.max_bytes = max_bytes
        self._session = session
        if self.secret_parameters:
            add_secret_parameters(self.secret_parameters)
        from rates.redaction import register_url_secrets

        register_url_secrets(self.base_url)  # a key given in the base URL is a secret too

    def __init_subclass__(cls, **kwargs: Any) -> None:  # noqa: ANN401
        """A subclass's own ``rate()`` becomes one bounded lookup (see
        :func:`rates.online._deadline.one_lookup`)."""
        super().__init_subclass__(**kwargs)
        method = cls.__dict__.get("rate")
        if callable(method) and not getattr(method, "_one_lookup", False):
            setattr(cls, "rate", one_lookup(method))  # noqa: B010

    @property
    def offline(self) -> bool:
        """Whether the source reads only its cache: as constructed, else
        ``PENALTIES_OFFLINE`` as it is at each lookup (a source made before the variable was
        set obeys it too)."""
        return offline_by_default() if self._offline is None else self._offline

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, offline={self.offline})"

    @property
    def session(self) -> CachedSession:
        """The cached session (built on first use), its connections watched for deadlines."""
        if self._session is None:
            self._session = get_session(self.cache_dir)
        bound(self._session)
        return self._session

    def warm_pair(self, code: str) -> tuple[str, str]:
        """The pair whose lookup caches what ``code`` needs (used by ``rates.update``); for
        the pivot itself, its rate against USD (or EUR, for a USD pivot)."""
        if code != self.pivot:
            return self.pivot, code
        return self.pivot, "EUR" if self.pivot == "USD" else "USD"

    def display_url(self, url: str, params: dict[str, str] | None = None) -> str:
        """The URL as messages show it: the values of secret parameters and every registered
        secret, in any encoding, as ``REDACTED`` (see :mod:`rates.redaction`)."""
        from rates.redaction import redact

        if params:
            shown = {
                key: "REDACTED" if key in self.secret_parameters else value
                for key, value in params.items()
            }
            url = f"{url}?{urlencode(shown)}"
        return redact(url)

    def fetch(
        self,
        url: str,
        *,
        params: dict[str, str] | None = None,
        expire_after: int | timedelta | datetime = NEVER_EXPIRE,
        missing_ok: bool = False,
        check: Check | None = None,
        share: float = 1.0,
    ) -> Fetched | None:
        """GET ``url`` through the cache; ``None`` for a 404 when ``missing_ok``.

        ``check`` reads a fresh 200 body before it is stored: if it raises
        :class:`~rates.errors.BadPayload` the body is not cached, and the expired cached
        answer, if any, is served instead (stale); otherwise the error is raised. Other
        errors of the check (a :class:`~rates.errors.RateNotFound`: the source answered
        that it has no such rate) do not stop the body from being cached.

        The request takes at most ``share`` of what is left of the lookup's deadline (a
        source with a fallback mirror keeps the rest for it); once the deadline is
        reached, only the cache is read. Every body (of any status, redirects included) is
        read decompressed up to ``max_bytes``.
        """
        import requests

        shown = self.display_url(url, params)
        lookup = current_deadline()
        allowed = (lookup.remaining() if lookup is not None else self.timeout) * share
        with deadline(allowed) as budget:
            late = budget.reached  # nothing left: the cache only
            hooks = None if self.offline or late else {
                "response": self._reader(shown, check, budget, lookup)
            }
            try:
                response = self.session.get(
                    url,
                    params=params,
                    timeout=max(budget.remaining(), 0.001),
                    expire_after=expire_after,
                    only_if_cached=self.offline or late,
                    hooks=hooks,
                )
            except requests.RequestException as error:
                if budget.reached or budget.cut:
                    raise self._late(shown, budget, lookup) from None
                raise SourceUnavailable(self.name, shown, self._failure(error)) from None
            status = response.status_code
            if (self.offline or late) and status == 504:
                if self.offline:
                    raise NotCached(self.name, shown)
                raise self._late(shown, budget, lookup)
            if status == 404 and missing_ok:
                return None
            if status != 200:
                reason = _status_reason(response)
                if budget.cut:
                    reason += f" (no time left to try again within {shown_seconds(allowed)} s)"
                raise SourceUnavailable(self.name, shown, reason)
        from_cache = bool(getattr(response, "from_cache", False))
        created = getattr(response, "created_at", None) or datetime.now(UTC)
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        return Fetched(
            url=shown,
            content=response.content,
            fetched_at=created,
            stale=from_cache and bool(getattr(response, "is_expired", False)),
            from_cache=from_cache,
            response=response,
        )

    def _late(self, shown: str, budget: Deadline, lookup: Deadline | None) -> DeadlineExceeded:
        """The error of a request stopped by the deadline: the lookup's, or the request's
        share of it."""
        whole = lookup or budget
        if whole.reached or budget.end >= whole.end:
            return DeadlineExceeded(self.name, shown, self.timeout, whole.attempts)
        return DeadlineExceeded(
            self.name, shown, budget.seconds, budget.attempts,
            f"this request's share of the lookup's {shown_seconds(self.timeout)} s deadline",
        )

    def _reader(
        self, shown: str, check: Check | None, budget: Deadline, lookup: Deadline | None
    ) -> Callable[..., None]:
        """A requests response hook: reads each fresh body within the size limit, refuses
        one cut by the deadline, then runs ``check`` on a 200 body (see :func:`_checked`).

        requests calls it before requests-cache stores the response, so an error raised
        here keeps the body out of the cache and lets requests-cache serve the expired
        cached answer (stale-if-error) if there is one.
        """

        def too_large(size: int) -> PayloadTooLarge:
            return PayloadTooLarge(self.name, shown, self.max_bytes, size)

        def hook(response: Any, *args: object, **kwargs: object) -> None:  # noqa: ANN401
            if getattr(response, "from_cache", False) or response._content_consumed:
                return  # a cached answer, or read already (requests-cache calls hooks twice)
            read_body(response, self.max_bytes, too_large)
            if budget.reached:  # the body may have been cut: never used, never cached
                raise self._late(shown, budget, lookup)
            if check is not None and response.status_code == 200:
                _checked(self, shown, check, response)

        return hook

    def _failure(self, error: requests.RequestException) -> str:
        """Why a request failed (:func:`request_failure`)."""
        return request_failure(error, self.timeout)

    def keep_until(self, fetched: Fetched, expires: datetime) -> None:
        """Reset the cache expiry of a freshly fetched response (e.g. to the next update
        the server announces), at most :data:`~rates.online._limits.MAX_SERVER_EXPIRY`
        (one day) from now: a server cannot make an answer last longer."""
        response = fetched.response
        key = getattr(response, "cache_key", None)
        if not fetched.from_cache and key:
            latest = datetime.now(UTC) + MAX_SERVER_EXPIRY
            self.session.cache.save_response(response, key, min(expires, latest))

    # -- reading payloads ---------------------------------------------------------------

    def bad(self, fetched: Fetched | str, field: str, problem: str) -> BadPayload:
        """A :class:`BadPayload` for this source; a cached body found bad is dropped from
        the cache (the next lookup asks the source again)."""
        if isinstance(fetched, str):
            return BadPayload(self.name, fetched, field, problem)
        self._drop(fetched)
        return BadPayload(self.name, fetched.url, field, problem)

    def _drop(self, fetched: Fetched) -> None:
        """Remove a cached body found bad from the cache."""
        key = getattr(fetched.response, "cache_key", None)
        if fetched.from_cache and key:
            self.session.cache.delete(key)

    def text(self, fetched: Fetched) -> str:
        """The body as text; an HTML page where data was expected is refused."""
        try:
            body = fetched.content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise self.bad(fetched, "body", "not UTF-8 text") from None
        head = body.lstrip()[:15].lower()
        if head.startswith(("<!doctype", "<html", "<head", "<body")):
            raise self.bad(fetched, "body", "an HTML page instead of data")
        return body

    def json(self, fetched: Fetched) -> object:
        """The body as JSON, numbers as Decimal; ``NaN`` and ``Infinity`` are read as
        non-finite Decimals, which :meth:`number` refuses naming the field. Nesting deeper
        than 32 levels is :class:`~rates.errors.PayloadTooDeep`; a number longer than 100
        characters is refused."""
        body = self.text(fetched)
        try:
            payload = json.loads(
                body, parse_int=read_integer, parse_float=read_decimal,
                parse_constant=Decimal,
            )
        except RecursionError:
            self._drop(fetched)
            raise PayloadTooDeep(self.name, fetched.url, MAX_DEPTH) from None
        except NumberTooLong as error:
            raise self.bad(fetched, "body", f"{error} (at most 100 allowed)") from None
        except (ValueError, ArithmeticError) as error:
            raise self.bad(fetched, "body", f"not JSON ({shown(str(error))})") from None
        if deeper_than(payload, MAX_DEPTH):
            self._drop(fetched)
            raise PayloadTooDeep(self.name, fetched.url, MAX_DEPTH)
        return payload

    def number(self, fetched: Fetched, field: str, raw: object, *, text: bool = False) -> Decimal:
        """A rate from a payload value: a finite positive number of sane magnitude.

        JSON values must be numbers (``text=False``); CSV cells are text (``text=True``).
        """
        allowed = (int, Decimal, str) if text else (int, Decimal)
        if isinstance(raw, bool) or not isinstance(raw, allowed):
            raise self.bad(fetched, field, f"{shown(raw)} is not a number")
        try:
            value = Decimal(raw) if not isinstance(raw, Decimal) else raw
        except (ArithmeticError, ValueError):
            raise self.bad(fetched, field, f"{shown(raw)} is not a number") from None
        if not value.is_finite():
            raise self.bad(fetched, field, f"{shown(raw)} is not a finite number")
        if value <= 0:
            raise self.bad(fetched, field, f"{shown(raw)} is not a positive rate")
        if not MIN_RATE <= value <= MAX_RATE:
            raise self.bad(fetched, field, f"{shown(raw)} is an absurd magnitude for a rate")
        return value

    def make_rate(
        self,
        fetched: Fetched,
        base: str,
        quote: str,
        value: Decimal,
        *,
        basis: Basis,
        start: date,
        end: date,
        on: date,
        note: str,
    ) -> Rate:
        """A published rate of this source, with the fetch time and stale flag."""
        return Rate(
            base=base,
            quote=quote,
            value=value,
            source=self.name,
            source_name=self.title,
            series=self.series,
            attribution=self.attribution,
            basis=basis,
            period_start=start,
            period_end=end,
            asked_for=on,
            rate_type=self.rate_type,
            fetched_at=fetched.fetched_at,
            stale=fetched.stale,
            note=f"{note} (served from an expired cache: the source failed)"
            if fetched.stale
            else note,
        )


def _checked(source: HttpSource, shown: str, check: Check, response: Any) -> None:  # noqa: ANN401
    """Run ``check`` on a fresh 200 body: a :class:`~rates.errors.BadPayload` (or an untyped
    failure of the parsing code, made one) keeps it out of the cache; another
    :class:`~rates.errors.RateError` (an answer such as "no such rate") does not."""
    fetched = Fetched(
        url=shown,
        content=response.content,
        fetched_at=datetime.now(UTC),
        stale=False,
        from_cache=False,
        response=response,
    )
    try:
        check(fetched)
    except BadPayload:
        raise
    except RateError:
        pass  # an answer such as "no such rate": cached; the caller reads it again
    except PAYLOAD_ERRORS as error:
        raise source.bad(shown, "body", unreadable(error)) from error


def _status_reason(response: Any) -> str:  # noqa: ANN401 - a requests or cached response
    """``HTTP <status>``, with the attempts made and a rate limit's ``Retry-After``."""
    reason = f"HTTP {response.status_code}"
    retries = getattr(getattr(response, "raw", None), "retries", None)
    history = getattr(retries, "history", ())
    if history:
        reason += f" after {len(history) + 1} attempts"
    wait = str(response.headers.get("Retry-After", ""))[:40]
    if response.status_code == 429:
        reason += f" (rate limited; Retry-After: {wait})" if wait else " (rate limited)"
    return reason


def request_failure(error: requests.RequestException, timeout: float) -> str:
    """Why a request failed, in words that never show the URL (it may hold a key) nor a
    Python name: ``request failed (could not connect)``, ``no answer within 10 s``..."""
    import requests
    from urllib3.exceptions import NewConnectionError, ProtocolError, TimeoutError

    cause = error.args[0] if error.args else None
    cause = getattr(cause, "reason", cause)  # the last error behind "max retries"
    if isinstance(cause, NewConnectionError):  # urllib3 makes it a TimeoutError too
        return "request failed (could not connect)"
    if isinstance(error, requests.Timeout) or isinstance(cause, TimeoutError):
        return f"no answer within {shown_seconds(timeout)} s"
    if isinstance(error, requests.exceptions.SSLError):
        return "request failed (the TLS handshake or the certificate failed)"
    if isinstance(error, requests.TooManyRedirects):
        return "request failed (too many redirects)"
    if isinstance(error, (requests.exceptions.ChunkedEncodingError,
                          requests.exceptions.ContentDecodingError)) or isinstance(
            cause, ProtocolError):
        return "request failed (the connection was cut, or the answer could not be read)"
    return "request failed (the connection could not be made or was lost)"
