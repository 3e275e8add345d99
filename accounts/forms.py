"""Forms for invitations, accepting one, and moving a person: they offer only what the user may give."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import SCOPE_FIELDS, Invitation
from accounts.selectors import FIELD_FOR_KIND, invitable_roles, scope_choices
from meister.models import ROLE_SCOPE, User


class InvitationForm(forms.ModelForm):
    """An invitation of one role (chosen by the page): the address, the name, and where the person works."""

    class Meta:
        model = Invitation
        fields = ["email", "last_name", "first_name", *SCOPE_FIELDS]

    def __init__(self, *args, user, role, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.role = role
        field = FIELD_FOR_KIND[ROLE_SCOPE[role]]
        for name in SCOPE_FIELDS:
            if name != field:
                del self.fields[name]
        scope = self.fields[field]
        scope.queryset = scope_choices(user, role)
        scope.required = True
        options = list(scope.queryset[:2])
        if len(options) == 1:
            scope.empty_label = None
            self.initial.setdefault(field, options[0].pk)


class PlacementForm(forms.ModelForm):
    """A person's role and scope, changed only to what the user may give."""

    class Meta:
        model = User
        fields = ["role", *SCOPE_FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        roles = invitable_roles(user)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        self.fields["role"].required = True
        offered = {FIELD_FOR_KIND[ROLE_SCOPE[role]]: role for role in roles}
        for name in SCOPE_FIELDS:
            if name in offered:
                self.fields[name].queryset = scope_choices(user, offered[name])
                self.fields[name].help_text = _("役割に合う1つだけを選んでください。")
            else:
                del self.fields[name]


class AcceptForm(SetPasswordForm):
    """The invitee's sign-in name and password; the password passes Django's validators (AUTH_PASSWORD_VALIDATORS)."""

    username = forms.CharField(
        label=_("ユーザー名（ログインに使います）"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("メールアドレスのままでも構いません。英数字と @ . + - _ が使えます。"),
    )
    field_order = ["username", "new_password1", "new_password2"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("このユーザー名はすでに使われています。別の名前にしてください。"))
        self.user.username = username
        return username
