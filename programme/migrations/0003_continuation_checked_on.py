import datetime

import django.db.models
from django.db import migrations

import meister.validators


class Migration(migrations.Migration):
    dependencies = [("programme", "0002_expense_categories")]

    operations = [
        migrations.AddField(
            model_name="continuationstatus",
            name="checked_on",
            field=django.db.models.DateField(
                default=datetime.date(2025, 3, 31),
                help_text="継続しているかを確かめた日",
                validators=[meister.validators.validate_record_date],
                verbose_name="確認日",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="continuationstatus",
            name="note",
            field=django.db.models.CharField(
                blank=True, max_length=300, validators=[meister.validators.validate_text_line], verbose_name="状況"
            ),
        ),
    ]
