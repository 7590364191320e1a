"""View helpers every app shares: a refused form shown again, a service's refusal on its form, the saved search.

Apps import these from here, never from one another's views."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.shortcuts import render

SEARCH_SESSION_KEY = "case_searches"
MAX_SAVED_SEARCHES = 20


def page_with_errors(request, template: str, context: dict, forms: dict):
    """Show a page again with the failed form's messages (HTTP 400); nothing has changed. The first of `forms`
    is the failed one: the page's error summary lists its messages."""
    context["failed_form"] = next(iter(forms.values()))
    return render(request, template, context, status=400)


def apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field messages where they belong, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def saved_search(request) -> tuple[str, str]:
    """The search term behind the opaque `s` token (names never travel in URLs or server logs): (token, term)."""
    token = request.GET.get("s", "")
    return token, request.session.get(SEARCH_SESSION_KEY, {}).get(token, "") if token else ""


def save_search(request, term: str) -> str:
    """Keep `term` in the session (the latest few) and return the opaque token that stands for it in URLs."""
    searches = request.session.get(SEARCH_SESSION_KEY, {})
    token = secrets.token_urlsafe(9)
    searches[token] = term
    request.session[SEARCH_SESSION_KEY] = dict(list(searches.items())[-MAX_SAVED_SEARCHES:])
    return token
