"""factory-boy factories for the rows tests build themselves (the demo supplies the rest)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from curricula.models import DayLog, LogStatus, Placement, PlacementKind, Student
from partners.models import Person, PersonRole


class MentorFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"指導 担当{n}")
    kana = factory.Sequence(lambda n: f"しどう たんとう{n}")
    role = PersonRole.MENTOR
    title = "指導担当者"
    email = factory.Sequence(lambda n: f"mentor{n}@example.jp")


class StudentFactory(DjangoModelFactory):
    class Meta:
        model = Student

    department = factory.LazyAttribute(lambda o: o.school.departments.order_by("pk").first())
    entry_year = 2024
    class_name = "3-8"
    number = factory.Sequence(lambda n: n % 40 + 1)
    kana_name = factory.Sequence(lambda n: f"てすと せいと{n}")


class PlacementFactory(DjangoModelFactory):
    """A dual-system placement: one weekday a week (Wednesday unless told) over the given period."""

    class Meta:
        model = Placement

    kind = PlacementKind.DUAL_SYSTEM
    starts_on = datetime.date(2026, 4, 8)
    ends_on = datetime.date(2027, 3, 17)
    weekdays = "2"
    hours_per_day = Decimal("6.0")
    required_hours = Decimal("180")


class DayLogFactory(DjangoModelFactory):
    class Meta:
        model = DayLog

    hours = Decimal("6.0")
    status = LogStatus.CONFIRMED
    activities = "実習"
