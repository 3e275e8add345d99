"""Meister Portal: settings, URLs and the Celery app; the core of users, roles, scopes and fiscal years."""

from meister.celery import app as celery_app

__all__ = ("celery_app",)
