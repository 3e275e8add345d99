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
