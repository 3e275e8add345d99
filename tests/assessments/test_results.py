"""Instruments, the teacher's grid, imports and the results pages, on the demo's Hikone cohort."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import stats
from assessments.models import Administration, Instrument, Response, Timing
from assessments.scoring import InstrumentSpec
from curricula.models import Student
from meister.fiscal import current_fiscal_year


def _cohort(demo):
    administration = Administration.objects.filter(school=demo.hikone, instrument__code="grit-s").order_by("pk")[0]
    return administration.entry_year, administration.fiscal_year


def _results_url(demo):
    entry_year, fy = _cohort(demo)
    return reverse("assessments:cohort_results", args=[demo.hikone.pk, entry_year]) + f"?fy={fy}"


def test_builtin_instruments_are_data(db):
    grit = Instrument.objects.get(code="grit-s")
    reverse_items = sorted(grit.items.filter(reverse_scored=True).values_list("number", flat=True))
    assert reverse_items == [3, 5, 6, 8]
    assert sorted(grit.items.filter(subscale__name="根気").values_list("number", flat=True)) == [1, 2, 4, 7]
    assert Instrument.objects.get(code="self-efficacy").items.count() == 23
    assert set(Instrument.objects.get(code="career").subscales.values_list("name", flat=True)) == {
        "進路意識",
        "学びへ向かう態度",
    }
    literacy = Instrument.objects.get(code="literacy-competency")
    assert list(literacy.subscales.values_list("name", flat=True)) == [
        "情報収集",
        "情報分析",
        "課題発見",
        "構想",
        "対人",
        "対自己",
        "対課題",
    ]
    assert grit.items.get(number=1).text == "項目1"


def test_reverse_scoring_and_rules(db):
    spec = InstrumentSpec.load(Instrument.objects.get(code="grit-s"))
    all_fives = {str(n): 5 for n in range(1, 9)}
    assert spec.scores(all_fives) == {"perseverance": 5.0, "consistency": 1.0}
    missing = dict(all_fives)
    del missing["3"]
    assert spec.scores(missing) == {"perseverance": 5.0}
    assert spec.parse("５") == (5, None)
    assert spec.parse("6")[1] and spec.parse("a")[1] and spec.parse("2.5")[1]


def test_demo_cohort_has_pre_and_post_for_grit_and_self_efficacy(demo):
    entry_year, fy = _cohort(demo)
    assert entry_year == current_fiscal_year() - 2
    for code in ("grit-s", "self-efficacy"):
        for timing in (Timing.PRE, Timing.POST):
            administration = Administration.objects.get(
                school=demo.hikone, instrument__code=code, timing=timing, fiscal_year=fy
            )
            assert administration.responses.count() >= 30


def _this_cohort(demo) -> dict:
    entry_year, fiscal_year = _cohort(demo)[:2]
    return {
        "administration__school": demo.hikone,
        "administration__entry_year": entry_year,
        "administration__fiscal_year": fiscal_year,
    }


def test_coordinator_sees_change_with_interval_and_chart_but_no_names(client, demo):
    client.force_login(demo.users["coordinator"])
    response = client.get(_results_url(demo))
    assert response.status_code == 200
    body = response.content.decode()
    assert "95%信頼区間" in body
    assert 'data-testid="change-chart"' in body and "<svg" in body
    assert "<script" not in body.split("<main", 1)[1].split("</main>", 1)[0]
    results = {r.instrument.code: r for r in response.context["results"]}
    grit = {s.code: s for s in results["grit-s"].subscales}
    perseverance = grit["perseverance"]
    assert perseverance.change.n >= 30 and not perseverance.change_suppressed
    # The page's numbers are the statistics of the stored scores, pair by pair.
    pre = dict(
        Response.objects.filter(
            administration__timing="pre", administration__instrument__code="grit-s", **_this_cohort(demo)
        ).values_list("student_id", "scores__perseverance")
    )
    post = dict(
        Response.objects.filter(
            administration__timing="post", administration__instrument__code="grit-s", **_this_cohort(demo)
        ).values_list("student_id", "scores__perseverance")
    )
    paired = sorted(set(pre) & set(post))
    expected = stats.paired_change([pre[s] for s in paired], [post[s] for s in paired])
    assert perseverance.change.mean_diff == pytest.approx(expected.mean_diff)
    assert perseverance.change.ci_low == pytest.approx(expected.ci_low)
    assert expected.mean_diff > 0
    kana = Student.objects.filter(school=demo.hikone, entry_year=_cohort(demo)[0]).first().kana_name
    assert kana not in body
    assert "self-efficacy" in results


def test_teacher_sees_the_names_of_their_school(client, demo):
    client.force_login(demo.users["teacher"])
    body = client.get(_results_url(demo)).content.decode()
    kana = Student.objects.filter(school=demo.hikone, entry_year=_cohort(demo)[0], class_name="3-1").first().kana_name
    assert kana in body


def test_small_groups_are_suppressed(client, demo, settings):
    settings.ASSESSMENTS_SUPPRESSION_THRESHOLD = 1000
    client.force_login(demo.users["coordinator"])
    response = client.get(_results_url(demo))
    body = response.content.decode()
    assert "change-chart" not in body
    assert "—" in body
    for result in response.context["results"]:
        assert all(t.suppressed for s in result.subscales for t in s.timings)


def test_summary_for_ministry_is_national_and_nameless(client, demo):
    client.force_login(demo.users["ministry"])
    response = client.get(reverse("assessments:summary") + f"?fiscal_year={_cohort(demo)[1]}")
    assert response.status_code == 200
    assert "change-chart" in response.content.decode()
    assert all(not r.students for r in response.context["results"])


def test_niigata_prefecture_sees_nothing_of_hikone(client, demo):
    client.force_login(demo.users["prefecture-niigata"])
    response = client.get(reverse("assessments:summary") + f"?fiscal_year={_cohort(demo)[1]}")
    assert response.context["results"] == []


# --- the grid ---------------------------------------------------------------------------------------------------


def _administration(demo, code="grit-s", entry_year=None, timing=Timing.PRE):
    entry_year = entry_year or _cohort(demo)[0]
    return Administration.objects.get_or_create(
        instrument=Instrument.objects.get(code=code),
        school=demo.hikone,
        entry_year=entry_year,
        department=None,
        fiscal_year=current_fiscal_year(),
        timing=timing if code != "grit-s" or entry_year != _cohort(demo)[0] else Timing.MID,
    )[0]


def test_grid_keeps_everything_on_a_validation_error_then_saves(client, demo):
    administration = _administration(demo)
    student = administration.students()[0]
    other = administration.students()[1]
    client.force_login(demo.users["teacher"])
    url = reverse("assessments:administration_grid", args=[administration.pk])
    data = {f"a-{student.pk}-{n}": "5" for n in range(1, 9)}
    data.update({f"a-{other.pk}-{n}": "４" for n in range(1, 9)})
    data[f"a-{other.pk}-3"] = "7"
    response = client.post(url, data)
    assert response.status_code == 200
    assert administration.responses.count() == 0
    body = response.content.decode()
    assert "7」は回答できません" in body
    assert f'name="a-{student.pk}-1" value="5"' in body
    assert f'name="a-{other.pk}-3" value="7"' in body

    data[f"a-{other.pk}-3"] = "2"
    response = client.post(url, data)
    assert response.status_code == 302
    saved = administration.responses.get(student=student)
    assert saved.scores == {"perseverance": 5.0, "consistency": 1.0}
    assert administration.responses.get(student=other).answers["1"] == 4
    # A row cleared again removes that student's response.
    data.update({f"a-{other.pk}-{n}": "" for n in range(1, 9)})
    client.post(url, data)
    assert not administration.responses.filter(student=other).exists()


def test_coordinator_may_not_enter_answers(client, demo):
    client.force_login(demo.users["coordinator"])
    url = reverse("assessments:administration_grid", args=[_administration(demo).pk])
    assert client.post(url, {}).status_code == 403


def _students(demo, entry_year, count):
    department = demo.hikone.departments.get(name="機械科")
    Student.objects.bulk_create(
        Student(
            school=demo.hikone,
            department=department,
            entry_year=entry_year,
            class_name="1-1",
            number=n,
            kana_name=f"せいと {n}",
        )
        for n in range(Student.objects.filter(school=demo.hikone, entry_year=entry_year).count() + 1, count + 1)
    )


@pytest.mark.parametrize("persona", ["teacher", "coordinator"])
def test_query_count_does_not_grow_with_students(client, demo, persona):
    entry_year = 2030
    pre = _administration(demo, entry_year=entry_year, timing=Timing.PRE)
    post = _administration(demo, entry_year=entry_year, timing=Timing.POST)
    spec = InstrumentSpec.load(pre.instrument)

    def answer_all():
        for administration, value in ((pre, 3), (post, 4)):
            for student in administration.students():
                answers = {item.key: value for item in spec.items}
                Response.objects.update_or_create(
                    administration=administration,
                    student=student,
                    defaults={"answers": answers, "scores": spec.scores(answers)},
                )

    urls = [reverse("assessments:cohort_results", args=[demo.hikone.pk, entry_year])]
    if persona == "teacher":
        urls.append(reverse("assessments:administration_grid", args=[pre.pk]))
    client.force_login(demo.users[persona])

    def measure(url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    _students(demo, entry_year, 1)
    answer_all()
    few = [measure(url) for url in urls]
    _students(demo, entry_year, 40)
    answer_all()
    many = [measure(url) for url in urls]
    assert Student.objects.filter(school=demo.hikone, entry_year=entry_year).count() == 40
    assert many == few


def test_grid_save_query_count_does_not_grow(client, demo):
    entry_year = 2031
    administration = _administration(demo, entry_year=entry_year, timing=Timing.PRE)
    client.force_login(demo.users["teacher"])
    url = reverse("assessments:administration_grid", args=[administration.pk])

    def measure():
        data = {f"a-{s.pk}-{n}": "3" for s in administration.students() for n in range(1, 9)}
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, data).status_code == 302
        return len(queries)

    _students(demo, entry_year, 1)
    few = measure()
    _students(demo, entry_year, 40)
    assert measure() == few


def test_results_download_as_the_page_shows_them(client, demo):
    import csv
    import io

    from curricula.models import Student

    client.force_login(demo.users["coordinator"])
    page = client.get(_results_url(demo))
    results = {r.instrument.code: r for r in page.context["results"]}
    perseverance = {s.code: s for s in results["grit-s"].subscales}["perseverance"]
    response = client.get(_results_url(demo), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    row = next(r for r in body if r[1] == perseverance.name)
    values = dict(zip(header, row, strict=True))
    assert int(values["対応のある n"]) == perseverance.change.n
    assert float(values["変化"]) == pytest.approx(perseverance.change.mean_diff, abs=1e-3)
    assert float(values["95%信頼区間（下限）"]) == pytest.approx(perseverance.change.ci_low, abs=1e-3)
    names = set(Student.objects.filter(school=demo.hikone).values_list("kana_name", flat=True))
    assert not any(cell in names for r in rows for cell in r)  # aggregates only


def test_results_download_leaves_small_groups_empty(client, demo, settings):
    settings.ASSESSMENTS_SUPPRESSION_THRESHOLD = 1000
    client.force_login(demo.users["coordinator"])
    response = client.get(_results_url(demo), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()[1:]
    assert lines and all(line.split(",")[2:] == [""] * (len(line.split(",")) - 2) for line in lines)
