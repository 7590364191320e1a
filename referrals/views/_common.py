"""What the pathway's pages share: the coarse permission checks and reads scoped through an object a selector
already gave. The common tail of every action (one service call, then a message and a redirect, or the page again
with the refusal) is cases.refusals.submit; a case-panel action's is cases.case_page.act."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .. import permissions, selectors, services
from ..models import MediationSession, Referral

RS = Referral.Status
MANAGE = "referrals.manage_referrals"
TRIBUNAL = "referrals.manage_tribunal"
SEE_REFERRALS = ("referrals.view_all_referrals", "referrals.act_as_mediator")
ACT_ON_REFERRALS = ("referrals.manage_referrals", "referrals.act_as_mediator")
# Where referral_assign_mediator accepts a (re)assignment.
ASSIGNABLE = services.ASSIGNABLE_STATUSES


def any_permission_required(*perms):
    """The coarse check for pages both officers and mediators use: any one of the permissions (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_perm(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def referral_to_act_on(user, pk) -> Referral:
    """A referral this person may act on (its mediator, or the LA's staff): 404 when not visible, 403 otherwise."""
    referral = selectors.referral_get_for(user, pk)
    if not permissions.can_act_on_referral(user, referral):
        raise PermissionDenied
    return referral


def session_of(referral, pk) -> MediationSession:
    return get_object_or_404(referral.sessions.all(), pk=pk)


def action_of(referral, pk):
    return get_object_or_404(referral.actions.all(), pk=pk)


def drs_of(case, pk):
    return get_object_or_404(case.drs_referrals.select_related("case"), pk=pk)


def appeal_of(case, pk):
    return get_object_or_404(case.appeals.select_related("case"), pk=pk)
