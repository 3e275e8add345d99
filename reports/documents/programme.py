"""The programme in the annual report: its events (合同会議, 研修, 成果発表会, 企画評価会議) by kind, with the consortia
that took part and the participants, and the consortia still active one, two and three years after their
designation ended (自走化).

Participants are people: each published count enters the fiscal year's release (`reports.release`) as the sum of its
events' attendance, each event an unknown no report prints, so the one disclosure rule hides a small count and
whatever would give it away. Events and consortia are not people and are printed as they are.
"""

from django.db.models import Count, Q

from meister.fiscal import fiscal_year_bounds
from meister.scoping import ScopeKind
from programme.models import ContinuationPlan, EventKind, ProgrammeEvent
from reports.disclosure import Ledger
from reports.documents.common import HIDDEN, ReportScope, Sheet

YEARS_AFTER = (1, 2, 3)


def _events(fy: int):
    start, end = fiscal_year_bounds(fy)
    return ProgrammeEvent.objects.filter(held_on__range=(start, end))


def _attendance(fy: int) -> tuple[dict, dict]:
    """{event id: (kind, participants)} and {event id: {prefecture ids of the consortia that took part}}, in two
    queries whatever the number of events."""
    events = {
        pk: (kind, sum(1 for line in attendance.splitlines() if line.strip()))
        for pk, kind, attendance in _events(fy).values_list("pk", "kind", "attendance")
    }
    prefectures: dict = {}
    through = ProgrammeEvent.consortia.through.objects.filter(programmeevent__in=list(events))
    for event, prefecture in through.values_list("programmeevent", "consortium__prefecture"):
        prefectures.setdefault(event, set()).add(prefecture)
    return events, prefectures


def _scope_key(scope: ReportScope):
    return "national" if scope.kind == ScopeKind.NATIONAL else scope.ident


def _members(events: dict, prefectures: dict, scope_key) -> dict:
    """{kind: [event ids]} of the events a scope's report counts: all of them, or those a consortium of the
    prefecture took part in."""
    members: dict = {}
    for pk, (kind, _n) in events.items():
        if scope_key == "national" or scope_key in prefectures.get(pk, ()):
            members.setdefault(kind, []).append(pk)
    return members


def participant_cells(release) -> None:
    """Register the participants of every scope's events table in the release's ledger (called by the release)."""
    ledger: Ledger = release.ledger
    events, prefectures = release.programme_events = _attendance(release.fy)
    for pk, (_kind, n) in events.items():
        ledger.add(("programme_event", pk), n, published=False)
    scopes = ["national", *sorted({p for found in prefectures.values() for p in found})]
    for scope_key in scopes:
        members = _members(events, prefectures, scope_key)
        kinds = []
        for kind, pks in members.items():
            cell = ledger.add(("programme_participants", scope_key, kind), sum(events[pk][1] for pk in pks))
            ledger.total(cell, [("programme_event", pk) for pk in pks])
            kinds.append(cell)
        if kinds:
            total = ledger.add(
                ("programme_participants", scope_key, "total"), sum(ledger.cells[cell].value for cell in kinds)
            )
            ledger.total(total, kinds)


def collect_programme(fy: int, scope: ReportScope, release) -> dict:
    """The two tables of the programme section: events by kind, and the consortia still active after designation."""
    scope_key = _scope_key(scope)
    events, prefectures = release.programme_events  # as the release counted them
    members = _members(events, prefectures, scope_key)
    taking_part = ProgrammeEvent.consortia.through.objects.filter(
        programmeevent__in=[pk for pks in members.values() for pk in pks]
    )
    if scope.kind == ScopeKind.PREFECTURE:
        taking_part = taking_part.filter(consortium__prefecture_id=scope.ident)
    consortia_by_kind: dict = {}
    for kind, consortium in taking_part.values_list("programmeevent__kind", "consortium"):
        consortia_by_kind.setdefault(kind, set()).add(consortium)

    def participants(kind):
        key = ("programme_participants", scope_key, kind)
        if not release.has(key):
            return 0
        return HIDDEN if release.hidden(key) else int(release.value(key))

    rows = [
        {
            "label": str(label),
            "events": len(members.get(kind, ())),
            "consortia": len(consortia_by_kind.get(kind, ())),
            "participants": participants(kind),
        }
        for kind, label in EventKind.choices
    ]
    total = {
        "label": "合計",
        "events": sum(row["events"] for row in rows),
        "consortia": len(set().union(*consortia_by_kind.values())),
        "participants": participants("total"),
    }
    return {"events": {"rows": rows, "total": total}, "continuation": continuation_rows(fy, scope)}


def continuation_rows(fy: int, scope: ReportScope) -> list[dict]:
    """For one, two and three years after: the consortia whose designation ended that many years before `fy`, how
    many went on this year, how many did not, and how many are not recorded yet — in one query."""
    plans = ContinuationPlan.objects.filter(last_designated_year__in=[fy - n for n in YEARS_AFTER])
    if scope.kind == ScopeKind.PREFECTURE:
        plans = plans.filter(consortium__prefecture_id=scope.ident)
    elif scope.kind == ScopeKind.CONSORTIUM:
        plans = plans.filter(consortium_id=scope.ident)
    found = {
        row["last_designated_year"]: row
        for row in plans.order_by()
        .values("last_designated_year")
        .annotate(
            ended=Count("pk", distinct=True),
            active=Count("pk", filter=Q(years__fiscal_year=fy, years__active=True), distinct=True),
            stopped=Count("pk", filter=Q(years__fiscal_year=fy, years__active=False), distinct=True),
        )
    }
    rows = []
    for n in YEARS_AFTER:
        row = found.get(fy - n, {"ended": 0, "active": 0, "stopped": 0})
        rows.append(
            {
                "years_after": n,
                "last_designated_year": fy - n,
                "ended": row["ended"],
                "active": row["active"],
                "stopped": row["stopped"],
                "unknown": row["ended"] - row["active"] - row["stopped"],
            }
        )
    return rows


def sheets_programme(context) -> list[Sheet]:
    programme = context["programme"]
    events = programme["events"]
    return [
        Sheet(
            "事業の行事",
            ["種別", "開催数", "参加した管理機関", "参加者数"],
            [
                [row["label"], row["events"], row["consortia"], row["participants"]]
                for row in [*events["rows"], events["total"]]
            ],
            [20, 10, 16, 10],
        ),
        Sheet(
            "指定終了後の継続",
            ["指定終了から", "指定最終年度", "指定を終えた管理機関", "継続している", "継続していない", "未確認"],
            [
                [f"{row['years_after']}年後", row["last_designated_year"], *_continuation_figures(row)]
                for row in programme["continuation"]
            ],
            [12, 12, 18, 12, 14, 10],
        ),
    ]


def _continuation_figures(row) -> list[int]:
    return [row["ended"], row["active"], row["stopped"], row["unknown"]]
