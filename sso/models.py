"""Sign-in with the schools' own accounts (GIGA スクール: Google Workspace, Microsoft Entra ID) through OpenID Connect.

A prefecture's board of education, or one school, registers the portal with its identity provider and keeps the
result here, in the browser: the provider's issuer, the client id and secret it gave the portal, and the e-mail
domains its accounts use. The configuration lies in a prefecture (and optionally narrows to one school of it);
only portal users inside that scope can sign in through it, and only by an e-mail address the provider vouches for.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meister.models import Role, User
from meister.scoping import ScopedQuerySet, ScopeKind

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SEPARATORS = re.compile(r"[\s,、，;]+")


def split_domains(text: str) -> list[str]:
    return [part.lower().removeprefix("@") for part in _SEPARATORS.split(text or "") if part]


class SignInConfiguration(models.Model):
    name = models.CharField(_("表示名"), max_length=100, help_text=_("サインイン画面で先生が選ぶ名前です。"))
    prefecture = models.ForeignKey("partners.Prefecture", verbose_name=_("都道府県"), on_delete=models.PROTECT)
    school = models.ForeignKey(
        "partners.School",
        verbose_name=_("学校"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("空欄なら都道府県内のすべての学校で使えます。"),
    )
    issuer = models.URLField(
        _("発行者（Issuer）のURL"),
        max_length=300,
        help_text=_("例: https://accounts.google.com または https://login.microsoftonline.com/テナントID/v2.0"),
    )
    client_id = models.CharField(_("クライアントID"), max_length=300)
    # Write-only: forms never show it back, the history does not keep it and no export lists it.
    client_secret = models.CharField(_("クライアントシークレット"), max_length=500)
    email_domains = models.CharField(
        _("メールアドレスのドメイン"),
        max_length=500,
        help_text=_("このアカウントが使うドメイン。複数あるときは空白かカンマで区切ります（例: shiga-ed.jp）。"),
    )
    enabled = models.BooleanField(_("有効"), default=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_paths = {ScopeKind.PREFECTURE: ("prefecture",)}
    change_roles = {Role.ADMIN, Role.MINISTRY, Role.PREFECTURE}
    history = HistoricalRecords(verbose_name=_("サインイン設定の変更履歴"), excluded_fields=["client_secret"])

    class Meta:
        ordering = ["prefecture__code", "name", "pk"]
        verbose_name = _("学校のアカウントの設定")
        verbose_name_plural = _("学校のアカウントの設定")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("sso:configuration_edit", args=[self.pk])

    @property
    def domains(self) -> list[str]:
        return split_domains(self.email_domains)

    def clean(self):
        super().clean()
        errors = {}
        self.issuer = (self.issuer or "").rstrip("/")
        if self.issuer and urlsplit(self.issuer).scheme != "https":
            errors["issuer"] = _("発行者のURLは https:// で始まるものを入力してください。")
        domains = split_domains(self.email_domains)
        wrong = [domain for domain in domains if not DOMAIN.match(domain)]
        if not domains:
            errors["email_domains"] = _("ドメインを1つ以上入力してください。")
        elif wrong:
            errors["email_domains"] = _("ドメインとして読めません: %(wrong)s") % {"wrong": "、".join(wrong)}
        else:
            self.email_domains = " ".join(dict.fromkeys(domains))
        if self.school_id and self.prefecture_id and self.school.prefecture_id != self.prefecture_id:
            errors["school"] = _("選んだ都道府県の学校を選んでください。")
        if errors:
            raise ValidationError(errors)

    def portal_users(self):
        """Active portal users whose scope lies inside this configuration's prefecture or school.

        Teachers and students of its school (or of any school of its prefecture); for a prefecture-wide configuration
        also the board of education's staff and the coordinators of the prefecture's consortia. National roles and
        company staff never sign in with a school account.
        """
        at_school = Q(role__in=[Role.TEACHER, Role.STUDENT])
        if self.school_id:
            inside = at_school & Q(school_id=self.school_id)
        else:
            inside = (
                at_school & Q(school__prefecture_id=self.prefecture_id)
                | Q(role=Role.PREFECTURE, prefecture_id=self.prefecture_id)
                | Q(role=Role.COORDINATOR, consortium__prefecture_id=self.prefecture_id)
            )
        return User.objects.filter(inside, is_active=True, is_superuser=False)
