"""Write every secret stored encrypted again with the first of the site's keys, so that the older keys can go."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from meister.encryption import EncryptedTextField


class Command(BaseCommand):
    help = (
        "暗号化して保存している秘密情報を、最新の鍵で暗号化し直します / "
        "re-encrypt every stored secret with the newest key (FIELD_ENCRYPTION_KEYS, or SECRET_KEY)"
    )

    def handle(self, *args, **options):
        total = 0
        with transaction.atomic():
            for model in apps.get_models():
                fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
                if not fields:
                    continue
                # Read in the clear with any of the keys, written back with the first; a value no key opens reads
                # empty and is left as it is.
                for pk, *values in model._base_manager.values_list("pk", *fields):
                    changes = {name: value for name, value in zip(fields, values, strict=True) if value}
                    if changes:
                        model._base_manager.filter(pk=pk).update(**changes)
                        total += 1
        self.stdout.write(f"{total} rows re-encrypted.")
