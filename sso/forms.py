"""The sign-in configuration form (its client secret is write-only) and the school-account chooser."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meister.scoping import limit_choices_to_scope
from sso.models import SignInConfiguration


class ConfigurationForm(forms.ModelForm):
    # Not a model field of the form: the stored secret is never put back into the page.
    client_secret = forms.CharField(
        label=_("クライアントシークレット"),
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    issuer = forms.URLField(
        label=SignInConfiguration._meta.get_field("issuer").verbose_name,
        help_text=SignInConfiguration._meta.get_field("issuer").help_text,
        max_length=300,
        assume_scheme="https",
    )

    class Meta:
        model = SignInConfiguration
        fields = ["name", "prefecture", "school", "issuer", "client_id", "email_domains", "enabled"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["client_secret"].required = False
            self.fields["client_secret"].help_text = _(
                "保存済みです。変えるときだけ入力してください（表示はしません）。"
            )
        limit_choices_to_scope(self, user)


class ChooseForm(forms.Form):
    email = forms.EmailField(
        label=_("学校のメールアドレス"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
