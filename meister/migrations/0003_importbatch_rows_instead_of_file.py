"""Import batches keep the rows read at the preview instead of the uploaded file; stored files are removed."""

from django.core.files.storage import default_storage
from django.db import migrations, models

STALE = "この取り込みはポータルの更新前にアップロードされたものです。もう一度アップロードしてください。"


def remove_stored_files(apps, schema_editor):
    ImportBatch = apps.get_model("meister", "ImportBatch")
    for batch in ImportBatch.objects.exclude(file=""):
        if default_storage.exists(batch.file.name):
            default_storage.delete(batch.file.name)
    # A preview made before this change has no rows to take in: it must be uploaded again.
    ImportBatch.objects.filter(status="previewed").update(status="failed", error=STALE)


class Migration(migrations.Migration):
    dependencies = [
        ("meister", "0002_importbatch"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="rows",
            field=models.JSONField(blank=True, default=list, verbose_name="取り込む行"),
        ),
        migrations.RunPython(remove_stored_files, migrations.RunPython.noop),
        migrations.RemoveField(model_name="importbatch", name="file"),
    ]
