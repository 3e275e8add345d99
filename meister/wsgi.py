"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from meister.process import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meister.settings")
application = get_wsgi_application()

settle()
