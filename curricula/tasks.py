"""Periodic reminders; add to CELERY_BEAT_SCHEDULE as "curricula.tasks.send_confirmation_reminders"."""

from celery import shared_task

from curricula.links import default_base_url
from curricula.services import confirmation_reminders_send


@shared_task
def send_confirmation_reminders(older_than_days: int = 2) -> int:
    return confirmation_reminders_send(base_url=default_base_url(), older_than_days=older_than_days)
