"""The client secrets are stored encrypted (meister.encryption): the column becomes text, and every secret stored
in the clear before is encrypted in place (and decrypted again when the migration is undone)."""

from cryptography.fernet import InvalidToken
from django.db import migrations

import meister.encryption
from meister.encryption import decrypt, encrypt

TABLE = "sso_signinconfiguration"


def _rewrite(schema_editor, change):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('id')}, {quote('client_secret')} FROM {quote(TABLE)}")
        for pk, stored in cursor.fetchall():
            written = change(stored or "")
            if written is not None:
                cursor.execute(
                    f"UPDATE {quote(TABLE)} SET {quote('client_secret')} = %s WHERE {quote('id')} = %s", [written, pk]
                )


def _encrypted(stored: str) -> str | None:
    try:
        decrypt(stored)
    except InvalidToken:
        return encrypt(stored) if stored else None
    return None  # encrypted already


def _in_the_clear(stored: str) -> str | None:
    try:
        return decrypt(stored)
    except InvalidToken:
        return None


def encrypt_stored_secrets(apps, schema_editor):
    _rewrite(schema_editor, _encrypted)


def decrypt_stored_secrets(apps, schema_editor):
    _rewrite(schema_editor, _in_the_clear)


class Migration(migrations.Migration):
    dependencies = [
        ("sso", "0001_sign_in_configurations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="signinconfiguration",
            name="client_secret",
            field=meister.encryption.EncryptedTextField(verbose_name="クライアントシークレット"),
        ),
        migrations.RunPython(encrypt_stored_secrets, decrypt_stored_secrets),
    ]
