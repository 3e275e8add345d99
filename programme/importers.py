"""The ledger from a file: an accountant's sheet of payments (支出日, 費目, 支払先, 内容, 金額) into a designation's
ledger, through the import pipeline (preview, then all rows or none). A second run of the same file changes nothing.
Receipts are attached to the entries afterwards, one by one."""

import datetime
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meister.importing import Importer, ImportField, keep_text, name_key, nfkc
from meister.models import ImportKind
from programme.models import ExpenseCategory, LedgerEntry

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$")
_YEN = re.compile(r"^[¥￥]?\s*(\d{1,3}(?:,\d{3})+|\d+)\s*円?$")


def import_date(text: str) -> datetime.date | None:
    """2026-08-01, 2026/8/1, 2026.8.1 or 2026年8月1日 (half- or full-width digits); None when it is not a date."""
    match = _DATE.match(nfkc(text))
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def import_yen(text: str) -> int | None:
    """Whole yen: 12000, 12,000, ¥12,000 or 12,000円; None for anything else (fractions, signs, words)."""
    match = _YEN.match(nfkc(text).strip())
    return int(match.group(1).replace(",", "")) if match else None


class LedgerImporter(Importer):
    kind = ImportKind.LEDGER
    model = LedgerEntry
    fields = (
        ImportField("spent_on", gettext_lazy("支出日"), aliases=("日付", "支払日", "年月日"), required=True),
        ImportField("category", gettext_lazy("費目"), aliases=("経費区分", "科目"), required=True),
        ImportField("payee", gettext_lazy("支払先"), aliases=("相手先", "取引先"), required=True, normalise=keep_text),
        ImportField("description", gettext_lazy("内容"), aliases=("摘要", "品名"), required=True, normalise=keep_text),
        ImportField("amount_yen", gettext_lazy("金額"), aliases=("金額（円）", "支出額", "支払額"), required=True),
    )
    name_fields = frozenset()

    def __init__(self, *, designation):
        self.designation = designation

    def prepare(self, rows, context):
        categories = ExpenseCategory.objects.filter(fiscal_year=self.designation.fiscal_year)
        context.cache["categories"] = {name_key(category.name): category for category in categories}
        context.cache["booked"] = {
            self._key_of(entry): entry for entry in LedgerEntry.objects.filter(designation=self.designation)
        }

    def clean_values(self, row, context, problems):
        values = {"designation": self.designation}
        spent_on = import_date(row.get("spent_on"))
        if row.get("spent_on") and spent_on is None:
            problems.add("spent_on", _("支出日「%(value)s」が日付として読めません。") % {"value": row.get("spent_on")})
        elif spent_on:
            values["spent_on"] = spent_on
        category_name = row.get("category")
        if category_name:
            category = context.cache["categories"].get(name_key(category_name))
            if category is None:
                problems.add(
                    "category",
                    _("費目「%(value)s」はこの年度の費目にありません。") % {"value": category_name},
                )
            else:
                values["category"] = category
        amount = row.get("amount_yen")
        if amount:
            yen = import_yen(amount)
            if yen is None:
                problems.add("amount_yen", _("金額「%(value)s」は円単位の整数で入力してください。") % {"value": amount})
            else:
                values["amount_yen"] = yen
        for name in ("payee", "description"):
            if row.get(name):
                values[name] = row.get(name)
        return values

    def find_existing(self, values, context, problems):
        key = (values.get("spent_on"), values.get("payee"), values.get("description"), values.get("amount_yen"))
        return context.cache["booked"].get(key)

    def key(self, instance):
        return self._key_of(instance)

    @staticmethod
    def _key_of(entry):
        return (entry.spent_on, entry.payee, entry.description, entry.amount_yen)

    def new_instance(self, values, context):
        return LedgerEntry(designation=self.designation, booked_by=context.user)

    def label(self, row, instance):
        return f"{row.get('spent_on')} {row.get('payee')} {row.get('amount_yen')}"
