"""Every page each persona reaches, read in English, has no Japanese outside what people wrote.

The pages are those a persona's first screen links to (its menu and dashboard, one level deep) and the public ones.
What may stay Japanese is what the portal holds as written by its users: the names of people, schools, companies and
consortia, the students' names, the titles and notes they typed. Those values are taken from the demo database and
removed from the page before it is scanned for kana and kanji; reference data (prefectures, industry divisions) is
not among them, as the portal names it in English itself. Text marked `lang="ja"` (the switch back to 日本語) is
Japanese on purpose.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from partners.models import IndustryDivision, Prefecture, SchoolNeed
from showcase.models import Material, MaterialKind

pytestmark = pytest.mark.django_db

PERSONAS = ("ministry", "prefecture", "coordinator", "teacher", "company", "admin")
PUBLIC_STARTS = ("/accounts/login/", "/accounts/password/reset/", "/public/", "/library/")
SKIPPED_PATHS = ("/accounts/logout/", "/i18n/", "/admin/", "/media/")
SKIPPED_WORDS = ("download", "export", ".pdf", ".xlsx", ".csv", ".zip", ".png", ".vtt", "/file")
# Reference data the portal names in each language itself: its Japanese names are never exempt.
REFERENCE_MODELS = {Prefecture, IndustryDivision}
JAPANESE = re.compile(r"[\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f々〆〇]+")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "aria-valuetext")


class ReadableText(HTMLParser):
    """What a reader sees or hears: text and the attributes read aloud, outside scripts, styles and lang="ja"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        hidden = tag in ("script", "style", "template") or (attributes.get("lang") or "").startswith("ja")
        if not self._hidden() and not hidden:
            self.parts += [attributes[name] for name in READ_ATTRIBUTES if attributes.get(name)]
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        if not self._hidden():
            attributes = dict(attrs)
            self.parts += [attributes[name] for name in READ_ATTRIBUTES if attributes.get(name)]

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)


def readable_text(html: str) -> str:
    parser = ReadableText()
    parser.feed(html)
    return "\n".join(parser.parts)


def written_by_people() -> list[str]:
    """Every text value the demo holds outside the reference data, longest first (so a name inside a longer
    title is not cut out of it first)."""
    values = set()
    for model in apps.get_models():
        if model in REFERENCE_MODELS or model._meta.app_label in ("contenttypes", "auth", "sessions", "admin"):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            # Text kept inside JSON (a rubric's descriptors, written by a prefecture or consortium) counts as well.
            for value in (text for cell in row for text in _strings(cell)):
                if value and JAPANESE.search(value):
                    values.add(value)
                    values.update(line.strip() for line in value.splitlines() if line.strip())
    return sorted(values, key=len, reverse=True)


def _strings(cell):
    if isinstance(cell, str):
        yield cell
    elif isinstance(cell, dict):
        for item in cell.values():
            yield from _strings(item)
    elif isinstance(cell, list | tuple):
        for item in cell:
            yield from _strings(item)


def links(html: str) -> list[str]:
    found = []
    for href in re.findall(r'href="(/[^"#]*)', html):
        href = href.replace("&amp;", "&")
        lowered = href.lower()
        if href.startswith(SKIPPED_PATHS) or any(word in lowered for word in SKIPPED_WORDS):
            continue
        if href not in found:
            found.append(href)
    return found


def japanese_left(client, starts, exempt, deeper=()) -> list[str]:
    pages = list(starts)
    for start in starts:
        response = client.get(start)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages += [path for path in links(response.content.decode()) if path not in pages]
    pages += [path for path in deeper if path not in pages]
    problems = []
    for path in pages:
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        assert '<html lang="en">' in html, path
        text = readable_text(html)
        for value in exempt:
            if value in text:
                text = text.replace(value, " ")
        for match in JAPANESE.finditer(text):
            context = text[max(0, match.start() - 30) : match.end() + 30].replace("\n", " ")
            problems.append(f"{path}: {match.group()!r} in …{context.strip()}…")
    return problems


def deeper_pages(demo, username):
    """Pages two steps from the first screen whose words are found nowhere nearer (the same as the axe walk's)."""
    video = Material.objects.get(kind=MaterialKind.VIDEO, company=demo.nosui).get_absolute_url()
    if username == "coordinator":
        need = SchoolNeed.objects.filter(school=demo.hikone).first()
        candidates = [reverse("partners:need_candidates", args=[need.pk])] if need else []
        return [reverse("partners:company_edit", args=[demo.kotoh.pk]), *candidates, video]
    return [video]


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_a_persona_reaches_reads_in_english(english, demo, username):
    english.force_login(demo.users[username])
    problems = japanese_left(english, ["/"], written_by_people(), deeper_pages(demo, username))
    assert problems == [], "\n".join(problems)


def test_every_public_page_reads_in_english(english, demo):
    problems = japanese_left(english, PUBLIC_STARTS, written_by_people(), deeper_pages(demo, None))
    assert problems == [], "\n".join(problems)


def test_the_scan_finds_japanese_the_portal_wrote():
    text = readable_text('<p>Calendar: 2026年12月</p><button lang="ja">日本語</button><img alt="地図">')
    assert JAPANESE.findall(text) == ["年", "月", "地図"]
