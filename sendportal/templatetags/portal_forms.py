"""Template filters for the project's own form components (templates/components/)."""

from django import template

register = template.Library()


@register.filter
def summary_text(error, label) -> str:
    """An error as the error summary lists it: "<label>: <message>", unless the message already names the field
    ("Date of birth must include a month", "Enter the first name")."""
    message, name = str(error), str(label or "")
    named = name.rstrip("?:*").strip().lower()
    asked = {f"{verb} {article}{named}." for verb in ("enter", "choose") for article in ("the ", "")}
    if not name or message.startswith(name) or message.lower() in asked | {f"tick \u201c{named}\u201d."}:
        return message
    return f"{name}: {message}"


@register.filter
def asks_required(form) -> bool:
    """Whether the form shows a question that must be answered (its label carries the asterisk the form explains)."""
    return any(field.field.required and not field.is_hidden for field in form)
