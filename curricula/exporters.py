"""Downloads of placements and of day logs (the prefecture's runs to 100,000 rows and more)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curricula.models import Attendance, LogStatus
from curricula.rosters import TEMPLATE_ROWS, RosterImporter
from meister.exporting import Column, ListExporter

# What the day-log export reads: a prefecture's file runs to 100,000 rows and more, so it reads plain rows
# of just these values rather than a model instance per day log, placement, student and company.
DAY_LOG_EXPORT_FIELDS = (
    "day",
    "placement__student__kana_name",
    "placement__student__class_name",
    "placement__student__number",
    "placement__company__name",
    "attendance",
    "hours",
    "activities",
    "reflection",
    "status",
    "feedback",
    "rejection_reason",
)


class DayLogExporter(ListExporter):
    """Day logs as plain rows of DAY_LOG_EXPORT_FIELDS; give it a queryset of DayLog."""

    title = gettext_lazy("実習日の記録")
    filename = "day_logs"

    def __init__(self, logs):
        super().__init__(logs.values_list(*DAY_LOG_EXPORT_FIELDS, named=True))

    def columns(self):
        # Labels translated once for the file, not once per row.
        attendance = {value: str(label) for value, label in Attendance.choices}
        status = {value: str(label) for value, label in LogStatus.choices}
        return [
            Column(_("実習日"), lambda log: log.day),
            Column(_("生徒"), lambda log: log.placement__student__kana_name),
            Column(_("組"), lambda log: log.placement__student__class_name),
            Column(_("出席番号"), lambda log: log.placement__student__number),
            Column(_("受入れ企業"), lambda log: log.placement__company__name),
            Column(_("出欠"), lambda log: attendance.get(log.attendance, log.attendance)),
            Column(_("時間数"), lambda log: float(log.hours)),
            Column(_("実習内容"), lambda log: log.activities),
            Column(_("生徒の振り返り（実習日誌）"), lambda log: log.reflection),
            Column(_("状態"), lambda log: status.get(log.status, log.status)),
            Column(_("指導担当者のコメント"), lambda log: log.feedback),
            Column(_("差し戻しの理由"), lambda log: log.rejection_reason),
        ]


class PlacementExporter(ListExporter):
    """Placements with their progress (rows from `selectors.with_progress`)."""

    title = gettext_lazy("実習の受入れ")
    filename = "placements"

    def columns(self):
        return [
            Column(_("生徒"), lambda p: p.student.kana_name),
            Column(_("組"), lambda p: p.student.class_name),
            Column(_("出席番号"), lambda p: p.student.number),
            Column(_("受入れ企業"), lambda p: p.company.name),
            Column(_("形態"), lambda p: p.get_kind_display()),
            Column(_("科目"), lambda p: p.subject.name if p.subject else ""),
            Column(_("開始日"), lambda p: p.starts_on),
            Column(_("終了日"), lambda p: p.ends_on),
            Column(_("実習の曜日"), lambda p: p.weekday_labels),
            Column(_("確認済み時間数"), lambda p: float(p.progress.confirmed_hours)),
            Column(_("必要時間数"), lambda p: float(p.required_hours)),
            Column(_("未記録の日数"), lambda p: len(p.progress.missing)),
            Column(_("確認待ち"), lambda p: p.progress.pending),
            Column(_("三者協定"), lambda p: p.get_agreement_status_display()),
        ]


class RosterTemplateExporter(ListExporter):
    """The roster file's columns with two example rows, as the import page offers it (.csv or .xlsx)."""

    title = gettext_lazy("生徒名簿")
    filename = "roster_template"

    def __init__(self):
        super().__init__(TEMPLATE_ROWS)

    def columns(self) -> list[Column]:
        headers = [str(field.label) for field in RosterImporter.fields]
        return [Column(header, lambda row, i=i: row[i]) for i, header in enumerate(headers)]
