"""How this works: a page per role, and the clocks and statuses every role reads about."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from . import content

ROLES = {
    "officers": "SEN officers",
    "mediators": "Mediators",
    "managers": "Managers",
}


@login_required
def index(request):
    return render(request, "guide/index.html", {"roles": ROLES})


@login_required
def role(request, role):
    if role not in ROLES:
        raise Http404("No such guide")
    return render(request, f"guide/{role}.html", {"role_name": ROLES[role], "roles": ROLES})


@login_required
def clocks(request):
    return render(request, "guide/clocks.html", {"clocks": content.clocks()})


@login_required
def statuses(request):
    return render(
        request,
        "guide/statuses.html",
        {"case_statuses": content.case_statuses(), "referral_statuses": content.referral_statuses()},
    )
