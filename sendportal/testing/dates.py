"""Test support for the date component (sendportal.date_input): what a page's boxes show, what a browser posts."""

from __future__ import annotations

import re
from datetime import date, datetime


def box_value(content: str, name: str) -> str | None:
    """The value a page's box `name` (such as "decision_sent_on_day") shows; None when there is no such box."""
    match = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', content)
    if match is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def shows_date(content: str, name: str, day: date | datetime) -> bool:
    """Whether the date component `name` shows `day` (and, for a date and time, its time) in its boxes."""
    wanted = {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    if isinstance(day, datetime):
        wanted["time"] = day.strftime("%H:%M")
    return all(box_value(content, f"{name}_{part}") == value for part, value in wanted.items())


def date_parts(name: str, day: date | None, *, at: str | None = None) -> dict[str, str]:
    """What a browser posts for `day` typed in the boxes of the date field `name` (blank boxes for None)."""
    parts = {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    if day is not None:
        parts = {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}
    if at is not None:
        parts[f"{name}_time"] = at
    return parts
