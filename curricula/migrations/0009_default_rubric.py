"""The national default rubric, modelled on the public ジョブ・カード 職業能力評価シート (curricula/data/default_rubric.json)."""

import json
from pathlib import Path

from django.db import migrations

SOURCE = Path(__file__).resolve().parent.parent / "data" / "default_rubric.json"


def load(apps, schema_editor):
    Rubric = apps.get_model("curricula", "Rubric")
    RubricItem = apps.get_model("curricula", "RubricItem")
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    if Rubric.objects.filter(prefecture=None, consortium=None, name=data["name"]).exists():
        return
    rubric = Rubric.objects.create(name=data["name"], levels=data["levels"])
    RubricItem.objects.bulk_create(
        RubricItem(rubric=rubric, section=section, position=n, title=title, criterion=criterion, descriptors=words)
        for n, (section, title, criterion, words) in enumerate(data["items"], start=1)
    )


def unload(apps, schema_editor):
    apps.get_model("curricula", "Rubric").objects.filter(prefecture=None, consortium=None).delete()


class Migration(migrations.Migration):
    dependencies = [("curricula", "0008_evaluations")]
    operations = [migrations.RunPython(load, unload)]
