"""Random and hostile input never gives a 500, never writes half a record, and is answered in words."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meister import fiscal
from meister.env import env_bool, env_database, env_int, env_list
from meister.importing import ImportProblem, read_table, upload_format
from partners.models import Company

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.text(max_size=60)


@settings(max_examples=200, deadline=None)
@given(raw=text)
def test_settings_readers_accept_or_refuse_loudly(raw):
    for read in (
        lambda: env_bool("X", False, environ={"X": raw}),
        lambda: env_int("X", 1, environ={"X": raw}),
        lambda: env_list("X", [], environ={"X": raw}),
        lambda: env_database("X", "sqlite:///x", environ={"X": raw}),
    ):
        try:
            read()
        except ImproperlyConfigured as error:
            assert "X" in str(error)


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_fiscal_year_and_era_for_any_day(day):
    fy = fiscal.fiscal_year(day)
    start, end = fiscal.fiscal_year_bounds(fy)
    assert start <= day <= end
    label = fiscal.fiscal_year_label(fy, "ja")
    assert label.endswith("年度") and label[:2] in {"明治", "大正", "昭和", "平成", "令和"}
    assert fiscal.wareki_date(day).endswith(f"{day.month}月{day.day}日")


@FAST
@given(data=st.binary(max_size=2048), name=st.sampled_from(["a.csv", "a.xlsx", "a.xlsm", "a.txt", "a"]))
def test_any_bytes_are_read_or_refused_in_words(data, name):
    try:
        rows = read_table(data, upload_format(name, data))
    except ImportProblem as problem:
        assert problem.message
    else:
        assert all(isinstance(number, int) and isinstance(cells, list) for number, cells in rows)


@FAST
@given(
    entries=st.lists(
        st.tuples(st.sampled_from(["xl/workbook.xml", "[Content_Types].xml", "x"]), st.binary()), max_size=3
    )
)
def test_broken_workbooks_are_refused_in_words(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in entries:
            archive.writestr(path, content)
    data = buffer.getvalue()
    # None of these archives holds a readable sheet: each must be refused, in words, never accepted.
    with pytest.raises(ImportProblem) as refused:
        read_table(data, upload_format("壊れた.xlsx", data))
    message = str(refused.value.message)
    assert message.strip() and "Traceback" not in message


@FAST
@given(
    token=st.text(
        alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="/?#%"), min_size=1, max_size=80
    )
)
def test_emailed_links_with_any_token_never_fail(client, db, token):
    # A link that is not one of ours is refused (403/404, or 410 once expired), never an error page.
    for name in ("partners:proposal_answer_link", "curricula:confirm_link"):
        response = client.get(reverse(name, args=[token]))
        assert response.status_code in {403, 404, 410}
        response = client.post(reverse(name, args=[token]), {"answer": "accept", "name": token, "all": "1"})
        assert response.status_code in {403, 404, 410}


@FAST
@given(name=text, kana=text, number=text, municipality=text)
def test_company_form_with_any_text(client, demo, name, kana, number, municipality):
    client.force_login(demo.users["coordinator"])
    before = Company.objects.count()
    response = client.post(
        reverse("partners:company_create"),
        {
            "name": name,
            "kana": kana,
            "corporate_number": number,
            "municipality": municipality,
            "prefecture": demo.hikone.prefecture_id,
            "offers-TOTAL_FORMS": "0",
            "offers-INITIAL_FORMS": "0",
            "offers-MIN_NUM_FORMS": "0",
            "offers-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert Company.objects.count() == before
        assert response.context["form"].errors
    else:
        assert Company.objects.count() == before + 1


def test_odd_query_values_do_not_fail(client, demo):
    from curricula.models import Placement

    client.force_login(demo.users["teacher"])
    placement = Placement.objects.filter(student__school=demo.hikone).first()
    assert client.get(reverse("curricula:placement_list"), {"company": "²"}).status_code == 200
    assert client.get(reverse("curricula:destination_summary"), {"year": "²"}).status_code == 200
    assert (
        client.get(reverse("curricula:placement_detail", args=[placement.pk]), {"month": "0001-01"}).status_code == 200
    )
    assert client.get("/curricula/log/0001-01-01/").status_code == 404
    assert client.get("/curricula/log/9999-12-31/").status_code == 404
