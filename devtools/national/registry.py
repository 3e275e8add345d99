"""Generated registry rows: schools with departments and their years, companies with offers and people, organisations,
consortia with designations, stages and meetings, and practitioners' teaching."""

import datetime
import json
from decimal import Decimal

from devtools.national.vocabulary import (
    CATEGORY_WEIGHT,
    COMPANY_CORE,
    COMPANY_END,
    COMPANY_FORM,
    DEPARTMENTS,
    FAMILY,
    FISCAL_YEAR,
    GIVEN,
    OFFER_KINDS,
    SCHOOL_WORD,
    TOWNS,
    YEARS,
    corporate_number,
    generated_school_code,
)
from partners.models import (
    Company,
    CompanyOffer,
    Consortium,
    ConsortiumStage,
    Department,
    DepartmentYear,
    Designation,
    Meeting,
    Organisation,
    Person,
    PractitionerTeaching,
    School,
)


class RegistryRows:
    """The registry part of the national builder; it shares the builder's state (`self.rng`, `self.db`, …)."""

    def _schools(self):
        rng, size, db = self.rng, self.size, self.db
        first = self.school_id0 = db.next_id(School)
        self.schools = []  # (id, pref index, main category, [department ids], weight)
        per_pref_counter: dict[str, int] = {}
        categories = list(CATEGORY_WEIGHT)
        cat_weights = list(CATEGORY_WEIGHT.values())
        existing_codes = set(School.objects.values_list("code", flat=True))
        rows = []
        for i in range(size.schools):
            p = i if i < len(self.prefectures) else rng.choices(range(47), self.school_weights)[0]
            pk, code, name = self.prefectures[p]
            main = rng.choices(categories, cat_weights)[0]
            establishment = "3" if rng.random() < 0.12 else "2"
            while True:
                per_pref_counter[code] = per_pref_counter.get(code, 0) + 1
                school_code = generated_school_code(code, establishment, 9_000_000 + per_pref_counter[code])
                if school_code not in existing_codes:
                    break
            town = rng.choice(TOWNS)
            owner = "私立" if establishment == "3" else f"{name}立"
            word = SCHOOL_WORD[main]
            school_name = f"{owner}{name[:-1] if name[-1] in '都府県' else name}{town}{word}高等学校"
            sid = first + i
            rows.append((sid, school_code, school_name, "", pk, f"{town}市", "", establishment))
            self.schools.append([sid, p, main, [], rng.uniform(0.5, 1.5)])
        db.copy(
            School, ["id", "code", "name", "kana", "prefecture_id", "municipality", "address", "establishment"], rows
        )
        dep_id = db.next_id(Department)
        dep_rows, year_rows = [], []
        self.departments = {}  # id -> category
        for school in self.schools:
            cats = [school[2]] + rng.sample(categories, rng.choice([0, 0, 1, 2]))
            names_used = set()
            for cat in cats:
                for dep_name in rng.sample(DEPARTMENTS[cat], min(len(DEPARTMENTS[cat]), rng.choice([1, 1, 2]))):
                    if dep_name in names_used:
                        continue
                    names_used.add(dep_name)
                    dep_rows.append((dep_id, school[0], dep_name, cat))
                    school[3].append(dep_id)
                    self.departments[dep_id] = cat
                    capacity = rng.choice([40, 80, 120])
                    for fy in YEARS:
                        enrolment = int(capacity * 3 * rng.uniform(0.7, 1.05))
                        year_rows.append((dep_id, fy, capacity * 3, enrolment))
                    dep_id += 1
        db.copy(Department, ["id", "school_id", "name", "category"], dep_rows)
        db.copy(DepartmentYear, ["department_id", "fiscal_year", "capacity", "enrolment"], year_rows)
        self.models_loaded += [School, Department, DepartmentYear]
        self.schools_by_pref: dict[int, list] = {}
        for school in self.schools:
            self.schools_by_pref.setdefault(school[1], []).append(school)

    def _companies(self):
        rng, size, db = self.rng, self.size, self.db
        first = self.company_id0 = db.next_id(Company)
        taken = set(Company.objects.exclude(corporate_number=None).values_list("corporate_number", flat=True))
        self.companies_by_pref: dict[int, list[int]] = {}
        self.company_industry: list[str] = []
        divisions = list(COMPANY_END)
        div_weights = [4, 2, 12, 30, 2, 8, 8, 14, 8, 4, 6, 2]
        rows, offer_rows = [], []
        self.company_offers: dict[int, list[str]] = {}
        serial = 0
        for i in range(size.companies):
            p = i if i < len(self.prefectures) else rng.choices(range(47), self.pref_weights)[0]
            pk, code, _name = self.prefectures[p]
            division = rng.choices(divisions, div_weights)[0]
            form, form_kana = rng.choices(COMPANY_FORM, [8, 2, 1])[0]
            core, core_kana = rng.choice(COMPANY_CORE)
            end, end_kana = rng.choice(COMPANY_END[division])
            family, family_kana = rng.choice(FAMILY)
            if rng.random() < 0.4:
                core, core_kana = family, family_kana
            name = f"{form}{core}{end}" if rng.random() < 0.7 else f"{core}{end}{form}"
            while True:
                serial += 1
                # 登記所 code (4) · 種別 01 (株式会社等) · serial (6): the shape of a registered company's base.
                base = f"{int(code) * 100 + serial % 97:04d}01{serial:06d}"
                number = corporate_number(base)
                if number not in taken:
                    break
            cid = first + i
            busy = json.dumps(sorted(rng.sample(range(1, 13), rng.choice([0, 0, 1, 2]))))
            weekdays = json.dumps([] if rng.random() < 0.7 else sorted(rng.sample(range(5), rng.randint(2, 4))))
            rows.append(
                (
                    cid,
                    None if rng.random() < 0.03 else number,
                    name,
                    f"{core_kana}{end_kana}",
                    pk,
                    f"{rng.choice(TOWNS)}市",
                    self.divisions[division],
                    rng.choices(["micro", "small", "large"], [5, 4, 1])[0],
                    busy,
                    weekdays,
                    rng.choice([None, 1, 2, 3, 5]),
                )
            )
            self.companies_by_pref.setdefault(p, []).append(cid)
            self.company_industry.append(division)
            kinds = rng.sample(OFFER_KINDS, rng.randint(1, 3))
            self.company_offers[cid] = kinds
            for kind in kinds:
                offer_rows.append((cid, kind, rng.choice([None, 2, 3, 5, 10])))
        db.copy(
            Company,
            [
                "id",
                "corporate_number",
                "name",
                "kana",
                "prefecture_id",
                "municipality",
                "industry_id",
                "size_band",
                "busy_months",
                "weekdays",
                "max_students",
            ],
            rows,
        )
        db.copy(CompanyOffer, ["company_id", "kind", "capacity"], offer_rows)
        # One mentor per company; practitioner teachers at the companies that send lecturers.
        person_id = self.person_id0 = db.next_id(Person)
        people = []
        self.mentor_of: dict[int, int] = {}
        self.practitioners: list[tuple[int, int]] = []  # (person id, company prefecture index)
        pref_of_company = {cid: p for p, ids in self.companies_by_pref.items() for cid in ids}
        self.pref_of_company = pref_of_company
        for cid in range(first, first + size.companies):
            family, family_kana = rng.choice(FAMILY)
            given, given_kana = rng.choice(GIVEN)
            people.append((person_id, f"{family} {given}", f"{family_kana} {given_kana}", "mentor", "指導担当", cid))
            self.mentor_of[cid] = person_id
            person_id += 1
            if "lecturer" in self.company_offers[cid]:
                family, family_kana = rng.choice(FAMILY)
                given, given_kana = rng.choice(GIVEN)
                people.append(
                    (person_id, f"{family} {given}", f"{family_kana} {given_kana}", "practitioner", "技師", cid)
                )
                self.practitioners.append((person_id, pref_of_company[cid]))
                person_id += 1
        db.copy(Person, ["id", "name", "kana", "role", "title", "company_id"], people, label="partners_person")
        self.models_loaded += [Company, CompanyOffer, Person]

    def _consortia(self):
        rng, size, db = self.rng, self.size, self.db
        org_id = db.next_id(Organisation)
        orgs, self.board_of = [], {}
        for p, (pk, _code, name) in enumerate(self.prefectures):
            orgs.append((org_id, f"{name}教育委員会", "board_of_education", pk))
            self.board_of[p] = org_id
            orgs.append((org_id + 1, f"{name}商工会議所連合会", "chamber_of_commerce", pk))
            org_id += 2
        db.copy(Organisation, ["id", "name", "kind", "prefecture_id"], orgs)
        cons_id = self.consortium_id0 = db.next_id(Consortium)
        person_id = db.next_id(Person)
        rows, school_links, company_links, org_links, coord_links, coordinators = [], [], [], [], [], []
        designations, stages, meetings = [], [], []
        self.consortium_of_school: dict[int, int] = {}
        self.consortia: list[tuple[int, int]] = []  # (id, prefecture index)
        used_schools = set()
        for i in range(size.consortia):
            p = i if i < len(self.prefectures) else rng.choices(range(47), self.pref_weights)[0]
            pk, _code, name = self.prefectures[p]
            free = [s for s in self.schools_by_pref.get(p, []) if s[0] not in used_schools]
            if not free:
                continue
            members = rng.sample(free, min(len(free), rng.randint(2, 12)))
            cid = cons_id
            cons_id += 1
            rows.append((cid, f"{name}マイスター・ハイスクール管理機関 第{i + 1}", pk, "地域産業の担い手育成"))
            self.consortia.append((cid, p))
            for school in members:
                used_schools.add(school[0])
                school_links.append((cid, school[0]))
                self.consortium_of_school[school[0]] = cid
            pool = self.companies_by_pref.get(p, [])
            for company in rng.sample(pool, min(len(pool), rng.randint(20, 200))):
                company_links.append((cid, company))
            org_links += [(cid, self.board_of[p]), (cid, self.board_of[p] + 1)]
            family, family_kana = rng.choice(FAMILY)
            given, given_kana = rng.choice(GIVEN)
            coordinators.append(
                (person_id, f"{family} {given}", f"{family_kana} {given_kana}", "coordinator", "CEO", self.board_of[p])
            )
            coord_links.append((cid, person_id))
            person_id += 1
            first_year = rng.choice([2021, 2022, 2023, 2024])
            kind = rng.choices(["advanced", "strengthening", "support", "survey"], [5, 4, 1, 1])[0]
            for fy in YEARS:
                if fy < first_year or (fy >= 2024 and rng.random() < 0.1):
                    continue
                fy_kind = kind
                if fy - first_year >= 3:
                    fy_kind = "advanced_follow_on" if kind == "advanced" else "strengthening_follow_on"
                budget = rng.randrange(5_000_000, 40_000_000, 100_000)
                designations.append((cid, fy, fy_kind, fy == first_year, first_year, budget))
                stages.append((cid, fy, min(5, 1 + (fy - first_year) + rng.randint(0, 1)), ""))
            for n, (month, kind_of_meeting) in enumerate(
                ((5, "steering"), (8, "joint"), (11, "training"), (2, "steering"))
            ):
                year = FISCAL_YEAR + (1 if month < 4 else 0)
                meetings.append((cid, kind_of_meeting, datetime.date(year, month, 10 + n), f"第{n + 1}回 会議", "", ""))
        db.copy(
            Person, ["id", "name", "kana", "role", "title", "organisation_id"], coordinators, label="partners_person"
        )
        db.copy(Consortium, ["id", "name", "prefecture_id", "summary"], rows)
        links = (
            (Consortium.schools.through, ["consortium_id", "school_id"], school_links),
            (Consortium.companies.through, ["consortium_id", "company_id"], company_links),
            (Consortium.organisations.through, ["consortium_id", "organisation_id"], org_links),
            (Consortium.coordinators.through, ["consortium_id", "person_id"], coord_links),
        )
        for through, columns, link_rows in links:
            db.copy(through, columns, link_rows)
        db.copy(
            Designation,
            ["consortium_id", "fiscal_year", "type", "is_new", "first_fiscal_year", "budget_yen"],
            designations,
        )
        db.copy(ConsortiumStage, ["consortium_id", "fiscal_year", "stage", "note"], stages)
        db.copy(Meeting, ["consortium_id", "kind", "held_on", "title", "attendees", "minutes"], meetings)
        self.models_loaded += [Organisation, Consortium, Designation, ConsortiumStage, Meeting]
        self.models_loaded += [t for t, _c, _r in links]
        # 産業実務家教員: each practitioner teaches at one or two schools of the prefecture.
        teaching, seen = [], set()
        for person, p in self.practitioners:
            schools = self.schools_by_pref.get(p, [])
            for school in rng.sample(schools, min(len(schools), rng.choice([1, 1, 2]))):
                if (person, school[0]) in seen:
                    continue
                seen.add((person, school[0]))
                hours = Decimal(rng.choice([2, 4, 6, 8, 12, 20, 35])).quantize(Decimal("0.1"))
                teaching.append((person, school[0], FISCAL_YEAR, "課題研究・出前授業", hours))
        db.copy(PractitionerTeaching, ["person_id", "school_id", "fiscal_year", "subjects", "hours"], teaching)
        self.models_loaded.append(PractitionerTeaching)
