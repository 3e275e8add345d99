"""Every access rule lives in meister/scoping.py: product code asks it by name and never tests a role itself.

The product modules (every app and the core, not migrations, not the tooling) and the templates are read line by
line; a test of a user's role, of `is_superuser` or `is_staff`, or a set of roles kept outside the scoping module
fails here, with the few lines that are not access rules allowed by name and reason.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PRODUCT_PACKAGES = ("meister", "partners", "curricula", "programme", "assessments", "showcase", "reports", "portal")
SCOPING = Path("meister/scoping.py")
RULE = re.compile(
    r"\.role\s*(?:==|!=|\bin\b|\bnot\s+in\b)"  # user.role == …, user.role in {…}, user.role not in …
    r"|\brole\s+not\s+in\b"
    r"|\bis_superuser\b"
    r"|\.is_staff\b"
    r"|\b[A-Z][A-Z_]*_ROLES\s*="  # a set of roles kept beside a view
    r"|\{%[^%]*\buser\.role\b"  # a template tag deciding by the role
)
# (path, the line's text) → why it is not an access rule outside the scoping module.
ALLOWED = {
    (Path("meister/models.py"), "if self.is_superuser:"): (
        "the definition of a user's scope itself: a superuser's scope is national"
    ),
    (Path("meister/settings.py"), 'TWO_FACTOR_DEFAULT_ROLES = ["admin", "ministry", "prefecture", "coordinator"]'): (
        "configuration: the roles that confirm a one-time code, read by scoping.must_confirm_second_factor"
    ),
    (Path("meister/settings.py"), "TWO_FACTOR_REQUIRED_ROLES = env_list("): (
        "configuration: the roles that confirm a one-time code, read by scoping.must_confirm_second_factor"
    ),
    (
        Path("curricula/services/sessions.py"),
        "return session.kind == SessionKind.LECTURE or person.role == PersonRole.PRACTITIONER",
    ): "a contact person's part in their company (産業実務家教員), not a user's role",
}


def product_files():
    base = Path(settings.BASE_DIR)
    for package in PRODUCT_PACKAGES:
        for path in sorted((base / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(base)
    for path in sorted((base / "templates").rglob("*.html")):
        yield path.relative_to(base)


def rules_in(path: Path, text: str):
    for number, line in enumerate(text.splitlines(), start=1):
        if RULE.search(line):
            yield path, number, line.strip()


def found_outside_scoping():
    base = Path(settings.BASE_DIR)
    for path in product_files():
        if path != SCOPING:
            yield from rules_in(path, (base / path).read_text(encoding="utf-8"))


def test_no_access_rule_outside_the_scoping_module():
    stray = [
        f"{path}:{number}: {line}" for path, number, line in found_outside_scoping() if (path, line) not in ALLOWED
    ]
    assert stray == []


def test_every_allowed_line_is_still_there():
    # An allowance outlives its line only by mistake: the list may only shrink.
    found = {(path, line) for path, _number, line in found_outside_scoping()}
    assert [f"{path}: {line}" for path, line in ALLOWED if (path, line) not in found] == []


def test_the_scan_sees_the_usual_shapes_of_a_role_rule():
    lines = [
        "if user.role in {Role.ADMIN, Role.TEACHER}:",
        "if request.user.role == Role.COMPANY and not request.user.is_superuser:",
        "if user.role not in PDCA_ROLES:",
        "return role not in allowed",
        "REVIEW_ROLES = {Role.COMPANY, Role.ADMIN}",
        "if user.is_staff:",
        '{% if fill_rates and user.role in "ministry prefecture admin" %}',
    ]
    assert len(list(rules_in(Path("example.py"), "\n".join(lines)))) == len(lines)
    innocent = ["change_roles = {Role.ADMIN}", "role = models.CharField(...)", 'list_filter = ["role", "is_staff"]']
    assert list(rules_in(Path("example.py"), "\n".join(innocent))) == []


@pytest.mark.parametrize(
    ("page", "create"),
    [
        ("curricula:student_list", "curricula:student_create"),
        ("curricula:placement_list", "curricula:placement_create"),
        ("curricula:class_session_list", "curricula:class_session_create"),
        ("curricula:joint_project_list", "curricula:joint_project_create"),
        ("library:list", "library:create"),
    ],
)
def test_a_list_offers_its_create_button_to_those_who_may_create(client, demo, page, create):
    # The flag is may_create everywhere, read from the rule of the same name.
    client.force_login(demo.users["teacher"])
    assert reverse(create) in client.get(reverse(page)).content.decode()
    client.force_login(demo.users["prefecture"])
    response = client.get(reverse(page))
    assert response.status_code == 200 and reverse(create) not in response.content.decode()
