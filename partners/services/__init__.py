"""Writes to the registry: each checks the model's validation and stays inside the writer's scope."""

from collections.abc import Iterable

from django.db import transaction

from meister.scoping import coordinates_consortium, saving_in_scope
from meister.uploads import replacing_files
from partners.models import (
    ActionItem,
    Agreement,
    Company,
    CompanyOffer,
    ConsortiumStage,
    ContactLog,
    Designation,
    Meeting,
    Person,
    PractitionerTeaching,
    School,
    SupportConsultation,
)


@transaction.atomic
def company_save(
    *, user, company: Company, offers: Iterable[CompanyOffer] = (), offers_removed: Iterable[CompanyOffer] = ()
) -> Company:
    """Save a company with its offers as edited (new and changed ones, and those removed).

    A coordinator's new company joins their consortium, so they keep seeing it.
    """
    is_new = company.pk is None
    company.full_clean()
    with saving_in_scope(user, company):
        company.save()
        # Removed first: an offer of a kind removed and added again in one edit keeps the kind once.
        for offer in offers_removed:
            offer.delete()
        for offer in offers:
            offer.company = company
            offer.save()
        if is_new and coordinates_consortium(user):
            user.consortium.companies.add(company)
    return company


@transaction.atomic
def school_save(*, user, school: School) -> School:
    school.full_clean()
    with saving_in_scope(user, school):
        school.save()
    return school


def contact_log_record(*, user, log: ContactLog) -> ContactLog:
    log.recorded_by = user
    log.full_clean()
    with saving_in_scope(user, log):
        log.save()
    return log


def person_add(*, user, person: Person) -> Person:
    person.full_clean()
    with saving_in_scope(user, person):
        person.save()
    return person


@transaction.atomic
def agreement_save(
    *, user, agreement: Agreement, organisations: Iterable, companies: Iterable, schools: Iterable
) -> Agreement:
    """Save an agreement with the organisations, companies and schools that signed it."""
    agreement.full_clean()
    # A replaced or cleared signed copy leaves storage with the change.
    with replacing_files(agreement, "document"), saving_in_scope(user, agreement):
        agreement.save()
        agreement.organisations.set(organisations)
        agreement.companies.set(companies)
        agreement.schools.set(schools)
    return agreement


@transaction.atomic
def meeting_save(
    *, user, meeting: Meeting, action_items: Iterable[ActionItem] = (), action_items_removed: Iterable[ActionItem] = ()
) -> Meeting:
    """Save a consortium's meeting with its action items as edited (new and changed ones, and those removed)."""
    with saving_in_scope(user, meeting):
        meeting.save()
        for item in action_items_removed:
            item.delete()
        for item in action_items:
            item.meeting = meeting
            item.save()
    return meeting


def consortium_record_save(
    *, user, record: ConsortiumStage | Designation | SupportConsultation
) -> ConsortiumStage | Designation | SupportConsultation:
    """Save what a consortium records for itself: a year's 連携段階, a designation, a support consultation."""
    with saving_in_scope(user, record):
        record.save()
    return record


def teaching_record(*, user, teaching: PractitionerTeaching) -> PractitionerTeaching:
    """Record a practitioner's teaching hours at a school for a fiscal year."""
    with saving_in_scope(user, teaching):
        teaching.save()
    return teaching
