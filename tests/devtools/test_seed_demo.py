import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from meister.models import Role, User
from partners.models import Block, Company, Consortium, Designation, IndustryDivision, Prefecture, School


def _counts():
    return [m.objects.count() for m in (Prefecture, IndustryDivision, School, Company, Consortium, Designation, User)]


def test_reference_data(demo):
    assert Prefecture.objects.count() == 47
    assert Prefecture.objects.get(code="01").name == "北海道"
    assert Prefecture.objects.get(code="47").name == "沖縄県"
    assert Prefecture.objects.get(code="25").block == Block.KINKI
    assert Prefecture.objects.values("block").distinct().count() == 8
    assert IndustryDivision.objects.count() == 20
    assert IndustryDivision.objects.get(code="E").name == "製造業"


def test_seed_demo_is_idempotent(demo):
    before = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == before


def test_demo_users_one_per_role_and_case(demo):
    users = {u.username: u for u in User.objects.all()}
    for role in Role:
        assert users[role.value].role == role
        users[role.value].full_clean()
    for role in ("prefecture", "coordinator", "teacher", "company"):
        assert users[f"{role}-niigata"].role == role
    assert users["teacher"].school.name == "滋賀県立彦根工業高等学校"
    assert users["teacher-niigata"].school.name == "新潟県立海洋高等学校"
    assert users["company-niigata"].company.name == "株式会社能水商店"
    # Every persona signs in with the demo password, the two students too (on a portal with no identity provider);
    # a student's account made by signing in with the school account has none.
    assert all(u.check_password("meister-demo") for u in users.values())
    assert {u.username for u in users.values() if u.role == Role.STUDENT} == {"student", "student-niigata"}


def test_case_studies(demo):
    shiga = demo.shiga_consortium
    assert sorted(shiga.organisations.values_list("name", flat=True)) == sorted(
        ["滋賀県教育委員会", "彦根市", "彦根商工会議所"]
    )
    assert list(shiga.schools.values_list("name", flat=True)) == ["滋賀県立彦根工業高等学校"]
    niigata = demo.niigata_consortium
    assert sorted(niigata.organisations.values_list("name", flat=True)) == ["新潟県教育委員会", "糸魚川市"]
    assert demo.nosui in niigata.companies.all()
    assert demo.nosui.lacks_corporate_number
    for company in Company.objects.exclude(corporate_number=None):
        company.full_clean()
    for school in School.objects.all():
        school.full_clean()


@pytest.mark.django_db
def test_refused_where_demo_is_off():
    User.objects.filter(username="ministry").delete()
    with override_settings(DEMO_ENABLED=False), pytest.raises(CommandError, match="MEISTER_DEMO"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.filter(username="ministry").exists()
