"""The database's plan for a query, for tests that check an index can be used."""

from django.db import connection


def query_plan(sql: str, params=()) -> str:
    """The plan, as one line of text. On PostgreSQL sequential scans are switched off for the rest of the test's
    transaction: a test table is tiny, so the question is whether the planner *can* use an index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row) for row in cursor.fetchall())
