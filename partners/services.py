"""Writes to the registry: each checks the model's validation and stays inside the writer's scope."""

from django.db import transaction

from meister.scoping import coordinates_consortium, saving_in_scope
from meister.uploads import replacing_files
from partners.models import Agreement, Company, ContactLog, Person, School


@transaction.atomic
def company_save(*, user, company: Company, offers=None) -> Company:
    """Save a company (and its offers); a coordinator's new company joins their consortium, so they keep seeing it."""
    is_new = company.pk is None
    company.full_clean()
    with saving_in_scope(user, company):
        company.save()
        if offers is not None:
            offers.instance = company
            offers.save()
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
def agreement_save(*, user, form) -> Agreement:
    agreement = form.save(commit=False)
    agreement.full_clean()
    # A replaced or cleared signed copy leaves storage with the change.
    with replacing_files(agreement, "document"), saving_in_scope(user, agreement):
        agreement.save()
        form.save_m2m()
    return agreement
