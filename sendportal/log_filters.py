"""Logging filters."""

import logging


class DropClientErrorRecords(logging.Filter):
    """Drops django.request's records of 403 and 404 responses: ClientErrorLogMiddleware logs each once, as one
    line without a traceback (Django logged a PermissionDenied with its traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) not in (403, 404)
