"""The menu bar is drawn once per menu, language and marked page and reused: each page still marks itself, each
person still gets their own entries, and each language its words."""

import re

from django.urls import reverse

from portal.templatetags import menu_bar


def bar(html: str) -> str:
    return html.split('data-testid="menu">', 1)[1].split('<span class="navbar-text', 1)[0]


def marked(html: str) -> list[str]:
    return re.findall(r'class="[^"]*active" aria-current="page" href="([^"]+)"', bar(html))


def test_the_bar_kept_between_pages_marks_each_page_and_follows_person_and_language(client, demo):
    menu_bar._drawn.clear()
    client.force_login(demo.users["teacher"])
    placements, dashboard = reverse("curricula:placement_list"), reverse("portal:dashboard")
    first = client.get(placements).content.decode()
    assert marked(first) == [placements]
    drawn = len(menu_bar._drawn)
    assert bar(client.get(placements).content.decode()) == bar(first)
    assert len(menu_bar._drawn) == drawn  # reused, not drawn again
    on_dashboard = client.get(dashboard).content.decode()
    assert marked(on_dashboard) == [dashboard]
    # A page the bar does not list marks nothing.
    placement = demo.users["teacher"].school.students.first().placements.first()
    assert marked(client.get(reverse("curricula:placement_detail", args=[placement.pk])).content.decode()) == []

    client.force_login(demo.users["company"])
    theirs = bar(client.get(dashboard).content.decode())
    assert reverse("curricula:confirmations") in theirs
    assert reverse("curricula:log_start") not in theirs  # a teacher's entry never reaches a company's bar
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = bar(client.get(dashboard).content.decode())
    assert "Dashboard" in english and "ダッシュボード" not in english and "ダッシュボード" in theirs
