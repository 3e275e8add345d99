"""Invitations down the scope tree: who invites whom and where, the single-use link, resend, withdraw, the hourly
limit and the bulk invitation of teachers."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Invitation
from accounts.selectors import invitable_roles
from accounts.services import OutsideReach, invitation_create, invitation_token
from meister.models import Role, User
from meister.stored_messages import render


def _invite(client, inviter, role, **data):
    client.force_login(inviter)
    return client.post(reverse("accounts:invite", args=[role]), {"last_name": "新任", "first_name": "花子", **data})


def _link_path(message) -> str:
    return re.search(r"/people/join/[^\s]+/", message.body).group(0)


def test_each_role_offers_only_the_roles_below(demo):
    assert invitable_roles(demo.users["ministry"]) == [Role.PREFECTURE]
    assert invitable_roles(demo.users["admin"]) == [Role.PREFECTURE]
    assert invitable_roles(demo.users["prefecture"]) == [Role.COORDINATOR, Role.TEACHER]
    assert invitable_roles(demo.users["coordinator"]) == [Role.TEACHER, Role.COMPANY]
    assert invitable_roles(demo.users["company"]) == [Role.COMPANY]
    assert invitable_roles(demo.users["teacher"]) == []


def test_the_form_offers_only_schools_and_companies_inside(client, demo):
    client.force_login(demo.users["prefecture"])
    schools = client.get(reverse("accounts:invite", args=["teacher"])).context["form"].fields["school"].queryset
    assert demo.hikone in schools and demo.kaiyo not in schools
    client.force_login(demo.users["coordinator"])
    companies = client.get(reverse("accounts:invite", args=["company"])).context["form"].fields["company"].queryset
    assert set(companies) == set(demo.shiga_consortium.companies.all()) and demo.nosui not in companies
    client.force_login(demo.users["company"])
    companies = client.get(reverse("accounts:invite", args=["company"])).context["form"].fields["company"].queryset
    assert list(companies) == [demo.users["company"].company]
    assert client.get(reverse("accounts:invite", args=["teacher"])).status_code == 403


def test_a_prefecture_invites_a_teacher_of_its_school(client, demo):
    response = _invite(client, demo.users["prefecture"], "teacher", email="hanako@example.jp", school=demo.hikone.pk)
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="hanako@example.jp")
    assert (invitation.role, invitation.school, invitation.invited_by) == (
        "teacher",
        demo.hikone,
        demo.users["prefecture"],
    )
    [message] = mail.outbox
    assert message.to == ["hanako@example.jp"] and "ご招待" in message.subject
    assert "滋賀県立彦根工業高等学校" in message.body and "14日" in message.body
    assert _link_path(message) in invitation_token_path(invitation)


def invitation_token_path(invitation) -> str:
    return reverse("accounts:accept", args=[invitation_token(invitation)])


def test_the_mail_is_in_english_when_the_inviter_reads_english(client, demo):
    client.cookies["django_language"] = "en"
    _invite(client, demo.users["prefecture"], "teacher", email="hanako@example.jp", school=demo.hikone.pk)
    [message] = mail.outbox
    assert message.subject == "Invitation to the Meister High School Portal"
    assert "invited you" in message.body


@pytest.mark.parametrize(
    ("inviter", "role", "field", "target"),
    [
        ("prefecture", "teacher", "school", "kaiyo"),
        ("prefecture-niigata", "teacher", "school", "hikone"),
        ("coordinator", "teacher", "school", "kaiyo"),
        ("coordinator", "company", "company", "nosui"),
    ],
)
def test_an_invitation_outside_the_scope_is_refused_and_writes_nothing(client, demo, inviter, role, field, target):
    before = Invitation.objects.count()
    response = _invite(client, demo.users[inviter], role, email="x@example.jp", **{field: getattr(demo, target).pk})
    assert response.status_code == 200 and response.context["form"].errors[field]
    # The service checks again, whatever a form let through.
    with pytest.raises(OutsideReach):
        invitation_create(
            user=demo.users[inviter],
            invitation=Invitation(email="x@example.jp", last_name="外", role=role, **{field: getattr(demo, target)}),
        )
    assert Invitation.objects.count() == before and mail.outbox == []


def test_a_role_not_below_is_refused(client, demo):
    client.force_login(demo.users["coordinator"])
    assert client.get(reverse("accounts:invite", args=["coordinator"])).status_code == 403
    assert client.get(reverse("accounts:invite", args=["nobody"])).status_code == 404
    with pytest.raises(OutsideReach):
        invitation_create(
            user=demo.users["coordinator"],
            invitation=Invitation(
                email="c@example.jp", last_name="同", role="coordinator", consortium=demo.shiga_consortium
            ),
        )
    assert not Invitation.objects.filter(email="c@example.jp").exists()


def test_an_address_with_an_account_or_a_pending_invitation_is_refused(client, demo):
    User.objects.filter(pk=demo.users["teacher"].pk).update(email="teacher@example.jp")
    response = _invite(client, demo.users["prefecture"], "teacher", email="Teacher@example.jp", school=demo.hikone.pk)
    assert "すでに登録されています" in str(response.context["form"].errors["email"])
    _invite(client, demo.users["prefecture"], "teacher", email="new@example.jp", school=demo.hikone.pk)
    response = _invite(client, demo.users["coordinator"], "teacher", email="new@example.jp", school=demo.hikone.pk)
    assert "招待を送ってあります" in str(response.context["form"].errors["email"])
    assert Invitation.objects.filter(email="new@example.jp").count() == 1


def test_accepting_sets_the_password_and_signs_in(client, demo):
    _invite(client, demo.users["coordinator"], "company", email="mentor@example.jp", company=demo.kotoh.pk)
    path = _link_path(mail.outbox[0])
    client.logout()
    page = client.get(path)
    assert page.status_code == 200 and page.context["form"]["username"].value() == "mentor@example.jp"
    weak = client.post(path, {"username": "mentor", "new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200 and weak.context["form"].errors["new_password2"]
    assert not User.objects.filter(username="mentor").exists()

    strong = "kotoh-Mentor-2026!"
    response = client.post(path, {"username": "mentor", "new_password1": strong, "new_password2": strong})
    assert response.status_code == 302
    user = User.objects.get(username="mentor")
    assert (user.role, user.company, user.email, user.last_name) == ("company", demo.kotoh, "mentor@example.jp", "新任")
    assert user.check_password(strong)
    assert client.get(reverse("portal:dashboard")).context["user"] == user
    invitation = Invitation.objects.get(email="mentor@example.jp")
    assert invitation.accepted_at is not None and invitation.user == user

    client.logout()
    used = client.get(path)
    assert used.status_code == 410 and used.context["used"]
    again = client.post(path, {"username": "mentor2", "new_password1": strong, "new_password2": strong})
    assert again.status_code == 410 and not User.objects.filter(username="mentor2").exists()


def test_a_wrong_link_is_404_and_an_expired_one_410(client, demo, travel):
    _invite(client, demo.users["prefecture"], "teacher", email="late@example.jp", school=demo.hikone.pk)
    path = _link_path(mail.outbox[0])
    client.logout()
    assert client.get(path[:-3] + "xx/").status_code == 404
    assert client.get(reverse("accounts:accept", args=["not-a-token"])).status_code == 404
    travel(demo.today + datetime.timedelta(days=13))
    assert client.get(path).status_code == 200
    travel(demo.today + datetime.timedelta(days=15))
    expired = client.get(path)
    assert expired.status_code == 410 and expired.context["expired"]


def test_resend_kills_the_old_link(client, demo):
    _invite(client, demo.users["prefecture"], "teacher", email="again@example.jp", school=demo.hikone.pk)
    old = _link_path(mail.outbox[0])
    invitation = Invitation.objects.get(email="again@example.jp")
    # A colleague in the same prefecture may resend it too.
    response = client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302 and len(mail.outbox) == 2
    new = _link_path(mail.outbox[1])
    assert new != old
    client.logout()
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200
    client.force_login(demo.users["prefecture-niigata"])
    assert client.post(reverse("accounts:invitation_resend", args=[invitation.pk])).status_code == 404
    assert len(mail.outbox) == 2


def test_withdraw(client, demo):
    _invite(client, demo.users["prefecture"], "teacher", email="gone@example.jp", school=demo.hikone.pk)
    invitation = Invitation.objects.get(email="gone@example.jp")
    path = _link_path(mail.outbox[0])
    client.force_login(demo.users["prefecture-niigata"])
    assert client.post(reverse("accounts:invitation_withdraw", args=[invitation.pk])).status_code == 404
    client.force_login(demo.users["prefecture"])
    assert client.post(reverse("accounts:invitation_withdraw", args=[invitation.pk])).status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    assert invitation not in client.get(reverse("accounts:people")).context["invitations"]
    client.logout()
    assert client.get(path).status_code == 410


def test_the_hourly_limit_on_invitation_mails(client, demo, settings, travel):
    settings.INVITATION_MAILS_PER_HOUR = 2
    travel(demo.today)
    for number in (1, 2):
        response = _invite(
            client, demo.users["prefecture"], "teacher", email=f"t{number}@example.jp", school=demo.hikone.pk
        )
        assert response.status_code == 302
    response = _invite(client, demo.users["prefecture"], "teacher", email="t3@example.jp", school=demo.hikone.pk)
    assert response.status_code == 200
    assert "1時間に2通まで" in str(response.context["form"].non_field_errors())
    invitation = Invitation.objects.get(email="t1@example.jp")
    client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert len(mail.outbox) == 2 and not Invitation.objects.filter(email="t3@example.jp").exists()
    # Someone else's allowance is their own; and an hour later the inviter's is back.
    assert (
        _invite(client, demo.users["coordinator"], "teacher", email="t3@example.jp", school=demo.hikone.pk).status_code
        == 302
    )
    travel(demo.today, hour=10)
    response = _invite(client, demo.users["prefecture"], "teacher", email="t4@example.jp", school=demo.hikone.pk)
    assert response.status_code == 302


# --- bulk ------------------------------------------------------------------------------------------------------------


def _upload(client, text: str):
    upload = SimpleUploadedFile("teachers.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("accounts:bulk_upload"), {"file": upload})


def test_bulk_invitation_with_bad_rows_writes_nothing(client, demo):
    client.force_login(demo.users["prefecture"])
    rows = [
        "メールアドレス,氏名,学校コード",
        f"ichiro@example.jp,彦根 一郎,{demo.hikone.code}",
        f"jiro@example.jp,新潟 次郎,{demo.kaiyo.code}",
        "saburo@example.jp,不明 三郎,D125299999990",
        f"not-an-address,彦根 四郎,{demo.hikone.code}",
        f"ichiro@example.jp,彦根 一郎,{demo.hikone.code}",
    ]
    response = _upload(client, "\n".join(rows))
    preview = client.get(response["Location"])
    batch = preview.context["batch"]
    errors = {row["row"]: " ".join(map(render, row["errors"])) for row in batch.results if row["errors"]}
    assert set(errors) == {3, 4, 5, 6}
    assert "担当範囲外" in errors[3] and "登録されていません" in errors[4] and "重複" in errors[6]
    assert not preview.context["may_commit"]
    before = Invitation.objects.count()
    client.post(reverse("accounts:bulk_commit", args=[batch.pk]))
    assert Invitation.objects.count() == before and mail.outbox == []


def test_bulk_invitation_invites_every_row(client, demo, django_capture_on_commit_callbacks):
    client.force_login(demo.users["prefecture"])
    code = demo.hikone.code
    text = f"氏名,メール,学校コード\n彦根 一郎,ichiro@example.jp,{code}\n彦根 二郎,jiro@example.jp,{code}\n"
    batch_url = _upload(client, text)["Location"]
    assert client.get(batch_url).context["may_commit"]
    batch = client.get(batch_url).context["batch"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:bulk_commit", args=[batch.pk]))
    assert response.status_code == 302
    invitations = Invitation.objects.filter(email__in=["ichiro@example.jp", "jiro@example.jp"])
    assert {(i.last_name, i.first_name, i.school_id, i.role) for i in invitations} == {
        ("彦根", "一郎", demo.hikone.pk, "teacher"),
        ("彦根", "二郎", demo.hikone.pk, "teacher"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["ichiro@example.jp", "jiro@example.jp"]
    # The same file again: both are invited already, nothing new is sent.
    batch_url = _upload(client, text)["Location"]
    assert client.get(batch_url).context["batch"].summary["unchanged"] == 2


def test_bulk_invitation_is_for_prefectures(client, demo):
    client.force_login(demo.users["coordinator"])
    assert client.get(reverse("accounts:bulk_upload")).status_code == 403
