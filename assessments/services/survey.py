"""The fact-finding survey (実態調査): recipients from the registry, signed links, answers, reminders, practices."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Practice, Recipient, RespondentType, Survey, SurveyAnswer
from meister import clock, mailing
from meister.scoping import saving_in_scope
from meister.signed_links import BadLink, LinkKind
from meister.validators import one_line
from partners.models import Company, OrganisationKind, Person, Prefecture, School

# A link lives a little past any sensible deadline; the deadline itself is checked on the answer.
ANSWER_MAX_AGE = timedelta(days=120)
REMIND_BEFORE = timedelta(days=7)

ANSWER_LINK = LinkKind(
    salt="assessments.survey.answer",
    url_name="assessments:survey_answer_link",
    max_age=ANSWER_MAX_AGE,
    ask=gettext_lazy("お手数ですが、調査の担当者にご連絡ください。"),
)


def recipient_token(recipient: Recipient) -> str:
    return ANSWER_LINK.token(recipient.pk)


def recipient_from_token(token: str) -> Recipient:
    """The recipient a link names; raises ExpiredLink or BadLink."""
    try:
        return Recipient.objects.select_related("survey", "prefecture").get(pk=ANSWER_LINK.read_id(token))
    except Recipient.DoesNotExist:
        raise BadLink from None


def _first_email(people) -> str:
    person = people.exclude(email="").order_by("pk").first()
    return person.email if person else ""


def survey_create(*, user, respondent_types, **values) -> Survey:
    """A survey of the user's area (their prefecture, or the nation) with one recipient per registered respondent."""
    survey = Survey(created_by=user, prefecture=user.prefecture if user.prefecture_id else None, **values)
    survey.full_clean()
    with saving_in_scope(user, survey):
        survey.save()
        schools = School.objects.select_related("prefecture")
        companies = Company.objects.select_related("prefecture")
        prefectures = Prefecture.objects.filter(consortium__isnull=False).distinct()
        if survey.prefecture_id:
            schools = schools.filter(prefecture=survey.prefecture)
            companies = companies.filter(prefecture=survey.prefecture)
            # A prefecture does not survey itself.
            prefectures = prefectures.none()
        recipients = []
        if RespondentType.PREFECTURE in respondent_types:
            for prefecture in prefectures:
                board = Person.objects.filter(
                    organisation__prefecture=prefecture, organisation__kind=OrganisationKind.BOARD_OF_EDUCATION
                )
                recipients.append(
                    Recipient(
                        survey=survey,
                        respondent_type=RespondentType.PREFECTURE,
                        name=str(prefecture.name),
                        email=_first_email(board),
                        prefecture=prefecture,
                    )
                )
        if RespondentType.SCHOOL in respondent_types:
            for school in schools:
                recipients.append(
                    Recipient(
                        survey=survey,
                        respondent_type=RespondentType.SCHOOL,
                        name=school.name,
                        email=_first_email(school.people.all()),
                        prefecture=school.prefecture,
                    )
                )
        if RespondentType.COMPANY in respondent_types:
            for company in companies:
                recipients.append(
                    Recipient(
                        survey=survey,
                        respondent_type=RespondentType.COMPANY,
                        name=company.name,
                        email=_first_email(company.people.all()),
                        prefecture=company.prefecture,
                    )
                )
        Recipient.objects.bulk_create(recipients)
    return survey


def _send(recipient: Recipient, *, reminder: bool) -> None:
    link = ANSWER_LINK.url(recipient.pk)
    with translation.override("ja"):
        subject = (_("【再送】") if reminder else "") + _("ご協力のお願い：%(title)s") % {
            "title": one_line(recipient.survey.title)
        }
        body = render_to_string(
            "assessments/email/survey.txt", {"recipient": recipient, "link": link, "reminder": reminder}
        )
    mailing.send(subject, body, recipient.email)


def survey_send(*, survey: Survey, now=None) -> int:
    """Email the link to every recipient with an address who has not had it yet."""
    now = now or timezone.now()
    recipients = survey.recipients.select_related("survey").filter(sent_at__isnull=True).exclude(email="")

    def invite(recipient):
        _send(recipient, reminder=False)
        Recipient.objects.filter(pk=recipient.pk).update(sent_at=now)

    return mailing.send_each(recipients.order_by("pk"), invite, what="survey recipient")


def surveys_remind(*, now=None) -> int:
    """Remind once, a week before the deadline, everyone who was sent the link and has not answered."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Recipient.objects.select_related("survey").filter(
        sent_at__isnull=False,
        reminded_at__isnull=True,
        answer__isnull=True,
        survey__deadline__gte=today,
        survey__deadline__lte=today + REMIND_BEFORE,
    )

    def remind(recipient):
        _send(recipient, reminder=True)
        Recipient.objects.filter(pk=recipient.pk).update(reminded_at=now)

    return mailing.send_each(due.order_by("pk"), remind, what="survey reminder")


def survey_answer_save(*, recipient: Recipient, **values) -> SurveyAnswer:
    """Save (or correct, until the deadline) a recipient's answer."""
    if clock.today() > recipient.survey.deadline:
        raise ValidationError(_("回答期限を過ぎているため、回答を受け付けられません。"))
    answer = SurveyAnswer.objects.filter(recipient=recipient).first() or SurveyAnswer(recipient=recipient)
    for name, value in values.items():
        setattr(answer, name, value)
    answer.full_clean()
    answer.save()
    return answer


def practice_create(*, user, **values) -> Practice:
    practice = Practice(created_by=user, **values)
    if practice.prefecture_id is None and user.prefecture_id:
        practice.prefecture = user.prefecture
    if practice.consortium_id and practice.prefecture_id is None:
        practice.prefecture = practice.consortium.prefecture
    practice.full_clean()
    with saving_in_scope(user, practice):
        practice.save()
    return practice


def practice_from_answer(*, user, answer: SurveyAnswer) -> Practice:
    """A reported solution becomes an entry of the practice library, naming no respondent."""
    return practice_create(
        user=user,
        title=one_line(answer.solution, limit=60),
        stage=answer.stage,
        issue=answer.solution_issue,
        summary=answer.solution,
        prefecture=answer.recipient.prefecture,
        source=answer,
    )
