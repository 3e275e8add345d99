"""Sessions and placements that come of an engagement (連携活動) count it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from curricula.models import ClassSession, Placement, SessionKind, Subject
from partners.models import Company, Engagement, Person


@pytest.fixture
def engagement(demo):
    return Engagement.objects.create(
        school=demo.hikone,
        company=Company.objects.get(name="近江エンジニアリング株式会社"),
        kind="lecturer",
        title="制御技術の出前授業",
        start_on=datetime.date(2027, 1, 13),
        end_on=datetime.date(2027, 1, 27),
        students=40,
    )


def test_a_session_records_its_engagement_and_the_engagement_shows_it(client, demo, engagement):
    client.force_login(demo.users["teacher"])
    subject = Subject.objects.get(school=demo.hikone, name="ブラッシュアップ実習")
    response = client.post(
        reverse("curricula:class_session_create"),
        {
            "subject": subject.pk,
            "held_on": "2027-01-13",
            "kind": SessionKind.LECTURE,
            "hours": "2",
            "student_count": "40",
            "company": engagement.company_id,
            "person": Person.objects.get(name="伊吹 健").pk,
            "engagement": engagement.pk,
        },
    )
    assert response.status_code == 302
    assert ClassSession.objects.get(held_on=datetime.date(2027, 1, 13)).engagement == engagement
    page = client.get(reverse("partners:engagement_detail", args=[engagement.pk])).content.decode()
    assert "出前授業" in page and "実習 0件" in page


def test_a_placement_only_counts_an_engagement_of_its_own_school_and_company(demo, engagement):
    placement = Placement.objects.filter(student__school=demo.hikone, company=demo.kotoh).first()
    placement.engagement = engagement  # 近江エンジニアリング's, not 湖東精機's
    with pytest.raises(ValidationError) as raised:
        placement.full_clean()
    assert "engagement" in raised.value.message_dict
    engagement.company = demo.kotoh
    engagement.save()
    placement.full_clean()
    placement.save()
    assert engagement.placements.count() == 1
