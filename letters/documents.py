"""A drafted letter as a PDF (WeasyPrint, through the certificates' fetcher that reaches only our static files)
and as an editable Word file (python-docx). Pure: no queries; the draft carries plain values.

Neither file's metadata names anyone: the title is the kind of letter and the case reference.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from docx import Document
from docx.shared import Pt

from referrals.certificates import PDF_STYLESHEET, html_to_pdf
from sendportal.formats import long_date

from .selectors import Draft

TEMPLATE_NAME = "letters/letter_pdf.html"
STYLESHEET = "css/letter.css"  # relative to the static folder, as the certificate's
PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def title_of(draft: Draft) -> str:
    return f"{draft.kind_label}, case {draft.case_reference}"


def filename_of(draft: Draft, extension: str) -> str:
    """The download's name: the case reference and kind, never a name (it may end up in a shared folder)."""
    return f"{draft.case_reference}-{draft.kind.replace('_', '-')}.{extension}"


def render_letter_html(draft: Draft) -> str:
    return render_to_string(
        TEMPLATE_NAME,
        {
            "draft": draft,
            "title": title_of(draft),
            "date": long_date(draft.letter_date),
            "pdf_stylesheet": PDF_STYLESHEET,
            "stylesheet": STYLESHEET,
        },
    )


def render_letter_pdf(draft: Draft) -> bytes:
    return html_to_pdf(render_letter_html(draft), identifier=f"{draft.case_reference}-{draft.kind}")


def render_letter_docx(draft: Draft) -> bytes:
    """The letter as a Word document the officer can edit before sending."""
    document = Document()
    properties = document.core_properties
    properties.title = title_of(draft)
    properties.author = draft.local_authority
    properties.last_modified_by = draft.local_authority
    properties.subject = draft.kind_label
    properties.comments = ""
    properties.keywords = ""
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)

    heading = document.add_paragraph()
    heading.add_run(draft.local_authority).bold = True
    address = document.add_paragraph()
    for number, line in enumerate([draft.recipient_name, *draft.recipient_address]):
        if number:
            address.add_run().add_break()
        address.add_run(line)
    document.add_paragraph(long_date(draft.letter_date))
    document.add_paragraph(f"Our reference: {draft.case_reference}")
    subject = document.add_paragraph()
    subject.add_run(draft.subject).bold = True
    for block in draft.paragraphs:
        paragraph = document.add_paragraph()
        for number, line in enumerate(block):
            if number:
                paragraph.add_run().add_break()
            paragraph.add_run(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
