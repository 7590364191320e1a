from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render


def home(request):
    """Send each role to where its work is."""
    if request.user.has_perm("cases.view_case"):
        return redirect("dashboards:my_work")
    if request.user.has_perm("referrals.act_as_mediator"):
        return redirect("dashboards:mediator")
    if request.user.has_perm("privacy.view_access_log"):
        return redirect("privacy:home")
    return render(request, "home.html")


@login_not_required
def healthz(request):
    """Load-balancer health check: no data, no session."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")
