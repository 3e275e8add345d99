"""The identity providers' client secrets are stored encrypted, read with any of the site's keys, rotated on demand."""

import importlib
import logging

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from meister.encryption import decrypt, derived_key
from partners.models import Prefecture
from sso.models import SignInConfiguration

SECRET = "client-secret-at-rest-7c1d"
MIGRATION = importlib.import_module("sso.migrations.0002_encrypted_client_secret")


def stored(configuration) -> str:
    """The column as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM sso_signinconfiguration WHERE id = %s", [configuration.pk])
        return cursor.fetchone()[0]


def write_stored(configuration, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE sso_signinconfiguration SET client_secret = %s WHERE id = %s", [value, configuration.pk])


@pytest.fixture
def configuration(db):
    return SignInConfiguration.objects.create(
        name="滋賀県立学校",
        prefecture=Prefecture.objects.get(code="25"),
        issuer="https://accounts.example.jp",
        client_id="portal",
        client_secret=SECRET,
        email_domains="shiga.example.jp",
    )


def test_the_database_holds_the_secret_encrypted_and_the_portal_reads_it_in_the_clear(configuration):
    assert SECRET not in stored(configuration)
    assert decrypt(stored(configuration)) == SECRET
    assert SignInConfiguration.objects.get(pk=configuration.pk).client_secret == SECRET


def test_by_default_the_key_comes_from_the_secret_key_and_its_fallbacks_still_read(configuration, settings):
    written_under = settings.SECRET_KEY
    assert Fernet(derived_key(written_under)).decrypt(stored(configuration).encode()).decode() == SECRET
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-site-key", [written_under]
    assert SignInConfiguration.objects.get(pk=configuration.pk).client_secret == SECRET


def test_keys_rotate_newest_first_and_the_command_writes_everything_again(configuration, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    configuration.save()
    assert Fernet(old).decrypt(stored(configuration).encode()).decode() == SECRET
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert SignInConfiguration.objects.get(pk=configuration.pk).client_secret == SECRET
    call_command("rotate_secrets", verbosity=0)
    with pytest.raises(InvalidToken):
        Fernet(old).decrypt(stored(configuration).encode())
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert SignInConfiguration.objects.get(pk=configuration.pk).client_secret == SECRET


def test_a_secret_no_key_opens_reads_empty_and_is_logged(configuration, settings, caplog):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with caplog.at_level(logging.ERROR, logger="meister.encryption"):
        assert SignInConfiguration.objects.get(pk=configuration.pk).client_secret == ""
    assert "could not be decrypted" in caplog.text


def test_the_migration_encrypts_secrets_stored_in_the_clear_and_undoes_it(configuration):
    write_stored(configuration, SECRET)
    with connection.schema_editor() as editor:
        MIGRATION.encrypt_stored_secrets(None, editor)
    assert SECRET not in stored(configuration) and decrypt(stored(configuration)) == SECRET
    encrypted = stored(configuration)
    with connection.schema_editor() as editor:
        MIGRATION.encrypt_stored_secrets(None, editor)  # twice changes nothing
    assert stored(configuration) == encrypted
    with connection.schema_editor() as editor:
        MIGRATION.decrypt_stored_secrets(None, editor)
    assert stored(configuration) == SECRET


def test_a_bad_key_in_the_settings_stops_start_up():
    import subprocess
    import sys

    from django.conf import settings as django_settings

    env = {"DEBUG": "true", "FIELD_ENCRYPTION_KEYS": "not-a-key", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='meister.settings'; django.setup()",
        ],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS must list Fernet keys" in result.stderr
