"""Turning a service's refusal into messages on the form that asked for the change (the views' one way to call a
service). Whatever the refusal, the service ran in one transaction, so nothing it started is kept:

- a ValidationError (the rules said no) puts its messages on the fields they name, the rest on top;
- an IntegrityError (a database constraint: two people saved the same thing at the same moment, or a double
  submit) becomes a message on top, never a server error;
- an OSError (a certificate PDF the storage folder would not take) becomes a message on top;
- a ValueError or OverflowError from the clock engine (a date it cannot compute from, decision 16) becomes a
  message on top."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect

from sendportal.web import apply_service_errors

from .dates import CLOCK_ENGINE_ERRORS, CLOCK_NOT_COMPUTABLE

logger = logging.getLogger("sendportal.refusals")

FILE_NOT_STORED = (
    "The certificate could not be stored: the portal cannot write to its certificate folder. Nothing was issued "
    "and nothing has changed. Tell the portal's administrators (the folder set as MEDIA_ROOT), then try again."
)
SAVED_AT_THE_SAME_MOMENT = (
    "This was not saved: the same record was saved by someone else (or by a second click) at the same moment. "
    "Nothing has changed from this attempt; reload the page to see what is recorded now."
)


def service_call(form, action: Callable[[], Any], *, reraise: tuple = ()) -> tuple[bool, Any]:
    """Run `action` (one service call); (True, its result), or (False, None) with the refusal on `form`.
    Exceptions in `reraise` are left to the caller (a stale edit re-shows the form its own way)."""
    try:
        return True, action()
    except reraise:
        raise
    except ValidationError as exc:
        apply_service_errors(form, exc)
    except IntegrityError as exc:
        logger.warning("refused: a database constraint stopped a save (%s)", _constraint_name(exc))
        form.add_error(None, SAVED_AT_THE_SAME_MOMENT)
    except OSError as exc:
        # A file the service writes (a certificate PDF) could not be stored; the transaction kept nothing.
        logger.error("refused: a file could not be stored (%s)", type(exc).__name__)
        form.add_error(None, FILE_NOT_STORED)
    except CLOCK_ENGINE_ERRORS as exc:
        logger.warning("refused: the clock engine could not compute from the dates given (%s)", type(exc).__name__)
        form.add_error(None, CLOCK_NOT_COMPUTABLE)
    return False, None


def submit(request, form, action, success, *, then, refused):
    """The common tail of every action: valid form -> one service call -> success message and redirect to
    `then`; a form or service refusal -> `refused()` (the page again, HTTP 400, nothing changed)."""
    if form.is_valid():
        saved, result = service_call(form, lambda: action(form.cleaned_data))
        if saved:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(then)
    return refused()


def _constraint_name(exc: IntegrityError) -> str:
    # PostgreSQL names the constraint (psycopg's diagnostics); SQLite only says which columns. Never the values.
    diag = getattr(getattr(exc, "__cause__", None), "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name or type(exc).__name__
