"""The shape of a menu entry, shared by the apps that contribute entries and the portal that shows them."""

from dataclasses import dataclass

from meister.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50  # where it stands in the menu: the portal sorts every app's entries by it


def own_world(user) -> str | None:
    """ "school" for a teacher of a school, "company" for a company's staff: their menus centre on it."""
    if user.role == Role.TEACHER and user.school_id:
        return "school"
    if user.role == Role.COMPANY and user.company_id:
        return "company"
    return None
