"""axe-core on every page each persona reaches from its menu and dashboard, in Japanese and in English.

Each persona signs in, and the pages its first screen links to (the menu, the dashboard's links, one level deep)
are opened and checked against the WCAG 2.0 and 2.1 A/AA rules; any serious or critical violation fails, named by
page, rule and element. Anonymous visitors' pages (sign-in, password reset, the public showcase and library) too.
axe-core is evaluated through Playwright, which the pages' own Content-Security-Policy (scripts from the portal
only) does not govern, so the pages are checked with their real policy in force.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import SchoolNeed
from showcase.models import Material, MaterialKind
from tests.browser.conftest import AXE
from tests.browser.test_roles import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ("ministry", "prefecture", "coordinator", "teacher", "company", "admin")
PUBLIC_STARTS = ("/accounts/login/", "/accounts/password/reset/", "/public/", "/library/")
LANGUAGES = ("ja", "en")
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}

# Links not followed: they end the session, change the language, download a file, or lead into Django's own
# admin site (its templates are Django's, not the portal's).
SKIPPED_PATHS = ("/accounts/logout/", "/i18n/", "/admin/", "/media/")
SKIPPED_WORDS = ("download", "export", ".pdf", ".xlsx", ".csv", ".zip")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(" "))}));
}"""


def same_origin_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        lowered = path.lower()
        if parts.path.startswith(SKIPPED_PATHS) or any(word in lowered for word in SKIPPED_WORDS):
            continue
        if path not in found:
            found.append(path)
    return found


def reachable(page, origin: str, starts: list[str]) -> list[str]:
    """The start pages and every same-origin page they link to."""
    pages = list(starts)
    for start in starts:
        page.goto(origin + start)
        for path in same_origin_links(page, origin):
            if path not in pages:
                pages.append(path)
    return pages


def serious_violations(page, origin: str, paths: list[str], language: str) -> list[str]:
    source = AXE.read_text(encoding="utf-8")
    problems = []
    for path in paths:
        response = page.goto(origin + path)
        if (
            response is None
            or response.status >= 400
            or not response.headers.get("content-type", "").startswith("text/html")
        ):
            continue
        assert page.locator("html").get_attribute("lang") == language, path
        page.evaluate(source)
        for violation in page.evaluate(RUN_AXE, WCAG_AA):
            if violation["impact"] in SERIOUS:
                problems += [f"[{language}] {path} {violation['id']}: {target}" for target in violation["targets"]]
    return problems


def deeper_pages(demo, username: str | None) -> list[str]:
    """Pages two steps from the first screen with widgets found nowhere nearer: a company's offers with their
    delete boxes, the candidates' reasons, the captioned video."""
    video = Material.objects.get(kind=MaterialKind.VIDEO, company=demo.nosui).get_absolute_url()
    if username == "coordinator":
        need = SchoolNeed.objects.filter(school=demo.hikone).first()
        candidates = [reverse("partners:need_candidates", args=[need.pk])] if need else []
        return [reverse("partners:company_edit", args=[demo.kotoh.pk]), *candidates, video]
    return [video]


def set_language(page, origin: str, language: str):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": origin}])


def test_every_page_every_persona_reaches_passes_axe(browser, live_server, demo):
    """One demo for all personas (loading it takes longer than checking a persona's pages); each persona in a browser
    context of its own, and anonymous visitors last."""
    origin = live_server.url
    problems = []
    for username in (*PERSONAS, None):
        context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
        context.set_default_timeout(15_000)
        page = context.new_page()
        if username:
            log_in(page, live_server, username)
            paths = reachable(page, origin, ["/"])
        else:
            paths = reachable(page, origin, list(PUBLIC_STARTS))
            assert any(path.startswith("/public/") and path != "/public/" for path in paths), paths
        assert len(paths) > 3, (username, paths)
        paths += [path for path in deeper_pages(demo, username) if path not in paths]
        for language in LANGUAGES:
            set_language(page, origin, language)
            found = serious_violations(page, origin, paths, language)
            problems += [f"{username or 'anonymous'} {problem}" for problem in found]
        context.close()
    assert problems == [], "\n".join(problems)


def test_a_library_video_plays_its_captions(page, live_server, demo):
    video = Material.objects.get(kind=MaterialKind.VIDEO, company=demo.nosui)
    page.goto(live_server.url + video.get_absolute_url())
    track = page.locator('video[data-testid="material-video"] track[kind="captions"]')
    expect(track).to_have_attribute("srclang", "ja")
    # The browser fetches the captions under the page's own Content-Security-Policy and parses their cues.
    cues = page.evaluate(
        """() => new Promise((resolve, reject) => {
          const track = document.querySelector("track");
          track.track.mode = "showing";
          const done = () => resolve(Array.from(track.track.cues || []).map(cue => cue.text));
          if (track.readyState === 2) done();
          track.addEventListener("load", done);
          track.addEventListener("error", () => reject(new Error("the captions did not load")));
        })"""
    )
    assert cues and cues[0].startswith("鮭の一次加工")


def test_the_first_tab_offers_a_way_past_the_menu_to_the_content(page, live_server, demo):
    log_in(page, live_server, "teacher")
    # The dashboard first: a Tab pressed while the sign-in is still on its way goes to the page being left.
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_test_id("skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    # Focus is drawn: the outline the portal gives whatever has the keyboard's focus.
    assert skip.evaluate("link => getComputedStyle(link).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
