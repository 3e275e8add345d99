from django.db import migrations

from partners.reference import load_industry_divisions, load_prefectures


def load(apps, schema_editor):
    load_prefectures(apps.get_model("partners", "Prefecture"))
    load_industry_divisions(apps.get_model("partners", "IndustryDivision"))


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
