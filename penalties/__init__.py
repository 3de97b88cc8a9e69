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
    from penalties._api import assess, get_provision, list_provisions, statute_schema
    from penalties._errors import (
        GoldenCaseFailure,
        InvalidFacts,
        NoVersionInForce,
        PenaltyError,
        StatuteFileError,
        UnknownProvision,
        UnsupportedCurrency,
    )
    from penalties._facts import Amount, Facts, Offender, PriorSentence
    from penalties.assessment._conversion import ConvertedAssessment, convert_assessment
    from penalties.assessment._results import (
        Assessment,
        PenaltyRange,
        ProvisionRef,
        Reason,
        TierResult,
    )
    from penalties.assessment._thresholds import Threshold, thresholds
    from penalties.batch._files import CSV_COLUMNS
    from penalties.batch._rows import INPUT_COLUMNS, BatchResult, assess_many
    from penalties.batch._table import assess_frame, csv_to_csv
    from penalties.statutes._catalog import Catalog, load_statute
    from penalties.statutes._golden import CaseOutcome, run_cases
    from penalties.statutes._statute import Statute

__version__ = "0.1.0.dev0"

_WHERE = {
    "Amount": "_facts",
    "Assessment": "assessment._results",
    "BatchResult": "batch._rows",
    "CSV_COLUMNS": "batch._files",
    "CaseOutcome": "statutes._golden",
    "Catalog": "statutes._catalog",
    "ConvertedAssessment": "assessment._conversion",
    "Facts": "_facts",
    "GoldenCaseFailure": "_errors",
    "INPUT_COLUMNS": "batch._rows",
    "InvalidFacts": "_errors",
    "NoVersionInForce": "_errors",
    "Offender": "_facts",
    "PenaltyError": "_errors",
    "PenaltyRange": "assessment._results",
    "PriorSentence": "_facts",
    "ProvisionRef": "assessment._results",
    "Reason": "assessment._results",
    "Statute": "statutes._statute",
    "StatuteFileError": "_errors",
    "Threshold": "assessment._thresholds",
    "TierResult": "assessment._results",
    "UnknownProvision": "_errors",
    "UnsupportedCurrency": "_errors",
    "assess": "_api",
    "assess_frame": "batch._table",
    "assess_many": "batch._rows",
    "convert_assessment": "assessment._conversion",
    "csv_to_csv": "batch._table",
    "get_provision": "_api",
    "list_provisions": "_api",
    "load_statute": "statutes._catalog",
    "run_cases": "statutes._golden",
    "statute_schema": "_api",
    "thresholds": "assessment._thresholds",
}

__all__ = [
    "CSV_COLUMNS",
    "INPUT_COLUMNS",
    "Amount",
    "Assessment",
    "BatchResult",
    "CaseOutcome",
    "Catalog",
    "ConvertedAssessment",
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
    "Threshold",
    "TierResult",
    "UnknownProvision",
    "UnsupportedCurrency",
    "__version__",
    "assess",
    "assess_frame",
    "assess_many",
    "convert_assessment",
    "csv_to_csv",
    "get_provision",
    "list_provisions",
    "load_statute",
    "run_cases",
    "statute_schema",
    "thresholds",
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
