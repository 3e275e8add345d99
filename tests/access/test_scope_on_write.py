"""Writes stay in the writer's scope: the choices a form offers, and the check the write itself makes.

The findings of the security review, each as it was reported: a coordinator registering or moving a 連携協定 to
新潟県, a company moving itself to 新潟県, a teacher unable to record a need, and a library draft answering 403 on its
edit page where its own page answers 404. `tests/access/test_write_matrix.py` does the same for every form and persona.
"""

import re

import pytest
from django.urls import reverse

from meister.scoping import OutsideScope, may_save, saving_in_scope
from partners import services
from partners.models import Agreement, Company, Engagement, Prefecture, SchoolNeed
from partners.services import matching as services_matching
from showcase.models import Material, MaterialKind, PublicationStatus


def _niigata():
    return Prefecture.objects.get(code="15")


def _agreement_data(demo, **changes):
    data = {
        "title": "湖東地域の人材育成に関する連携協定",
        "prefecture": demo.hikone.prefecture_id,
        "consortium": demo.shiga_consortium.pk,
        "signed_on": "2026-10-01",
        "scope": "実習の受入れと講師派遣",
    }
    return {key: value for key, value in {**data, **changes}.items() if value is not None}


def _shiga_agreement():
    return Agreement.objects.get(prefecture__code="25")


# --- finding 1: writes leaving the writer's scope ----------------------------------------------------------------


def test_a_coordinator_cannot_register_an_agreement_for_niigata(client, demo):
    client.force_login(demo.users["coordinator"])
    form = client.get(reverse("partners:agreement_create")).context["form"]
    assert list(form.fields["prefecture"].queryset) == [demo.hikone.prefecture]
    assert list(form.fields["consortium"].queryset) == [demo.shiga_consortium]
    assert form.fields["consortium"].required

    for tried in (
        _agreement_data(demo, prefecture=_niigata().pk, consortium=None),
        _agreement_data(demo, prefecture=_niigata().pk),
        _agreement_data(demo, consortium=None),
        _agreement_data(demo, consortium=demo.niigata_consortium.pk),
    ):
        response = client.post(reverse("partners:agreement_create"), tried)
        assert response.status_code == 200 and response.context["form"].errors
    assert not Agreement.objects.filter(title="湖東地域の人材育成に関する連携協定").exists()

    response = client.post(reverse("partners:agreement_create"), _agreement_data(demo))
    agreement = Agreement.objects.get(title="湖東地域の人材育成に関する連携協定")
    assert response.status_code == 302
    assert (agreement.prefecture, agreement.consortium) == (demo.hikone.prefecture, demo.shiga_consortium)


def test_a_coordinator_cannot_move_the_consortiums_agreement_to_niigata(client, demo):
    agreement = _shiga_agreement()
    client.force_login(demo.users["coordinator"])
    url = reverse("partners:agreement_edit", args=[agreement.pk])
    data = _agreement_data(demo, title=agreement.title, signed_on=agreement.signed_on.isoformat())
    for tried in (_agreement_data(demo, prefecture=_niigata().pk), {**data, "consortium": ""}):
        response = client.post(url, tried)
        assert response.status_code == 200 and response.context["form"].errors
    agreement.refresh_from_db()
    assert (agreement.prefecture, agreement.consortium) == (demo.hikone.prefecture, demo.shiga_consortium)


def test_a_company_cannot_move_itself_to_niigata(client, demo):
    client.force_login(demo.users["company"])
    url = reverse("partners:company_edit", args=[demo.kotoh.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["prefecture"].queryset) == [demo.kotoh.prefecture]
    data = {
        "name": demo.kotoh.name,
        "prefecture": _niigata().pk,
        "offers-TOTAL_FORMS": "0",
        "offers-INITIAL_FORMS": "0",
        "offers-MIN_NUM_FORMS": "0",
        "offers-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "prefecture" in response.context["form"].errors
    demo.kotoh.refresh_from_db()
    assert demo.kotoh.prefecture.code == "25"


def test_the_write_refuses_what_no_form_offers(demo):
    """A service reached without the form (a form that forgot to limit a choice) is refused before it writes."""
    company = Company.objects.get(pk=demo.kotoh.pk)
    company.prefecture = _niigata()
    with pytest.raises(OutsideScope) as refused:
        services.company_save(user=demo.users["company"], company=company)
    assert refused.value.field == "prefecture"
    assert Company.objects.get(pk=demo.kotoh.pk).prefecture.code == "25"


def test_a_row_written_where_its_writer_cannot_keep_it_is_rolled_back(demo):
    coordinator = demo.users["coordinator"]
    # In Shiga, but in no consortium: a coordinator would never see it again.
    agreement = Agreement(
        title="管理機関のない協定", prefecture=demo.hikone.prefecture, signed_on="2026-10-01", scope="-"
    )
    with pytest.raises(OutsideScope) as refused:
        with saving_in_scope(coordinator, agreement):
            agreement.save()
    assert refused.value.field == "consortium"
    assert not Agreement.objects.filter(title="管理機関のない協定").exists()

    # A school of Niigata added through the many-to-many relation is refused the same way, and undone.
    agreement = _shiga_agreement()
    with pytest.raises(OutsideScope) as refused:
        with saving_in_scope(coordinator, agreement):
            agreement.save()
            agreement.schools.add(demo.kaiyo)
    assert refused.value.field == "schools"
    assert not agreement.schools.filter(pk=demo.kaiyo.pk).exists()


def test_what_the_write_leaves_as_it_was_is_not_held_against_it(demo):
    """An engagement with a company outside the teacher's consortium (the coordinator asked it): the teacher's
    feedback changes neither, so it is kept."""
    outsider = Company.objects.get(name="株式会社糸魚川フーズ")
    engagement = Engagement.objects.create(
        school=demo.hikone,
        company=outsider,
        kind="visit",
        title="見学",
        start_on="2026-10-01",
        end_on="2026-10-01",
        students=5,
    )
    teacher = demo.users["teacher"]
    services_matching.engagement_feedback(user=teacher, engagement=engagement, would_host_again=True, feedback="良い")
    assert Engagement.objects.get(pk=engagement.pk).feedback == "良い"
    assert may_save(teacher, engagement) and may_save(demo.users["ministry"], engagement)


# --- finding 2: a teacher records a need for their own school ----------------------------------------------------


def test_the_demo_teacher_records_a_need_for_their_school(client, demo):
    client.force_login(demo.users["teacher"])
    url = reverse("partners:need_create")
    html = client.get(url).content.decode()
    select = re.search(r'<select name="school"[^>]*>.*?</select>', html, re.S).group(0)
    # The one school there is, chosen and sent by the browser (a disabled select is never sent).
    assert "disabled" not in select and re.findall(r'<option value="(\d+)"', select) == [str(demo.hikone.pk)]
    assert re.search(rf'<option value="{demo.hikone.pk}" selected>', select)
    data = {
        "school": demo.hikone.pk,
        "kind": "visit",
        "title": "2年生の企業見学",
        "category": "industry",
        "start_on": "2027-01-13",
        "end_on": "2027-01-13",
        "students": "40",
    }
    response = client.post(url, data)
    need = SchoolNeed.objects.get(title="2年生の企業見学")
    assert response.status_code == 302 and response["Location"] == need.get_absolute_url()
    assert (need.school, need.created_by) == (demo.hikone, demo.users["teacher"])

    response = client.post(url, {**data, "school": demo.kaiyo.pk, "title": "海洋高校のふりをしたニーズ"})
    assert response.status_code == 200 and "school" in response.context["form"].errors
    assert not SchoolNeed.objects.filter(title="海洋高校のふりをしたニーズ").exists()


# --- finding 9: a library draft is 404 on every page it has ------------------------------------------------------


def test_a_library_draft_answers_404_on_its_edit_page_where_its_page_does(client, demo):
    video = Material.objects.get(kind=MaterialKind.VIDEO, company=demo.nosui)
    Material.objects.filter(pk=video.pk).update(status=PublicationStatus.DRAFT)
    pages = {
        "detail": lambda: client.get(reverse("library:detail", args=[video.pk])),
        "edit": lambda: client.get(reverse("library:edit", args=[video.pk])),
        "publish": lambda: client.post(reverse("library:publish", args=[video.pk]), {"action": "unpublish"}),
    }
    answers = {}
    for persona, user in demo.users.items():
        client.force_login(user)
        answers[persona] = {page: get().status_code for page, get in pages.items()}
    # Its company, the consortium's coordinator and the back office keep it; to everyone else it does not exist.
    kept_by = {"company-niigata", "coordinator-niigata", "admin"}
    assert {p for p, a in answers.items() if a["detail"] == 200} == kept_by
    for persona, answer in answers.items():
        if persona not in kept_by:
            assert answer == {"detail": 404, "edit": 404, "publish": 404}, persona
    assert Material.objects.get(pk=video.pk).status == PublicationStatus.DRAFT


def test_a_published_material_is_read_but_not_changed_by_others_in_scope(client, demo):
    video = Material.objects.get(kind=MaterialKind.VIDEO, company=demo.nosui)
    client.force_login(demo.users["teacher-niigata"])
    assert client.get(reverse("library:detail", args=[video.pk])).status_code == 200
    assert client.get(reverse("library:edit", args=[video.pk])).status_code == 403


def test_a_member_from_a_neighbouring_prefecture_keeps_its_prefecture(client, demo):
    """What a row already holds stays on offer: the coordinator edits a Niigata member without moving it."""
    demo.shiga_consortium.companies.add(demo.nosui)
    client.force_login(demo.users["coordinator"])
    url = reverse("partners:company_edit", args=[demo.nosui.pk])
    form = client.get(url).context["form"]
    assert set(form.fields["prefecture"].queryset) == {demo.hikone.prefecture, _niigata()}
    data = {
        "name": demo.nosui.name,
        "prefecture": _niigata().pk,
        "description": "能生の水産加工",
        "offers-TOTAL_FORMS": "0",
        "offers-INITIAL_FORMS": "0",
        "offers-MIN_NUM_FORMS": "0",
        "offers-MAX_NUM_FORMS": "1000",
    }
    assert client.post(url, data).status_code == 302
    demo.nosui.refresh_from_db()
    assert (demo.nosui.prefecture.code, demo.nosui.description) == ("15", "能生の水産加工")
