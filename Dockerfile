# Meister Portal: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-ipaexfont fontconfig gettext \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --requirement requirements.lock
COPY . .
# Build-time only values: compile translations and collect static files into the image.
RUN DEBUG=false SECRET_KEY=build-only-not-used-at-run-time ALLOWED_HOSTS=build SITE_URL=https://build.invalid \
      MEISTER_VAR_DIR=/app/var \
      sh -c "python manage.py compilemessages --ignore=.venv -v0 && python manage.py collectstatic --no-input -v0" \
 && useradd --create-home meister && mkdir -p /app/var/media && chown -R meister /app/var
USER meister
EXPOSE 8000
CMD ["gunicorn", "meister.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
