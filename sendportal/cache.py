"""Django's database cache, writing an entry with one statement.

Django's DatabaseCache.set() runs five statements (a COUNT for culling, then BEGIN, SELECT, INSERT or UPDATE,
COMMIT). Here set() is one INSERT ... ON CONFLICT DO UPDATE (SQLite and PostgreSQL both have it), and the
culling Django does (delete expired entries, then trim the table to MAX_ENTRIES) runs at most once every
CULL_INTERVAL seconds per process instead of counting the table on every write. get, add, touch, delete and
clear are Django's.
"""

import base64
import pickle
import time
from contextlib import nullcontext
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

CULL_INTERVAL = 300
"""Seconds between culls in one process."""


class UpsertDatabaseCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._last_cull: float | None = None  # None: never culled in this process, so the first write culls

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        expires = datetime.max.replace(tzinfo=UTC) if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        value = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        key_column, value_column, expires_column = (quote_name(c) for c in ("cache_key", "value", "expires"))
        # Inside a transaction, a savepoint keeps a failed write from breaking it (as Django's does).
        guard = transaction.atomic(using=db) if connection.in_atomic_block else nullcontext()
        try:
            with guard, connection.cursor() as cursor:
                if self._last_cull is None or time.monotonic() - self._last_cull > CULL_INTERVAL:
                    self._last_cull = time.monotonic()
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (names quoted by Django)
                    count = cursor.fetchone()[0]
                    if count > self._max_entries:
                        self._cull(db, cursor, tz_now().replace(microsecond=0), count)
                cursor.execute(
                    f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) "  # noqa: S608
                    f"VALUES (%s, %s, %s) ON CONFLICT ({key_column}) DO UPDATE "
                    f"SET {value_column} = excluded.{value_column}, {expires_column} = excluded.{expires_column}",
                    [key, value, expires],
                )
        except DatabaseError:
            # As Django's: a cache write that fails is not the request's failure.
            return
