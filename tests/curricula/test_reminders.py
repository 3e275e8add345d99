"""Mentors hear the day before who comes to them."""

import datetime


def test_mentors_hear_the_day_before_who_comes(demo, settings):
    from django.core import mail

    from curricula.models import Placement
    from curricula.services import placement_day_reminders_send

    wednesday = demo.today + datetime.timedelta(days=6)  # next week's Wednesday
    expected = Placement.objects.filter(
        starts_on__lte=wednesday, ends_on__gte=wednesday, weekdays__contains="2", mentor__isnull=False
    )
    mentors = {p.mentor for p in expected}
    assert placement_day_reminders_send(day=wednesday) == len(mentors) >= 1
    sent = {m.to[0]: m for m in mail.outbox}
    for placement in expected:
        assert placement.student.kana_name in sent[placement.mentor.email].body
    assert "curricula.tasks.send_placement_day_reminders" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert placement_day_reminders_send(day=demo.today + datetime.timedelta(days=3)) == 0  # a Sunday
