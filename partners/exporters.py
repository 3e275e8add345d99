"""The registry's downloads: schools, companies, management bodies, people and partnership agreements."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meister.exporting import Column, ListExporter


def _fill_rate(school):
    if not school.capacity_total:
        return ""
    return round(school.enrolment_total / school.capacity_total * 100, 1)


class SchoolExporter(ListExporter):
    title = gettext_lazy("学校")
    filename = "schools"

    def columns(self):
        return [
            Column(_("学校コード"), lambda s: s.code),
            Column(_("学校名"), lambda s: s.name),
            Column(_("よみがな"), lambda s: s.kana),
            Column(_("都道府県"), lambda s: s.prefecture.name),
            Column(_("市区町村"), lambda s: s.municipality),
            Column(_("住所"), lambda s: s.address),
            Column(_("設置者"), lambda s: s.get_establishment_display()),
            Column(_("定員"), lambda s: s.capacity_total),
            Column(_("在籍者数"), lambda s: s.enrolment_total),
            Column(_("定員充足率（%）"), _fill_rate),
        ]


class CompanyExporter(ListExporter):
    title = gettext_lazy("企業")
    filename = "companies"

    def columns(self):
        return [
            Column(_("法人番号"), lambda c: c.corporate_number or ""),
            Column(_("企業名"), lambda c: c.name),
            Column(_("よみがな"), lambda c: c.kana),
            Column(_("都道府県"), lambda c: c.prefecture.name),
            Column(_("市区町村"), lambda c: c.municipality),
            Column(_("住所"), lambda c: c.address),
            Column(_("産業分類"), lambda c: c.industry.code if c.industry else ""),
            Column(_("企業規模"), lambda c: c.get_size_band_display()),
            Column(_("提供できること"), lambda c: "、".join(o.get_kind_display() for o in c.offers.all())),
        ]


class ConsortiumExporter(ListExporter):
    title = gettext_lazy("管理機関")
    filename = "consortia"

    def columns(self):
        return [Column(_("名称"), lambda c: c.name), Column(_("都道府県"), lambda c: c.prefecture.name)]


class PersonExporter(ListExporter):
    title = gettext_lazy("担当者")
    filename = "people"

    def columns(self):
        return [
            Column(_("氏名"), lambda p: p.name),
            Column(_("よみがな"), lambda p: p.kana),
            Column(_("役割"), lambda p: p.get_role_display()),
            Column(_("役職"), lambda p: p.title),
            Column(_("所属"), lambda p: str(p.affiliation or "")),
            Column(_("メールアドレス"), lambda p: p.email),
            Column(_("電話番号"), lambda p: p.phone),
        ]


class AgreementExporter(ListExporter):
    title = gettext_lazy("連携協定")
    filename = "agreements"

    def columns(self):
        return [
            Column(_("名称"), lambda a: a.title),
            Column(_("都道府県"), lambda a: a.prefecture.name),
            Column(_("管理機関"), lambda a: a.consortium.name if a.consortium else ""),
            Column(_("締結日"), lambda a: a.signed_on),
            Column(_("協定の範囲・内容"), lambda a: a.scope),
        ]
