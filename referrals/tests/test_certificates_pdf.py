"""Mediation certificate PDFs: the content (docs/rules.md §6, §8 D8), escaping, and the fetcher
that stops WeasyPrint reaching anything but our static files and data: URLs (security.md item 11).

No database: the builder takes plain values and the renderer runs no queries.
"""

import hashlib
import io
import logging
import socket
from datetime import date

import pypdf
import pytest
import time_machine

from referrals.certificates import (
    DEFAULT_LOCAL_AUTHORITY_NAME,
    KINDS,
    PDF_STYLESHEET,
    STYLESHEET,
    AppealRoute,
    ResourceRefused,
    StaticOnlyURLFetcher,
    appeal_route_for,
    certificate_content_for,
    html_to_pdf,
    render_certificate_html,
    render_certificate_pdf,
    sha256_of,
    static_base_url,
    static_roots,
)
from referrals.models import Certificate

DECISION = "Refusal to carry out an EHC needs assessment"
WORDING = {
    "declined": (
        "The parent or young person has received information and advice about pursuing mediation and has told "
        "the mediation adviser that they do not wish to pursue mediation"
    ),
    "concluded": "Mediation has taken place",
    "not_held": (
        "Mediation could not be arranged within 30 days of the local authority being told the parent or young "
        "person wished to pursue mediation"
    ),
}
METADATA_URL = "http://169.254.169.254/latest/meta-data/"


def content(**overrides):
    values = {
        "case_reference": "SP-2026-0042",
        "party_name": "Joanna Example",
        "child_name": "Ffion Testchild",
        "child_date_of_birth": date(2015, 3, 4),
        "decision_label": DECISION,
        "decision_sent_on": date(2026, 9, 1),
        "kind": Certificate.Kind.CONCLUDED,
        "number": "MC-2026-0007",
        "version": 1,
        "issued_on": date(2026, 10, 27),
        "issuer_name": "Sam Mediator",
        "issuer_role": "mediator",
        "provider_name": "Northway Mediation Ltd",
        "appeal_due": date(2026, 11, 27),
    }
    values.update(overrides)
    return certificate_content_for(**values)


def pdf_text(data: bytes) -> str:
    """All the text of the PDF with runs of whitespace (line wraps) made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


class SpyFetcher(StaticOnlyURLFetcher):
    """The real restricted fetcher, recording what WeasyPrint asked for and whether it was served."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls: list[tuple[str, str]] = []

    def fetch(self, url, headers=None):
        try:
            response = super().fetch(url, headers)
        except ResourceRefused:
            self.calls.append((url, "refused"))
            raise
        self.calls.append((url, "served"))
        return response


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly (and record) if anything tries to resolve a host or open a connection."""
    attempts = []

    def blocked(*args, **kwargs):
        attempts.append(args)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket, "getaddrinfo", blocked)
    monkeypatch.setattr(socket, "create_connection", blocked)
    monkeypatch.setattr(socket.socket, "connect", blocked)
    return attempts


# --- Content ----------------------------------------------------------------------------------------------


def test_concluded_certificate_shows_every_fact(no_network):
    data = render_certificate_pdf(content())
    text = pdf_text(data)

    assert data.startswith(b"%PDF-")
    for expected in [
        DEFAULT_LOCAL_AUTHORITY_NAME,
        "Mediation certificate",
        "Certificate number MC-2026-0007",
        "Version 1",
        "Mediation concluded",
        WORDING["concluded"],
        "Children and Families Act 2014, section 55(5)",
        "Parent or young person Joanna Example",
        "Child or young person Ffion Testchild",
        "Date of birth Wednesday 4 March 2015",
        f"Local authority {DEFAULT_LOCAL_AUTHORITY_NAME}",
        f"Decision under dispute {DECISION}",
        "Date the decision notice was sent Tuesday 1 September 2026",
        "Case reference SP-2026-0042",
        "Date of issue Tuesday 27 October 2026",
        "Issued by Sam Mediator, mediator",
        "Mediation provider Northway Mediation Ltd",
        "appeal form (SEND35)",
        "The appeal must reach the Tribunal by 5pm on Friday 27 November 2026.",
        "Certificate MC-2026-0007 Page 1 of 1",  # the footer
    ]:
        assert expected in text, expected
    assert "Corrected certificate" not in text
    assert no_network == []


def test_pdf_is_one_a4_page_with_metadata_from_the_number_only():
    reader = pypdf.PdfReader(io.BytesIO(render_certificate_pdf(content())))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842  # A4 in points
    assert reader.metadata.title == "Mediation certificate MC-2026-0007"
    assert reader.trailer["/ID"][0] == "MC-2026-0007"
    metadata = repr(dict(reader.metadata))
    assert "Ffion" not in metadata and "Joanna" not in metadata


@pytest.mark.parametrize("kind", list(Certificate.Kind))
def test_each_kind_carries_its_statutory_wording(kind):
    issuer_role = "mediator" if kind == Certificate.Kind.CONCLUDED else "mediation adviser"
    text = pdf_text(render_certificate_pdf(content(kind=kind, issuer_role=issuer_role)))

    assert WORDING[kind] in text
    assert KINDS[kind].title in text
    assert f"Issued by Sam Mediator, {issuer_role}" in text


def test_only_verified_sections_are_cited():
    assert content(kind="declined").legal_basis == "Children and Families Act 2014, section 55(4)"
    assert content(kind="concluded").legal_basis == "Children and Families Act 2014, section 55(5)"
    not_held = pdf_text(render_certificate_pdf(content(kind="not_held", issuer_role="mediation adviser")))
    assert "Issued under" not in not_held


def test_correction_shows_version_reason_and_replaced_number():
    corrected = content(
        version=2, number="MC-2026-0008", correction_reason="Date of birth was wrong", replaces_number="MC-2026-0007"
    )
    text = pdf_text(render_certificate_pdf(corrected))

    assert "Version 2" in text
    assert "Corrected certificate" in text
    assert "replaces certificate MC-2026-0007" in text
    assert "Reason for the correction: Date of birth was wrong" in text
    assert "Certificate MC-2026-0008 Page 1 of 1" in text


def test_without_an_appeal_deadline_the_rule_is_explained():
    text = pdf_text(render_certificate_pdf(content(appeal_due=None, decision_sent_on=None)))

    assert "5pm" not in text
    assert "the later of 2 months after the decision notice was sent and 1 month after" in text
    assert "Date the decision notice was sent Not recorded" in text


def test_local_authority_name_comes_from_settings_when_the_content_is_built(settings):
    settings.LOCAL_AUTHORITY_NAME = "Anyshire County Council"
    built = content()
    text = pdf_text(render_certificate_pdf(built))

    assert built.local_authority == "Anyshire County Council"
    assert "Local authority Anyshire County Council" in text
    assert DEFAULT_LOCAL_AUTHORITY_NAME not in text


def test_local_authority_name_has_a_default(settings):
    if hasattr(settings, "LOCAL_AUTHORITY_NAME"):
        del settings.LOCAL_AUTHORITY_NAME
    assert content().local_authority == DEFAULT_LOCAL_AUTHORITY_NAME


def test_dates_are_written_in_full():
    assert content().appeal_deadline_display == "5pm on Friday 27 November 2026"


def test_content_is_frozen():
    with pytest.raises(AttributeError):
        content().child_name = "Someone else"  # type: ignore[misc]


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "agreed"},
        {"issuer_role": "officer"},
        {"number": "  "},
        {"version": 0},
        {"version": 2, "replaces_number": "MC-2026-0001"},  # no reason
        {"version": 2, "correction_reason": "Typo in the name"},  # nothing replaced
        {"version": 1, "correction_reason": "Typo in the name"},
    ],
)
def test_builder_refuses_inconsistent_values(overrides):
    with pytest.raises(ValueError):
        content(**overrides)


def test_issuer_role_is_normalised():
    assert content(issuer_role=" Mediation Adviser ").issuer_role == "mediation adviser"


# --- Escaping -----------------------------------------------------------------------------------------------


def test_html_in_names_is_escaped_and_printed_literally(no_network):
    nasty = content(
        party_name='<b>Amy</b> & "Co"',
        child_name=f'<img src="{METADATA_URL}">Ben',
        provider_name="<script>alert(1)</script>",
    )
    html = render_certificate_html(nasty)
    fetcher = SpyFetcher()
    text = pdf_text(html_to_pdf(html, identifier=nasty.number, url_fetcher=fetcher))

    assert "&lt;b&gt;Amy&lt;/b&gt; &amp; &quot;Co&quot;" in html
    assert "<b>Amy</b>" not in html and "<img" not in html and "<script" not in html
    assert 'Parent or young person <b>Amy</b> & "Co"' in text
    # The long address may wrap at its hyphen ("meta- data"), depending on the fonts installed: compare it
    # with the spaces taken out.
    assert f'<img src="{METADATA_URL}">Ben'.replace(" ", "") in text.replace(" ", "")
    assert "<script>alert(1)</script>" in text
    # The only things fetched were our stylesheets: the "img" in the name never became an element.
    assert [url for url, _ in fetcher.calls] == [static_base_url() + PDF_STYLESHEET, static_base_url() + STYLESHEET]
    assert no_network == []


# --- The fetcher (SSRF) -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        METADATA_URL,
        "https://example.org/style.css",
        "ftp://example.org/file",
        "gopher://127.0.0.1:6379/_",
        "file:///etc/passwd",
        "file://fileserver/share/secret.css",
        "//example.org/no-scheme.css",
    ],
)
def test_fetcher_refuses_anything_but_data_and_static(url, no_network, caplog):
    with caplog.at_level(logging.WARNING, logger="referrals.certificates"), pytest.raises(ResourceRefused):
        StaticOnlyURLFetcher().fetch(url)

    assert issubclass(ResourceRefused, ValueError)
    assert "refused" in caplog.text
    assert "169.254" not in caplog.text and "passwd" not in caplog.text  # only the scheme is logged
    assert no_network == []


@pytest.mark.parametrize("escape", ["/../manage.py", "/css/../../manage.py", "/%2e%2e/manage.py"])
def test_fetcher_refuses_dot_dot_escapes_from_static(escape):
    with pytest.raises(ResourceRefused):
        StaticOnlyURLFetcher().fetch(static_roots()[0].as_uri() + escape)


def test_fetcher_refuses_a_symlink_out_of_static_and_missing_files(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for PDFs")
    (static / "css" / "linked.css").symlink_to(secret)
    (static / "css" / "ok.css").write_text("body { color: black }")
    fetcher = StaticOnlyURLFetcher(roots=[static])

    with pytest.raises(ResourceRefused):
        fetcher.fetch((static / "css" / "linked.css").as_uri())
    with pytest.raises(ResourceRefused):
        fetcher.fetch((static / "css" / "missing.css").as_uri())
    with pytest.raises(ResourceRefused):
        fetcher.fetch(secret.as_uri())
    assert fetcher.fetch((static / "css" / "ok.css").as_uri()).read() == b"body { color: black }"


def test_fetcher_serves_data_urls():
    response = StaticOnlyURLFetcher().fetch("data:text/css,p%20%7B%20color%3A%20red%20%7D")

    assert response.read() == b"p { color: red }"
    assert response.content_type == "text/css"


def test_fetcher_serves_our_certificate_stylesheets():
    url = static_base_url() + STYLESHEET
    response = StaticOnlyURLFetcher().fetch(url)
    shared = StaticOnlyURLFetcher().fetch(static_base_url() + PDF_STYLESHEET)

    assert url.startswith("file://") and url.endswith("/css/certificate.css")
    assert response.content_type == "text/css"
    assert b"string(certificate-number)" in response.read()
    assert shared.content_type == "text/css"
    assert b"size: A4" in shared.read()


def test_injected_external_resources_are_refused_and_the_pdf_still_renders(no_network, caplog):
    svg = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/%3E"
    html = f"""<!doctype html><html><head><title>Injected</title>
        <link rel="stylesheet" href="{STYLESHEET}">
        <link rel="stylesheet" href="https://evil.example/steal.css">
        <style>@import url("http://127.0.0.1:8000/admin/"); body {{ background: url("file:///etc/passwd") }}</style>
        </head><body>
        <p>Still rendered</p>
        <img src="{METADATA_URL}" alt="x">
        <img src="../../../../etc/passwd" alt="y">
        <img src="{svg}" alt="z">
        </body></html>"""
    fetcher = SpyFetcher()

    with caplog.at_level(logging.WARNING):
        data = html_to_pdf(html, identifier="TEST-1", url_fetcher=fetcher)

    outcomes = dict(fetcher.calls)
    assert outcomes[static_base_url() + STYLESHEET] == "served"
    assert outcomes[svg] == "served"
    assert outcomes[METADATA_URL] == "refused"
    assert outcomes["https://evil.example/steal.css"] == "refused"
    assert outcomes["http://127.0.0.1:8000/admin/"] == "refused"
    assert outcomes["file:///etc/passwd"] == "refused"
    assert [status for url, status in fetcher.calls if url.startswith("http")] == ["refused"] * 3
    assert no_network == []
    assert "Still rendered" in pdf_text(data)
    assert "refused to fetch" in caplog.text


def test_render_uses_the_restricted_fetcher_by_default(monkeypatch, no_network):
    seen = []
    real_fetch = StaticOnlyURLFetcher.fetch

    def recording_fetch(self, url, headers=None):
        seen.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(StaticOnlyURLFetcher, "fetch", recording_fetch)
    render_certificate_pdf(content(child_name=f'<img src="{METADATA_URL}">'))

    assert seen == [static_base_url() + PDF_STYLESHEET, static_base_url() + STYLESHEET]


# --- Hash -----------------------------------------------------------------------------------------------------


@time_machine.travel("2026-11-27 10:00 +0000", tick=False)
def test_sha256_matches_hashlib_and_rendering_is_repeatable():
    # Frozen clock: where HarfBuzz's subsetter is missing, WeasyPrint subsets fonts with fontTools, which stamps
    # the embedded font with the current second.
    data = render_certificate_pdf(content())

    assert sha256_of(data) == hashlib.sha256(data).hexdigest()
    assert len(sha256_of(data)) == 64
    assert render_certificate_pdf(content()) == data  # same facts, same bytes, same hash
    assert sha256_of(render_certificate_pdf(content(number="MC-2026-0009"))) != sha256_of(data)


# --- What the certificate says about appealing follows the case (appeal_route_for) -------------------------


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"route": "mediation", "decision": "RTA"}, AppealRoute.WITH_APPEAL_FORM),
        ({"route": "mediation", "decision": "CEASE"}, AppealRoute.WITH_APPEAL_FORM),
        ({"route": "mediation", "decision": "CONTENT-F", "sections_disputed": ["F"]}, AppealRoute.WITH_APPEAL_FORM),
        # Section I alone needs no certificate; with B or F, or health or care issues, it does (decision 14).
        (
            {"route": "placement_only", "decision": "PLACEMENT-I", "sections_disputed": ["I"]},
            AppealRoute.PLACEMENT_ONLY,
        ),
        ({"route": "mediation", "decision": "PLACEMENT-I", "sections_disputed": []}, AppealRoute.PLACEMENT_ONLY),
        (
            {"route": "mediation", "decision": "CONTENT-B", "sections_disputed": ["B", "I"]},
            AppealRoute.WITH_APPEAL_FORM,
        ),
        (
            {"route": "mediation", "decision": "PLACEMENT-I", "sections_disputed": ["I"], "health_involved": True},
            AppealRoute.WITH_APPEAL_FORM,
        ),
        # Health or social care only: no appeal to the Tribunal on its own (docs/rules.md §1).
        ({"route": "mediation", "decision": "HSC", "health_involved": True}, AppealRoute.NO_APPEAL),
        ({"route": "mediation", "decision": "HSC", "social_care_involved": True}, AppealRoute.NO_APPEAL),
        ({"route": "drs", "decision": ""}, AppealRoute.NO_APPEAL),
        ({"route": "drs", "decision": "RTA"}, AppealRoute.NO_APPEAL),
    ],
)
def test_appeal_route_follows_the_decision_and_what_is_disputed(facts, expected):
    assert appeal_route_for(**facts) == expected


def test_a_health_or_social_care_only_certificate_never_mentions_the_appeal_form():
    text = pdf_text(render_certificate_pdf(content(appeal_due=None, appeal_route=AppealRoute.NO_APPEAL)))

    assert "SEND35" not in text
    assert "appeal form" not in text.replace("no appeal form goes", "")
    assert "about health or social care provision only" in text
    assert "cannot be appealed to the First-tier Tribunal (Special Educational Needs and Disability) on its own" in text


def test_a_placement_only_certificate_says_none_is_needed_for_section_i_alone():
    text = pdf_text(render_certificate_pdf(content(appeal_route=AppealRoute.PLACEMENT_ONLY)))

    assert "No certificate is needed to appeal only about the school or setting named in section I" in text
    assert "If the appeal is also about section B or section F, this certificate must be sent with the appeal form" in (
        text
    )
    assert "(SEND35)" in text


def test_an_appealable_certificate_goes_with_the_appeal_form():
    text = pdf_text(render_certificate_pdf(content()))

    assert "This certificate must be sent with the appeal form (SEND35)" in text
    assert "No certificate is needed" not in text
    assert "health or social care provision only" not in text


def test_an_unknown_appeal_route_is_refused():
    with pytest.raises(ValueError, match="appeal route"):
        content(appeal_route="maybe")
