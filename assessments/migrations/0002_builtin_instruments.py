from django.db import migrations

from assessments.builtins import load_builtin_instruments


def load(apps, schema_editor):
    load_builtin_instruments(
        apps.get_model("assessments", "Instrument"),
        apps.get_model("assessments", "Subscale"),
        apps.get_model("assessments", "Item"),
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
