"""Writes of the programme: each checks the model's validation and stays inside the writer's scope."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meister.scoping import saving_in_scope, supports_consortia
from meister.sniffing import sniff_upload
from meister.uploads import replacing_files
from programme.models import (
    AdviceMessage,
    AdviceStatus,
    AdviceThread,
    ContinuationPlan,
    ContinuationStatus,
    EstimateLine,
    ImplementationPlan,
    LedgerEntry,
    NetworkLink,
    PlannedActivity,
    ProgrammeEvent,
    SupportAssignment,
)

EVIDENCE_KINDS = {"pdf", "image"}
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def assignment_create(*, user, assignment: SupportAssignment) -> SupportAssignment:
    """The ministry assigns a supporter to a consortium for a fiscal year; assigning them again keeps the one
    assignment, in the part now given."""
    existing = SupportAssignment.objects.filter(
        supporter=assignment.supporter_id, consortium=assignment.consortium_id, fiscal_year=assignment.fiscal_year
    ).first()
    if existing is not None:
        existing.part = assignment.part
        assignment = existing
    assignment.assigned_by = user
    assignment.full_clean()
    with saving_in_scope(user, assignment):
        assignment.save()
    return assignment


def _waiting_on(author) -> str:
    """Whose turn it is after `author` writes: a supporter's words wait for the coordinator, and the other way round."""
    if supports_consortia(author):
        return AdviceStatus.AWAITING_COORDINATOR
    return AdviceStatus.AWAITING_SUPPORTER


@transaction.atomic
def advice_thread_open(*, user, thread: AdviceThread, body: str) -> AdviceThread:
    """Open a consultation or advice with its first words; it then waits on the other side."""
    thread.opened_by = user
    thread.status = _waiting_on(user)
    thread.full_clean()
    with saving_in_scope(user, thread):
        thread.save()
        message = AdviceMessage(thread=thread, author=user, body=body)
        message.full_clean()
        message.save()
    return thread


@transaction.atomic
def advice_reply(*, user, thread: AdviceThread, body: str, close: bool = False, follow_up_on=None) -> AdviceThread:
    """Answer in a thread: the thread then waits on the other side, or is closed; the follow-up date may move."""
    thread.status = AdviceStatus.CLOSED if close else _waiting_on(user)
    if follow_up_on is not None:
        thread.follow_up_on = follow_up_on
    thread.full_clean()
    with saving_in_scope(user, thread):
        thread.save()
        if body:
            message = AdviceMessage(thread=thread, author=user, body=body)
            message.full_clean()
            message.save()
    return thread


@transaction.atomic
def plan_save(
    *,
    user,
    plan: ImplementationPlan,
    activities: Iterable[PlannedActivity] = (),
    activities_removed: Iterable[PlannedActivity] = (),
) -> ImplementationPlan:
    """Save a designation's 実施計画書 with its activities by month as edited."""
    plan.updated_by = user
    plan.full_clean()
    with saving_in_scope(user, plan):
        plan.save()
        for activity in activities_removed:
            activity.delete()
        for activity in activities:
            activity.plan = plan
            activity.full_clean()
            activity.save()
    return plan


@transaction.atomic
def estimate_save(
    *, user, designation, lines: Iterable[EstimateLine] = (), lines_removed: Iterable[EstimateLine] = ()
) -> list[EstimateLine]:
    """Save the 所要経費 estimate of a designation: its lines as edited (new and changed ones, and those removed)."""
    saved = []
    for line in lines_removed:
        with saving_in_scope(user, line):
            line.delete()
    for line in lines:
        line.designation = designation
        line.full_clean()
        with saving_in_scope(user, line):
            line.save()
        saved.append(line)
    return saved


def check_evidence(upload) -> str:
    """The content type of a receipt or invoice read from its bytes; ValidationError unless it is a PDF or an image."""
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError({"evidence": _("証拠書類のファイルは20MB以下にしてください。")})
    sniffed = sniff_upload(upload)
    if sniffed is None or sniffed.kind not in EVIDENCE_KINDS:
        raise ValidationError(
            {"evidence": _("証拠書類はPDFか画像（PNG・JPEG・GIF・WebP）でアップロードしてください。")}
        )
    return sniffed.content_type


@transaction.atomic
def ledger_entry_save(*, user, entry: LedgerEntry, evidence=None) -> LedgerEntry:
    """Book a payment (or correct one), with its receipt or invoice when given: typed from its bytes, never its name."""
    if evidence is not None:
        entry.evidence_type = check_evidence(evidence)
        entry.evidence = evidence
    elif not entry.evidence:
        entry.evidence_type = ""
    if entry.pk is None:
        entry.booked_by = user
    entry.full_clean()
    with replacing_files(entry, "evidence"), saving_in_scope(user, entry):
        entry.save()
    return entry


@transaction.atomic
def network_link_save(*, user, link: NetworkLink) -> NetworkLink:
    link.full_clean()
    with saving_in_scope(user, link):
        link.save()
    return link


@transaction.atomic
def event_save(*, user, event: ProgrammeEvent, consortia: Iterable) -> ProgrammeEvent:
    """Save an event with the consortia that took part; every one of them must lie in the writer's scope."""
    event.full_clean()
    with saving_in_scope(user, event):
        event.save()
        event.consortia.set(consortia)
    return event


@transaction.atomic
def continuation_save(*, user, plan: ContinuationPlan) -> ContinuationPlan:
    plan.full_clean()
    with saving_in_scope(user, plan):
        plan.save()
    return plan


@transaction.atomic
def continuation_year_record(*, user, status: ContinuationStatus) -> ContinuationStatus:
    """Record whether the work went on in a year after the designation; recording the year again corrects it."""
    existing = ContinuationStatus.objects.filter(plan=status.plan_id, fiscal_year=status.fiscal_year).first()
    if existing is not None:
        existing.active, existing.checked_on, existing.note = status.active, status.checked_on, status.note
        status = existing
    status.full_clean()
    with saving_in_scope(user, status):
        status.save()
    return status
