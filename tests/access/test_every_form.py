"""Every form in the portal takes hostile values without an error page, and a form it refuses writes nothing.

The forms are found as a person finds them: every page of the URLconf (through the permission matrix, which fails
when a URL has no row) is opened by someone who may use it, and each POST form on it is filled from its own HTML,
some fields with their valid or current value and others with a value from `tests/hostile.py`, drawn by hypothesis.
A refusal (a 4xx, or the form shown again with errors) must leave no write behind: every INSERT, UPDATE and DELETE
the request ran is checked to have been rolled back with its savepoint.
"""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.forms import BaseForm, BaseFormSet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import hostile
from tests.access.test_permission_matrix import ANONYMOUS, EXPECTATIONS

# Who opens a page: the first of these that may (a school's teacher first, where most forms are).
OPENERS = ("teacher", "coordinator", "prefecture", "company", "ministry", "admin", ANONYMOUS)
# Forms every page carries in its layout; signing out would end the session the other examples use.
LAYOUT_ACTIONS = {reverse("logout"), reverse("set_language")}
# Writes that are not the form's: the session, and the throttles' counts of wrong passwords and wrong codes.
BOOKKEEPING_TABLES = re.compile(r"^(django_session|axes_\w+|otp_totp_totpdevice)$")
EXAMPLES_PER_FORM = 5
# Pages that answer with a file (a PDF, a download, a scan) hold no form to fill.
FILE_PAGES = re.compile(r"_pdf$|download|_document$|_scan$|:file$|:preview$")


class FormFields(HTMLParser):
    """The forms of a page as a browser would submit them: method, action, and each field's kind, value and options."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = {"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": {}}
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            return
        fields, name = self._form["fields"], a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                field = fields.setdefault(name, {"kind": kind, "options": [], "value": []})
                field["options"].append(a.get("value", "on"))
                if "checked" in a:
                    field["value"].append(a.get("value", "on"))
            elif kind in {"submit", "button", "image"}:
                fields.setdefault(name, {"kind": "submit", "options": [], "value": []})["options"].append(
                    a.get("value", "")
                )
            elif kind != "file":
                fields[name] = {"kind": kind, "options": [], "value": [a.get("value", "")]}
        elif tag == "button" and a.get("type", "submit") == "submit":
            fields.setdefault(name, {"kind": "submit", "options": [], "value": []})["options"].append(
                a.get("value", "")
            )
        elif tag == "select":
            self._select = fields[name] = {"kind": "select", "options": [], "value": [], "multiple": "multiple" in a}
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["value"].append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = fields[name] = {"kind": "textarea", "options": [], "value": [""]}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _valid_guess(field) -> list[str]:
    """The field's current value, else a value of its kind that a person would type."""
    value = [v for v in field["value"] if v != ""]
    if value or field["kind"] == "hidden":
        return value or field["value"]
    if field["kind"] in {"select", "radio", "submit"}:
        return [next((o for o in field["options"] if o), "")][:1]
    if field["kind"] == "checkbox":
        return field["options"][:1]
    today = timezone.localdate().isoformat()
    return [
        {"date": today, "number": "1", "email": "kotoh@example.jp", "month": today[:7]}.get(field["kind"], "テスト")
    ]


def _field_values(field):
    """Valid or current values most of the time, hostile ones for the rest, and the page's own options too."""
    hostile_value = st.sampled_from(hostile.ANY_FIELD).map(lambda v: [v])
    if field["kind"] in {"checkbox", "select", "radio"} and field["options"]:
        choices = st.lists(st.sampled_from(field["options"]), max_size=3, unique=True)
        return st.one_of(st.just(_valid_guess(field)), choices, hostile_value, st.just([]))
    if field["kind"] == "submit":
        return st.sampled_from(field["options"] or [""]).map(lambda v: [v])
    return st.one_of(st.just(_valid_guess(field)), st.just(_valid_guess(field)), hostile_value, st.just([]))


def _context_values(context):
    contexts = context if isinstance(context, list) else [context]
    for each in contexts:
        for layer in getattr(each, "dicts", [each]):
            if isinstance(layer, dict):
                yield from layer.values()


def _draft_kept(response) -> bool:
    """A submission refused for what it lacks, whose text the page kept as a draft (the evaluation forms): its
    writes are the point, and the page says so beside the errors."""
    return response.context is not None and any(
        isinstance(layer, dict) and layer.get("draft_kept") is True
        for each in (response.context if isinstance(response.context, list) else [response.context])
        for layer in getattr(each, "dicts", [each])
    )


def _refused(response) -> bool:
    if _draft_kept(response):
        return False
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or response.context is None:
        return False
    for value in _context_values(response.context):
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            return True
        if isinstance(value, BaseFormSet) and value.is_bound and value.total_error_count():
            return True
    return False


_SAVEPOINT = re.compile(r'^(SAVEPOINT|ROLLBACK TO SAVEPOINT|RELEASE SAVEPOINT)\s+"?(\w+)"?', re.I)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


def surviving_writes(queries) -> list[str]:
    """The tables written by statements that were not rolled back with their savepoint."""
    levels: list[tuple[str | None, list[str]]] = [(None, [])]
    for query in queries:
        sql = query["sql"]
        savepoint = _SAVEPOINT.match(sql)
        if savepoint:
            action, name = savepoint.group(1).upper(), savepoint.group(2)
            if action == "SAVEPOINT":
                levels.append((name, []))
                continue
            depth = next((i for i, (n, _) in enumerate(levels) if n == name), None)
            if depth is None:
                # Django releases a savepoint right after rolling back to it: that one is gone already.
                continue
            kept = [table for _, tables in levels[depth:] for table in tables] if action.startswith("RELEASE") else []
            del levels[depth:]
            levels[-1][1].extend(kept)
            continue
        write = _WRITE.match(sql)
        if write and not BOOKKEEPING_TABLES.match(write.group(1)):
            levels[-1][1].append(write.group(1))
    return [table for _, tables in levels for table in tables]


def test_surviving_writes_follow_savepoints():
    rolled_back_then_released = [
        {"sql": 'SAVEPOINT "s1"'},
        {"sql": 'INSERT INTO "partners_company" VALUES (1)'},
        {"sql": 'ROLLBACK TO SAVEPOINT "s1"'},
        {"sql": 'RELEASE SAVEPOINT "s1"'},
    ]
    assert surviving_writes(rolled_back_then_released) == []
    queries = [
        {"sql": 'INSERT INTO "django_session" VALUES (1)'},
        {"sql": 'SAVEPOINT "s1"'},
        {"sql": 'INSERT INTO "partners_company" VALUES (1)'},
        {"sql": 'SAVEPOINT "s2"'},
        {"sql": 'UPDATE "partners_person" SET x = 1'},
        {"sql": 'ROLLBACK TO SAVEPOINT "s2"'},
        {"sql": 'RELEASE SAVEPOINT "s1"'},
        {"sql": 'SAVEPOINT "s3"'},
        {"sql": 'DELETE FROM "curricula_placement" WHERE id = 1'},
        {"sql": 'ROLLBACK TO SAVEPOINT "s3"'},
    ]
    assert surviving_writes(queries) == ["partners_company"]


def _opener(table) -> str | None:
    return next((p for p in OPENERS if table.get(p) == 200), None)


def pages(demo):
    """(url name, who opens it, page path) for every page of the URLconf someone may open, files aside."""
    for name, (kwargs, table) in sorted(EXPECTATIONS.items()):
        persona = _opener(table)
        if persona is None or FILE_PAGES.search(name):
            continue
        yield name, persona, reverse(name, kwargs=kwargs(demo) if kwargs else None)


def forms_on(client, path, method="post"):
    """(action, fields) of each form of the page sent with `method`, but the layout's own."""
    response = client.get(path)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = FormFields()
    parser.feed(response.content.decode())
    forms = []
    for form in parser.forms:
        action = urlsplit(form["action"]).path or path
        if form["method"] == method and action not in LAYOUT_ACTIONS:
            forms.append((action, form["fields"]))
    return forms


def login(client, demo, persona):
    client.logout()
    if persona != ANONYMOUS:
        client.force_login(demo.users[persona])


def _hostile_posts(client, action, fields):
    """A hypothesis test posting to one form: no error page, and a refusal writes nothing."""

    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.fixed_dictionaries({field: _field_values(spec) for field, spec in fields.items()}))
    def post(data):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(action, {name: value for name, value in data.items() if value})
        assert response.status_code < 500
        if _refused(response):
            assert not surviving_writes(captured.captured_queries), (response.status_code, data)

    return post


@pytest.mark.django_db
def test_no_form_answers_500_and_a_refused_form_writes_nothing(client, demo, monkeypatch):
    from reports.tasks import report_run_build

    # A report run that a form starts is queued for a worker; this test has none and needs none.
    monkeypatch.setattr(report_run_build, "delay", lambda *args, **kwargs: None)
    # Every page is opened before any form is posted: a form may use up what another page's address is built from.
    found = []
    for name, persona, path in list(pages(demo)):
        login(client, demo, persona)
        found += [(name, persona, action, fields) for action, fields in forms_on(client, path)]
    checked, failures, seen = [], [], set()
    for name, persona, action, fields in found:
        key = (re.sub(r"\d+", "N", action), tuple(sorted(fields)))
        if key in seen:
            continue
        seen.add(key)
        checked.append(f"{name} → {action}")
        login(client, demo, persona)
        try:
            _hostile_posts(client, action, fields)()
        except Exception as error:  # noqa: BLE001 - every form is tried; all failures are reported together
            failures.append(f"{name} ({persona}) → {action}: {type(error).__name__}: {error}"[:2000])
    assert len(checked) >= 40, checked
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def test_dates_of_today_are_inside_the_window():
    # The valid guesses above use today's date; the window must hold it in any year the suite runs.
    from meister.validators import EARLIEST_DATE, latest_date

    assert EARLIEST_DATE <= datetime.date.today() <= latest_date()
