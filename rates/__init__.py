"""rates: exchange rates with provenance, and conversions that say how they were made.

>>> import rates
>>> result = rates.convert("1000000000 VND", "USD", on="2018-03-19")
>>> result.converted, result.rate.basis, result.rate.period
(Money('44517.65', 'USD'), 'monthly', '2018-02')
>>> rates.get_rate("EUR", "USD", on="2018-03-19", source="snapshot").describe()
'ECB daily reference rate EUR→USD, 2018-03-19, asked for 2018-03-19'

The default source is the embedded snapshot (offline). Online sources (``ecb``,
``currency-api``, ``worldbank``, ``open-er-api``) are opt-in through ``source=``. Names are
imported on first use, so ``import rates`` loads no rate table and no HTTP stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rates.api import (
        UpdateReport,
        clear_cache,
        convert,
        convert_many,
        get_rate,
        snapshot_info,
        update,
    )
    from rates.conversion import Conversion
    from rates.errors import (
        BadPayload,
        CacheWarning,
        CurrencyMismatch,
        DeadlineExceeded,
        InvalidAmount,
        InvalidDate,
        InvalidOption,
        InvalidRate,
        InvalidRounding,
        NotCached,
        NotExact,
        PayloadTooDeep,
        PayloadTooLarge,
        RateError,
        RateNotFound,
        SourceExists,
        SourceFailed,
        SourceUnavailable,
        UnknownCurrency,
        UnknownSource,
    )
    from rates.model import ROUNDING_MODES, Fallback, Rate
    from rates.money import DEFAULT_ROUNDING
    from rates.redaction import register_secret
    from rates.snapshot import DatasetInfo, SnapshotInfo, SnapshotSource
    from rates.sources import (
        ChainSource,
        Source,
        get_source,
        list_sources,
        register_source,
        unregister_source,
    )

_WHERE = {
    "BadPayload": "errors",
    "CacheWarning": "errors",
    "ChainSource": "sources",
    "Conversion": "conversion",
    "CurrencyMismatch": "errors",
    "DEFAULT_ROUNDING": "money",
    "DatasetInfo": "snapshot",
    "DeadlineExceeded": "errors",
    "Fallback": "model",
    "InvalidAmount": "errors",
    "InvalidDate": "errors",
    "InvalidOption": "errors",
    "InvalidRate": "errors",
    "InvalidRounding": "errors",
    "NotCached": "errors",
    "NotExact": "errors",
    "PayloadTooDeep": "errors",
    "PayloadTooLarge": "errors",
    "ROUNDING_MODES": "model",
    "Rate": "model",
    "RateError": "errors",
    "RateNotFound": "errors",
    "SnapshotInfo": "snapshot",
    "SnapshotSource": "snapshot",
    "Source": "sources",
    "SourceExists": "errors",
    "SourceFailed": "errors",
    "SourceUnavailable": "errors",
    "UnknownCurrency": "errors",
    "UnknownSource": "errors",
    "UpdateReport": "api",
    "clear_cache": "api",
    "convert": "api",
    "convert_many": "api",
    "get_rate": "api",
    "get_source": "sources",
    "list_sources": "sources",
    "register_secret": "redaction",
    "register_source": "sources",
    "snapshot_info": "api",
    "unregister_source": "sources",
    "update": "api",
}

__all__ = [
    "DEFAULT_ROUNDING",
    "ROUNDING_MODES",
    "BadPayload",
    "CacheWarning",
    "ChainSource",
    "Conversion",
    "CurrencyMismatch",
    "DatasetInfo",
    "DeadlineExceeded",
    "Fallback",
    "InvalidAmount",
    "InvalidDate",
    "InvalidOption",
    "InvalidRate",
    "InvalidRounding",
    "NotCached",
    "NotExact",
    "PayloadTooDeep",
    "PayloadTooLarge",
    "Rate",
    "RateError",
    "RateNotFound",
    "SnapshotInfo",
    "SnapshotSource",
    "Source",
    "SourceExists",
    "SourceFailed",
    "SourceUnavailable",
    "UnknownCurrency",
    "UnknownSource",
    "UpdateReport",
    "clear_cache",
    "convert",
    "convert_many",
    "get_rate",
    "get_source",
    "list_sources",
    "register_secret",
    "register_source",
    "snapshot_info",
    "unregister_source",
    "update",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401 - any public name
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'rates' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"rates.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
