"""Production settings pass Django's deployment checks; bad environment values stop start-up."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "p9Xk2mQv7LrT4wZs8NcB1yHd6FjG3eUa5KoRtWq0iPxVbYnMzA7s",
    "ALLOWED_HOSTS": "meister.example.jp",
    "DATABASE_URL": "postgres://meister:secret@db.internal:5432/meister",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "SITE_URL": "https://meister.example.jp",
}


def manage(*args, **env):
    # Only what the test names: drop what the test settings put in this process's environment.
    test_only = {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "MEISTER_DEMO",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "MEDIA_ROOT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "SITE_URL",
    }
    base = {k: v for k, v in os.environ.items() if k not in test_only}
    base["DJANGO_SETTINGS_MODULE"] = "meister.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_demo_in_a_deployment_fails_the_deploy_check():
    result = manage("check", "--deploy", **PRODUCTION, MEISTER_DEMO="true")
    assert result.returncode != 0
    assert "meister.E001" in result.stderr


def test_production_has_no_demo():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.DEMO_ENABLED, settings.DEBUG)",
        **PRODUCTION,
    )
    assert result.stdout.split() == ["False", "False"], result.stderr


@pytest.mark.parametrize(
    "change, message",
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"SECRET_KEY": ""}, "SECRET_KEY (or SECRET_KEY_FILE) must be set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must be a postgres"),
        ({"SECURE_HSTS_SECONDS": "a year"}, "SECURE_HSTS_SECONDS must be a whole number"),
        ({"SITE_URL": ""}, "SITE_URL must be the portal's address"),
        ({"SITE_URL": "meister.example.jp"}, "SITE_URL must be the portal's address"),
    ],
)
def test_bad_environment_stops_with_a_clear_error(change, message):
    result = manage("check", **{**PRODUCTION, **change})
    assert result.returncode != 0
    assert message in result.stderr


def test_embedded_default_runs_without_any_service(tmp_path):
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL)",
        DEBUG="true",
        MEISTER_VAR_DIR=str(tmp_path),
        DATABASE_URL="",
        REDIS_URL="",
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://"], result.stderr


def test_static_files_collect_for_production(tmp_path):
    """The Docker build runs this; hashed names need every referenced file (source maps included)."""
    result = manage("collectstatic", "--no-input", "-v", "0", **PRODUCTION, MEISTER_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles" / "staticfiles.json").read_text(encoding="utf-8")
    assert "vendor/bootstrap/bootstrap.min.css" in manifest and "django_htmx/htmx-2.min.js" in manifest


def test_pages_load_no_assets_from_other_hosts():
    import re
    from pathlib import Path

    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for match in re.finditer(r'(?:src|href)="(https?:)?//', template.read_text(encoding="utf-8")):
            offenders.append(f"{template.name}: {match.group(0)}")
    assert offenders == []


def test_health_probe_is_not_redirected_to_https():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.test import Client; r = Client().get('/healthz', HTTP_HOST='meister.example.jp');"
        " print(r.status_code, Client().get('/', HTTP_HOST='meister.example.jp').status_code)",
        **{**PRODUCTION, "DATABASE_URL": os.environ["DATABASE_URL"]},
    )
    assert result.stdout.split() == ["200", "301"], result.stderr


def test_local_settings_file_serves_development_and_never_overrides_the_environment(tmp_path):
    """`make run` writes local.env; commands in the checkout read it, and a variable set by hand wins."""
    local = tmp_path / "local.env"
    local.write_text("DEBUG=true\nSECRET_KEY=local-development-secret\nSITE_URL=http://127.0.0.1:8201\n")
    script = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY, settings.SITE_URL)"
    result = manage("shell", "-v", "0", "-c", script, MEISTER_LOCAL_ENV=str(local), MEISTER_VAR_DIR=str(tmp_path))
    assert result.stdout.split() == ["True", "local-development-secret", "http://127.0.0.1:8201"], result.stderr
    result = manage("shell", "-v", "0", "-c", script, MEISTER_LOCAL_ENV=str(local), **PRODUCTION)
    assert result.stdout.split() == ["False", PRODUCTION["SECRET_KEY"], PRODUCTION["SITE_URL"]], result.stderr
