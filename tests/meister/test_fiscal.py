import datetime

import pytest

from meister import fiscal

D = datetime.date


@pytest.mark.parametrize(
    "day, expected",
    [
        (D(2019, 4, 30), "平成31年4月30日"),
        (D(2019, 5, 1), "令和元年5月1日"),
        (D(2020, 1, 1), "令和2年1月1日"),
        (D(1989, 1, 7), "昭和64年1月7日"),
        (D(1989, 1, 8), "平成元年1月8日"),
        (D(2024, 4, 1), "令和6年4月1日"),
    ],
)
def test_wareki_date(day, expected):
    assert fiscal.wareki_date(day) == expected


@pytest.mark.parametrize(
    "day, fy",
    [(D(2025, 3, 31), 2024), (D(2025, 4, 1), 2025), (D(2024, 12, 31), 2024), (D(2024, 1, 1), 2023)],
)
def test_fiscal_year_runs_april_to_march(day, fy):
    assert fiscal.fiscal_year(day) == fy


@pytest.mark.parametrize(
    "fy, ja, en",
    [
        (2019, "令和元年度", "FY2019"),
        (2018, "平成30年度", "FY2018"),
        (2024, "令和6年度", "FY2024"),
        (1988, "昭和63年度", "FY1988"),
        (1989, "平成元年度", "FY1989"),
    ],
)
def test_fiscal_year_label(fy, ja, en):
    assert fiscal.fiscal_year_label(fy, "ja") == ja
    assert fiscal.fiscal_year_label(fy, "en") == en


def test_2025_03_31_is_in_reiwa_6():
    assert fiscal.fiscal_year_label(fiscal.fiscal_year(D(2025, 3, 31))) == "令和6年度"


def test_fiscal_year_bounds():
    assert fiscal.fiscal_year_bounds(2024) == (D(2024, 4, 1), D(2025, 3, 31))


def test_before_meiji_is_refused():
    with pytest.raises(ValueError):
        fiscal.era_of(D(1800, 1, 1))


def test_template_filters_follow_the_language():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load wareki %}{{ fy|fiscal_year }} {{ day|wareki }}")
    context = Context({"fy": 2019, "day": D(2019, 5, 1)})
    with translation.override("ja"):
        assert template.render(context) == "令和元年度 令和元年5月1日"
    with translation.override("en"):
        assert template.render(context).startswith("FY2019 ")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026", 2026),
        (2026, 2026),
        ("２０２６", 2026),  # full-width digits, as a Japanese keyboard types them
        ("02026", 2026),
        (None, None),
        ("", None),
        ("abc", None),
        ("2026年", None),
        ("-2026", None),
        ("+2026", None),
        (" 2026", None),
        ("²", None),
        ("0", None),
        ("10000", None),
        ("9" * 5000, None),
        (["2026"], None),
    ],
)
def test_fiscal_year_from_reads_plain_years_only(value, expected):
    assert fiscal.fiscal_year_from(value) == expected


def test_fiscal_year_from_answers_the_default_for_nothing_and_for_nonsense():
    assert fiscal.fiscal_year_from("", default=2025) == 2025
    assert fiscal.fiscal_year_from("x", default=2025) == 2025
    assert fiscal.fiscal_year_from("2019", default=2025, lowest=2021, highest=2027) == 2025


def test_strict_fiscal_year_from_refuses_nonsense_with_404_but_not_nothing():
    from django.http import Http404

    assert fiscal.fiscal_year_from(None, default=2025, strict=True) == 2025
    assert fiscal.fiscal_year_from("２０２６", lowest=2021, highest=2027, strict=True) == 2026
    for value in ("x", "2019", "2028", "１２３４５"):
        with pytest.raises(Http404):
            fiscal.fiscal_year_from(value, lowest=2021, highest=2027, strict=True)


def test_programme_years_run_from_next_year_back_to_the_first(travel):
    travel(D(2026, 3, 31))
    assert list(fiscal.programme_years()) == [2026, 2025, 2024, 2023, 2022, 2021]
    assert fiscal.fiscal_year_choices("ja")[0] == (2026, "令和8年度")
    assert fiscal.fiscal_year_choices("en")[-1] == (2021, "FY2021")


# The pages that read a year from the query string: a list's filter ignores what is no year, a page about one year
# answers 404 for it; none of them fails.
YEAR_PAGES = [
    ("curricula:destination_summary", "teacher", "year", "year"),
    ("curricula:class_session_list", "teacher", "year", "year"),
    ("reports:pdca_list", "ministry", "fy", "fy"),
    ("reports:kpi_list", "ministry", "fy", "fy"),
]


@pytest.mark.parametrize("url_name, persona, param, shown", YEAR_PAGES)
def test_year_in_the_query_string(client, demo, url_name, persona, param, shown):
    from django.urls import reverse

    this_year = fiscal.current_fiscal_year()
    client.force_login(demo.users[persona])
    url = reverse(url_name)
    strict = url_name.startswith("reports:")
    wide = str(this_year).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for value in (str(this_year), wide):
        response = client.get(url, {param: value})
        assert response.status_code == 200 and response.context[shown] == this_year, value
    for value in ("abc", "0", "99999", "-1", "9" * 5000, *(["2000"] if strict else [])):
        response = client.get(url, {param: value})
        if strict:
            assert response.status_code == 404, value
        else:
            assert response.status_code == 200 and response.context[shown] is None, value
    response = client.get(url)
    assert response.status_code == 200
    assert response.context[shown] == (this_year if strict else None)


def test_results_year_falls_back_to_this_year(client, demo):
    from django.urls import reverse

    from assessments.models import Administration

    administration = Administration.objects.filter(school=demo.hikone).order_by("pk")[0]
    client.force_login(demo.users["teacher"])
    url = reverse("assessments:cohort_results", args=[demo.hikone.pk, administration.entry_year])
    wide = str(administration.fiscal_year).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.get(url, {"fy": wide}).context["fiscal_year"] == administration.fiscal_year
    for value in ("", "abc", "0", "99999", "9" * 5000):
        response = client.get(url, {"fy": value})
        assert response.status_code == 200 and response.context["fiscal_year"] == fiscal.current_fiscal_year()
