"""Managers' team pages: reassign many cases in one step; set up and end absence cover."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sendportal.formats import day_month_year

from . import team_selectors, team_services
from .models import Cover
from .refusals import service_call
from .team_forms import CoverForm, FromOfficerForm, ReassignForm


def _team_manager(request) -> None:
    if not team_services.can_manage_team(request.user):
        raise PermissionDenied


def reassign(request):
    """Step 1 (GET ?from_officer=): whose cases. Step 2 (POST): which of them, to whom and why."""
    _team_manager(request)
    chooser = FromOfficerForm(request.GET or None)
    context: dict = {"chooser": chooser}
    if chooser.is_bound and chooser.is_valid():
        source = chooser.cleaned_data["from_officer"]
        open_cases = team_selectors.open_cases_of(source)
        posted = request.POST if request.method == "POST" else None
        form = ReassignForm(posted, from_officer=source, open_count=open_cases.count())
        if request.method == "POST" and form.is_valid():
            target = form.cleaned_data["to_officer"]
            saved, moved = service_call(
                form,
                lambda: team_services.cases_reassign(
                    actor=request.user, cases=form.chosen(), officer=target, reason=form.cleaned_data["reason"]
                ),
            )
            if saved:
                plural = "" if moved == 1 else "s"
                messages.success(
                    request, f"{moved} case{plural} moved from {source.display_name} to {target.display_name}."
                )
                return redirect(f"{reverse('cases:list')}?{urlencode({'officer': target.pk})}")
        context.update(
            {"form": form, "source": source, "listed": form.listed, "limit": team_selectors.REASSIGN_LIST_LIMIT}
        )
    return render(request, "cases/team_reassign.html", context)


def cover(request):
    """Who is covering whom now and next, the covers that ended, and a form to set one up."""
    _team_manager(request)
    today = timezone.localdate()
    form = CoverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, added = service_call(
            form,
            lambda: team_services.cover_add(
                actor=request.user,
                officer=data["officer"],
                colleague=data["colleague"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                today=today,
            ),
        )
        if saved:
            messages.success(
                request,
                f"{added.colleague.display_name} covers {added.officer.display_name}'s work from "
                f"{day_month_year(added.starts_on)} to {day_month_year(added.ends_on)}.",
            )
            return redirect("cases:cover")
    context = {
        "form": form,
        "today": today,
        "current": team_selectors.covers_current_or_coming(today=today),
        "past": team_selectors.covers_past(today=today),
    }
    return render(request, "cases/team_cover.html", context)


@require_POST
def cover_end(request, pk):
    _team_manager(request)
    found = get_object_or_404(Cover, pk=pk)
    form = forms.Form({})
    form.is_valid()  # a bound, empty form to carry the service's refusal
    saved, ended = service_call(
        form, lambda: team_services.cover_end(actor=request.user, cover=found, today=timezone.localdate())
    )
    if saved:
        messages.success(request, f"Cover for {ended.officer.display_name} ended.")
    else:
        messages.error(request, " ".join(form.non_field_errors()) or "This cover could not be ended.")
    return redirect("cases:cover")
