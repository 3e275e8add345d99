"""The Celery application: long jobs (reports, imports) run here, never inside a web request."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meister.settings")

app = Celery("meister")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
