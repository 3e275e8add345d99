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


def test_assessment_answers_keep_their_history_within_scope(client, demo):
    from assessments.models import Administration, Response

    administration = Administration.objects.filter(school=demo.hikone, responses__isnull=False).first()
    response = administration.responses.order_by("student__class_name", "student__number").first()
    from assessments.scoring import InstrumentSpec

    items = InstrumentSpec.load(administration.instrument).items
    client.force_login(demo.users["teacher"])
    url = reverse("assessments:administration_grid", args=[administration.pk])
    page = client.get(url)
    data = {cell["name"]: cell["value"] for row in page.context["rows"] for cell in row["cells"]}
    first = f"a-{response.student_id}-{items[0].number}"
    data[first] = "1" if data[first] != "1" else "2"
    assert client.post(url, data).status_code == 302
    change = Response.history.filter(id=response.pk).order_by("-history_date").first()
    assert (change.history_type, change.history_user) == ("~", demo.users["teacher"])
    assert change.answers[items[0].key] == int(data[first])
    rows = client.get(url).context["history"]
    assert rows[0].history_user == demo.users["teacher"] and rows[0].student_id == response.student_id

    client.force_login(demo.users["teacher-niigata"])
    assert client.get(url).status_code == 404
