"""The write half of the permission matrix: every create and edit form × every persona, built from the URLconf.

The forms are found, not listed: a URL whose view (or a helper of its module it calls) uses a model form or formset
is a write URL, so a form added later is covered without a line here. For each persona the test
- posts valid data where the persona may not open the form, and expects the read matrix's answer (403, 404) and no
  change in the database;
- otherwise builds valid data from the form as the persona sees it and posts it as it is: it must be accepted (so
  that the refusals below are the scope's doing) and leave rows the persona still sees (then it is undone); posts it
  with every choice that decides scope (prefecture, consortium, school, company, person…) moved to an object outside
  the persona's scope, taken from the other case's prefecture, and expects a refusal and no change in the database;
  and posts it with the optional ones left empty, and expects a refusal or rows the persona still sees.
URL arguments come from the read matrix (`EXPECTATIONS`); the Niigata personas are outsiders of those Shiga objects.
"""

import datetime
import inspect

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet, BaseModelForm, BaseModelFormSet
from django.forms import fields as form_fields
from django.forms import models as model_forms
from django.forms.formsets import ManagementForm
from django.urls import reverse

from meister.scoping import decides_scope, visible_to
from tests.access.test_permission_matrix import ANONYMOUS, EXPECTATIONS, url_names
from tests.conftest import PERSONAS

PORTAL_APPS = ("meister", "partners", "accounts", "curricula", "programme", "assessments", "showcase", "reports", "sso")
NATIONAL = ("ministry", "admin", "surveyor")


def _uses_model_form(function, seen=None) -> bool:
    """Whether a view, or a function of its own module that it calls, names a model form or formset class."""
    function = inspect.unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    seen = set() if seen is None else seen
    if function in seen:
        return False
    seen.add(function)
    codes = [code]
    names = set()
    while codes:
        current = codes.pop()
        names.update(current.co_names)
        codes.extend(c for c in current.co_consts if inspect.iscode(c))
    for name in names:
        value = function.__globals__.get(name)
        if inspect.isclass(value) and issubclass(value, (BaseModelForm, BaseModelFormSet)):
            return True
        if inspect.isfunction(value) and value.__module__ == function.__module__ and _uses_model_form(value, seen):
            return True
    return False


WRITE_URLS = sorted(
    {name for name, pattern in url_names() if not name.startswith("admin:") and _uses_model_form(pattern.callback)}
)


def test_the_write_matrix_finds_the_forms():
    # A sample of what the discovery must find, and what it must leave alone (plain forms, pages without forms).
    assert {"partners:agreement_create", "partners:need_create", "library:edit", "reports:pdca_edit"} <= set(WRITE_URLS)
    assert not {"partners:need_propose", "curricula:log_day", "partners:agreement_list"} & set(WRITE_URLS)
    assert set(WRITE_URLS) <= set(EXPECTATIONS), "write URLs without a row (and URL arguments) in the read matrix"


# --- what the database holds ------------------------------------------------------------------------------------


def _tables() -> list[str]:
    tables = set()
    for label in PORTAL_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.add(model._meta.db_table)
    return sorted(tables)


def fingerprint() -> dict[str, str]:
    """One hash per portal table over all its rows (PostgreSQL): any row added, changed or removed shows."""
    quote = connection.ops.quote_name
    parts = [
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quote(table)} t"
        for table in _tables()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before if before[table] != after[table])


# --- the forms a page shows and the data a browser would send ---------------------------------------------------


def forms_in(response) -> list:
    """The forms and formsets in the page's context, as rendered (top-level values, and inside lists of rows)."""
    found = []
    if response.context is None:
        return found

    def add(value):
        if isinstance(value, (BaseForm, BaseFormSet)) and all(value is not f for f in found):
            found.append(value)
        elif isinstance(value, dict):
            for inner in value.values():
                if isinstance(inner, (BaseForm, BaseFormSet)):
                    add(inner)
        elif isinstance(value, (list, tuple)):
            for inner in value:
                add(inner)

    contexts = response.context if isinstance(response.context, list) else [response.context]
    for context in contexts:
        for value in context.flatten().values():
            add(value)
    # Includes see a formset's forms one by one; they belong to their formset.
    members = [member for formset in found if isinstance(formset, BaseFormSet) for member in formset.forms]
    return [
        form for form in found if not isinstance(form, ManagementForm) and all(form is not member for member in members)
    ]


def _encoded(field, value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, (list, tuple, set)) or hasattr(value, "all") and callable(value.all):
        items = value.all() if hasattr(value, "all") and callable(value.all) else value
        values = [_encoded(field, item) for item in items]
        return [v for v in values if v is not None] or None
    if hasattr(value, "_meta"):
        return str(value.pk)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    if hasattr(value, "read"):  # a stored file: a browser sends nothing for it
        return None
    return str(value)


def _generated(field, today, *, name=""):
    """A valid value for a required field the page left empty."""
    if name.endswith("year") and isinstance(field, form_fields.IntegerField):
        return str(today.year if today.month >= 4 else today.year - 1)  # a fiscal year (entry year, report year)
    if isinstance(field, model_forms.ModelChoiceField):
        first = field.queryset.order_by("pk").first()
        if first is None:
            return None
        return [str(first.pk)] if isinstance(field, model_forms.ModelMultipleChoiceField) else str(first.pk)
    if isinstance(field, form_fields.ChoiceField):
        values = [str(value) for value, _label in field.choices if value not in ("", None)]
        if not values:
            return None
        return values[:1] if isinstance(field, form_fields.MultipleChoiceField) else values[0]
    if isinstance(field, form_fields.DateField):
        return today.isoformat()
    if isinstance(field, (form_fields.IntegerField, form_fields.DecimalField, form_fields.FloatField)):
        return str(max(field.min_value or 1, 1))
    if isinstance(field, form_fields.URLField):
        return "https://example.jp/"
    if isinstance(field, form_fields.EmailField):
        return "write-matrix@example.jp"
    if isinstance(field, form_fields.BooleanField):
        return "on"
    if isinstance(field, form_fields.FileField):
        return None
    if isinstance(field, form_fields.CharField):
        return "書き込みの確認"[: field.max_length or 100]
    return None


def _top_level(forms) -> list[BaseForm]:
    return [form for form in forms if isinstance(form, BaseForm)]


def browser_data(forms, today) -> dict:
    """What a browser sends for these forms as shown, with the required fields they leave empty filled in."""
    data = {}
    for form in forms:
        members = [form.management_form, *form.forms] if isinstance(form, BaseFormSet) else [form]
        for member in members:
            for name, field in member.fields.items():
                value = _encoded(field, member[name].value())
                if value is not None:
                    data[member.add_prefix(name)] = value
    for form in _top_level(forms):
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            if key not in data and not field.disabled:
                # Choices of several (companies, projects…) get one too: some forms ask for at least one.
                if field.required or isinstance(field, model_forms.ModelMultipleChoiceField):
                    value = _generated(field, today, name=name)
                    if value is not None:
                        data[key] = value
    return data


# What the generator cannot guess: values a form's own rules ask for (a school code that matches its prefecture,
# a session kind that needs no lecturer, a KPI entered by hand).
def _school_code(data, form):
    from partners.models import Prefecture

    prefecture = Prefecture.objects.get(pk=data[form.add_prefix("prefecture")])
    return {"code": f"D1{prefecture.code}29999990X", "establishment": "2"}


def _closure_owner(data, form):
    # A closed period belongs to a school or a company: the first the form offers.
    name = "school" if "school" in form.fields else "company"
    return {name: str(form.fields[name].queryset.order_by("pk").first().pk)}


def _allocation_round(data, form):
    # A round needs students of its intake year and school days in its period: the demo's final-year cohort, on
    # Wednesdays from January to March of the demo's fiscal year.
    from meister import clock
    from meister.fiscal import fiscal_year

    fy = fiscal_year(clock.today())
    return {
        "entry_year": str(fy - 2),
        "weekday_set": ["2"],
        "starts_on": f"{fy + 1}-01-13",
        "ends_on": f"{fy + 1}-03-03",
        "hours_per_day": "6",
        "required_hours": "6",
    }


OVERRIDES = {
    "curricula:allocation_create": _allocation_round,
    "partners:closure_create": _closure_owner,
    "partners:school_create": _school_code,
    "curricula:class_session_create": lambda data, form: {"kind": "joint_meeting"},
    "reports:kpi_create": lambda data, form: {"source": "manual", "metric": "", "name": "書き込みの確認"},
    "reports:kpi_edit": lambda data, form: {"source": "manual", "metric": ""},
    "library:create": lambda data, form: {"link": "https://example.jp/教材"},
    "sso:configuration_create": lambda data, form: {"email_domains": "example.jp"},
    "sso:configuration_edit": lambda data, form: {"email_domains": "example.jp"},
}


def valid_data(name, forms, today) -> dict:
    data = browser_data(forms, today)
    override = OVERRIDES.get(name)
    if override is not None:
        form = _top_level(forms)[0]
        for key, value in override(data, form).items():
            data[form.add_prefix(key)] = value
    return data


def scope_fields(forms):
    """(form, name, field) for every enabled choice that decides where the row lies."""
    for form in _top_level(forms):
        for name, field in form.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and decides_scope(queryset.model) and not field.disabled:
                yield form, name, field


def counterpart(persona: str) -> str | None:
    """The same role in the other case: whose objects lie outside the persona's scope."""
    if persona in NATIONAL:
        return None
    return persona.removesuffix("-niigata") if persona.endswith("-niigata") else f"{persona}-niigata"


def outside_choice(field, user, other):
    """An object the field's model holds outside the user's scope, one of the other case's when there is one."""
    model = field.queryset.model
    rows = model._default_manager.exclude(pk__in=visible_to(model._default_manager.all(), user).values("pk"))
    theirs = visible_to(rows, other) if other is not None else rows.none()
    return theirs.order_by("pk").first() or rows.order_by("pk").first()


def moved_outside(data, forms, user, other) -> dict | None:
    moved, changed = dict(data), False
    for form, name, field in scope_fields(forms):
        obj = outside_choice(field, user, other)
        if obj is None:
            continue
        many = isinstance(field, model_forms.ModelMultipleChoiceField)
        moved[form.add_prefix(name)] = [str(obj.pk)] if many else str(obj.pk)
        changed = True
    return moved if changed else None


def left_empty(data, forms) -> dict | None:
    emptied, changed = dict(data), False
    for form, name, field in scope_fields(forms):
        if not field.required and not isinstance(field, model_forms.ModelMultipleChoiceField):
            if emptied.pop(form.add_prefix(name), None) is not None:
                changed = True
    return emptied if changed else None


# --- what the answer was -------------------------------------------------------------------------------------------


def refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code in (200, 400) and any(
        (form.errors if isinstance(form, BaseForm) else form.total_error_count()) for form in forms_in(response)
    )


def accepted(response) -> bool:
    return response.status_code in (301, 302, 303) or (response.status_code == 200 and not refused(response))


def _model_rows(forms) -> dict:
    """The pks of each scoped model the page's model forms write, to tell new rows from old ones afterwards."""
    models = {form._meta.model for form in _top_level(forms) if isinstance(form, BaseModelForm)}
    return {m: set(m._default_manager.values_list("pk", flat=True)) for m in models if decides_scope(m)}


def written_rows_outside(forms, before, user) -> list[str]:
    """Rows the post wrote (new ones, and the edited instances) that the writer can no longer see."""
    outside = []
    for model, old in before.items():
        pks = set(model._default_manager.values_list("pk", flat=True)) - old
        edited = [form.instance for form in _top_level(forms) if isinstance(form, BaseModelForm)]
        pks |= {instance.pk for instance in edited if type(instance) is model and instance.pk}
        seen = set(visible_to(model._default_manager.filter(pk__in=pks), user).values_list("pk", flat=True))
        outside += [f"{model.__name__} {pk}" for pk in sorted(pks - seen)]
    return outside


def _on_links(name) -> bool:
    """A page reached by a signed link (a survey answer): the link, not the visitor's scope, says what it writes."""
    return EXPECTATIONS[name][1][ANONYMOUS] == 200


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", WRITE_URLS)
def test_writes_stay_in_scope(name, persona, client, demo):
    kwargs_for, expected = EXPECTATIONS[name]
    url = reverse(name, kwargs=kwargs_for(demo) if kwargs_for else None)
    user = demo.users[persona]
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == expected[persona]
    forms = forms_in(page) if page.status_code == 200 else []
    if not forms:
        # Whoever may not open the form (or only reads the page) may not post it: valid data, as the back office
        # sees the form, is answered 403 or 404 and nothing is written.
        client.force_login(demo.users["admin"])
        data = valid_data(name, forms_in(client.get(url)), demo.today)
        client.force_login(user)
        before = fingerprint()
        response = client.post(url, data)
        assert response.status_code == (page.status_code if page.status_code != 200 else 403)
        assert _changed(before, fingerprint()) == []
        return

    data = valid_data(name, forms, demo.today)
    with transaction.atomic():
        rows, before = _model_rows(forms), fingerprint()
        response = client.post(url, data)
        if response.status_code == 403:
            # A reader: the page shows the figures in its form, and a post of them is refused.
            assert _changed(before, fingerprint()) == []
            return
        errors = [form.errors for form in _top_level(forms_in(response)) if form.errors]
        assert accepted(response), f"valid data for {name} as {persona} was refused: {errors}"
        if not _on_links(name):
            assert written_rows_outside(forms, rows, user) == []
        # Undone, so that the posts below start from the same database (some rows are once a year).
        transaction.set_rollback(True)

    other = demo.users[counterpart(persona)] if counterpart(persona) else None
    outside = moved_outside(data, forms, user, other)
    if outside is not None:
        before = fingerprint()
        response = client.post(url, outside)
        assert refused(response), f"{persona} moved a row of {name} outside their scope"
        assert _changed(before, fingerprint()) == [], f"{persona}'s refused post to {name} changed the database"

    empty = left_empty(data, forms)
    if empty is not None and not _on_links(name):
        rows, before = _model_rows(forms), fingerprint()
        response = client.post(url, empty)
        if refused(response):
            assert _changed(before, fingerprint()) == []
        else:
            assert written_rows_outside(forms, rows, user) == [], f"{persona} left a row of {name} outside their scope"
