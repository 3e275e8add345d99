"""The people page: who is within reach, deactivating a leaver (their open session ends at once), and moving a
person only within one's own scope, each change kept with who made it."""

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation
from curricula.models import DayLog
from meister.models import User


def test_the_people_page_lists_who_is_within_reach(client, demo):
    Invitation.objects.create(email="p@example.jp", last_name="招待", role="teacher", school=demo.hikone)
    Invitation.objects.create(email="q@example.jp", last_name="新潟", role="teacher", school=demo.kaiyo)
    client.force_login(demo.users["prefecture"])
    page = client.get(reverse("accounts:people"))
    people = list(page.context["page"])
    assert demo.users["teacher"] in people and demo.users["coordinator"] in people
    assert demo.users["teacher-niigata"] not in people and demo.users["company"] not in people
    assert demo.users["prefecture"] not in people
    assert [i.email for i in page.context["invitations"]] == ["p@example.jp"]

    client.force_login(demo.users["company"])
    assert list(client.get(reverse("accounts:people")).context["page"]) == []
    colleague = User.objects.create(username="colleague", role="company", company=demo.users["company"].company)
    assert list(client.get(reverse("accounts:people")).context["page"]) == [colleague]
    client.force_login(demo.users["teacher"])
    assert client.get(reverse("accounts:people")).status_code == 403


def test_deactivation_ends_an_open_session_and_keeps_the_records(client, demo):
    teacher = demo.users["teacher"]
    logs = DayLog.objects.filter(logged_by=teacher).count()
    assert logs > 0
    theirs = Client()
    theirs.force_login(teacher)
    assert theirs.get(reverse("portal:dashboard")).status_code == 200
    key = theirs.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    client.force_login(demo.users["prefecture"])
    assert client.post(reverse("accounts:person_deactivate", args=[teacher.pk])).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    response = theirs.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    teacher.refresh_from_db()
    assert not teacher.is_active
    assert DayLog.objects.filter(logged_by=teacher).count() == logs
    change = teacher.history.order_by("-history_date").first()
    assert (change.is_active, change.history_user) == (False, demo.users["prefecture"])
    assert (
        client.get(reverse("accounts:person_edit", args=[teacher.pk])).context["history"][0].history_user
        == (demo.users["prefecture"])
    )

    assert client.post(reverse("accounts:person_reactivate", args=[teacher.pk])).status_code == 302
    teacher.refresh_from_db()
    assert teacher.is_active


def test_no_one_deactivates_outside_their_reach(client, demo):
    teacher = demo.users["teacher"]
    for persona in ("prefecture-niigata", "coordinator-niigata", "ministry", "company"):
        client.force_login(demo.users[persona])
        assert client.post(reverse("accounts:person_deactivate", args=[teacher.pk])).status_code == 404
    client.force_login(demo.users["teacher-niigata"])
    assert client.post(reverse("accounts:person_deactivate", args=[teacher.pk])).status_code == 403
    client.force_login(demo.users["prefecture"])
    assert client.post(reverse("accounts:person_deactivate", args=[demo.users["prefecture"].pk])).status_code == 404
    teacher.refresh_from_db()
    assert teacher.is_active


def test_role_and_scope_change_only_within_ones_own(client, demo):
    teacher = demo.users["teacher"]
    url = reverse("accounts:person_edit", args=[teacher.pk])
    client.force_login(demo.users["prefecture"])
    response = client.post(url, {"role": "coordinator", "consortium": demo.niigata_consortium.pk})
    assert response.status_code == 200 and response.context["form"].errors["consortium"]
    response = client.post(url, {"role": "prefecture", "prefecture": demo.hikone.prefecture_id})
    assert response.status_code == 200 and response.context["form"].errors["role"]
    response = client.post(url, {"role": "coordinator", "school": demo.hikone.pk})
    assert response.status_code == 200 and response.context["form"].errors
    teacher.refresh_from_db()
    assert (teacher.role, teacher.school) == ("teacher", demo.hikone)

    response = client.post(url, {"role": "coordinator", "consortium": demo.shiga_consortium.pk})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert (teacher.role, teacher.consortium, teacher.school) == ("coordinator", demo.shiga_consortium, None)
    change = teacher.history.order_by("-history_date").first()
    assert (change.role, change.history_user) == ("coordinator", demo.users["prefecture"])

    # A coordinator may not manage a coordinator (the role is not below theirs).
    client.force_login(demo.users["coordinator"])
    assert client.get(url).status_code == 404
