"""Proposals to companies and their answers; an accepted proposal becomes an engagement (連携活動)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meister import mailing
from meister.scoping import may_change, saving_in_scope
from meister.signed_links import BadLink, LinkKind
from meister.validators import one_line
from partners.models import (
    OPEN_PROPOSAL,
    Engagement,
    ExchangeKind,
    NeedStatus,
    Person,
    PersonRole,
    Proposal,
    ProposalExchange,
    ProposalStatus,
    SchoolNeed,
)

ANSWER_MAX_AGE = timedelta(days=21)
REMIND_AFTER = timedelta(days=5)

ANSWER_LINK = LinkKind(
    salt="partners.proposal.answer",
    url_name="partners:proposal_answer_link",
    max_age=ANSWER_MAX_AGE,
    ask=gettext_lazy("お手数ですが、コーディネーターにご連絡ください。新しいリンクをお送りします。"),
)


def proposal_token(proposal: Proposal) -> str:
    return ANSWER_LINK.token(proposal.pk)


def proposal_from_token(token: str) -> Proposal:
    """The proposal a link names; raises ExpiredLink or BadLink."""
    try:
        return Proposal.objects.select_related("need", "need__school", "company").get(pk=ANSWER_LINK.read_id(token))
    except Proposal.DoesNotExist:
        raise BadLink from None


def _recipient(company) -> str:
    # Prefer the person whose job this is: the contact window, then a mentor, then anyone with an address.
    people = Person.objects.filter(company=company).exclude(email="")
    for role in (PersonRole.CONTACT, PersonRole.MENTOR, PersonRole.PRACTITIONER):
        person = people.filter(role=role).first()
        if person:
            return person.email
    first = people.first()
    return first.email if first else ""


def _send(proposal: Proposal, *, reminder: bool, now=None) -> None:
    """Mail the proposal's link and record it as mailed (or reminded) once the mail server has taken it."""
    link = ANSWER_LINK.url(proposal.pk)
    with translation.override("ja"):
        subject = (_("【再送】") if reminder else "") + _("連携のお願い：%(title)s") % {
            "title": one_line(proposal.need.title)
        }
        body = render_to_string(
            "partners/email/proposal.txt", {"proposal": proposal, "link": link, "reminder": reminder}
        )
    mailing.send(subject, body, proposal.sent_to)
    field = "reminded_at" if reminder else "mailed_at"
    Proposal.objects.filter(pk=proposal.pk).update(**{field: now or timezone.now()})


def _mail_first(proposals) -> int:
    return mailing.send_each([p for p in proposals if p.sent_to], lambda p: _send(p, reminder=False), what="proposal")


def default_message(need: SchoolNeed) -> str:
    """A request written for the company: what, when, how long, and what it gives the company."""
    with translation.override("ja"):
        return render_to_string("partners/email/proposal_message.txt", {"need": need}).strip()


def need_save(*, user, need: SchoolNeed) -> SchoolNeed:
    """Record a school's need; it stays where its author works (a teacher's need is for their own school)."""
    need.full_clean()
    with saving_in_scope(user, need):
        need.save()
    return need


@transaction.atomic
def proposals_send(*, user, need: SchoolNeed, companies, message: str) -> list[Proposal]:
    if not message.strip():
        raise ValidationError(_("企業へのメッセージを入力してください。"))
    if SchoolNeed.objects.get(pk=need.pk).status != NeedStatus.OPEN:
        raise ValidationError(_("このニーズは募集を終えています。"))
    created = []
    for company in companies:
        if Proposal.objects.filter(need=need, company=company).exists():
            continue
        proposal = Proposal(need=need, company=company, message=message, sent_by=user, sent_to=_recipient(company))
        proposal.full_clean()
        proposal.save()
        created.append(proposal)
    transaction.on_commit(lambda: _mail_first(created))
    return created


@transaction.atomic
def proposal_answer(*, proposal: Proposal, accept: bool, reason: str = "", answered_by: str) -> Engagement | None:
    # Lock the need first: two companies answering at once must not both take it.
    SchoolNeed.objects.select_for_update().get(pk=proposal.need_id)
    proposal = Proposal.objects.select_for_update().select_related("need").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.SENT:
        raise ValidationError(_("この依頼には既に回答済みです。"))
    if not accept and not reason.strip():
        raise ValidationError(_("辞退の理由を一言お書きください。今後の依頼の参考にします。"))
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    proposal.decline_reason = "" if accept else reason.strip()
    proposal.answered_at = timezone.now()
    proposal.answered_by = answered_by[:100]
    proposal.save()
    if not accept:
        return None
    need = proposal.need
    return _engage(proposal, start_on=need.start_on, end_on=need.end_on, students=need.students)


def _engage(proposal: Proposal, *, start_on, end_on, students) -> Engagement:
    need = proposal.need
    engagement = Engagement.objects.create(
        school=need.school,
        company=proposal.company,
        need=need,
        proposal=proposal,
        kind=need.kind,
        title=need.title,
        start_on=start_on,
        end_on=end_on,
        students=students,
    )
    SchoolNeed.objects.filter(pk=need.pk).update(status=NeedStatus.MATCHED)
    # The need is filled: the other companies' requests are withdrawn, and their links say so.
    need.proposals.filter(status__in=OPEN_PROPOSAL).exclude(pk=proposal.pk).update(
        status=ProposalStatus.WITHDRAWN, answered_at=timezone.now()
    )
    return engagement


def _locked(proposal: Proposal, *statuses) -> Proposal:
    SchoolNeed.objects.select_for_update().get(pk=proposal.need_id)
    proposal = Proposal.objects.select_for_update().select_related("need", "company").get(pk=proposal.pk)
    if proposal.status not in statuses:
        raise ValidationError(_("この依頼には既に回答済みです。"))
    return proposal


@transaction.atomic
def proposal_ask(*, proposal: Proposal, text: str, answered_by: str) -> ProposalExchange:
    """The company asks a question before answering; the coordinator hears of it and replies."""
    proposal = _locked(proposal, ProposalStatus.SENT)
    if not text.strip():
        raise ValidationError({"text": _("質問の内容を入力してください。")})
    exchange = _exchange(proposal, kind=ExchangeKind.QUESTION, text=text, written_by=answered_by)
    _set_status(proposal, ProposalStatus.QUESTION)
    transaction.on_commit(lambda: _tell_coordinator(proposal, exchange))
    return exchange


@transaction.atomic
def proposal_counter(
    *, proposal: Proposal, start_on=None, end_on=None, students=None, text: str = "", answered_by: str
) -> ProposalExchange:
    """The company proposes other dates or fewer students; the coordinator accepts it or answers."""
    proposal = _locked(proposal, ProposalStatus.SENT)
    need = proposal.need
    start_on, end_on = start_on or need.start_on, end_on or need.end_on
    students = students or need.students
    errors = {}
    if students > need.students:
        errors["students"] = _("依頼の人数（%(n)s人）以下にしてください。") % {"n": need.students}
    if end_on < start_on:
        errors["end_on"] = _("終了日は開始日以降にしてください。")
    if not errors and (start_on, end_on, students) == (need.start_on, need.end_on, need.students):
        errors["students"] = _("日程か人数のどちらかを変えて提案してください。")
    if errors:
        raise ValidationError(errors)
    exchange = _exchange(
        proposal,
        kind=ExchangeKind.COUNTER,
        text=text,
        written_by=answered_by,
        start_on=start_on,
        end_on=end_on,
        students=students,
    )
    _set_status(proposal, ProposalStatus.COUNTERED)
    transaction.on_commit(lambda: _tell_coordinator(proposal, exchange))
    return exchange


@transaction.atomic
def proposal_reply(*, user, proposal: Proposal, text: str) -> ProposalExchange:
    """The coordinator answers the company's question or counter-proposal; the company may answer again."""
    if not may_change(user, proposal):
        raise PermissionDenied
    proposal = _locked(proposal, ProposalStatus.QUESTION, ProposalStatus.COUNTERED)
    if not text.strip():
        raise ValidationError({"text": _("回答の内容を入力してください。")})
    exchange = _exchange(proposal, kind=ExchangeKind.REPLY, text=text, written_by=_name(user))
    _set_status(proposal, ProposalStatus.SENT)
    transaction.on_commit(lambda: mailing.send_each([proposal], lambda p: _send_reply(p, exchange), what="reply"))
    return exchange


@transaction.atomic
def proposal_accept_counter(*, user, proposal: Proposal) -> Engagement:
    """The coordinator takes the company's counter-proposal: the engagement is made on its dates and numbers."""
    if not may_change(user, proposal):
        raise PermissionDenied
    proposal = _locked(proposal, ProposalStatus.COUNTERED)
    counter = proposal.exchanges.filter(kind=ExchangeKind.COUNTER).order_by("-at", "-pk").first()
    _exchange(proposal, kind=ExchangeKind.COUNTER_ACCEPTED, text="", written_by=_name(user))
    proposal.status = ProposalStatus.ACCEPTED
    proposal.answered_at = timezone.now()
    proposal.save(update_fields=["status", "answered_at"])
    return _engage(proposal, start_on=counter.start_on, end_on=counter.end_on, students=counter.students)


def _name(user) -> str:
    return (user.get_full_name() or user.username)[:100]


def _set_status(proposal: Proposal, status: str) -> None:
    proposal.status = status
    proposal.save(update_fields=["status"])


def _exchange(proposal, *, kind, text, written_by, **terms) -> ProposalExchange:
    exchange = ProposalExchange(
        proposal=proposal, kind=kind, text=text.strip(), written_by=(written_by or "")[:100] or "—", **terms
    )
    exchange.full_clean()
    exchange.save()
    return exchange


def _tell_coordinator(proposal: Proposal, exchange: ProposalExchange) -> None:
    """The one who sent the proposal hears of the company's question or counter-proposal."""
    to = getattr(proposal.sent_by, "email", "")
    if not to:
        return

    def send(row):
        with translation.override("ja"):
            subject = _("【%(kind)s】%(company)s：%(title)s") % {
                "kind": exchange.get_kind_display(),
                "company": proposal.company.name,
                "title": one_line(proposal.need.title),
            }
            body = render_to_string(
                "partners/email/proposal_exchange.txt", {"proposal": proposal, "exchange": exchange}
            )
        mailing.send(subject, body, to)

    mailing.send_each([proposal], send, what="proposal exchange")


def _send_reply(proposal: Proposal, exchange: ProposalExchange) -> None:
    if not proposal.sent_to:
        return False
    with translation.override("ja"):
        subject = _("【回答】連携のお願い：%(title)s") % {"title": one_line(proposal.need.title)}
        body = render_to_string(
            "partners/email/proposal_reply.txt",
            {"proposal": proposal, "exchange": exchange, "link": ANSWER_LINK.url(proposal.pk)},
        )
    mailing.send(subject, body, proposal.sent_to)


def proposals_remind(*, now=None) -> int:
    """The beat job: mail again the proposals whose first mail failed, and remind once the companies that have not
    answered REMIND_AFTER after the mail; returns how many mails were handed over. One failing row is skipped."""
    now = now or timezone.now()
    waiting = (
        Proposal.objects.filter(status=ProposalStatus.SENT, need__status=NeedStatus.OPEN)
        .exclude(sent_to="")
        .select_related("need", "need__school", "company")
        .order_by("pk")
    )
    # A first mail is tried again as long as the link it would carry is worth sending.
    unmailed = waiting.filter(mailed_at__isnull=True, sent_at__gt=now - ANSWER_MAX_AGE)
    due = waiting.filter(reminded_at__isnull=True, mailed_at__lte=now - REMIND_AFTER)
    first = mailing.send_each(unmailed, lambda p: _send(p, reminder=False, now=now), what="proposal")
    return first + mailing.send_each(due, lambda p: _send(p, reminder=True, now=now), what="proposal reminder")


def engagement_feedback(*, user, engagement: Engagement, would_host_again, feedback: str) -> Engagement:
    engagement.would_host_again = would_host_again
    engagement.feedback = feedback
    engagement.full_clean()
    with saving_in_scope(user, engagement):
        engagement.save(update_fields=["would_host_again", "feedback"])
    return engagement
