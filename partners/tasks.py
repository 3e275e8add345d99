"""Periodic work for matching, run by Celery beat."""

from celery import shared_task

from partners.services.matching import proposals_remind


@shared_task
def remind_unanswered_proposals() -> int:
    return proposals_remind()
