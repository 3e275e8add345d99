from programme.models.continuation import ContinuationPlan, ContinuationStatus, FundingSource
from programme.models.money import (
    FISCAL_MONTHS,
    EstimateLine,
    ExpenseCategory,
    ImplementationPlan,
    LedgerEntry,
    PlannedActivity,
)
from programme.models.network import EventKind, NetworkLink, ProgrammeEvent
from programme.models.support import (
    AdviceKind,
    AdviceMessage,
    AdviceStatus,
    AdviceThread,
    SupportAssignment,
    SupporterPart,
)

__all__ = [
    "FISCAL_MONTHS",
    "AdviceKind",
    "AdviceMessage",
    "AdviceStatus",
    "AdviceThread",
    "ContinuationPlan",
    "ContinuationStatus",
    "EstimateLine",
    "EventKind",
    "ExpenseCategory",
    "FundingSource",
    "ImplementationPlan",
    "LedgerEntry",
    "NetworkLink",
    "PlannedActivity",
    "ProgrammeEvent",
    "SupportAssignment",
    "SupporterPart",
]
