"""Template filters for the project's own form components (templates/components/)."""

from django import template

register = template.Library()


@register.filter
def summary_text(error, label) -> str:
    """An error as the error summary lists it: "<label>: <message>", unless the message already names the field
    ("Date of birth must include a month", "Enter the first name")."""
    message, name = str(error), str(label or "")
    if not name or name.rstrip("?:*").strip().lower() in message.lower():
        return message
    return f"{name}: {message}"
