"""penalties: what a statute puts at stake for the facts of a case.

>>> import penalties
>>> result = penalties.assess("vn-225", {"offender": "person", "organised": True,
...                           "commercial_scale": True, "offence_date": "2019-05-01"})
>>> result.tier.ref, [p.kind for p in result.principal]
('225(2)', ['fine', 'imprisonment'])

Names are imported on first use, so ``import penalties`` loads no statute file, no
validation library and no HTTP stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from penalties.api import assess, get_provision, list_provisions, statute_schema
    from penalties.assessment import Assessment, PenaltyRange, ProvisionRef, Reason, TierResult
    from penalties.catalog import Catalog, load_statute
    from penalties.errors import (
        GoldenCaseFailure,
        InvalidFacts,
        NoVersionInForce,
        PenaltyError,
        StatuteFileError,
        UnknownProvision,
        UnsupportedCurrency,
    )
    from penalties.facts import Amount, Facts, Offender, PriorSentence
    from penalties.golden import CaseOutcome, run_cases
    from penalties.statute import Statute

__version__ = "0.1.0.dev0"

_WHERE = {
    "Amount": "facts",
    "Assessment": "assessment",
    "CaseOutcome": "golden",
    "Catalog": "catalog",
    "Facts": "facts",
    "GoldenCaseFailure": "errors",
    "InvalidFacts": "errors",
    "NoVersionInForce": "errors",
    "Offender": "facts",
    "PenaltyError": "errors",
    "PenaltyRange": "assessment",
    "PriorSentence": "facts",
    "ProvisionRef": "assessment",
    "Reason": "assessment",
    "Statute": "statute",
    "StatuteFileError": "errors",
    "TierResult": "assessment",
    "UnknownProvision": "errors",
    "UnsupportedCurrency": "errors",
    "assess": "api",
    "get_provision": "api",
    "list_provisions": "api",
    "load_statute": "catalog",
    "run_cases": "golden",
    "statute_schema": "api",
}

__all__ = [
    "Amount",
    "Assessment",
    "CaseOutcome",
    "Catalog",
    "Facts",
    "GoldenCaseFailure",
    "InvalidFacts",
    "NoVersionInForce",
    "Offender",
    "PenaltyError",
    "PenaltyRange",
    "PriorSentence",
    "ProvisionRef",
    "Reason",
    "Statute",
    "StatuteFileError",
    "TierResult",
    "UnknownProvision",
    "UnsupportedCurrency",
    "__version__",
    "assess",
    "get_provision",
    "list_provisions",
    "load_statute",
    "run_cases",
    "statute_schema",
]


def __getattr__(name: str) -> Any:  # noqa: ANN401 - lazy re-export
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'penalties' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"penalties.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
