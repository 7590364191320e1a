"""SENDIASS and Independent Supporters for pages of the apps above cases (one query)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("letters/_support_services.html")
def support_signposting():
    return {"services": list(selectors.support_services())}
