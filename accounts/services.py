"""Writes for accounts: invite, resend, withdraw, accept; deactivate a leaver and move a person within scope.

Every write checks the placing rule of `meister.scoping` again (`may_place`), whatever the form offered: a person
placed outside the writer's reach is refused and nothing is written.
"""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import SCOPE_FIELDS, Invitation, InvitationMail, SignedInSession, new_link_key
from accounts.selectors import FIELD_FOR_KIND
from meister import mailing
from meister.models import ROLE_SCOPE, User
from meister.placing import may_place
from meister.signed_links import BadLink, LinkKind, UsedLink


def _link_age() -> timedelta:
    return timedelta(days=settings.INVITATION_LINK_DAYS)


INVITATION_LINK = LinkKind(
    salt="accounts.invitation",
    url_name="accounts:accept",
    max_age=_link_age,
    ask=gettext_lazy("招待した方に、招待をもう一度送るよう依頼してください。"),
)


class OutsideReach(ValidationError):
    """A person placed where the writer may not place people."""


def _check_placing(user, role: str, scope_object) -> None:
    kind = ROLE_SCOPE.get(role)
    if kind not in FIELD_FOR_KIND or not may_place(user, kind, scope_object):
        raise OutsideReach(_("この役割・担当範囲の利用者は招待・変更できません（担当範囲外）。"))


def _scope_of(obj) -> object | None:
    return next((getattr(obj, name) for name in SCOPE_FIELDS if getattr(obj, f"{name}_id")), None)


# --- sending ------------------------------------------------------------------------------------------------------


def mails_left(user) -> int:
    """How many invitation mails the user may still send in this hour."""
    since = timezone.now() - timedelta(hours=1)
    sent = InvitationMail.objects.filter(sent_by=user, sent_at__gt=since).count()
    return max(settings.INVITATION_MAILS_PER_HOUR - sent, 0)


def throttle_message() -> str:
    return _("招待メールは1人1時間に%(limit)s通までです。しばらく時間をおいてから、もう一度お送りください。") % {
        "limit": settings.INVITATION_MAILS_PER_HOUR
    }


def _check_allowance(user, count: int = 1) -> None:
    if mails_left(user) < count:
        raise ValidationError(throttle_message(), code="throttled")


def invitation_token(invitation: Invitation) -> str:
    return INVITATION_LINK.token(f"{invitation.pk}.{invitation.link_key}")


def invitation_link(invitation: Invitation) -> str:
    return INVITATION_LINK.url(f"{invitation.pk}.{invitation.link_key}")


def invitation_mail(invitation: Invitation, *, sender) -> None:
    """Mail the invitation's current link in the inviter's language and count it against the sender's hour."""
    context = {
        "invitation": invitation,
        "link": invitation_link(invitation),
        "inviter": sender,
        "days": settings.INVITATION_LINK_DAYS,
    }
    with translation.override(invitation.language if invitation.language in ("ja", "en") else "ja"):
        subject = _("マイスター・ハイスクール ポータルへのご招待")
        body = render_to_string("accounts/email/invitation.txt", context)
    mailing.send(subject, body, invitation.email)
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=now)
    invitation.sent_at = now
    InvitationMail.objects.create(invitation=invitation, sent_by=sender)


def check_invitee(email: str, *, exclude: Invitation | None = None) -> None:
    """Refuse an address that already has an account or a pending invitation."""
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": _("このメールアドレスの利用者はすでに登録されています。")})
    pending = Invitation.objects.pending().filter(email__iexact=email)
    if exclude is not None and exclude.pk:
        pending = pending.exclude(pk=exclude.pk)
    if pending.exists():
        raise ValidationError({"email": _("このメールアドレスには招待を送ってあります（一覧から再送できます）。")})


def invitation_create(*, user, invitation: Invitation) -> Invitation:
    """Save a new invitation and mail it; refused (nothing written) outside the inviter's reach or past the hour's
    allowance. A mail the server refuses rolls the invitation back too."""
    _check_placing(user, invitation.role, _scope_of(invitation))
    _check_allowance(user)
    check_invitee(invitation.email)
    invitation.invited_by = user
    invitation.language = translation.get_language() or "ja"
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        invitation_mail(invitation, sender=user)
    return invitation


def invitation_resend(*, user, invitation: Invitation) -> Invitation:
    """Mail a new link; the one sent before opens nothing from now on."""
    _check_placing(user, invitation.role, _scope_of(invitation))
    if not invitation.is_pending:
        raise ValidationError(_("この招待はすでに使われたか、取り消されています。"))
    _check_allowance(user)
    with transaction.atomic():
        invitation.link_key = new_link_key()
        invitation.save(update_fields=["link_key"])
        invitation_mail(invitation, sender=user)
    return invitation


def invitation_withdraw(*, user, invitation: Invitation) -> Invitation:
    _check_placing(user, invitation.role, _scope_of(invitation))
    if invitation.is_pending:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])
    return invitation


# --- accepting ----------------------------------------------------------------------------------------------------


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link names; BadLink (404), ExpiredLink or UsedLink (410) otherwise."""
    value = INVITATION_LINK.read(token)
    pk, _dot, key = value.partition(".")
    if not pk.isascii() or not pk.isdigit():
        raise BadLink
    invitation = Invitation.objects.select_related(*SCOPE_FIELDS).filter(pk=int(pk)).first()
    if invitation is None:
        raise BadLink
    if not invitation.is_pending or key != invitation.link_key:
        raise UsedLink
    return invitation


def invitation_accept(*, invitation: Invitation, username: str, password: str) -> User:
    """Create the account the invitation names, with the chosen username and password; the link is used up."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_pending or locked.link_key != invitation.link_key:
            raise UsedLink
        user = User(
            username=username,
            email=locked.email,
            last_name=locked.last_name,
            first_name=locked.first_name,
            role=locked.role,
            **{f"{name}_id": getattr(locked, f"{name}_id") for name in SCOPE_FIELDS},
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        locked.accepted_at = timezone.now()
        locked.user = user
        locked.save(update_fields=["accepted_at", "user"])
    return user


# --- people -------------------------------------------------------------------------------------------------------


def remember_session(sender, request, user, **kwargs):
    """Keep the session a user signed in with (connected to user_logged_in), so a deactivation can end it."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    SignedInSession.objects.get_or_create(user=user, session_key=session.session_key)
    # A session ends at the latest SESSION_MAX_HOURS after sign-in: older records name nothing.
    stale = timezone.now() - timedelta(hours=settings.SESSION_MAX_HOURS)
    SignedInSession.objects.filter(user=user, signed_in_at__lt=stale).delete()


def end_sessions(person: User) -> int:
    """End every session the person signed in with, whatever the session engine keeps them in."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(SignedInSession.objects.filter(user=person).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    SignedInSession.objects.filter(user=person).delete()
    return len(keys)


def _check_manages(user, person: User) -> None:
    if person.pk == user.pk:
        raise PermissionDenied
    _check_placing(user, person.role, person.scope_object)


def user_deactivate(*, user, person: User) -> User:
    """A leaver: no more sign-in, every open session ended at once; what they recorded stays."""
    _check_manages(user, person)
    with transaction.atomic():
        person.is_active = False
        person.save(update_fields=["is_active"])
        end_sessions(person)
    return person


def user_reactivate(*, user, person: User) -> User:
    _check_manages(user, person)
    person.is_active = True
    person.save(update_fields=["is_active"])
    return person


def user_place(*, user, person: User) -> User:
    """Save a person's new role and scope (set on `person` by the form): both must lie within the user's reach,
    before the change and after it."""
    stored = User.objects.get(pk=person.pk)
    _check_manages(user, stored)
    _check_placing(user, person.role, _scope_of(person))
    person.full_clean()
    person.save(update_fields=["role", *SCOPE_FIELDS])
    return person
