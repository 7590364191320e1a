"""The stage each case's pathway has reached, for its next step (cases.next_step): read for a batch of cases in
four queries, whatever the batch holds, and registered with cases.next_step_services when the app is ready."""

from __future__ import annotations

from cases.next_step import Pathway, PathwayStage
from cases.next_step_services import register_pathway_loader

from .models import AdviserContact, DisagreementResolution, MediationSession, Referral

RS = Referral.Status
STAGE_OF_REFERRAL = {
    RS.REFERRED: PathwayStage.AWAITING_PROVIDER,
    RS.DECLINED: PathwayStage.REFERRAL_DECLINED,
    RS.ACCEPTED: PathwayStage.MEDIATOR_TO_ASSIGN,
    RS.ASSIGNED: PathwayStage.SESSION_TO_ARRANGE,
    RS.SCHEDULED: PathwayStage.SESSION_ARRANGED,
    RS.HELD: PathwayStage.OUTCOME_TO_RECORD,
    RS.NOT_HELD: PathwayStage.NOT_HELD,
    RS.CONCLUDED: PathwayStage.MEDIATION_ENDED,
    RS.WITHDRAWN: PathwayStage.MEDIATION_ENDED,
    RS.LA_CONCEDED: PathwayStage.MEDIATION_ENDED,
}
STAGE_OF_CHOICE = {
    AdviserContact.Choice.MEDIATION: PathwayStage.ADVISER_MEDIATION,
    AdviserContact.Choice.NO_MEDIATION: PathwayStage.ADVISER_DECLINED,
    AdviserContact.Choice.PLACEMENT_INFO: PathwayStage.ADVISER_PLACEMENT,
}


@register_pathway_loader
def pathway_stages(case_ids: list[int]) -> dict[int, Pathway]:
    """Each case's stage: its latest referral's status (with the date of its next planned session), else its
    adviser contact's choice; for disagreement resolution, its latest DRS referral."""
    stages: dict[int, Pathway] = {}
    for case_id, choice in AdviserContact.objects.filter(case_id__in=case_ids).values_list("case_id", "choice"):
        stages[case_id] = Pathway(STAGE_OF_CHOICE[choice])
    latest: dict[int, tuple[int, str, bool]] = {}
    rows = Referral.objects.filter(case_id__in=case_ids).order_by("referred_on", "id")
    for pk, case_id, status, health_only in rows.values_list("pk", "case_id", "status", "health_only"):
        latest[case_id] = (pk, status, health_only)  # oldest first: the last one kept is the current referral
    planned: dict[int, object] = {}
    sessions = MediationSession.objects.filter(
        referral_id__in=[pk for pk, _, _ in latest.values()], status=MediationSession.SessionStatus.PLANNED
    ).order_by("-starts_at")
    for referral_id, starts_on in sessions.values_list("referral_id", "starts_on"):
        planned[referral_id] = starts_on  # latest first: the last one kept is the earliest planned session
    for case_id, (pk, status, health_only) in latest.items():
        stages[case_id] = Pathway(STAGE_OF_REFERRAL[status], session_on=planned.get(pk), health_only=health_only)
    drs_rows = DisagreementResolution.objects.filter(case_id__in=case_ids).order_by("referred_on", "id")
    for case_id, meeting_on, outcome in drs_rows.values_list("case_id", "meeting_on", "outcome"):
        if outcome:
            stage = PathwayStage.DRS_ENDED
        elif meeting_on:
            stage = PathwayStage.DRS_MEETING_ARRANGED
        else:
            stage = PathwayStage.DRS_REFERRED
        stages[case_id] = Pathway(stage, meeting_on=meeting_on)
    return stages
