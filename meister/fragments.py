"""Long lists drawn by Jinja2: `{% fragment "partners/candidate_rows.html" %}` in a page's Django template prints
the rows of templates/fragments/partners/candidate_rows.html, with the page's context.

A row of a long table costs the Django template engine a few microseconds a variable and a tag, and the lists
people open every day print thousands of them: the candidate ranking's reasons, the placement list, the money
lists. Jinja2 compiles a template to Python and draws the same rows several times faster. Pages stay Django
templates (the layout, the forms, the menus); only the rows of a list move, each into one fragment.

In a fragment: `_("…")` translates (the same catalogue; `makemessages` finds `_("…")` in fragments but not
`ngettext`, so a plural is worded in Python and handed over); `row_urls("app:name")` gives the function from a row's
key to its page (`meister.links.row_urls`) and `page_url` a page without arguments; Django's `date`, `time`,
`floatformat` and `localize` filters and the portal's `wareki`, `fiscal_year`, `holiday` and `stored_message` are
there by their names. Everything printed is escaped as in a Django template. Unlike a Django template, a date or a
number is printed as Python writes it unless a filter says otherwise (`|localize` for what a Django template would
print), and quotes in text are escaped as `&#34;` and `&#39;` where Django writes `&quot;` and `&#x27;` (the same
characters to a browser).
"""

from functools import cache

import jinja2
from django.conf import settings
from django.template import defaultfilters
from django.template.backends.jinja2 import Jinja2
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from meister.links import page_url, row_urls
from meister.templatetags import stored_messages, wareki


def environment(**options) -> jinja2.Environment:
    env = jinja2.Environment(**options)
    env.globals.update(_=gettext, row_urls=row_urls, page_url=page_url)
    # Django's filters a list's rows use, by the same names; `localize` prints a date or a number as a Django
    # template prints it unfiltered (Jinja2 would print 2026-04-01 and 1234.5 as they are).
    env.filters.update(
        date=defaultfilters.date,
        time=defaultfilters.time,
        floatformat=defaultfilters.floatformat,
        localize=formats.localize,
        wareki=wareki.wareki,
        fiscal_year=wareki.fiscal_year,
        holiday=wareki.holiday,
        stored_message=stored_messages.stored_message,
    )
    return env


@cache
def engine() -> Jinja2:
    return Jinja2(
        {
            "NAME": "fragments",
            "DIRS": [settings.BASE_DIR / "templates" / "fragments"],
            "APP_DIRS": False,
            "OPTIONS": {"environment": "meister.fragments.environment"},
        }
    )


def render(name: str, context: dict, request=None) -> SafeString:
    return mark_safe(engine().get_template(name).render(context, request))
