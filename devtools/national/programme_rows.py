"""Generated rows of the programme as the ministry runs it: supporters (③) and their assignments, the wide-area
network, events with the consortia taking part, consultations and advice with their replies, each designation's
implementation plan and estimate, ledger entries with a receipt for each, and the continuation plans of consortia
whose designation ended."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from devtools.national.vocabulary import FAMILY, GIVEN, PERSONA_PREFIX
from meister.fiscal import current_fiscal_year
from meister.models import Role, User
from partners.models import Designation
from programme.models import (
    AdviceMessage,
    AdviceStatus,
    AdviceThread,
    ContinuationPlan,
    ContinuationStatus,
    EstimateLine,
    EventKind,
    ExpenseCategory,
    ImplementationPlan,
    LedgerEntry,
    NetworkLink,
    PlannedActivity,
    ProgrammeEvent,
    SupportAssignment,
)

# A receipt as a one-page PDF: what the ledger's evidence column links to.
RECEIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
ACTIVITY_TITLES = (
    "運営委員会",
    "企業実習の受入れ調整",
    "産業界講師による授業",
    "教員の企業研修",
    "成果発表会の準備",
    "生徒の地元企業訪問",
    "カリキュラム検討会議",
    "保護者・地域への説明会",
)
PAYEES = (
    "株式会社みらい印刷",
    "地域交通株式会社",
    "会議室センター",
    "産業技術研究所",
    "文具のやまだ",
    "情報通信サービス",
)
ADVICE_SUBJECTS = (
    "企業実習の評価方法について",
    "産業実務家教員の確保",
    "自走化に向けた財源の検討",
    "成果指標の設定",
    "教育課程の見直し",
)


class ProgrammeRows:
    """The programme's part of the national builder; it runs after the registry, the school year and the personas."""

    def _programme(self):
        rng, size, db = self.rng, self.size, self.db
        designations = list(
            Designation.objects.filter(consortium_id__gte=self.consortium_id0)
            .order_by("fiscal_year", "consortium_id")
            .values_list("pk", "consortium_id", "fiscal_year", "type", "budget_yen")
        )
        years = sorted({fy for _pk, _c, fy, _t, _b in designations})
        categories = {
            fy: list(ExpenseCategory.objects.filter(fiscal_year=fy).order_by("order").values_list("pk", flat=True))
            for fy in years
        }
        coordinator = User.objects.get(username=f"{PERSONA_PREFIX}coordinator")
        home = coordinator.consortium_id

        # ③ supporters: companions and advisors, each assigned to consortia for a fiscal year by the ministry.
        supporters = []
        for n in range(size.supporters):
            family, _fk = FAMILY[n % len(FAMILY)]
            given, _gk = GIVEN[(n * 7) % len(GIVEN)]
            name = f"{PERSONA_PREFIX}supporter" if n == 0 else f"{PERSONA_PREFIX}supporter-{n + 1}"
            user = User(username=name, role=Role.SUPPORTER, last_name=family, first_name=given)
            user.set_unusable_password()
            supporters.append(user)
        supporters = User.objects.bulk_create(supporters)
        self.personas["supporter"] = supporters[0].username
        assignments, seen = [], set()
        for index, (_pk, consortium, fy, _type, _budget) in enumerate(designations):
            chosen = [supporters[0]] if consortium == home else [supporters[index % len(supporters)]]
            if rng.random() < 0.3:
                chosen.append(supporters[(index * 3 + 1) % len(supporters)])
            for part, supporter in zip(("companion", "advisor"), chosen, strict=False):
                if (supporter.pk, consortium, fy) not in seen:
                    seen.add((supporter.pk, consortium, fy))
                    assignments.append((supporter.pk, consortium, fy, part))
        # A supporter's scope is this fiscal year's assignments: the latest year's carry on into each year since, so
        # that the supporter's pages have their consortia whatever the day the data is read on.
        assignments += [
            (supporter, consortium, year, part)
            for supporter, consortium, fy, part in list(assignments)
            if fy == years[-1]
            for year in range(years[-1] + 1, current_fiscal_year() + 1)
        ]
        db.copy(SupportAssignment, ["supporter_id", "consortium_id", "fiscal_year", "part"], assignments)

        # The network: each ① site leads one to three ② consortia (or a prefecture) in a year.
        by_year: dict[int, list[tuple[int, str]]] = {}
        for _pk, consortium, fy, kind, _budget in designations:
            by_year.setdefault(fy, []).append((consortium, kind))
        prefectures = [pk for pk, _code, _name in self.prefectures]
        links = []
        for fy, rows in by_year.items():
            learners = [c for c, kind in rows if kind.startswith("strengthening")]
            for leader, kind in rows:
                if not kind.startswith("advanced"):
                    continue
                for _n in range(rng.randint(1, 3)):
                    if learners and rng.random() < 0.8:
                        links.append((fy, leader, rng.choice(learners), None, "視察の受入れ\n合同研修\n教材の共有"))
                    else:
                        links.append((fy, leader, None, rng.choice(prefectures), "県への助言"))
        db.copy(
            NetworkLink,
            ["fiscal_year", "leader_id", "supported_id", "supported_prefecture_id", "joint_activities"],
            links,
        )

        # Events: joint meetings, training (coordinators' included), results presentations and evaluation meetings.
        event_id = db.next_id(ProgrammeEvent)
        events, taking_part = [], []
        kinds = list(EventKind.values)
        for fy, rows in by_year.items():
            consortia = [c for c, _kind in rows]
            for n in range(size.events_per_year):
                kind = kinds[n % len(kinds)]
                day = datetime.date(fy, 4, 1) + datetime.timedelta(days=rng.randrange(360))
                people = "\n".join(f"{rng.choice(FAMILY)[0]} {rng.choice(GIVEN)[0]}、管理機関" for _ in range(8))
                modules = "コーディネーターの役割\n企業との連携の進め方" if kind == EventKind.TRAINING else ""
                events.append(
                    (
                        event_id,
                        kind,
                        f"{fy}年度 {EventKind(kind).label} 第{n + 1}回",
                        day,
                        "オンライン",
                        modules,
                        people,
                    )
                )
                for consortium in rng.sample(consortia, min(len(consortia), rng.randint(3, 12))):
                    taking_part.append((event_id, consortium))
                if home in consortia and n == 0:
                    taking_part.append((event_id, home))
                event_id += 1
        db.copy(ProgrammeEvent, ["id", "kind", "title", "held_on", "place", "modules", "attendance"], events)
        db.copy(ProgrammeEvent.consortia.through, ["programmeevent_id", "consortium_id"], set(taking_part))

        # Consultations and advice of the latest year, with replies from the coordinator's side and the supporter's.
        latest = years[-1]
        thread_id = db.next_id(AdviceThread)
        threads, messages = [], []
        statuses = list(AdviceStatus.values)
        for _pk, consortium, fy, _kind, _budget in designations:
            if fy != latest:
                continue
            for n in range(rng.randint(1, size.threads_per_consortium)):
                supporter = supporters[0] if consortium == home else rng.choice(supporters)
                follow_up = datetime.date(fy, 6, 1) + datetime.timedelta(days=rng.randrange(300))
                subject = ADVICE_SUBJECTS[n % len(ADVICE_SUBJECTS)]
                threads.append(
                    (thread_id, consortium, "advice", subject, rng.choice(statuses), follow_up, supporter.pk)
                )
                for m in range(rng.randint(1, 4)):
                    author = supporter.pk if m % 2 == 0 else None
                    messages.append((thread_id, author, f"{subject}について（{m + 1}）"))
                thread_id += 1
        db.copy(
            AdviceThread,
            ["id", "consortium_id", "kind", "subject", "status", "follow_up_on", "opened_by_id"],
            threads,
        )
        db.copy(AdviceMessage, ["thread_id", "author_id", "body"], messages)

        # Each designation's plan (実施計画書) with its months, and its estimate (所要経費) by expense category.
        plan_id = db.next_id(ImplementationPlan)
        plans, activities, estimate = [], [], []
        for pk, _consortium, fy, _kind, budget in designations:
            plans.append((plan_id, pk, "地域産業を担う人材の育成", "管理機関・学校・企業の連携による"))
            for month in sorted(rng.sample(range(1, 13), rng.randint(4, 10))):
                activities.append((plan_id, month, rng.choice(ACTIVITY_TITLES), ""))
            plan_id += 1
            lines = rng.sample(categories[fy], min(len(categories[fy]), rng.randint(5, 9)))
            share = budget // len(lines)
            for n, category in enumerate(lines):
                amount = budget - share * (len(lines) - 1) if n == len(lines) - 1 else share
                estimate.append((pk, category, amount, "積算による"))
        db.copy(ImplementationPlan, ["id", "designation_id", "objectives", "approach"], plans)
        db.copy(PlannedActivity, ["plan_id", "month", "title", "detail"], activities)
        db.copy(EstimateLine, ["designation_id", "category_id", "amount_yen", "basis"], estimate)

        # The ledger: entries with a receipt each; the coordinator persona's latest designation keeps a fifth of them
        # (the busiest ledger), the rest spread over every designation.
        own = [d for d in designations if d[1] == home]
        busiest = own[-1] if own else designations[-1]
        entry_id = db.next_id(LedgerEntry)
        entries = []
        for n in range(size.ledger_entries):
            pk, _consortium, fy, _kind, _budget = busiest if n % 5 == 0 else rng.choice(designations)
            day = datetime.date(fy, 4, 1) + datetime.timedelta(days=rng.randrange(365))
            name = f"ledger/national/{entry_id}.pdf"
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(RECEIPT))
            entries.append(
                (
                    entry_id,
                    pk,
                    rng.choice(categories[fy]),
                    day,
                    rng.choice(PAYEES),
                    rng.choice(ACTIVITY_TITLES),
                    rng.randrange(1_000, 500_000),
                    name,
                    "application/pdf",
                )
            )
            entry_id += 1
        db.copy(
            LedgerEntry,
            [
                "id",
                "designation_id",
                "category_id",
                "spent_on",
                "payee",
                "description",
                "amount_yen",
                "evidence",
                "evidence_type",
            ],
            entries,
        )

        # After the designation: consortia with no designation in the latest year have a continuation plan, and a
        # year's status for each year since.
        last_year: dict[int, int] = {}
        for _pk, consortium, fy, _kind, _budget in designations:
            last_year[consortium] = max(fy, last_year.get(consortium, fy))
        ended = [(c, fy) for c, fy in sorted(last_year.items()) if fy < latest]
        continuation_id = db.next_id(ContinuationPlan)
        continuations, checks = [], []
        for consortium, fy in ended:
            continuations.append(
                (continuation_id, consortium, fy, "企業実習と産業界講師の授業を続ける", '["prefecture"]')
            )
            for year in range(fy + 1, latest + 1):
                checks.append((continuation_id, year, rng.random() < 0.8, datetime.date(year, 12, 1)))
            continuation_id += 1
        db.copy(
            ContinuationPlan, ["id", "consortium_id", "last_designated_year", "activities", "funding"], continuations
        )
        db.copy(ContinuationStatus, ["plan_id", "fiscal_year", "active", "checked_on"], checks)
        self.models_loaded += [
            ProgrammeEvent,
            AdviceThread,
            ImplementationPlan,
            LedgerEntry,
            ContinuationPlan,
            SupportAssignment,
            NetworkLink,
            AdviceMessage,
            PlannedActivity,
            EstimateLine,
            ContinuationStatus,
        ]
        self.ledger_designation = busiest[0]
