"""Mediation certificates as PDF (CFA 2014 s.55; docs/rules.md §6 and §8 D8).

Pure: no queries. The service that issues a certificate reads the case, referral and provider, calls
``certificate_content_for`` with plain values, renders with ``render_certificate_pdf``, stores the bytes
and records ``sha256_of`` them. A certificate is never changed once issued; a correction is a new version
that names the number it replaces and says why.

Security (security.md item 11, SSRF through PDF rendering): the template is autoescaped, and WeasyPrint
fetches every stylesheet, image, font and attachment through ``StaticOnlyURLFetcher``, which serves
``data:`` URLs and files inside our own static folders and refuses everything else (http, https, ftp, other
files, ``..`` escapes) before anything is opened. A refused resource is left out and the PDF still renders.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from cases import rules as case_rules
from cases.models import Route
from sendportal.formats import long_date

from .models import Certificate

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "referrals/certificate_pdf.html"
STYLESHEET = "css/certificate.css"  # relative to a static folder; the template links it by this name
PDF_STYLESHEET = "css/pdf.css"  # what every PDF of the portal shares (page, foot, font), linked before its own
DEFAULT_LOCAL_AUTHORITY_NAME = "Example Borough Council"
APPEAL_FORM = "SEND35"
APPEAL_DEADLINE_TIME = "5pm"  # HESC rules r.12(1): the appeal must be received by 5pm (docs/rules.md §4 C9)

CFA_2014 = "Children and Families Act 2014"


@dataclass(frozen=True)
class CertificateKind:
    title: str
    statutory_wording: str
    legal_basis: str  # empty where the provision is not verified (docs/rules.md §4 C6)


KINDS: dict[str, CertificateKind] = {
    Certificate.Kind.DECLINED: CertificateKind(
        title="Mediation declined",
        statutory_wording=(
            "The parent or young person has received information and advice about pursuing mediation and has "
            "told the mediation adviser that they do not wish to pursue mediation"
        ),
        legal_basis=f"{CFA_2014}, section 55(4)",
    ),
    Certificate.Kind.CONCLUDED: CertificateKind(
        title="Mediation concluded",
        statutory_wording="Mediation has taken place",
        legal_basis=f"{CFA_2014}, section 55(5)",
    ),
    Certificate.Kind.NOT_HELD: CertificateKind(
        title="Mediation not held within 30 days",
        statutory_wording=(
            "Mediation could not be arranged within 30 days of the local authority being told the parent or "
            "young person wished to pursue mediation"
        ),
        legal_basis="",
    ),
}

ISSUER_ROLES = ("mediation adviser", "mediator")


class AppealRoute:
    """What a certificate (and its cover letter) tells the family about appealing, by the case's decision."""

    # An appealable decision (CFA 2014 s.51(2)): the certificate goes with the appeal form.
    WITH_APPEAL_FORM = "with_appeal_form"
    # Placement only (docs/rules.md §1, §8 D14): no certificate is needed for an appeal about section I
    # alone; it is needed if sections B or F are appealed too.
    PLACEMENT_ONLY = "placement_only"
    # Health or social care only, or disagreement resolution: no appeal to the Tribunal on its own (docs/rules.md §1).
    NO_APPEAL = "no_appeal"

    ALL = (WITH_APPEAL_FORM, PLACEMENT_ONLY, NO_APPEAL)


def appeal_route_for(
    *,
    route: str,
    decision: str,
    sections_disputed=(),
    health_involved: bool = False,
    social_care_involved: bool = False,
) -> str:
    """Which appeal wording a certificate carries (docs/rules.md §1): never "send this with the appeal form" on a
    case with no appeal (health or social care only), and the placement-only exception said as it is."""
    if route == Route.DRS or decision not in case_rules.APPEALABLE_DECISIONS:
        return AppealRoute.NO_APPEAL
    if case_rules.is_placement_only(
        decision=decision,
        sections_disputed=sections_disputed,
        health_involved=health_involved,
        social_care_involved=social_care_involved,
    ):
        return AppealRoute.PLACEMENT_ONLY
    return AppealRoute.WITH_APPEAL_FORM


def case_appeal_route(case) -> str:
    """appeal_route_for() with a case's fields (no query)."""
    return appeal_route_for(
        route=case.route,
        decision=case.decision,
        sections_disputed=case.sections_disputed,
        health_involved=case.health_involved,
        social_care_involved=case.social_care_involved,
    )


@dataclass(frozen=True)
class CertificateContent:
    """Everything a certificate PDF shows (docs/rules.md §6, §8 D8), as plain values."""

    local_authority: str
    number: str
    version: int
    kind: str
    kind_title: str
    statutory_wording: str
    legal_basis: str
    case_reference: str
    party_name: str  # the parent or young person
    child_name: str  # the child or young person
    child_date_of_birth: date
    decision_label: str
    decision_sent_on: date | None
    issued_on: date
    issuer_name: str
    issuer_role: str  # one of ISSUER_ROLES
    provider_name: str
    appeal_due: date | None = None
    correction_reason: str = ""
    replaces_number: str = ""
    appeal_route: str = AppealRoute.WITH_APPEAL_FORM

    @property
    def is_correction(self) -> bool:
        return self.version > 1

    @property
    def child_date_of_birth_display(self) -> str:
        return long_date(self.child_date_of_birth)

    @property
    def decision_sent_display(self) -> str:
        return long_date(self.decision_sent_on) or "Not recorded"

    @property
    def issued_display(self) -> str:
        return long_date(self.issued_on)

    @property
    def appeal_deadline_display(self) -> str:
        """The deadline as "5pm on Friday 27 November 2026", or "" when it was not given."""
        return f"{APPEAL_DEADLINE_TIME} on {long_date(self.appeal_due)}" if self.appeal_due else ""

    @property
    def pdf_title(self) -> str:
        """The PDF's title metadata: the number only, never a name (ASVS V14.2.6)."""
        return f"Mediation certificate {self.number}"


def certificate_content_for(
    *,
    case_reference: str,
    party_name: str,
    child_name: str,
    child_date_of_birth: date,
    decision_label: str,
    decision_sent_on: date | None,
    kind: str,
    number: str,
    version: int,
    issued_on: date,
    issuer_name: str,
    issuer_role: str,
    provider_name: str = "",
    appeal_due: date | None = None,
    correction_reason: str = "",
    replaces_number: str = "",
    appeal_route: str = AppealRoute.WITH_APPEAL_FORM,
) -> CertificateContent:
    """Build the content from plain values (no ORM objects, no queries).

    ``appeal_route`` (appeal_route_for) chooses what the certificate says about appealing.

    Raises ValueError for an unknown kind, issuer role or appeal route, a version below 1, or a correction (version 2 or
    later) without its reason and the number it replaces (mirrors the Certificate model's constraint).
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown certificate kind: {kind!r}")
    if appeal_route not in AppealRoute.ALL:
        raise ValueError(f"Unknown appeal route: {appeal_route!r}")
    role = issuer_role.strip().lower()
    if role not in ISSUER_ROLES:
        raise ValueError(f"The issuer must be one of {', '.join(ISSUER_ROLES)}, not {issuer_role!r}")
    if not number.strip():
        raise ValueError("A certificate needs a number")
    if version < 1:
        raise ValueError("Certificate versions start at 1")
    correction_reason = correction_reason.strip()
    replaces_number = replaces_number.strip()
    if version > 1 and not (correction_reason and replaces_number):
        raise ValueError("A corrected certificate needs the reason and the number it replaces")
    if version == 1 and (correction_reason or replaces_number):
        raise ValueError("Only a corrected certificate (version 2 or later) has a reason or replaces another")
    described = KINDS[kind]
    return CertificateContent(
        local_authority=getattr(settings, "LOCAL_AUTHORITY_NAME", DEFAULT_LOCAL_AUTHORITY_NAME),
        number=number.strip(),
        version=version,
        kind=str(kind),
        kind_title=described.title,
        statutory_wording=described.statutory_wording,
        legal_basis=described.legal_basis,
        case_reference=case_reference,
        party_name=party_name,
        child_name=child_name,
        child_date_of_birth=child_date_of_birth,
        decision_label=decision_label,
        decision_sent_on=decision_sent_on,
        issued_on=issued_on,
        issuer_name=issuer_name,
        issuer_role=role,
        provider_name=provider_name,
        appeal_due=appeal_due,
        correction_reason=correction_reason,
        replaces_number=replaces_number,
        appeal_route=appeal_route,
    )


# --- Fetching resources for WeasyPrint: data: and our own static files only -------------------------------


class ResourceRefused(ValueError):
    """The PDF renderer asked for something outside data: URLs and our static folders. Nothing was fetched."""


def static_roots() -> list[Path]:
    """Our own static folders (STATICFILES_DIRS, then STATIC_ROOT), resolved."""
    roots: list[Path] = []
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        folder = entry[1] if isinstance(entry, (tuple, list)) else entry  # (prefix, folder) form
        roots.append(Path(folder).resolve())
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_base_url(roots: list[Path] | None = None) -> str:
    """The file URL of the static folder holding the certificate stylesheet, ending in "/", so relative
    links such as "css/certificate.css" in the template resolve to our static files."""
    roots = static_roots() if roots is None else roots
    if not roots:
        raise ImproperlyConfigured("No static folder is configured for certificate PDFs")
    folder = next((root for root in roots if (root / STYLESHEET).is_file()), roots[0])
    return folder.as_uri() + "/"


class StaticOnlyURLFetcher(URLFetcher):
    """WeasyPrint's fetcher, narrowed to ``data:`` URLs and files inside ``roots`` (our static folders).

    Anything else raises ResourceRefused before any connection or file is opened. WeasyPrint catches the
    error, logs it and leaves the resource out, so the PDF still renders.
    """

    def __init__(self, roots: list[Path] | None = None, **kwargs):
        kwargs.setdefault("allowed_protocols", ("data", "file"))
        kwargs.setdefault("allow_redirects", False)
        super().__init__(**kwargs)
        self.roots = tuple(Path(root).resolve() for root in (static_roots() if roots is None else roots))

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)  # decoded in memory by urllib's data: handler; no I/O
        if scheme == "file":
            path = self.static_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})
        self._refuse(f"the {scheme}: scheme is not allowed" if scheme else "a URL needs a scheme", scheme)

    def static_path(self, url: str) -> Path:
        """The file a file: URL names, if it is inside one of our static folders; otherwise refuse."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            self._refuse("file URLs on another host are not allowed", "file")
        raw = url2pathname(parts.path)
        if ".." in Path(raw).parts:
            self._refuse("'..' in a file path is not allowed", "file")
        try:
            path = Path(raw).resolve()
        except (OSError, ValueError):
            self._refuse("the file path is not valid", "file")
        if not any(path.is_relative_to(root) for root in self.roots):
            self._refuse("the file is outside the static folders", "file")
        if not path.is_file():
            self._refuse("no such static file", "file")
        return path

    def _refuse(self, reason: str, scheme: str) -> NoReturn:
        # Only the scheme is logged: a URL could carry personal data.
        logger.warning("Certificate PDF: refused to fetch a %s: resource (%s)", scheme or "relative", reason)
        raise ResourceRefused(f"Refused to fetch a resource for a certificate PDF: {reason}")


# --- Rendering -------------------------------------------------------------------------------------------


def render_certificate_html(content: CertificateContent) -> str:
    """The certificate as HTML, from the autoescaped Django template."""
    return render_to_string(
        TEMPLATE_NAME,
        {
            "certificate": content,
            "pdf_stylesheet": PDF_STYLESHEET,
            "stylesheet": STYLESHEET,
            "appeal_form": APPEAL_FORM,
            "appeal_routes": AppealRoute,
        },
    )


def html_to_pdf(html: str, *, identifier: str, url_fetcher: URLFetcher | None = None) -> bytes:
    """Render HTML to PDF bytes with the restricted fetcher (or the one given, for tests).

    ``identifier`` becomes the first part of the PDF file identifier; the title comes from <title>.
    """
    fetcher = url_fetcher if url_fetcher is not None else StaticOnlyURLFetcher()
    base_url = static_base_url(list(fetcher.roots) if isinstance(fetcher, StaticOnlyURLFetcher) else None)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher, media_type="print")
    return document.write_pdf(pdf_identifier=identifier.encode("utf-8"))


def render_certificate_pdf(content: CertificateContent) -> bytes:
    """The certificate as A4 PDF bytes."""
    return html_to_pdf(render_certificate_html(content), identifier=content.number)


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of the PDF bytes, stored with the certificate so a copy can be checked later."""
    return hashlib.sha256(data).hexdigest()
