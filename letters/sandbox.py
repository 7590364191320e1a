"""The template language of letters an administrator edits: text with named fields, nothing else.

A field is a name from FIELDS between double braces, ``{{ case_reference }}``. There are no tags, filters,
attribute look-ups, loops or expressions, so a template can reach nothing but the plain strings the portal
works out for the letter (letters.fields): never a model, the database or settings. Templates are checked when
they are saved (LetterTemplate.clean, so the admin shows each problem with its line) and again before a letter is
drafted. Values are put in one pass, so a value that itself looks like a field (a name typed as "{{ x }}") is
printed as it is, never read as a field.

Pure: no ORM, no clock.
"""

from __future__ import annotations

import re

# The fields a template can use, with what each holds (shown in the admin beside the template).
FIELDS: dict[str, str] = {
    "letter_date": "The date of the letter, in full (Friday 4 December 2026)",
    "local_authority": "The council's name",
    "case_reference": "The case reference, for the family to quote",
    "recipient_name": "The parent, carer or young person the letter is to",
    "child_name": "The child or young person's full name",
    "child_first_name": "The child or young person's first name",
    "decision": "The decision under dispute, in words",
    "decision_letter_date": "The date the decision letter was sent",
    "first_contact_date": "The date the family first contacted the council",
    "officer_name": "The officer dealing with the case",
    "officer_email": "The officer's email address",
    "sender_name": "Who is drafting the letter",
    "adviser_contact_deadline": "The last day to contact the mediation adviser (2 months after the decision letter)",
    "appeal_rights": "A paragraph on the right of appeal and the mediation adviser, worked out from the case",
    "mediation_adviser_contacts": "How to contact the independent mediation adviser (one line each)",
    "support_services": "SENDIASS and Independent Supporter contacts (one line each)",
    "certificate_number": "The latest mediation certificate's number",
    "certificate_date": "The date that certificate was issued",
    "certificate_kind": "What that certificate certifies (mediation declined, concluded, not held in 30 days)",
    "certificate_appeal_note": "What the family does with the certificate, worked out from the case",
    "appeal_deadline": "When an appeal must reach the Tribunal (5pm on a date), if the case has an appeal",
    "agreement_date": "The date of the written mediation agreement",
    "agreed_actions": "The actions agreed at mediation, each with who does it and by when (one line each)",
}

_FIELD = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_NAME = re.compile(r"[a-z][a-z_]*")
_FORBIDDEN = ("{{", "}}", "{%", "%}", "{#", "#}")
MAX_PROBLEMS = 20


class TemplateInvalid(ValueError):
    """A template that does not pass template_errors (changed outside the admin, or a field since removed)."""


def template_errors(text: str, allowed: dict[str, str] | None = None) -> list[str]:
    """Every problem with ``text`` as a template, each naming its line; [] when it can be used."""
    allowed = FIELDS if allowed is None else allowed
    problems: list[str] = []
    if "\x00" in text:
        return ["The text contains a null character: type it again without pasting it from another program."]
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _FIELD.finditer(line):
            name = match.group(1).strip()
            if not _NAME.fullmatch(name):
                problems.append(
                    f"Line {number}: “{match.group(0)}” is not a field. Write a field name from the list on its own, "
                    "like {{ case_reference }}: no dots, brackets, filters or other words."
                )
            elif name not in allowed:
                problems.append(
                    f"Line {number}: there is no field called “{name}”. Use one of the fields listed below the text."
                )
        rest = _FIELD.sub("", line)
        for token in _FORBIDDEN:
            if token in rest:
                problems.append(
                    f"Line {number}: “{token}” is not allowed. Letters can only use fields written like "
                    "{{ case_reference }}: no tags, comments or unclosed braces."
                )
                break
    return problems[:MAX_PROBLEMS]


def fields_used(text: str) -> list[str]:
    """The field names ``text`` uses, in order of first use."""
    seen: dict[str, None] = {}
    for match in _FIELD.finditer(text):
        seen.setdefault(match.group(1).strip(), None)
    return list(seen)


def render(text: str, values: dict[str, str]) -> str:
    """``text`` with each field replaced by its value (one pass). Raises TemplateInvalid when the template has a
    problem, so a broken template never reaches a family."""
    problems = template_errors(text)
    if problems:
        raise TemplateInvalid(problems[0])
    return _FIELD.sub(lambda match: values.get(match.group(1).strip(), ""), text)


def paragraphs(text: str) -> list[list[str]]:
    """The letter's text as paragraphs (split at blank lines), each a list of its lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks
