"""Generated rows of the school year: subjects, engagements, needs and proposals, class sessions, students,
placements with their day logs, diaries and evaluations, graduates' destinations, Grit-S administrations and the
fact-finding survey."""

import datetime
import json
import math
from decimal import Decimal

from assessments.models import Administration, Instrument, Recipient, Response, Survey, SurveyAnswer
from curricula.models import (
    ClassSession,
    DayLog,
    Destination,
    DiaryEntry,
    Evaluation,
    EvaluationScore,
    Placement,
    Student,
    Subject,
)
from devtools.national.vocabulary import (
    ACTIVITIES,
    CATEGORY_INDUSTRY,
    FAMILY,
    FISCAL_YEAR,
    GIVEN,
    LEARNED,
    SCHOOL_WORD,
    STAMP,
)
from partners.models import Engagement, Proposal, SchoolNeed

# About one logged day in ten has the student's diary entry.
DIARY_SHARE = 0.1


class SchoolYearRows:
    """The school year's part of the national builder; it uses the registry rows the builder made first."""

    def _matching(self):
        rng, db = self.rng, self.db
        # Subjects: the 学校設定科目 sequence of each school, grades 1 → 2 → 3.
        subject_id = db.next_id(Subject)
        subjects = []
        self.dual_subject: dict[int, int] = {}
        for school in self.schools:
            previous = None
            for grade, name in ((1, "地域産業基礎"), (2, "ブラッシュアップ実習"), (3, "プログレス実習")):
                involvement = json.dumps(["visit"] if grade == 1 else ["lecture", "dual_system"])
                subjects.append((subject_id, school[0], school[3][0], name, grade, 2 + grade, involvement, previous))
                previous = subject_id
                subject_id += 1
            self.dual_subject[school[0]] = previous
        db.copy(
            Subject,
            ["id", "school_id", "department_id", "name", "grade", "credits", "involvement", "follows_id"],
            subjects,
        )
        # Each school's host companies (its consortium's prefecture pool): one engagement per pair.
        engagement_id = db.next_id(Engagement)
        engagements, self.hosts = [], {}
        kinds = ["dual_system", "internship", "lecturer", "visit"]
        for school in self.schools:
            pool = self.companies_by_pref.get(school[1], [])
            hosts = rng.sample(pool, min(len(pool), max(3, int(12 * school[4]))))
            self.hosts[school[0]] = []
            for company in hosts:
                kind = rng.choices(kinds, [4, 3, 2, 1])[0]
                start = datetime.date(FISCAL_YEAR, 4, 1) + datetime.timedelta(days=rng.randint(0, 60))
                engagements.append(
                    (
                        engagement_id,
                        school[0],
                        company,
                        kind,
                        "デュアルシステムの受入れ" if kind == "dual_system" else "連携活動",
                        start,
                        datetime.date(FISCAL_YEAR + 1, 3, 15),
                        rng.randint(1, 8),
                        rng.choices([None, True, False], [3, 6, 1])[0],
                    )
                )
                self.hosts[school[0]].append((company, engagement_id))
                engagement_id += 1
        db.copy(
            Engagement,
            ["id", "school_id", "company_id", "kind", "title", "start_on", "end_on", "students", "would_host_again"],
            engagements,
        )
        # Needs (3 a school) and proposals (3 a need) to companies of the school's prefecture.
        need_id = db.next_id(SchoolNeed)
        needs, proposals = [], []
        self.need_of_school: dict[int, int] = {}
        for school in self.schools:
            for n in range(3):
                kind = rng.choice(["dual_system", "lecturer", "visit", "facility", "internship"])
                start = datetime.date(FISCAL_YEAR + 2, rng.randint(5, 9), 1)
                category = self.departments[school[3][0]]
                needs.append(
                    (
                        need_id,
                        school[0],
                        school[3][0],
                        kind,
                        f"{SCHOOL_WORD[category] or '地域'}分野の受入れ・協力のお願い {n + 1}",
                        category,
                        self.divisions[CATEGORY_INDUSTRY[category]],
                        rng.choice([2, 3]),
                        start,
                        start + datetime.timedelta(days=rng.randint(30, 150)),
                        rng.choice([None, 2]),
                        rng.choice([None, 6]),
                        rng.randint(1, 6),
                        "open",
                    )
                )
                self.need_of_school.setdefault(school[0], need_id)
                pool = self.companies_by_pref.get(school[1], [])
                for company in rng.sample(pool, min(3, len(pool))):
                    status = rng.choices(["sent", "accepted", "declined"], [5, 3, 2])[0]
                    proposals.append((need_id, company, "ご協力をお願いできないでしょうか。", status))
                need_id += 1
        db.copy(
            SchoolNeed,
            [
                "id",
                "school_id",
                "department_id",
                "kind",
                "title",
                "category",
                "industry_id",
                "grade",
                "start_on",
                "end_on",
                "weekday",
                "hours",
                "students",
                "status",
            ],
            needs,
        )
        db.copy(Proposal, ["need_id", "company_id", "message", "status"], proposals)
        # Class sessions with industry (出前授業, 企業見学) in the year-2 subject.
        sessions = []
        for school in self.schools:
            hosts = self.hosts[school[0]]
            for _ in range(8):
                company, engagement = rng.choice(hosts)
                day = datetime.date(FISCAL_YEAR, 4, 8) + datetime.timedelta(days=rng.randint(0, 330))
                kind = rng.choice(["lecture", "visit", "facility"])
                hours = Decimal(rng.choice([1, 2, 2, 3, 4])).quantize(Decimal("0.1"))
                sessions.append(
                    (self.dual_subject[school[0]] - 1, day, kind, hours, rng.randint(20, 40), company, engagement)
                )
        db.copy(
            ClassSession,
            ["subject_id", "held_on", "kind", "hours", "student_count", "company_id", "engagement_id"],
            sessions,
        )
        self.models_loaded += [Subject, Engagement, SchoolNeed, Proposal, ClassSession]

    def _students(self):
        rng, size, db = self.rng, self.size, self.db
        student_id = self.student_id0 = db.next_id(Student)
        total_weight = sum(s[4] for s in self.schools)
        self.cohorts: dict[tuple[int, int], list[int]] = {}  # (school id, entry year) → student ids

        def rows():
            nonlocal student_id
            remaining = size.students
            for n, school in enumerate(self.schools):
                count = remaining if n == len(self.schools) - 1 else round(size.students * school[4] / total_weight)
                count = min(count, remaining)
                remaining -= count
                per_year = [count // 3 + (1 if k < count % 3 else 0) for k in range(3)]
                for entry_year, in_year in zip((2022, 2023, 2024), per_year, strict=True):
                    ids = self.cohorts.setdefault((school[0], entry_year), [])
                    departments = school[3]
                    for k in range(in_year):
                        family = rng.choice(FAMILY)[1]
                        given = rng.choice(GIVEN)[1]
                        yield (
                            student_id,
                            school[0],
                            departments[(k // 40) % len(departments)],
                            entry_year,
                            str(k // 40 + 1),
                            k % 40 + 1,
                            f"{family} {given}",
                        )
                        ids.append(student_id)
                        student_id += 1

        db.copy(
            Student, ["id", "school_id", "department_id", "entry_year", "class_name", "number", "kana_name"], rows()
        )
        self.models_loaded.append(Student)

    def _placements(self):
        rng, size, db = self.rng, self.size, self.db
        placement_id = self.placement_id0 = db.next_id(Placement)
        log_id = db.next_id(DayLog)
        total = sum(len(self.cohorts.get((s[0], y), [])) for s in self.schools for y in (2022, 2023))
        placements, self.placed = [], {}  # student → company
        # Average expected days per placement ≈ target day logs ÷ placements (dual system weekly, internships
        # two or five days a week), with about 3% to spare for the days that stay unlogged.
        target_days = size.day_logs / size.placements / 0.97
        fy_start = datetime.date(FISCAL_YEAR, 4, 8)
        # Each school's share of the placements by its grade 2 and 3 students, largest remainders rounded up.
        shares = []
        for school in self.schools:
            candidates = self.cohorts.get((school[0], 2022), []) + self.cohorts.get((school[0], 2023), [])
            exact = size.placements * len(candidates) / total
            shares.append([school, candidates, int(exact), exact - int(exact)])
        short = size.placements - sum(share[2] for share in shares)
        for share in sorted(shares, key=lambda share: -share[3])[: max(0, short)]:
            share[2] += 1
        plans = []
        for school, candidates, count, _rest in shares:
            for student in rng.sample(candidates, min(count, len(candidates))):
                plans.append((school, student))
        for school, student in plans:
            company, engagement = rng.choice(self.hosts[school[0]])
            kind = rng.choices(["dual_system", "long_internship", "short_internship"], [4, 3, 3])[0]
            if kind == "dual_system":
                weekdays = str(rng.randint(0, 4))
                weeks = round(target_days * rng.uniform(1.28, 1.65))
            elif kind == "long_internship":
                weekdays = "".join(sorted(rng.sample("01234", 2)))
                weeks = round(target_days * rng.uniform(0.44, 0.64))
            else:
                weekdays = "01234"
                weeks = rng.choice([1, 2])
            start = fy_start + datetime.timedelta(days=7 * rng.randint(0, max(0, 48 - weeks)))
            start -= datetime.timedelta(days=start.weekday())
            end = start + datetime.timedelta(days=7 * weeks - 1)
            hours = Decimal("6.0") if kind != "short_internship" else Decimal("7.0")
            required = (hours * len(weekdays) * weeks).quantize(Decimal("0.1"))
            placements.append(
                (
                    placement_id,
                    student,
                    company,
                    self.mentor_of[company],
                    self.dual_subject[school[0]],
                    engagement,
                    kind,
                    start,
                    end,
                    weekdays,
                    hours,
                    required,
                    "signed",
                )
            )
            self.placed[student] = company
            placement_id += 1
        db.copy(
            Placement,
            [
                "id",
                "student_id",
                "company_id",
                "mentor_id",
                "subject_id",
                "engagement_id",
                "kind",
                "starts_on",
                "ends_on",
                "weekdays",
                "hours_per_day",
                "required_hours",
                "agreement_status",
            ],
            placements,
        )
        confirmed_at = STAMP

        # A few expected days stay unlogged, spread over every placement: the share that leaves exactly the
        # scale's number of day logs (the last placements absorb the rounding).
        expected_total = sum(((row[8] - row[7]).days + 1) // 7 * len(row[9]) for row in placements)
        margin = 4 * math.sqrt(size.day_logs * 0.03) + 10  # four standard deviations of the skipped days
        keep = min(1.0, (size.day_logs + margin) / max(1, expected_total))

        self.diary_days: list[tuple[int, datetime.date]] = []  # the days a student wrote in the diary

        def logs():
            nonlocal log_id
            remaining = size.day_logs
            one_day = datetime.timedelta(days=1)
            for row in placements:
                pid, start, end, weekdays, hours = row[0], row[7], row[8], row[9], row[10]
                wanted = {int(c) for c in weekdays}
                day = start
                while day <= end and remaining > 0:
                    if day.weekday() in wanted and rng.random() < keep:
                        r = rng.random()
                        if r < 0.02:
                            attendance, logged_hours = "absent", Decimal("0.0")
                        elif r < 0.05:
                            attendance, logged_hours = "late", hours - 2
                        else:
                            attendance, logged_hours = "present", hours
                        s = rng.random()
                        status = "confirmed" if s < 0.85 else ("pending" if s < 0.97 else "rejected")
                        if attendance != "absent" and rng.random() < DIARY_SHARE:
                            self.diary_days.append((pid, day))
                        yield (
                            log_id,
                            pid,
                            day,
                            attendance,
                            logged_hours,
                            ACTIVITIES[rng.randrange(len(ACTIVITIES))],
                            status,
                            confirmed_at if status == "confirmed" else None,
                        )
                        log_id += 1
                        remaining -= 1
                    day += one_day

        db.copy(
            DayLog,
            ["id", "placement_id", "day", "attendance", "hours", "activities", "status", "confirmed_at"],
            logs(),
        )
        self.models_loaded += [Placement, DayLog]
        self.placements_made = [(row[0], row[6]) for row in placements]

    def _diaries_and_evaluations(self):
        """A diary entry for about one logged day in ten, most with the teacher's comment; and for every placement
        the mentor's final evaluation on the default rubric, with the student's own for most of them."""
        from curricula.services.evaluations import default_rubric

        rng, db = self.rng, self.db
        diary_id = db.next_id(DiaryEntry)

        def diaries():
            nonlocal diary_id
            for placement, day in self.diary_days:
                commented = rng.random() < 0.7
                yield (
                    diary_id,
                    placement,
                    day,
                    ACTIVITIES[rng.randrange(len(ACTIVITIES))],
                    LEARNED[rng.randrange(len(LEARNED))],
                    "submitted",
                    "よく書けています。" if commented else "",
                    STAMP,
                )
                diary_id += 1

        db.copy(
            DiaryEntry,
            ["id", "placement_id", "day", "did", "learned", "status", "teacher_comment", "submitted_at"],
            diaries(),
        )
        rubric = default_rubric()
        items = list(rubric.items.order_by("position").values_list("pk", flat=True))
        evaluation_id, score_id = db.next_id(Evaluation), db.next_id(EvaluationScore)
        evaluations, scores = [], []
        for placement, _kind in self.placements_made:
            sides = ["mentor", "self"] if rng.random() < 0.8 else ["mentor"]
            for side in sides:
                writer = "指導担当者" if side == "mentor" else "生徒"
                evaluations.append((evaluation_id, placement, "final", side, rubric.pk, "submitted", writer, STAMP))
                for item in items:
                    scores.append((score_id, evaluation_id, item, rng.choices((3, 2, 1), (4, 5, 1))[0]))
                    score_id += 1
                evaluation_id += 1
        db.copy(
            Evaluation,
            ["id", "placement_id", "stage", "evaluator", "rubric_id", "status", "written_by", "submitted_at"],
            evaluations,
        )
        db.copy(EvaluationScore, ["id", "evaluation_id", "item_id", "level"], scores)
        self.models_loaded += [DiaryEntry, Evaluation, EvaluationScore]

    def _destinations(self):
        rng, db = self.rng, self.db
        kinds = ["local", "outside", "study", "other", "startup"]

        def rows():
            for school in self.schools:
                for student in self.cohorts.get((school[0], 2022), []):
                    company = self.placed.get(student)
                    if company and rng.random() < 0.25:
                        yield (student, FISCAL_YEAR, "host_company", company)
                    else:
                        yield (student, FISCAL_YEAR, rng.choices(kinds, [45, 15, 35, 4, 1])[0], None)

        db.copy(Destination, ["student_id", "graduated_fiscal_year", "kind", "company_id"], rows())
        self.models_loaded.append(Destination)

    def _assessments(self):
        rng, size, db = self.rng, self.size, self.db
        grit = Instrument.objects.get(code="grit-s")
        admin_id = db.next_id(Administration)
        administrations, pairs = [], []
        for school in self.schools:
            students = self.cohorts.get((school[0], 2023), [])
            if not students:
                continue
            pre, post = admin_id, admin_id + 1
            admin_id += 2
            administrations.append(
                (pre, grit.pk, school[0], 2023, FISCAL_YEAR, "pre", datetime.date(FISCAL_YEAR, 4, 15))
            )
            administrations.append(
                (post, grit.pk, school[0], 2023, FISCAL_YEAR, "post", datetime.date(FISCAL_YEAR, 11, 12))
            )
            pairs += [(pre, post, student) for student in students]
        db.copy(
            Administration,
            ["id", "instrument_id", "school_id", "entry_year", "fiscal_year", "timing", "administered_on"],
            administrations,
        )
        # Exactly the scale's number of responses: a pre and a post for a sample of the cohort, kept in order.
        chosen = sorted(rng.sample(range(len(pairs)), min(len(pairs), size.responses // 2)))
        pairs = [pairs[i] for i in chosen]

        def answers(growth: float) -> tuple[str, str]:
            values = {}
            for item in range(1, 9):
                reverse = item in (3, 5, 6, 8)
                value = rng.gauss(3.1 + growth, 0.9)
                value = 6 - value if reverse else value
                values[str(item)] = min(5, max(1, round(value)))
            perseverance = sum(values[str(i)] for i in (1, 2, 4, 7)) / 4
            consistency = sum(6 - values[str(i)] for i in (3, 5, 6, 8)) / 4
            scores = {"perseverance": round(perseverance, 4), "consistency": round(consistency, 4)}
            return json.dumps(values), json.dumps(scores)

        def rows():
            for pre, post, student in pairs:
                yield (pre, student, *answers(0.0))
                yield (post, student, *answers(0.25))

        db.copy(Response, ["administration_id", "student_id", "answers", "scores"], rows())
        self.models_loaded += [Administration, Response]

    def _survey(self):
        rng, db = self.rng, self.db
        survey_id = db.next_id(Survey)
        db.copy(
            Survey,
            ["id", "title", "fiscal_year", "deadline", "message"],
            [(survey_id, "令和6年度 マイスター・ハイスクール実態調査", FISCAL_YEAR, datetime.date(2024, 12, 20), "")],
        )
        recipient_id = db.next_id(Recipient)
        recipients, answers = [], []
        issues = ["recruiting", "company_burden", "teacher_load", "curriculum", "logistics", "funding", "sustaining"]
        for school in self.schools[: max(10, len(self.schools) // 2)]:
            pk = self.prefectures[school[1]][0]
            recipients.append((recipient_id, survey_id, "school", f"学校 {school[0]}", pk, STAMP))
            if rng.random() < 0.8:
                chosen = json.dumps(sorted(rng.sample(issues, rng.randint(1, 3))))
                answers.append((recipient_id, rng.randint(1, 5), chosen, "", rng.choice(issues), "", "担当者"))
            recipient_id += 1
        db.copy(Recipient, ["id", "survey_id", "respondent_type", "name", "prefecture_id", "sent_at"], recipients)
        db.copy(
            SurveyAnswer,
            ["recipient_id", "stage", "issues", "issue_detail", "solution_issue", "solution", "answered_by"],
            answers,
        )
        self.models_loaded += [Survey, Recipient, SurveyAnswer]
