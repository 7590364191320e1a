"""The choices a case is described with: the decision under dispute, plan sections, route, who brings the
disagreement, how they made contact, the case's status and whose move it is."""

from django.db import models


class Decision(models.TextChoices):
    """The LA decision under dispute (docs/rules.md §1)."""

    RTA = "RTA", "Refusal to carry out an EHC needs assessment"
    RTI = "RTI", "Refusal to issue an EHC plan"
    CONTENT_B = "CONTENT-B", "Needs in section B of the plan"
    CONTENT_F = "CONTENT-F", "Special educational provision in section F"
    PLACEMENT_I = "PLACEMENT-I", "School or setting named in section I"
    RTR = "RTR", "Refusal to re-assess"
    RTAM = "RTAM", "Refusal to amend or replace the plan"
    CEASE = "CEASE", "Decision to cease to maintain the plan"
    HSC = "HSC", "Health or social care elements only"

    @property
    def short_label(self) -> str:
        """A few words for a list's column, in place of the code (which staff outside the SEN team do not know)."""
        return DECISION_SHORT_LABELS[self.value]


DECISION_SHORT_LABELS = {
    "RTA": "Refusal to assess",
    "RTI": "Refusal to issue a plan",
    "CONTENT-B": "Plan: needs (B)",
    "CONTENT-F": "Plan: provision (F)",
    "PLACEMENT-I": "Plan: placement (I)",
    "RTR": "Refusal to re-assess",
    "RTAM": "Refusal to amend the plan",
    "CEASE": "Ceasing the plan",
    "HSC": "Health or social care only",
}


class PlanSection(models.TextChoices):
    """EHC plan sections (SEND Regs 2014 reg 12)."""

    A = "A", "A: views, interests and aspirations"
    B = "B", "B: special educational needs"
    C = "C", "C: health care needs"
    D = "D", "D: social care needs"
    E = "E", "E: outcomes"
    F = "F", "F: special educational provision"
    G = "G", "G: health care provision"
    H1 = "H1", "H1: social care provision (CSDPA 1970 s.2)"
    H2 = "H2", "H2: other social care provision"
    I = "I", "I: placement"  # noqa: E741 - the plan section is called I
    J = "J", "J: personal budget"
    K = "K", "K: advice and information"


class Route(models.TextChoices):
    MEDIATION = "mediation", "Statutory mediation"
    DRS = "drs", "Disagreement resolution"
    PLACEMENT_ONLY = "placement_only", "Placement only"


class PartyType(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    YOUNG_PERSON = "young_person", "Young person acting for themselves (16 to 25)"
    ALTERNATIVE = "alternative", "Alternative person (young person lacks capacity)"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    ONLINE = "online", "Online form"
    IN_PERSON = "in_person", "In person"
    PROVIDER = "provider", "Through the mediation provider"
    SENDIASS = "sendiass", "Through SENDIASS"


class Status(models.TextChoices):
    """Disagreement case lifecycle (docs/rules.md §5). Transitions are in rules.py."""

    INTAKE = "intake", "Intake"
    TRIAGED = "triaged", "Triaged"
    DRS_ROUTE = "drs_route", "Disagreement resolution"
    DRS_MEETING_SCHEDULED = "drs_meeting_scheduled", "DRS meeting scheduled"
    DRS_MEETING_HELD = "drs_meeting_held", "DRS meeting held"
    RESOLVED = "resolved", "Resolved"
    PARTLY_RESOLVED = "partly_resolved", "Partly resolved"
    UNRESOLVED = "unresolved", "Unresolved"
    DRS_DECLINED = "drs_declined", "DRS declined"
    MEDIATION_ROUTE = "mediation_route", "Mediation"
    POST_MEDIATION = "post_mediation", "After mediation"
    PLACEMENT_ONLY = "placement_only", "Placement only"
    NOT_IN_SCOPE = "not_in_scope", "Not in scope"
    AGREEMENT_IMPLEMENTATION = "agreement_implementation", "Agreement being carried out"
    COMPLIED = "complied", "Agreement complied with"
    BREACHED = "breached", "Agreement breached"
    APPEAL_WINDOW_OPEN = "appeal_window_open", "Appeal window open"
    APPEAL_LODGED = "appeal_lodged", "Appeal lodged"
    CONCEDED_UNOPPOSED = "conceded_unopposed", "Conceded (unopposed appeal)"
    ORDER_MADE = "order_made", "Tribunal order made"
    APPEAL_WITHDRAWN = "appeal_withdrawn", "Appeal withdrawn"
    COMPLIANCE = "compliance", "Complying with order"
    WINDOW_EXPIRED = "window_expired", "Appeal window expired"
    WITHDRAWN = "withdrawn", "Withdrawn by the family"
    CLOSED = "closed", "Closed"


class NextStepBy(models.TextChoices):
    """Who must take a case's next step (cases.next_step)."""

    LA = "la", "The LA"
    FAMILY = "family", "The family"
    PROVIDER = "provider", "The provider"
    MEDIATOR = "mediator", "The mediator"
    ICB = "icb", "The ICB"
