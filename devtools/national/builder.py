"""The national builder: one seeded pass that loads the registry, then the school year, then signs in the personas."""

import random

from curricula.models import Placement
from devtools.national.loader import Loader
from devtools.national.programme_rows import ProgrammeRows
from devtools.national.registry import RegistryRows
from devtools.national.school_year import SchoolYearRows
from devtools.national.vocabulary import PERSONA_PREFIX, POPULATION, Scale
from meister.models import Role, User
from partners.models import IndustryDivision, Prefecture


class Builder(RegistryRows, SchoolYearRows, ProgrammeRows):
    """One seeded pass over every table; `run` calls the parts in the order their rows depend on each other."""

    def __init__(self, loader: Loader, rng: random.Random, size: Scale, log):
        self.db = loader
        self.rng = rng
        self.size = size
        self.log = log
        self.models_loaded: list = []
        self.personas: dict[str, str] = {}

    def _step(self, message):
        self.log(message)

    def run(self):
        self.prefectures = list(Prefecture.objects.order_by("code").values_list("pk", "code", "name"))
        self.divisions = dict(IndustryDivision.objects.values_list("code", "pk"))
        weights = [POPULATION[int(code) - 1] for _pk, code, _n in self.prefectures]
        self.pref_weights = weights
        self.school_weights = [w**0.6 for w in weights]
        self._step("schools and departments")
        self._schools()
        self._step("companies, offers and people")
        self._companies()
        self._step("organisations, consortia and designations")
        self._consortia()
        self._step("subjects, needs, proposals and engagements")
        self._matching()
        self._step("students")
        self._students()
        self._step("placements and day logs")
        self._placements()
        self._step("diaries and evaluations")
        self._diaries_and_evaluations()
        self._step("destinations, assessments and the survey")
        self._destinations()
        self._assessments()
        self._survey()
        self._users()
        self._step("supporters, the network, events, advice, plans, estimates and the ledger")
        self._programme()

    # --- personas ------------------------------------------------------------------------------------------

    def _users(self):
        # The prefecture with the most schools, its largest consortium, the consortium school with the most
        # placements on the logging day, and the company hosting the most of them: the busiest pages.
        tokyo = max(range(47), key=lambda p: len(self.schools_by_pref.get(p, [])))
        consortia = [cid for cid, p in self.consortia if p == tokyo] or [self.consortia[0][0]]
        consortium = consortia[0]
        members = [s for s in self.schools if self.consortium_of_school.get(s[0]) == consortium]
        school = max(members, key=lambda s: len(self.hosts[s[0]]))
        company = Placement.objects.filter(student__school_id=school[0]).values_list("company_id", flat=True).first()
        specs = [
            ("ministry", Role.MINISTRY, {}),
            ("prefecture", Role.PREFECTURE, {"prefecture_id": self.prefectures[tokyo][0]}),
            ("coordinator", Role.COORDINATOR, {"consortium_id": consortium}),
            ("teacher", Role.TEACHER, {"school_id": school[0]}),
            ("company", Role.COMPANY, {"company_id": company}),
        ]
        for name, role, scope in specs:
            user = User(username=f"{PERSONA_PREFIX}{name}", role=role, **scope)
            user.set_unusable_password()
            user.save()
            self.personas[name] = user.username
        self.db.counts["meister_user"] = len(specs)
        self.need_for_coordinator = self.need_of_school[school[0]]
