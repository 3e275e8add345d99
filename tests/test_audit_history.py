"""Audit history: who changed a placement or a day log, when, and from what to what — shown within scope."""

from django.urls import reverse

from curricula.models import AgreementStatus, Placement


def test_placement_changes_are_kept_with_their_author(client, demo):
    placement = Placement.objects.filter(student__school=demo.hikone).order_by("pk").first()
    client.force_login(demo.users["teacher"])
    before = placement.agreement_status
    new_status = next(s for s in AgreementStatus.values if s != before)
    response = client.post(
        reverse("curricula:placement_agreement", args=[placement.pk]), {"agreement_status": new_status}
    )
    assert response.status_code == 302
    latest = placement.history.order_by("-history_date").first()
    assert latest.history_user == demo.users["teacher"] and latest.agreement_status == new_status

    page = client.get(reverse("curricula:placement_detail", args=[placement.pk]))
    rows = page.context["history"]
    change = rows[0]
    assert change["record"].history_user == demo.users["teacher"]
    labels = dict(AgreementStatus.choices)
    assert [(str(name), str(old), str(new)) for name, old, new in change["changes"]] == [
        ("三者協定", labels[before], labels[new_status])
    ]
    assert "彦根 工" in page.content.decode()


def test_history_follows_scope(client, demo):
    placement = Placement.objects.filter(student__school=demo.hikone).first()
    client.force_login(demo.users["teacher-niigata"])
    assert client.get(reverse("curricula:placement_detail", args=[placement.pk])).status_code == 404
