"""Periodic work for the fact-finding survey; schedule it daily with Celery beat (or run `remind_surveys`)."""

from celery import shared_task

from assessments.services.survey import surveys_remind


@shared_task
def remind_unanswered_surveys() -> int:
    return surveys_remind()
