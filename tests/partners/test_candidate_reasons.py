"""The candidates' reasons say how well each fits in words and a shape, not by colour alone."""

import re

import pytest
from django.urls import reverse

from partners.models import SchoolNeed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "language, words",
    [("ja", {"◎ 適合", "△ 一部適合", "✕ 不適合"}), ("en", {"◎ Good fit", "△ Partial fit", "✕ Poor fit"})],
)
def test_every_reason_carries_its_fit_in_words(client, demo, language, words):
    need = SchoolNeed.objects.get(school=demo.hikone, title="制御技術の出前授業（3年 課題研究）")
    client.force_login(demo.users["coordinator"])
    client.cookies["django_language"] = language
    html = client.get(reverse("partners:need_candidates", args=[need.pk])).content.decode()
    reasons = re.findall(r"<li>(.*?)</li>", html.split('data-testid="candidate"', 1)[1])
    assert reasons
    for reason in reasons:
        fit = re.search(r'data-testid="reason-fit">([^<]+)</span>', reason)
        assert fit and fit.group(1) in words, reason
    assert "●" not in html


def test_english_reasons_are_joined_with_english_punctuation(client, demo):
    need = SchoolNeed.objects.get(school=demo.hikone, title="制御技術の出前授業（3年 課題研究）")
    client.force_login(demo.users["coordinator"])
    client.cookies["django_language"] = "en"
    html = client.get(reverse("partners:need_candidates", args=[need.pk])).content.decode()
    words = [re.sub(r"<[^>]+>", "", reason) for reason in re.findall(r"<li>(.*?)</li>", html)]
    joined = [w for w in words if "would ask again" in w or "Work with this school" in w]
    assert joined and not any(mark in w for w in words for mark in "。、・")
