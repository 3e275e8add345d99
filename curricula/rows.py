"""The placement list's rows as plain text, worked out in one pass.

A list of fifty placements drew each row from a dozen model lookups, three translated sentences, a URL and a filter:
about 25 template nodes a row, which cost more than its queries. Here each row's words are made once, with the
translations looked up once a page, and the template prints them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from curricula.templatetags.rosters import student_name
from meister.links import row_urls


@dataclass(frozen=True)
class PlacementRow:
    kana: str
    url: str
    name: str  # HTML: the name as `student_name` shows it (full name and ふりがな where the user may see both)
    plain_name: str  # the same name as text, for the progress bar's label
    school: str
    company: str
    mentor: str
    kind: str
    pattern: str  # subject and weekdays
    confirmed: str
    required: str
    percent: int
    logged: str  # "記録 12.0" when logged hours differ from confirmed ones, else ""
    missing: int
    pending: int
    agreement: str
    bar_label: str
    bar_text: str


def placement_rows(placements, *, full_names: bool) -> list[PlacementRow]:
    """Rows for placements that carry their `progress` (`selectors.with_progress`)."""
    url = row_urls("curricula:placement_detail")
    every_week, recorded = _("毎週%(days)s曜"), _("記録 %(h)s")
    bar_label, bar_text = _("%(name)sさんの確認済み時間数"), _("%(done)s / %(required)s 時間")
    kinds, agreements = {}, {}
    rows = []
    for p in placements:
        student, progress = p.student, p.progress
        plain = student.full_name if full_names and student.full_name else student.kana_name
        confirmed, required = str(progress.confirmed_hours), str(p.required_hours)
        if p.kind not in kinds:
            kinds[p.kind] = str(p.get_kind_display())
        if p.agreement_status not in agreements:
            agreements[p.agreement_status] = str(p.get_agreement_status_display())
        subject = p.subject.name if p.subject else ""
        rows.append(
            PlacementRow(
                kana=student.kana_name,
                url=url(p.pk),
                name=student_name(student, full_names),
                plain_name=plain,
                school=f"{student.school.name} {student.class_name}-{student.number}",
                company=p.company.name,
                mentor=p.mentor.name if p.mentor else "",
                kind=kinds[p.kind],
                pattern=f"{subject} {every_week % {'days': p.weekday_labels}}",
                confirmed=confirmed,
                required=required,
                percent=progress.percent_of(p.required_hours),
                logged=recorded % {"h": progress.logged_hours}
                if progress.logged_hours != progress.confirmed_hours
                else "",
                missing=len(progress.missing),
                pending=progress.pending,
                agreement=agreements[p.agreement_status],
                bar_label=bar_label % {"name": plain},
                bar_text=bar_text % {"done": confirmed, "required": required},
            )
        )
    return rows
