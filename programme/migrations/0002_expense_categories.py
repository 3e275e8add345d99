"""The ministry's expense categories (費目) for the programme's years, as its 委託要項 lists them."""

from django.db import migrations

CATEGORIES = [
    ("personnel", "人件費", "事業に従事する者の給与・賃金"),
    ("honoraria", "諸謝金", "講師・委員等への謝金"),
    ("travel", "旅費", "委員・講師・職員の旅費"),
    ("rental", "借損料", "会場・機器の借料及び損料"),
    ("consumables", "消耗品費", "事業に必要な消耗品の購入"),
    ("meetings", "会議費", "会議に必要な飲料等"),
    ("communication", "通信運搬費", "郵送料・通信料・運搬費"),
    ("printing", "印刷製本費", "報告書・資料の印刷製本"),
    ("services", "雑役務費", "業務の一部の外注、振込手数料等"),
    ("subcontract", "再委託費", "事業の一部を他の機関に委託する費用"),
    ("general", "一般管理費", "事業を行うために必要な経費のうち按分できないもの"),
]
YEARS = range(2021, 2031)


def load(apps, schema_editor):
    ExpenseCategory = apps.get_model("programme", "ExpenseCategory")
    for year in YEARS:
        for order, (code, name, description) in enumerate(CATEGORIES, start=1):
            ExpenseCategory.objects.get_or_create(
                fiscal_year=year, code=code, defaults={"name": name, "order": order, "description": description}
            )


class Migration(migrations.Migration):
    dependencies = [("programme", "0001_supporters_plans_ledger_network")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
