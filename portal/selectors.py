"""Reads for the dashboards, always through the user's scope.

Each role's dashboard opens on the work waiting for it (`work_for`): every figure is the number of rows of the list it
links to, filtered the same way, and a dashboard costs a fixed number of queries however many rows lie behind it. The
ministry and the prefectures see the picture: a tile map by prefecture and three fiscal years of headline figures.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.selectors import invitations_for_user
from assessments.selectors.survey import surveys_in_state, unanswered_in
from curricula.cards import dashboard_cards
from curricula.models import Placement, YearTally
from curricula.selectors import in_work_state_condition, placement_work
from meister import clock
from meister.fiscal import current_fiscal_year, fiscal_year_bounds, fiscal_year_label
from meister.importing.pipeline import import_batches_for_user
from meister.models import ImportKind, Role
from meister.scoping import may_see_fill_rates, visible_to
from meister.tilemap import tile_map
from partners.models import Agreement, Company, Consortium, Designation, Prefecture, School
from partners.selectors import fill_rate_by_prefecture, matching_work, meeting_work, prefecture_name_field
from portal.charts import trend_chart
from programme.selectors import threads_in_state
from reports.models import KpiTarget, ReportRun


def _width_ratio(value, max_value) -> str:
    """`{% widthratio value max_value 100 %}` as Django prints it: the share rounded to a whole percent, "0" over a
    zero and "" over nothing (the rows are drawn by a Jinja2 fragment, which has no such tag)."""
    try:
        return str(round(float(value) / float(max_value) * 100))
    except ZeroDivisionError:
        return "0"
    except (ValueError, TypeError, OverflowError):
        return ""


def dashboard_figures(*, user) -> dict:
    fy = current_fiscal_year()
    schools = visible_to(School.objects.all(), user)
    companies = visible_to(Company.objects.all(), user).aggregate(
        total=Count("pk"), without_number=Count("pk", filter=Q(corporate_number__isnull=True))
    )
    designations = visible_to(Designation.objects.filter(fiscal_year=fy), user)
    return {
        "fiscal_year": fy,
        "school_count": schools.count(),
        "company_count": companies["total"],
        "company_without_number_count": companies["without_number"],
        "consortium_count": visible_to(Consortium.objects.all(), user).count(),
        "designation_count": designations.count(),
        "designations": list(designations.select_related("consortium", "consortium__prefecture")[:10]),
        "fill_rates": [
            {**row, "filled": _width_ratio(row["enrolment"], row["capacity"])}
            for row in fill_rate_by_prefecture(user=user, fiscal_year=fy)
        ],
        "may_see_fill_rates": may_see_fill_rates(user),
    }


@dataclass
class WorkItem:
    """One line of "what needs you now": how many, of what, and the list that shows exactly those rows."""

    key: str
    label: str
    count: int
    url: str
    note: str = ""


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


def _placements(state: str, **query) -> str:
    return _url("curricula:placement_list", state=state, **query)


def _overdue_note(n: int) -> str:
    return ngettext("うち期限切れ %(n)d", "うち期限切れ %(n)d", n) % {"n": n} if n else ""


def _teacher_work(user, today) -> tuple[list[WorkItem], dict]:
    work = placement_work(user=user, today=today)
    diaries = work["diaries_waiting"]
    items = [
        WorkItem("missing", _("未記録の実習日"), work["missing_days"], _url("curricula:day_log_list", state="missing")),
        WorkItem(
            "rejected", _("差し戻された実習日"), work["rejected_days"], _url("curricula:day_log_list", state="rejected")
        ),
        WorkItem("unsigned", _("三者協定が未締結の実習"), work["unsigned_placements"], _placements("unsigned")),
        WorkItem(
            "diary",
            _("日誌が教員のコメント待ちの実習"),
            work["diary_placements"],
            _placements("diary"),
            ngettext("日誌 %(n)d 件", "日誌 %(n)d 件", diaries) % {"n": diaries} if diaries else "",
        ),
        WorkItem(
            "evaluation",
            _("指導担当者の評価が期限間近・期限切れの実習"),
            work["evaluation_placements"],
            _placements("evaluation"),
            _overdue_note(work["overdue_placements"]),
        ),
    ]
    return items, {"placement_work": work}


def _company_work(user, today) -> tuple[list[WorkItem], dict]:
    work = placement_work(user=user, today=today)
    matching = matching_work(user=user, today=today)
    items = [
        WorkItem(
            "proposals",
            _("回答を待っている依頼"),
            matching["proposals_sent"],
            _url("partners:proposal_list", status="sent"),
        ),
        WorkItem("pending", _("確認を待っている実習日"), work["pending_days"], reverse("curricula:confirmations")),
        WorkItem(
            "evaluation",
            _("評価の期限が近い・期限切れの実習"),
            work["evaluation_placements"],
            _placements("evaluation"),
            _overdue_note(work["overdue_placements"]),
        ),
    ]
    return items, {"placement_work": work}


def _unfilled_pdca(user, fy: int) -> int:
    """This year's designations whose consortium has not set its PDCA targets yet: the report to be written."""
    filled = KpiTarget.objects.filter(kpi__fiscal_year=fy).exclude(target=None).values("consortium")
    return visible_to(Designation.objects.filter(fiscal_year=fy), user).exclude(consortium__in=filled).count()


def _coordinator_work(user, today) -> tuple[list[WorkItem], dict]:
    work = placement_work(user=user, today=today)
    matching = matching_work(user=user, today=today)
    meetings = meeting_work(user=user, today=today)
    fy = current_fiscal_year(today)
    consortium = user.scope_object if isinstance(user.scope_object, Consortium) else None

    def meetings_url(shown):
        if consortium is None:
            return reverse("partners:consortium_list")
        return _url("partners:consortium_detail", consortium.pk, meetings=shown) + "#meetings"

    oldest = matching["proposals_oldest_days"]
    items = [
        WorkItem(
            "needs",
            _("まだ依頼していないニーズ"),
            matching["needs_without_proposal"],
            _url("partners:need_list", status="open", proposal="none"),
        ),
        WorkItem(
            "proposals",
            _("企業の回答を待っている依頼"),
            matching["proposals_sent"],
            _url("partners:proposal_list", status="sent"),
            ngettext("最長 %(n)d 日待ち", "最長 %(n)d 日待ち", oldest) % {"n": oldest} if oldest is not None else "",
        ),
        WorkItem(
            "replies",
            _("企業からの質問・条件の提案"),
            matching["proposals_to_reply"],
            _url("partners:proposal_list", status="reply"),
        ),
        WorkItem(
            "missing",
            _("未記録の日がある実習"),
            work["missing_placements"],
            _placements("missing"),
            ngettext("計 %(n)d 日", "計 %(n)d 日", work["missing_days"]) % {"n": work["missing_days"]},
        ),
        WorkItem(
            "advice",
            _("管理機関の回答を待っている相談・助言"),
            threads_in_state(user=user, state="awaiting_coordinator", today=today).count(),
            _url("programme:support_overview", state="awaiting_coordinator"),
        ),
        WorkItem("meetings", _("30日以内の会議"), meetings["meetings_upcoming"], meetings_url("upcoming")),
        WorkItem(
            "action_items",
            _("期限が2週間以内のアクション項目"),
            meetings["action_items_due"],
            meetings_url("due"),
            _overdue_note(meetings["action_items_overdue"]),
        ),
        WorkItem(
            "pdca",
            _("PDCAの目標が未入力の事業指定"),
            _unfilled_pdca(user, fy),
            _url("reports:pdca_list", fy=fy, state="unfilled"),
        ),
        WorkItem("overdue", _("評価が期限切れの実習"), work["overdue_placements"], _placements("overdue")),
        WorkItem("diary", _("日誌が教員のコメント待ちの実習"), work["diary_placements"], _placements("diary")),
        WorkItem("unsigned", _("三者協定が未締結の実習"), work["unsigned_placements"], _placements("unsigned")),
    ]
    return items, {"placement_work": work}


CONSORTIUM_STATES = ("missing", "unsigned", "overdue")


def _by_consortium(user, work, today) -> list[dict]:
    """Per consortium in scope: its placements with missing logs, unsigned agreements and overdue evaluations, each
    with the placement list filtered to it (`in_work_state`): counted by the database, grouped by the consortia the
    placements' schools belong to, and the overdue ones from the evaluations already worked out."""
    consortia = list(visible_to(Consortium.objects.all(), user).order_by("name"))
    counts = {c.pk: dict.fromkeys(CONSORTIUM_STATES, 0) for c in consortia}
    placements = visible_to(Placement.objects.order_by(), user).filter(student__school__consortia__in=consortia)
    grouped = placements.values("student__school__consortia").annotate(
        missing=Count("pk", filter=Q(in_work_state_condition("missing", today)), distinct=True),
        unsigned=Count("pk", filter=in_work_state_condition("unsigned", today), distinct=True),
    )
    for row in grouped:
        counts[row["student__school__consortia"]].update(missing=row["missing"], unsigned=row["unsigned"])
    overdue = [pk for pk, late in work["evaluation_waits"].items() if late]
    if overdue:
        links = placements.filter(pk__in=overdue).values("student__school__consortia").annotate(n=Count("pk"))
        for row in links:
            counts[row["student__school__consortia"]]["overdue"] = row["n"]
    return [
        {
            "consortium": c,
            "cells": [(counts[c.pk][state], _placements(state, consortium=c.pk)) for state in CONSORTIUM_STATES],
        }
        for c in consortia
    ]


PARTNER_IMPORTS = (ImportKind.SCHOOLS, ImportKind.COMPANIES, ImportKind.CONTACTS, ImportKind.CALENDARS)


def _prefecture_work(user, today) -> tuple[list[WorkItem], dict]:
    work = placement_work(user=user, today=today)
    fy = current_fiscal_year(today)
    first, last = fiscal_year_bounds(fy)
    agreements = visible_to(Agreement.objects.all(), user).aggregate(
        total=Count("pk"), this_year=Count("pk", filter=Q(signed_on__range=(first, last)))
    )
    items = [
        WorkItem("missing", _("未記録の日がある実習"), work["missing_placements"], _placements("missing")),
        WorkItem("unsigned", _("三者協定が未締結の実習"), work["unsigned_placements"], _placements("unsigned")),
        WorkItem("overdue", _("評価が期限切れの実習"), work["overdue_placements"], _placements("overdue")),
        WorkItem(
            "agreements",
            _("連携協定"),
            agreements["total"],
            reverse("partners:agreement_list"),
            _("今年度の締結 %(n)d") % {"n": agreements["this_year"]},
        ),
    ]
    return items, {"by_consortium": _by_consortium(user, work, today)}


def _survey_items(user, today) -> list[WorkItem]:
    """Surveys still open with addressees not yet sent the link, or with answers outstanding: three queries."""
    unsent = surveys_in_state(user=user, state="unsent", today=today)
    waiting = surveys_in_state(user=user, state="open", today=today)
    outstanding = unanswered_in(waiting)
    return [
        WorkItem(
            "surveys_unsent",
            _("依頼を送っていない回答先がある受付中の調査"),
            unsent.count(),
            _url("assessments:survey_list", state="unsent"),
        ),
        WorkItem(
            "surveys_open",
            _("未回答の回答先がある受付中の調査"),
            waiting.count(),
            _url("assessments:survey_list", state="open"),
            ngettext("未回答 %(n)d 件", "未回答 %(n)d 件", outstanding) % {"n": outstanding} if outstanding else "",
        ),
    ]


def _survey_work(user, today) -> tuple[list[WorkItem], dict]:
    """The surveyor's and the ministry's work: the surveys they run."""
    return _survey_items(user, today), {}


def _supporter_work(user, today) -> tuple[list[WorkItem], dict]:
    """The assigned consortia's threads waiting for the supporter's answer, and those past their follow-up date."""
    items = [
        WorkItem(
            "advice_waiting",
            _("伴走者の回答を待っている相談・助言"),
            threads_in_state(user=user, state="awaiting_supporter", today=today).count(),
            _url("programme:support_overview", state="awaiting_supporter"),
        ),
        WorkItem(
            "advice_overdue",
            _("フォローアップ期日を過ぎた相談・助言"),
            threads_in_state(user=user, state="overdue", today=today).count(),
            _url("programme:support_overview", state="overdue"),
        ),
    ]
    return items, {}


def _admin_work(user, today) -> tuple[list[WorkItem], dict]:
    """Invitations nobody has answered yet: the people page lists exactly these."""
    pending = invitations_for_user(user=user).count()
    return [
        WorkItem("invitations", _("登録を待っている招待"), pending, reverse("accounts:people") + "#invitations")
    ], {}


WORK = {
    Role.TEACHER: _teacher_work,
    Role.COMPANY: _company_work,
    Role.COORDINATOR: _coordinator_work,
    Role.PREFECTURE: _prefecture_work,
    Role.SUPPORTER: _supporter_work,
    Role.SURVEYOR: _survey_work,
    Role.MINISTRY: _survey_work,
    Role.ADMIN: _admin_work,
}


def work_for(*, user, today: datetime.date | None = None) -> dict:
    """The work waiting for the user's role: `work` (WorkItem lines) and what the role's dashboard shows beside."""
    build = WORK.get(user.role)
    if build is None:
        return {"work": []}
    items, extra = build(user, today or clock.today())
    return {"work": items, **extra}


def dashboard_context(*, user, today: datetime.date | None = None) -> dict:
    """Everything a role's dashboard shows that is worked out from the data: its figures, its work and, for the
    ministry and the prefectures, the picture. Plain values and model rows, so it can be kept (`portal.kept`)."""
    today = today or clock.today()
    context = dashboard_figures(user=user)
    context.update(work_for(user=user, today=today))
    for beside in BESIDE_THE_WORK.get(user.role, ()):
        context.update(beside(user=user, today=today, context=context))
    return context


def dashboard_lists(*, user) -> dict:
    """The few newest rows a dashboard lists beside its figures (report runs; a prefecture's imports), read on every
    visit: a run's state changes while the data does not."""
    lists = {"recent_runs": ReportRun.objects.visible_to(user).select_related("prefecture", "consortium")[:5]}
    for listed in LISTED.get(user.role, ()):
        lists.update(listed(user=user))
    return lists


def _recent_imports(*, user) -> dict:
    """The user's latest imports of schools, companies, contacts and calendars (their rows left in the database)."""
    imports = import_batches_for_user(user=user).filter(kind__in=PARTNER_IMPORTS).defer("rows", "results")
    return {"recent_imports": imports[:5]}


def national_picture(*, user, today: datetime.date | None = None) -> dict:
    """This year's designations and placements by prefecture on the tile map (with the table beside it), and three
    fiscal years of designations, placements and confirmed hours: five queries whatever the data's size."""
    fy = current_fiscal_year(today or clock.today())
    years = [fy - 2, fy - 1, fy]
    language = "en" if (get_language() or "ja").startswith("en") else "ja"
    labels = {year: fiscal_year_label(year, language) for year in years}
    name_field = prefecture_name_field()
    names = dict(Prefecture.objects.values_list("code", name_field))
    designated = dict(
        visible_to(Designation.objects.filter(fiscal_year=fy), user)
        .order_by()
        .values_list("consortium__prefecture__code")
        .annotate(n=Count("pk"))
    )
    designations = {code: designated.get(code, 0) for code in names}
    # Placements and confirmed hours by fiscal year come from the running tallies (curricula.tallies), not from
    # millions of day logs: the same figures, kept current by every write.
    tallies = visible_to(YearTally.objects.filter(fiscal_year__in=years), user).order_by()
    this_year = tallies.filter(fiscal_year=fy).values_list("school__prefecture__code").annotate(n=Sum("placements"))
    placements = {code: n for code, n in this_year if n}
    yearly = {
        year: (n, hours)
        for year, n, hours in tallies.values_list("fiscal_year").annotate(Sum("placements"), Sum("confirmed_hours"))
    }
    by_year = dict(
        visible_to(Designation.objects.filter(fiscal_year__in=years), user)
        .order_by()
        .values_list("fiscal_year")
        .annotate(n=Count("pk"))
    )
    trends = [
        ("designations", _("事業指定の件数"), [(labels[y], by_year.get(y, 0)) for y in years], 0),
        ("placements", _("実習の受入れ件数"), [(labels[y], yearly.get(y, (0, 0))[0] or 0) for y in years], 0),
        ("hours", _("確認済みの実習時間数"), [(labels[y], yearly.get(y, (0, 0))[1] or 0) for y in years], 0),
    ]
    charts = []
    for key, title, rows, digits in trends:
        description = " / ".join(f"{label} {float(value):,.{digits}f}" for label, value in rows)
        charts.append(
            {
                "key": key,
                "title": title,
                "rows": rows,
                "svg": trend_chart(rows, key=key, title=title, description=description, digits=digits),
            }
        )
    map_title = _("%(fy)sの事業指定（都道府県別）") % {"fy": labels[fy]}
    return {
        "map_svg": tile_map(designations, names, title=map_title),
        "map_title": map_title,
        "map_rows": [
            (names.get(code, code), designations.get(code, 0), placements.get(code, 0))
            for code in sorted(set(designated) | set(placements))
        ],
        "trends": charts,
        "trend_years": [labels[y] for y in years],
    }


def _picture(*, user, today, context) -> dict:
    return national_picture(user=user, today=today)


def _cards(*, user, today, context) -> dict:
    return {"cards": dashboard_cards(user=user, work=context["placement_work"], today=today)}


# What each role's dashboard shows beside its work: the map by prefecture and the fiscal-year trends; the
# placements' cards (this week, the days missing and waiting, hours).
BESIDE_THE_WORK = {
    Role.MINISTRY: (_picture,),
    Role.PREFECTURE: (_picture,),
    Role.TEACHER: (_cards,),
    Role.COMPANY: (_cards,),
}
# The lists a role's dashboard reads afresh on every visit.
LISTED = {Role.PREFECTURE: (_recent_imports,)}
