"""Double submits and races give one success and clear messages, never a server error (issue 10, section 3.3).
Each test sends requests from several threads at once against the live database (its own connection each)."""

from datetime import date
from threading import Barrier, Thread

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.tests.factories import CaseFactory
from dashboards import exports
from referrals.models import AdviserContact

pytestmark = pytest.mark.django_db(transaction=True)


def in_parallel(count: int, user, send) -> list:
    """`send(client)` from `count` threads released together; returns the responses (or the exceptions)."""
    barrier, results = Barrier(count), []

    def work():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        try:
            barrier.wait()
            response = send(client)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
                response.close()
            results.append(response)
        except Exception as exc:  # pragma: no cover - reported by the assertions
            results.append(exc)
        finally:
            connection.close()

    threads = [Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_eight_parallel_adviser_contact_posts_record_one_and_refuse_the_rest_clearly(manager):
    case = CaseFactory(decision_sent_on=date(2026, 3, 27))
    url = reverse("referrals:adviser_contact", args=[case.pk])
    data = {"contacted_on": "2026-04-10", "choice": "mediation", "adviser_name": "Ann Adviser"}
    results = in_parallel(8, manager, lambda client: client.post(url, data))
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
    assert statuses == [302] + [400] * 7
    for refused in (r for r in results if r.status_code == 400):
        assert "The adviser contact is already recorded for this case." in refused.content.decode()
    assert AdviserContact.objects.filter(case=case).count() == 1


def test_fifteen_parallel_exports_give_exactly_the_hourly_limit(manager):
    CaseFactory()
    results = in_parallel(15, manager, lambda client: client.get(reverse("dashboards:export_cases")))
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in results)
    assert statuses == [200] * exports.EXPORTS_PER_HOUR + [429] * (15 - exports.EXPORTS_PER_HOUR)
    assert LogEntry.objects.filter(actor=manager, additional_data__has_key="export").count() == 10
