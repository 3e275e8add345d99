"""Shared fixtures: the demo data and one persona per role (plus outsiders in the other case)."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command

from meister.models import User
from partners.models import Company, Consortium, School

PERSONAS = (
    "ministry",
    "prefecture",
    "coordinator",
    "teacher",
    "company",
    "admin",
    "prefecture-niigata",
    "coordinator-niigata",
    "teacher-niigata",
    "company-niigata",
)


@pytest.fixture
def demo(db):
    """The demo as `seed_demo` loads it, with the Shiga case's objects by name."""
    call_command("seed_demo", verbosity=0)
    users = {user.username: user for user in User.objects.filter(username__in=PERSONAS)}
    return SimpleNamespace(
        users=users,
        hikone=School.objects.get(name="滋賀県立彦根工業高等学校"),
        kaiyo=School.objects.get(name="新潟県立海洋高等学校"),
        kotoh=Company.objects.get(name="株式会社湖東精機"),
        nosui=Company.objects.get(name="株式会社能水商店"),
        shiga_consortium=Consortium.objects.get(prefecture__code="25"),
        niigata_consortium=Consortium.objects.get(prefecture__code="15"),
    )
