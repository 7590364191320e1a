"""What a subject-access export is made of: a Section per kind of record about a case (a table, or the fields of
one record), the files that go into the ZIP beside it, and the formatting every source shares (privacy.subject_access
lists the sources)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone


@dataclass
class ExportFile:
    """A file that goes into the ZIP beside the summary: its path inside the ZIP and where to read it."""

    path: str
    storage_name: str
    storage: object

    def read(self) -> bytes | None:
        try:
            with self.storage.open(self.storage_name, "rb") as handle:
                return handle.read()
        except (FileNotFoundError, OSError):
            return None


@dataclass
class Section:
    """One kind of record about a case. `columns` (key, label) for a table of `rows`; or `fields` (key, label,
    value) for a single record. `review` marks the rows to review before disclosure (a row's "review" key)."""

    key: str
    title: str
    columns: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    fields: list[tuple[str, str, object]] = field(default_factory=list)
    note: str = ""
    files: list[ExportFile] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return bool(self.columns)

    def as_data(self):
        if self.is_table:
            return self.rows
        return {key: value for key, _label, value in self.fields}


def person(user) -> str:
    if user is None:
        return ""
    return user.display_name


def choice(obj, name: str) -> str:
    value = getattr(obj, name)
    return getattr(obj, f"get_{name}_display")() if value else ""


def local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "file"
