"""Every page a role reaches fits the screen: a school laptop (1366×768) and a phone (390×844), in Japanese and
English. Each role signs in once; the test collects the menu's and the dashboard's links and the links one level
below them (same origin, one page of each shape), opens each and fails on any page wider than the window, naming
the role, the page, the language and the width. The bar itself keeps the language switch and the user menu on
screen at 1280 and 1366 px."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_roles import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["ministry", "prefecture", "coordinator", "teacher", "company", "admin"]
LAPTOP = {"width": 1366, "height": 768}
SMALL_LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LANGUAGES = ["ja", "en"]

# Links that leave the page's kind: signing out, files, the back office, the language switch, the public showcase's
# own pages are walked by the visitor below.
SKIP = re.compile(r"/logout|/download|/file$|\.(pdf|xlsx|csv|png)$|/admin/|/i18n/|[?&](export|format)=")

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"

LINKS = """(selector) => Array.from(document.querySelectorAll(selector))
    .filter(a => !a.hasAttribute('download') && !a.closest('form[method=post]'))
    .map(a => a.getAttribute('href'))"""


def shape(path: str) -> str:
    """One page of each kind is enough: /partners/schools/12/ and /partners/schools/40/ are the same page."""
    return re.sub(r"\d+", "N", path)


def same_origin_links(page, base: str, selector: str) -> list[str]:
    found = []
    for href in page.evaluate(LINKS, selector):
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urljoin(page.url, href)
        if url.startswith(base) and not SKIP.search(urlsplit(url).path + "?" + urlsplit(url).query):
            found.append(url.split("#")[0])
    return found


def pages_of(page, base: str) -> list[str]:
    """The menu's and dashboard's pages and the pages they link to, one of each shape, in the order first met."""
    page.goto(f"{base}/")
    first = [f"{base}/", *same_origin_links(page, base, "[data-testid=menu] a, main a")]
    seen: dict[str, str] = {}
    for url in first:
        seen.setdefault(shape(urlsplit(url).path), url)
    for url in list(dict.fromkeys(first)):
        response = page.goto(url)
        if response is None or response.status != 200 or not page.url.startswith(base):
            continue
        for link in same_origin_links(page, base, "main a"):
            seen.setdefault(shape(urlsplit(link).path), link)
    return list(seen.values())


def overflows(page, base: str, urls: list[str], who: str) -> list[str]:
    problems = []
    for language in LANGUAGES:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        for url in urls:
            page.set_viewport_size(LAPTOP)
            response = page.goto(url)
            if response is None or response.status >= 400:
                problems.append(f"{who} {language} {url}: status {response and response.status}")
                continue
            for size in (LAPTOP, PHONE):
                page.set_viewport_size(size)
                extra = page.evaluate(OVERFLOW)
                if extra > 0:
                    path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
                    problems.append(f"{who} {language} {path} at {size['width']} px: {extra} px too wide")
    return problems


def test_every_page_of_every_role_fits_laptop_and_phone(browser, live_server, demo):
    base = live_server.url
    problems = []
    for username in ROLES:
        context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=LAPTOP)
        context.set_default_timeout(15_000)
        page = context.new_page()
        log_in(page, live_server, username)
        urls = pages_of(page, base)
        assert len(urls) > 5, f"{username} reaches only {urls}"
        problems += overflows(page, base, urls, username)
        context.close()
    assert not problems, "\n".join(problems)


def test_visitor_pages_fit_laptop_and_phone(browser, live_server, demo):
    base = live_server.url
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=LAPTOP)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    urls = [f"{base}/accounts/login/", f"{base}/accounts/password/reset/", f"{base}/public/", f"{base}/library/"]
    seen = {shape(urlsplit(url).path): url for url in urls}
    for url in urls[2:]:
        page.goto(url)
        for link in same_origin_links(page, base, "main a"):
            seen.setdefault(shape(urlsplit(link).path), link)
    problems = overflows(page, base, list(seen.values()), "visitor")
    context.close()
    assert not problems, "\n".join(problems)


def test_the_bar_keeps_language_and_user_menu_on_screen(page, live_server, demo):
    log_in(page, live_server, "coordinator")
    for language in LANGUAGES:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for size in (SMALL_LAPTOP, LAPTOP):
            page.set_viewport_size(size)
            page.reload()
            for testid in ("language-switch", "current-user"):
                box = page.get_by_test_id(testid).bounding_box()
                where = f"{testid} in {language} at {size['width']} px: {box}"
                assert box and box["x"] + box["width"] <= size["width"], where
                assert box["y"] < 80, f"wrapped below the bar: {where}"
            page.get_by_test_id("current-user").click()
            expect(page.get_by_role("button", name="ログアウト" if language == "ja" else "Log out")).to_be_visible()


def test_the_menu_folds_on_a_phone_and_opens_a_heading(page, live_server, demo):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "teacher")
    expect(page.get_by_test_id("menu")).to_be_hidden()
    page.locator(".navbar-toggler").click()
    page.get_by_test_id("menu-practice").click()
    page.get_by_test_id("menu").get_by_role("link", name="実習の受入れ").click()
    expect(page).to_have_url(re.compile(r"/curricula/placements/$"))
    assert page.evaluate(OVERFLOW) <= 0


# Fields a finger can hit on a phone: 44 px high (WCAG 2.5.5's target size) and wide enough to read what was typed.
FIELDS = """() => Array.from(document.querySelectorAll('main input, main select, main textarea, main button'))
    .filter(e => e.type !== 'hidden' && e.offsetParent !== null && !e.closest('.pagination'))
    .map(e => {
        const target = ['radio', 'checkbox'].includes(e.type) ? e.closest('.form-check') || e : e;
        const box = target.getBoundingClientRect();
        return {name: e.name || e.id || e.textContent.trim(), type: e.type || e.tagName, height: box.height,
                width: box.width};
    })"""


def small_fields(page) -> list[str]:
    found = []
    for field in page.evaluate(FIELDS):
        wide_enough = field["width"] >= 120 or field["type"] in ("radio", "checkbox", "submit", "button")
        if field["height"] < 44 or not wide_enough:
            found.append(f"{field['name']} ({field['type']}) {field['width']:.0f}×{field['height']:.0f}")
    return found


def test_phone_first_pages_fit_and_have_finger_sized_fields(browser, live_server, demo):
    from curricula import links
    from curricula.models import Placement
    from partners.models import Proposal, SchoolNeed
    from partners.services.matching import proposal_token
    from tests.curricula.test_logging import last_wednesday

    base = live_server.url
    placement = Placement.objects.filter(student__school=demo.hikone, mentor__isnull=False).first()
    need = SchoolNeed.objects.filter(school=demo.hikone).first() or SchoolNeed.objects.first()
    proposal = Proposal.objects.create(need=need, company=demo.kotoh, message="治具設計の実習をお願いできますか。")
    plan = {
        "teacher": [f"/curricula/log/{last_wednesday():%Y-%m-%d}/"],
        "company": ["/curricula/confirmations/", "/partners/proposals/"],
        None: [
            links.CONFIRMATION.path(placement.mentor_id),
            reverse("partners:proposal_answer_link", args=[proposal_token(proposal)]),
        ],
    }
    problems = []
    for username, paths in plan.items():
        context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE)
        page = context.new_page()
        if username:
            log_in(page, live_server, username)
        for path in paths:
            for language in LANGUAGES:
                context.add_cookies([{"name": "django_language", "value": language, "url": base}])
                assert page.goto(base + path).status == 200, path
                if page.evaluate(OVERFLOW) > 0:
                    problems.append(f"{path} {language}: wider than the phone")
                problems += [f"{path} {language}: {field}" for field in small_fields(page)]
        context.close()
    assert not problems, "\n".join(problems)
