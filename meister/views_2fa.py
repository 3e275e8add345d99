"""Two-factor sign-in with an authenticator app (TOTP): register one, then confirm a code at sign-in."""

import base64
from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

WRONG = gettext_lazy("確認コードが正しくありません。アプリに表示されている最新のコードを入力してください。")
# After a wrong code the authenticator waits a little longer each time before it accepts another.
WAIT = gettext_lazy("確認コードの誤りが続いたため、少し待ってから最新のコードを入力してください。")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("確認コード（6桁）"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        return "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())


def _qr_svg(uri: str) -> str:
    buffer = BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def two_factor_setup(request):
    """Register an authenticator: the device is kept unconfirmed until the user enters a code from it.

    Someone who already has one must first confirm a code from it: otherwise the password alone would
    be enough to replace the authenticator and get past two-factor sign-in.
    """
    if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.path})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("認証アプリ"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", WAIT)
        elif device.verify_token(form.cleaned_data["code"]):
            TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("二要素認証を設定しました。次回からログインのたびに確認コードを入力します。"))
            return redirect("portal:dashboard")
        else:
            form.add_error("code", WRONG)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": secret,
        },
    )


@login_required
def two_factor_verify(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url or "portal:dashboard")
        form.add_error(
            "code", _("確認コードが正しくありません。アプリに表示されている最新のコードを入力してください。")
        )
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": next_url})
