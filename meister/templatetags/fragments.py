"""`{% fragment "app/rows.html" %}`: a list's rows drawn by Jinja2 with the page's context (meister.fragments);
`{% fragment "app/rows.html" rows=page.object_list %}` adds to it."""

from django import template

from meister import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def fragment(context, name: str, **extra):
    values = context.flatten()
    values.update(extra)
    return fragments.render(name, values, context.get("request"))
