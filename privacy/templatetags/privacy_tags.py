"""Showing exported values as people read them: dates as "Wed 27 May 2026", yes/no, and nothing as a dash."""

from datetime import date, datetime

from django import template

from sendportal.formats import short_date, short_timestamp

register = template.Library()

NOTHING = "\u2014"


@register.filter
def readable(value):
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return short_timestamp(value)
    if isinstance(value, date):
        return short_date(value)
    return value


@register.filter
def cell(row, key):
    """row[key] for a dict row (templates cannot index by a variable)."""
    return row.get(key) if isinstance(row, dict) else None
