"""Periodic reminders, scheduled in CELERY_BEAT_SCHEDULE: the day before a placement day, and for unconfirmed days."""

from celery import shared_task

from curricula.services import confirmation_reminders_send
from meister import clock


@shared_task
def send_confirmation_reminders(older_than_days: int = 2) -> int:
    return confirmation_reminders_send(older_than_days=older_than_days)


@shared_task
def send_placement_day_reminders() -> int:
    """Run each morning: mentors hear who comes tomorrow."""
    import datetime

    from curricula.services import placement_day_reminders_send

    return placement_day_reminders_send(day=clock.today() + datetime.timedelta(days=1))


@shared_task
def evaluation_reminders_send() -> int:
    """Run each morning: mentors hear of the evaluations due within the reminder days, once each."""
    from curricula.services import evaluations

    return evaluations.evaluation_reminders_send(today=clock.today())
