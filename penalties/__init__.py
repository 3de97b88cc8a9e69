"""penalties: what a statute puts at stake for the facts of a case.

>>> import penalties
>>> result = penalties.assess("vn-225", {"offender": "person", "organised": True,
...                           "commercial_scale": True, "offence_date": "2019-05-01"})
>>> result.tier.ref, [p.kind for p in result.principal]
('225(2)', ['fine', 'imprisonment'])

Names are imported on first use, so ``import penalties`` loads no statute file, no
validation library and no HTTP stack. Every public name is here; the modules behind them
(``penalties._facts``, ``penalties.assessment._engine``...) are private.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from penalties._api import assess, compare, get_provision, list_provisions, statute_schema
    from penalties._compare import Comparison, Unanswered, compare_all
    from penalties._documents import result_schema
    from penalties._errors import (
        DuplicateProvision,
        FileUnavailable,
        GoldenCaseFailure,
        InvalidFacts,
        InvalidInput,
        NoVersionInForce,
        PenaltyError,
        StatuteFileError,
        UnknownProvision,
        UnsupportedCurrency,
    )
    from penalties._facts import Facts, Offender
    from penalties._values import Amount
    from penalties._vocabulary import Fact, Vocabulary, builtin_vocabulary
    from penalties.assessment._conversion import convert_assessment
    from penalties.assessment._figures import Figure, InputConversion, PenaltyRange
    from penalties.assessment._map import Segment, TierMap, tier_map
    from penalties.assessment._margins import Margin, margins
    from penalties.assessment._results import Assessment, ProvisionRef, Reason, TierResult
    from penalties.assessment._thresholds import Threshold, Thresholds, thresholds
    from penalties.batch._cells import CSV_COLUMNS
    from penalties.batch._rows import BatchResult, assess_many
    from penalties.batch._streams import assess_frame, csv_to_csv
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._golden import CaseOutcome, run_cases
    from penalties.statutes._loader import load_statute
    from penalties.statutes._statute import Statute

__version__ = "0.1.0.dev0"

_WHERE = {
    "Amount": "_values",
    "Assessment": "assessment._results",
    "BatchResult": "batch._rows",
    "CSV_COLUMNS": "batch._cells",
    "Comparison": "_compare",
    "Margin": "assessment._margins",
    "Segment": "assessment._map",
    "TierMap": "assessment._map",
    "CaseOutcome": "statutes._golden",
    "Catalog": "statutes._catalog",
    "Fact": "_vocabulary",
    "Facts": "_facts",
    "Figure": "assessment._figures",
    "FileUnavailable": "_errors",
    "DuplicateProvision": "_errors",
    "GoldenCaseFailure": "_errors",
    "InputConversion": "assessment._figures",
    "InvalidFacts": "_errors",
    "InvalidInput": "_errors",
    "NoVersionInForce": "_errors",
    "Offender": "_facts",
    "PenaltyError": "_errors",
    "PenaltyRange": "assessment._figures",
    "ProvisionRef": "assessment._results",
    "Reason": "assessment._results",
    "Statute": "statutes._statute",
    "StatuteFileError": "_errors",
    "Threshold": "assessment._thresholds",
    "Thresholds": "assessment._thresholds",
    "TierResult": "assessment._results",
    "Unanswered": "_compare",
    "UnknownProvision": "_errors",
    "UnsupportedCurrency": "_errors",
    "Vocabulary": "_vocabulary",
    "assess": "_api",
    "assess_frame": "batch._streams",
    "assess_many": "batch._rows",
    "builtin_vocabulary": "_vocabulary",
    "compare": "_api",
    "compare_all": "_compare",
    "convert_assessment": "assessment._conversion",
    "csv_to_csv": "batch._streams",
    "get_provision": "_api",
    "list_provisions": "_api",
    "load_statute": "statutes._loader",
    "margins": "assessment._margins",
    "result_schema": "_documents",
    "run_cases": "statutes._golden",
    "statute_schema": "_api",
    "thresholds": "assessment._thresholds",
    "tier_map": "assessment._map",
}

__all__ = [
    "CSV_COLUMNS",
    "Amount",
    "Assessment",
    "BatchResult",
    "CaseOutcome",
    "Catalog",
    "Comparison",
    "DuplicateProvision",
    "Fact",
    "Facts",
    "Figure",
    "FileUnavailable",
    "GoldenCaseFailure",
    "InputConversion",
    "InvalidFacts",
    "InvalidInput",
    "Margin",
    "NoVersionInForce",
    "Offender",
    "PenaltyError",
    "PenaltyRange",
    "ProvisionRef",
    "Reason",
    "Segment",
    "Statute",
    "StatuteFileError",
    "Threshold",
    "Thresholds",
    "TierMap",
    "TierResult",
    "Unanswered",
    "UnknownProvision",
    "UnsupportedCurrency",
    "Vocabulary",
    "__version__",
    "assess",
    "assess_frame",
    "assess_many",
    "builtin_vocabulary",
    "compare",
    "compare_all",
    "convert_assessment",
    "csv_to_csv",
    "get_provision",
    "list_provisions",
    "load_statute",
    "margins",
    "result_schema",
    "run_cases",
    "statute_schema",
    "thresholds",
    "tier_map",
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
