"""The school list's rows as plain text, worked out once per row (see curricula/rows.py for why)."""

from dataclasses import dataclass

from meister.links import row_urls
from partners.models import School


@dataclass(frozen=True)
class SchoolRow:
    code: str
    name: str
    kana: str
    url: str
    prefecture: str
    establishment: str
    filled: str  # "92%", or "" without a capacity for the year
    enrolment: str  # "552 / 600"


def school_rows(schools) -> list[SchoolRow]:
    """Rows for schools annotated by `selectors.schools_for_user` (capacity and enrolment of the year)."""
    url = row_urls("partners:school_detail")
    establishments = {value: str(label) for value, label in School._meta.get_field("establishment").flatchoices}
    rows = []
    for school in schools:
        capacity, enrolment = school.capacity_total, school.enrolment_total
        rows.append(
            SchoolRow(
                code=school.code,
                name=school.name,
                kana=school.kana,
                url=url(school.pk),
                prefecture=str(school.prefecture),
                establishment=establishments.get(school.establishment, school.establishment),
                # As `{% widthratio %}` showed it: the share rounded to a whole percent.
                filled=f"{round((enrolment or 0) / capacity * 100)}%" if capacity else "",
                enrolment=f"{enrolment} / {capacity}" if capacity else "",
            )
        )
    return rows
