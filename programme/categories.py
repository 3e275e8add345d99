"""The ministry's expense categories (費目) as its 委託要項 lists them. The categories are data per fiscal year (the
ministry may change them in the admin); this list is what a year starts from when it has none."""

DEFAULT_CATEGORIES = [
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


def ensure_expense_categories(fiscal_year: int) -> int:
    """Gives a fiscal year with no categories the default list; a year that has any is left as the ministry keeps
    it. Returns how many categories were created."""
    from programme.models import ExpenseCategory

    if ExpenseCategory.objects.filter(fiscal_year=fiscal_year).exists():
        return 0
    created = ExpenseCategory.objects.bulk_create(
        ExpenseCategory(fiscal_year=fiscal_year, code=code, name=name, order=order, description=description)
        for order, (code, name, description) in enumerate(DEFAULT_CATEGORIES, start=1)
    )
    return len(created)
