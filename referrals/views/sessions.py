"""Mediation sessions: arranging and recording them, and mediation that cannot be held in time."""

from __future__ import annotations

from django.views.decorators.http import require_POST

from sendportal.formats import short_datetime

from .. import selectors, services
from ..forms import NotHeldForm, SessionRecordForm, SessionScheduleForm
from ._common import (
    ACT_ON_REFERRALS,
    any_permission_required,
    session_of,
)
from .detail import act


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def session_schedule(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = SessionScheduleForm(request.POST)

    def action(data):
        return services.session_schedule(referral=referral, actor=request.user, **data)

    def success(session):
        return f"Session arranged for {short_datetime(session.starts_at)}"

    return act(request, referral, form, "schedule_form", action, success)


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def session_record(request, pk, session_pk):
    referral = selectors.referral_get_for(request.user, pk)
    session = session_of(referral, session_pk)
    form = SessionRecordForm(request.POST, auto_id=f"session{session.pk}_%s")

    def action(data):
        return services.session_record(
            session=session,
            actor=request.user,
            status=data["status"],
            cancelled_by=data["cancelled_by"],
            cancel_reason=data["cancel_reason"],
            attendance=form.attendance,
        )

    def success(result):
        return f"Session recorded: {result.get_status_display().lower()}"

    return act(request, referral, form, f"session_form_{session.pk}", action, success)


@require_POST
@any_permission_required(*ACT_ON_REFERRALS)
def referral_not_held(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    form = NotHeldForm(request.POST)

    def action(data):
        return services.referral_not_held_in_time(
            referral=referral, actor=request.user, notified_on=data["notified_on"]
        )

    message = "Recorded that mediation cannot be held within 30 days: the certificate is due in 3 working days"
    return act(request, referral, form, "not_held_form", action, message)
