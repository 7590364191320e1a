"""The managers' export history: every export once, who made it, when and with which filters."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import render

from . import exports

PAGE_SIZE = 50

KINDS = {"cases": "Case list (CSV)", "sen2": "SEN2 figures (CSV)"}


def _filters_text(details: dict) -> str:
    """The filters an export was made with, in words (never the search term, which may be a child's name)."""
    if details.get("export") == "sen2":
        return f"Year {details.get('year', '')}"
    parts = [
        f"{name.replace('_', ' ')}: {', '.join(str(v) for v in values)}"
        for name, values in sorted((details.get("filters") or {}).items())
        if name != "sort" and any(values)
    ]
    if details.get("searched"):
        parts.append("a name or reference search")
    return "; ".join(parts) or "All cases the exporter could see"


@permission_required("cases.export_cases", raise_exception=True)
def export_history(request):
    page = Paginator(exports.export_history(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "at": entry.timestamp,
            "by": entry.actor.display_name if entry.actor else "",
            "kind": KINDS.get((entry.additional_data or {}).get("export"), "Export"),
            "what": entry.changes_text,
            "filters": _filters_text(entry.additional_data or {}),
        }
        for entry in page.object_list
    ]
    return render(request, "dashboards/export_history.html", {"page": page, "rows": rows})
