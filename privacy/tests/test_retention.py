"""The retention schedule end to end: which closed cases are anonymised or deleted on a given day, what is left of
them, that held, open and undated cases are untouched, and that the command is safe to run, interrupt and re-run."""

import json
import re
from datetime import date
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cases.models import Case, CaseEvent, CaseNote, Deadline, Status
from cases.tests.factories import CaseFactory
from privacy import selectors, services
from privacy.anonymisation import ANONYMISED_DATE_OF_BIRTH
from privacy.models import CaseRetention, RetentionAction
from privacy.tests.builders import Family, full_case
from referrals.models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    MediationSession,
    MediatorAssignment,
    Referral,
    TribunalAppeal,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today(date(2034, 3, 15))]
TODAY = date(2034, 3, 15)
ADULT = date(2007, 1, 1)  # 27 on TODAY: the six years after closing decide


def _closed(closed_on, born=ADULT, **kw):
    return CaseFactory(status=Status.CLOSED, closed_on=closed_on, child_date_of_birth=born, **kw)


def _snapshot(case_id):
    """Every value of a case row and of the rows that belong to it (to show a case was left alone)."""
    case = Case.objects.filter(pk=case_id)
    return json.loads(
        serializers.serialize(
            "json",
            [
                *case,
                *CaseNote.objects.filter(case_id=case_id),
                *CaseEvent.objects.filter(case_id=case_id),
                *Deadline.objects.filter(case_id=case_id),
                *Referral.objects.filter(case_id=case_id),
                *Certificate.objects.filter(case_id=case_id),
                *CaseRetention.objects.filter(case_id=case_id),
            ],
        )
    )


def _everything() -> str:
    """The whole database as text: every row of every model, the audit log included."""
    return "\n".join(serializers.serialize("json", model.objects.all()) for model in apps.get_models())


@pytest.fixture
def scenario(data_protection_officer):
    anonymise = full_case(closed_on=date(2027, 3, 15), born=ADULT)
    cases = {
        "anonymise": anonymise,
        "anonymise_on_the_day": _closed(date(2028, 3, 15)),  # exactly six years
        "one_day_short": _closed(date(2028, 3, 16)),
        "delete": full_case(
            closed_on=date(2023, 1, 10),
            born=date(2000, 5, 1),
            decision_sent_on=date(2022, 6, 1),
            family=Family(child_first="Peregrine", child_last="Ashdown", party="Rosalind Ashdown"),
        ),
        "young_child": _closed(date(2020, 1, 1), born=date(2015, 5, 14), decision_sent_on=date(2019, 6, 1)),
        "held": _closed(date(2020, 1, 1), born=date(2000, 1, 1), decision_sent_on=date(2019, 6, 1)),
        "open": CaseFactory(status=Status.TRIAGED, child_date_of_birth=date(2000, 1, 1)),
        "undated": _closed(None, born=date(2000, 1, 1)),
        "anonymised_due": _closed(date(2024, 1, 1), decision_sent_on=date(2023, 6, 1)),
        "anonymised_waiting": _closed(date(2027, 1, 1)),
    }
    services.legal_hold_place(case=cases["held"], actor=data_protection_officer, reason="Claim by the family")
    CaseRetention.objects.create(
        case=cases["anonymised_due"],
        stage=CaseRetention.Stage.ANONYMISED,
        anonymised_at="2030-01-01T00:00Z",
        delete_due_on=date(2034, 3, 1),
    )
    CaseRetention.objects.create(
        case=cases["anonymised_waiting"],
        stage=CaseRetention.Stage.ANONYMISED,
        anonymised_at="2033-01-01T00:00Z",
        delete_due_on=date(2035, 1, 1),
    )
    return cases


def test_due_querysets_pick_exactly_the_cases_due(scenario):
    policy = selectors.retention_policy()
    ids = {key: case.pk for key, case in scenario.items()}
    anonymise = set(selectors.due_for_anonymisation(TODAY, policy).values_list("pk", flat=True))
    delete = set(selectors.due_for_deletion(TODAY, policy).values_list("pk", flat=True))
    assert anonymise == {ids["anonymise"], ids["anonymise_on_the_day"]}
    assert delete == {ids["delete"], ids["anonymised_due"]}


def test_dry_run_prints_counts_per_step_and_changes_nothing(scenario):
    before = _everything()
    out = StringIO()
    call_command("apply_retention", stdout=out)
    text = out.getvalue()
    counts = {
        label.strip(): int(n.replace(",", ""))
        for label, n in re.findall(r"^(\s*[a-zA-Z ,()]+?)\s+([\d,]+)$", text, re.M)
    }
    assert counts == {
        "Closed cases": 9,
        "due for deletion": 2,
        "due for anonymisation": 2,
        "anonymised, deletion not yet due": 1,
        "kept in full, not yet due": 2,
        "on legal hold (left alone)": 1,
        "closed with no closing date (left alone)": 1,
    }
    assert "dry run: nothing is changed" in text
    for case in scenario.values():
        assert case.reference not in text
    assert "Zephyrine" not in text and "Quillfeather" not in text
    assert _everything() == before


def test_apply_anonymises_and_deletes_exactly_what_is_due(scenario):
    untouched = ["one_day_short", "young_child", "held", "open", "undated", "anonymised_waiting"]
    before = {key: _snapshot(scenario[key].pk) for key in untouched}
    out = StringIO()
    call_command("apply_retention", "--apply", "--batch-size", "1", stdout=out)
    assert "Deleted 2 cases and anonymised 2 cases in 4 batches" in out.getvalue()

    assert not Case.objects.filter(pk__in=[scenario["delete"].pk, scenario["anonymised_due"].pk]).exists()
    for key in ("anonymise", "anonymise_on_the_day"):
        retention = CaseRetention.objects.get(case=scenario[key])
        assert retention.stage == CaseRetention.Stage.ANONYMISED and retention.anonymised_at is not None
    assert CaseRetention.objects.get(case=scenario["anonymise"]).delete_due_on == date(2037, 3, 15)
    for key in untouched:
        assert _snapshot(scenario[key].pk) == before[key], key

    actions = {(a.case_id, a.step) for a in RetentionAction.objects.all()}
    assert actions == {
        (scenario["anonymise"].pk, "anonymised"),
        (scenario["anonymise_on_the_day"].pk, "anonymised"),
        (scenario["delete"].pk, "deleted"),
        (scenario["anonymised_due"].pk, "deleted"),
    }
    assert len({a.run for a in RetentionAction.objects.all()}) == 1


def test_anonymised_case_keeps_its_rows_and_loses_everything_identifying(scenario, settings):
    case = scenario["anonymise"]
    family = Family()
    certificate_file = Certificate.objects.get(case=case).pdf.path
    secrets = family.secrets(case.reference)
    assert all(secret in _everything() for secret in secrets)  # the test would see them if they stayed

    call_command("apply_retention", "--apply", stdout=StringIO())

    everything = _everything()
    left = [secret for secret in secrets if secret in everything]
    assert not left, f"still in the database after anonymisation: {left}"
    case.refresh_from_db()
    assert case.reference == f"ANON-{case.pk}"
    assert (case.child_first_name, case.child_last_name, case.child_date_of_birth) == (
        "Anonymised",
        "",
        ANONYMISED_DATE_OF_BIRTH,
    )
    assert case.school is None and case.party_name == "" and case.address == "" and case.nhs_number == ""
    # What the figures read is still there.
    assert (case.status, case.closed_on, case.decision, case.route) == (
        Status.CLOSED,
        date(2027, 3, 15),
        "RTA",
        "mediation",
    )
    assert Referral.objects.filter(case=case, status=Referral.Status.CONCLUDED, outcome="partial").count() == 1
    assert MediationSession.objects.filter(referral__case=case, status="held").count() == 2
    assert set(MediationSession.objects.filter(referral__case=case).values_list("venue", flat=True)) == {""}
    assert TribunalAppeal.objects.filter(case=case).count() == 1
    assert AdviserContact.objects.get(case=case).adviser_name == ""
    assert MediatorAssignment.objects.get(referral__case=case).reason == ""
    assert AgreementAction.objects.get(referral__case=case).description.startswith("Agreed action (description")
    deadline = Deadline.objects.get(case=case, key="C4")
    assert (deadline.state, deadline.waived_reason) == ("waived", "Reason removed when the case was anonymised")
    # Notes go; the certificate keeps its row but loses its PDF and its reference-bearing number.
    assert not CaseNote.objects.filter(case=case).exists()
    cert = Certificate.objects.get(case=case)
    assert cert.pdf.name == "" and cert.number == f"ANON-CERT-{cert.pk}"
    assert not (settings.MEDIA_ROOT / certificate_file).exists()
    # The timeline keeps its entries, rewritten, and says what happened.
    kinds = list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", "description"))
    assert ("status_changed", "Status changed from Triaged to Withdrawn by the family") in kinds
    assert kinds[-1][0] == "anonymised"
    assert CaseEvent.objects.get(case=case, kind="updated").data == {"fields": ["child_date_of_birth"]}
    # The audit log still says who changed which field and who looked, without the values.
    change = LogEntry.objects.get(object_id=case.pk, content_type__model="case", action=LogEntry.Action.UPDATE)
    assert change.changes == {"address": ["[removed]", "[removed]"]}
    assert change.object_repr == f"Case {case.pk} (anonymised)"
    assert (
        LogEntry.objects.filter(object_id=case.pk, content_type__model="case", action=LogEntry.Action.ACCESS).count()
        == 1
    )
    action = RetentionAction.objects.get(case_id=case.pk)
    assert action.details["notes_deleted"] == 2 and action.details["certificate_files_deleted"] == 1
    assert action.details["audit_entries_scrubbed"] > 10


def test_deleted_case_leaves_nothing_but_the_retention_record(scenario, settings):
    case = scenario["delete"]
    certificate_file = settings.MEDIA_ROOT / Certificate.objects.get(case=case).pdf.name
    assert certificate_file.exists()
    owned_referrals = list(Referral.objects.filter(case=case).values_list("pk", flat=True))

    call_command("apply_retention", "--apply", stdout=StringIO())

    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Referral.objects.filter(pk__in=owned_referrals).exists()
    assert not MediationSession.objects.filter(referral_id__in=owned_referrals).exists()
    assert not Certificate.objects.filter(case_id=case.pk).exists()
    assert not certificate_file.exists()
    assert not LogEntry.objects.filter(content_type__model="case", object_id=case.pk).exists()
    everything = _everything()
    assert "Peregrine" not in everything and "Ashdown" not in everything
    action = RetentionAction.objects.get(case_id=case.pk)
    assert action.step == "deleted" and action.details["certificate_files_deleted"] == 1


def test_running_again_does_nothing_more(scenario):
    call_command("apply_retention", "--apply", stdout=StringIO())
    after_first = _everything()
    out = StringIO()
    call_command("apply_retention", "--apply", stdout=out)
    assert "Deleted 0 cases and anonymised 0 cases in 0 batches" in out.getvalue()
    assert _everything() == after_first


def test_an_interrupted_run_keeps_the_batches_it_finished_and_the_next_run_finishes(scenario, monkeypatch):
    real = services.retention_anonymise
    calls = []

    def failing_second_batch(**kwargs):
        calls.append(kwargs["case_ids"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "retention_anonymise", failing_second_batch)
    with pytest.raises(RuntimeError):
        services.retention_apply(today=TODAY, policy=selectors.retention_policy(), batch_size=1)
    first, second = calls[0][0], calls[1][0]
    assert CaseRetention.objects.get(case_id=first).stage == "anonymised"
    assert not CaseRetention.objects.filter(case_id=second, stage="anonymised").exists()
    assert Case.objects.get(pk=second).child_first_name != "Anonymised"

    monkeypatch.setattr(services, "retention_anonymise", real)
    result = services.retention_apply(today=TODAY, policy=selectors.retention_policy(), batch_size=1)
    assert result.anonymised == 1 and result.deleted == 0
    assert CaseRetention.objects.get(case_id=second).stage == "anonymised"


def test_a_case_put_on_hold_after_it_was_picked_is_left_alone(scenario, data_protection_officer):
    case = scenario["anonymise_on_the_day"]
    services.legal_hold_place(case=case, actor=data_protection_officer, reason="Ombudsman complaint")
    done = services.retention_anonymise(
        case_ids=[case.pk], today=TODAY, policy=selectors.retention_policy(), run=__import__("uuid").uuid4()
    )
    assert done == []
    case.refresh_from_db()
    assert case.child_first_name != "Anonymised"


def test_a_certificate_file_another_case_still_uses_is_kept(scenario, settings):
    """Demo data shares one PDF between certificates; the schedule removes a file only once nothing refers to it."""
    mine = Certificate.objects.get(case=scenario["anonymise"])
    other_case = scenario["one_day_short"]
    other = Certificate.objects.create(
        case=other_case,
        number="CERT-OTHER-1",
        kind=mine.kind,
        issued_on=mine.issued_on,
        issued_by=mine.issued_by,
        issuer_name="Sam",
        issuer_role="mediator",
        pdf=mine.pdf.name,
        sha256=mine.sha256,
    )
    call_command("apply_retention", "--apply", stdout=StringIO())
    assert (settings.MEDIA_ROOT / other.pdf.name).exists()


def test_command_refuses_a_batch_size_below_one():
    with pytest.raises(CommandError, match="--batch-size must be 1 or more"):
        call_command("apply_retention", "--apply", "--batch-size", "0", stdout=StringIO())


def test_retention_actions_are_append_only(scenario):
    call_command("apply_retention", "--apply", stdout=StringIO())
    action = RetentionAction.objects.first()
    action.step = "anonymised"
    with pytest.raises(Exception, match="append-only"):
        action.save()
    with pytest.raises(Exception, match="append-only"):
        action.delete()
    with pytest.raises(Exception, match="append-only"):
        RetentionAction.objects.update(step="deleted")


def test_an_anonymised_case_reads_sensibly_to_an_officer(scenario, client_for, officer):
    case = scenario["anonymise"]
    cert = Certificate.objects.get(case=case)
    call_command("apply_retention", "--apply", stdout=StringIO())
    client = client_for(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"Case ANON-{case.pk}" in page and "(date of birth removed)" in page and "1900" not in page
    referral = Referral.objects.get(case=case)
    panel = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "PDF removed under the retention schedule" in panel
    assert client.get(reverse("referrals:certificate_download", args=[cert.pk])).status_code == 404


def test_a_hold_on_an_anonymised_case_stops_its_deletion(scenario, data_protection_officer):
    case = scenario["anonymised_due"]
    services.legal_hold_place(case=case, actor=data_protection_officer, reason="Ombudsman investigation")
    call_command("apply_retention", "--apply", stdout=StringIO())
    assert Case.objects.filter(pk=case.pk).exists()
    services.legal_hold_lift(case=case, actor=data_protection_officer, reason="Investigation closed")
    call_command("apply_retention", "--apply", stdout=StringIO())
    assert not Case.objects.filter(pk=case.pk).exists()


def _document_on(case, settings, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import Document

    document = Document(
        case=case, kind="family_letter", title="Letter from Zephyrine", file_type="pdf", size=9, sha256="0" * 64,
        uploaded_by=user,
    )  # fmt: skip
    document.file.save("upload", SimpleUploadedFile("letter.pdf", b"%PDF-1.7\n"), save=True)
    path = settings.MEDIA_ROOT / document.file.name
    assert path.exists()
    return document, path


@pytest.mark.parametrize(("key", "step"), [("anonymise", "anonymised"), ("delete", "deleted")])
def test_a_cases_documents_and_their_files_go_when_it_is_anonymised_or_deleted(
    scenario, settings, data_protection_officer, key, step
):
    from documents.models import Document

    document, path = _document_on(scenario[key], settings, data_protection_officer)
    kept, kept_path = _document_on(scenario["open"], settings, data_protection_officer)

    call_command("apply_retention", "--apply", stdout=StringIO())

    assert not Document.objects.filter(pk=document.pk).exists() and not path.exists()
    assert Document.objects.filter(pk=kept.pk).exists() and kept_path.exists()
    action = RetentionAction.objects.get(case_id=scenario[key].pk)
    assert action.step == step and action.details["documents_deleted"] == 1
    assert "Letter from Zephyrine" not in _everything().replace(kept.title, "")
