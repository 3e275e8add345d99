"""The one scoping mechanism: who sees which rows, and what a user's scope must look like."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from meister.models import Role, User
from meister.scoping import ScopeKind, get_for_user, may_change, owned_within_scope, visible_to, within_scope
from partners.models import Company, Consortium, Designation, Prefecture, School


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_national_roles_see_everything(demo):
    for username in ("ministry", "admin"):
        user = demo.users.get(username) or User.objects.get(username=username)
        assert visible_to(School.objects.all(), user).count() == School.objects.count() > 2


def test_prefecture_sees_its_prefecture(demo):
    user = demo.users["prefecture"]
    assert names(visible_to(School.objects.all(), user)) == ["滋賀県立彦根工業高等学校"]
    assert names(visible_to(Company.objects.all(), user)) == sorted(
        ["株式会社湖東精機", "近江エンジニアリング株式会社", "株式会社びわ湖システムズ"]
    )


def test_coordinator_sees_its_consortium_and_the_prefectures_companies(demo):
    user = demo.users["coordinator-niigata"]
    assert names(visible_to(Consortium.objects.all(), user)) == [demo.niigata_consortium.name]
    # Members, and the prefecture's other companies to find new partners among (株式会社糸魚川フーズ is not a member).
    assert names(visible_to(Company.objects.all(), user)) == sorted(
        ["株式会社能水商店", "株式会社ひすい海洋開発", "株式会社糸魚川フーズ"]
    )
    foods = Company.objects.get(name="株式会社糸魚川フーズ")
    assert not may_change(user, foods) and may_change(user, demo.nosui)
    assert set(visible_to(Designation.objects.all(), user).values_list("consortium", flat=True)) == {
        demo.niigata_consortium.pk
    }


def test_a_scope_through_several_many_valued_paths_is_one_set_of_keys(demo):
    """A coordinator's companies are the consortium's members or the prefecture's companies, two paths through
    many-valued relations: the condition is one semi-join on the union of both paths' keys, which the planner joins
    from, and holds exactly the rows either path reaches."""
    user = demo.users["coordinator-niigata"]
    kind, ident = user.scope
    paths = Company.scope_paths[kind]
    assert len(paths) == 2
    sql = str(visible_to(Company.objects.order_by(), user).query)
    assert sql.count("UNION ALL") == 1 and " OR " not in sql
    assert "ORDER BY" not in sql  # the union's parts are not sorted either
    either = set()
    for path in paths:
        either |= set(Company.objects.filter(**{path: ident}).values_list("pk", flat=True))
    assert set(visible_to(Company.objects.all(), user).values_list("pk", flat=True)) == either


def test_teacher_sees_own_school_and_its_partners(demo):
    user = demo.users["teacher"]
    assert names(visible_to(School.objects.all(), user)) == ["滋賀県立彦根工業高等学校"]
    assert "株式会社能水商店" not in names(visible_to(Company.objects.all(), user))
    assert "株式会社湖東精機" in names(visible_to(Company.objects.all(), user))


def test_company_sees_itself_and_partner_schools(demo):
    user = demo.users["company-niigata"]
    assert names(visible_to(Company.objects.all(), user)) == ["株式会社能水商店"]
    assert names(visible_to(School.objects.all(), user)) == ["新潟県立海洋高等学校"]


def test_many_valued_scopes_do_not_repeat_rows(demo):
    # The company and the school share two consortia: the school must still appear once.
    second = Consortium.objects.create(name="第二の管理機関", prefecture=demo.hikone.prefecture)
    second.schools.add(demo.hikone)
    second.companies.add(demo.kotoh)
    schools = visible_to(School.objects.all(), demo.users["company"])
    assert list(schools.values_list("pk", flat=True)) == [demo.hikone.pk]


def test_prefecture_sees_but_does_not_change_a_neighbouring_partner(demo):
    demo.shiga_consortium.companies.add(demo.nosui)
    shiga = demo.users["prefecture"]
    assert get_for_user(shiga, Company, pk=demo.nosui.pk) == demo.nosui
    assert not may_change(shiga, demo.nosui)
    assert may_change(shiga, demo.kotoh)
    assert may_change(demo.users["coordinator"], demo.nosui)


def test_user_without_role_sees_nothing(demo):
    nobody = User.objects.create_user("nobody", password="x")
    assert visible_to(School.objects.all(), nobody).count() == 0


def test_inactive_user_sees_nothing(demo):
    user = demo.users["ministry"]
    user.is_active = False
    assert visible_to(School.objects.all(), user).count() == 0


def test_get_for_user_404_outside_scope_and_403_when_read_only(demo):
    with pytest.raises(Http404):
        get_for_user(demo.users["teacher-niigata"], School, pk=demo.hikone.pk)
    with pytest.raises(PermissionDenied):
        get_for_user(demo.users["ministry"], School, change=True, pk=demo.hikone.pk)
    assert get_for_user(demo.users["teacher"], School, change=True, pk=demo.hikone.pk) == demo.hikone
    with pytest.raises(Http404):
        get_for_user(demo.users["ministry"], School, pk="not-a-number")


def test_may_change_follows_roles(demo):
    assert may_change(demo.users["company"], demo.kotoh)
    assert not may_change(demo.users["teacher"], demo.kotoh)


def test_scoped_list_is_one_query(demo):
    user = demo.users["company"]
    with CaptureQueriesContext(connection) as queries:
        list(visible_to(School.objects.select_related("prefecture"), user))
    assert len(queries) == 1


@pytest.mark.parametrize(
    "role, scope, error_field",
    [
        (Role.TEACHER, {}, "school"),
        (Role.PREFECTURE, {}, "prefecture"),
        (Role.MINISTRY, {"school": "hikone"}, "school"),
        (Role.COMPANY, {"company": "kotoh", "school": "hikone"}, "school"),
    ],
)
def test_scope_must_match_role(demo, role, scope, error_field):
    values = {field: getattr(demo, attr) for field, attr in scope.items()}
    user = User(username="new-user", role=role, **values)
    user.set_unusable_password()
    with pytest.raises(ValidationError) as raised:
        user.full_clean()
    assert error_field in raised.value.message_dict


def test_scope_is_data(demo):
    teacher = demo.users["teacher"]
    assert teacher.scope == ("school", demo.hikone.pk)
    teacher.school = demo.kaiyo
    teacher.save()
    assert names(visible_to(School.objects.all(), teacher)) == ["新潟県立海洋高等学校"]


def test_a_prefecture_holds_its_own_schools_not_a_neighbours_member(demo):
    # A Fukui school joins the Shiga consortium: Shiga's staff see it, but it is Fukui's school, and Shiga's
    # figures (its reports) count Shiga's own schools only; a consortium holds every member.
    neighbour = School.objects.create(
        code="D118299999990",
        name="福井県立越前工業高等学校",
        prefecture=Prefecture.objects.get(code="18"),
        establishment="2",
    )
    demo.shiga_consortium.schools.add(neighbour)
    shiga = demo.shiga_consortium.prefecture_id
    assert neighbour in within_scope(School.objects.all(), ScopeKind.PREFECTURE, shiga)
    owned = owned_within_scope(School.objects.all(), ScopeKind.PREFECTURE, shiga)
    assert neighbour not in owned and demo.hikone in owned
    members = owned_within_scope(School.objects.all(), ScopeKind.CONSORTIUM, demo.shiga_consortium.pk)
    assert set(members) == set(demo.shiga_consortium.schools.all()) and neighbour in members
    assert owned_within_scope(School.objects.all(), ScopeKind.NATIONAL, None).count() == School.objects.count()
