"""Choice labels from tables made once per language, and row links from a pattern reversed once."""

import datetime

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from curricula.models import Attendance, DayLog, LogStatus
from meister.labels import choice_label
from meister.links import day_urls, row_urls
from partners.models import NeedStatus, OfferKind, SchoolNeed


def test_a_choice_label_is_the_display_in_the_readers_language():
    log = DayLog(status=LogStatus.CONFIRMED, attendance=Attendance.ABSENT)
    for language in ("ja", "en"):
        with translation.override(language):
            assert log.status_label == log.get_status_display()
            assert log.attendance_label == log.get_attendance_display()
    with translation.override("en"):
        english = log.status_label
    with translation.override("ja"):
        assert log.status_label != english  # one table per language, not the first one asked for
    assert choice_label(LogStatus, "no-such-status") == "no-such-status"


def test_a_needs_labels_are_its_displays():
    for kind in OfferKind.values:
        need = SchoolNeed(kind=kind, status=NeedStatus.MATCHED)
        for language in ("ja", "en"):
            with translation.override(language):
                assert (need.kind_label, need.status_label) == (need.get_kind_display(), need.get_status_display())


def test_row_links_are_the_pages_url_would_give():
    for pk in (1, 42, 2_147_483_646):
        assert row_urls("curricula:placement_detail")(pk) == reverse("curricula:placement_detail", args=[pk])
    for day in (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)):
        assert day_urls("curricula:log_day")(day) == reverse("curricula:log_day", args=[day])
    shown = Template("{% load rows %}{{ pk|row_url:'curricula:day_log_edit' }}").render(Context({"pk": 7}))
    assert shown == reverse("curricula:day_log_edit", args=[7])
