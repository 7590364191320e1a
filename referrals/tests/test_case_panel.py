"""The mediation panel's selector (referrals.case_panel): what the case page's mediation panel shows and which
forms each person gets there, read with a fixed number of queries."""

from datetime import date

import pytest

from cases.models import Decision, Route, Status
from cases.tests.factories import CaseFactory
from referrals.case_panel import MediationPanel, mediation_panel
from referrals.forms import AdviserContactForm, TribunalAppealForm
from referrals.models import AdviserContact, Certificate
from referrals.tests.factories import (
    AdviserContactFactory,
    CertificateFactory,
    DrsFactory,
    MediatorFactory,
    ProviderFactory,
    ReferralFactory,
    TribunalAppealFactory,
)

pytestmark = pytest.mark.django_db


def test_people_who_do_not_see_referrals_get_no_panel(mediator_user, data_protection_officer):
    case = CaseFactory()
    assert mediation_panel(user=mediator_user, case=case, forms={}) is None
    assert mediation_panel(user=data_protection_officer, case=case, forms={}) is None


def test_a_declined_referral_offers_a_new_one_carrying_its_dates_to_the_suggested_provider(officer):
    case = CaseFactory()
    declined = ReferralFactory(declined=True, case=case, family_told_la_on=date(2026, 10, 30))
    suggested = ProviderFactory(name="Talk It Through")
    MediatorFactory(provider=suggested)  # the only provider with a mediator free to take the case

    panel = mediation_panel(user=officer, case=case, forms={})

    assert isinstance(panel, MediationPanel)
    assert panel.show_refer and panel.declined == declined and panel.referrals == [declined]
    assert panel.refer_form.initial["family_told_la_on"] == date(2026, 10, 30)
    assert panel.suggestion.provider_name == "Talk It Through"
    assert panel.refer_form.initial["provider"] == suggested.pk
    # No adviser contact yet: the officer may record it, choosing among the case's allowed answers.
    assert isinstance(panel.adviser_form, AdviserContactForm)


def test_an_active_referral_offers_no_new_one(officer):
    case = CaseFactory()
    ReferralFactory(assigned=True, case=case)
    AdviserContactFactory(case=case)
    panel = mediation_panel(user=officer, case=case, forms={})
    assert not panel.show_refer and panel.refer_form is None and panel.declined is None
    assert panel.adviser_form is None and panel.contact.choice == AdviserContact.Choice.MEDIATION


def test_a_closed_case_shows_its_records_and_offers_no_forms(officer):
    case = CaseFactory(status=Status.CLOSED, decision=Decision.RTA)
    TribunalAppealFactory(case=case)
    panel = mediation_panel(user=officer, case=case, forms={})
    assert not panel.show_refer and panel.adviser_form is None and panel.appeal_form is None
    assert not panel.can_tribunal
    [(appeal, outcome_form)] = panel.appeals
    assert appeal.case_id == case.pk and outcome_form is None


def test_an_appealable_case_offers_appeal_forms_and_gives_back_a_failed_outcome_form(officer):
    case = CaseFactory(decision=Decision.RTA)
    first, second = TribunalAppealFactory(case=case), TribunalAppealFactory(case=case)
    failed = TribunalAppealForm(data={})
    panel = mediation_panel(user=officer, case=case, forms={f"outcome_form_{first.pk}": failed})
    assert panel.appealable and isinstance(panel.appeal_form, TribunalAppealForm)
    forms = dict(panel.appeals)
    assert forms[first] is failed
    assert forms[second].auto_id == f"outcome{second.pk}_%s" and not forms[second].is_bound


def test_a_drs_case_shows_disagreement_resolution_not_mediation(officer):
    case = CaseFactory(route=Route.DRS)
    drs = DrsFactory(case=case)
    panel = mediation_panel(user=officer, case=case, forms={})
    assert panel.is_drs and panel.contact is None and not panel.show_refer and panel.adviser_form is None
    assert panel.drs_form is not None and not panel.appealable
    [(shown, record_form)] = panel.drs_list
    assert shown == drs and record_form.auto_id == f"drs{drs.pk}_%s"


def test_a_declined_certificate_is_due_after_the_family_chose_no_mediation_until_it_is_issued(officer, manager):
    case = CaseFactory()
    AdviserContactFactory(case=case, choice=AdviserContact.Choice.NO_MEDIATION)
    assert mediation_panel(user=officer, case=case, forms={}).declined_certificate_due
    referral = ReferralFactory(declined=True, case=case)
    CertificateFactory(referral=referral, case=case, kind=Certificate.Kind.DECLINED)
    case.certificate_issued_on = date(2026, 11, 19)
    case.save()
    panel = mediation_panel(user=officer, case=case, forms={})
    assert not panel.declined_certificate_due and [c.kind for c in panel.certificates] == [Certificate.Kind.DECLINED]


def test_the_panel_reads_the_same_number_of_queries_however_much_the_case_holds(officer, django_assert_max_num_queries):
    case = CaseFactory(decision=Decision.RTA)
    ReferralFactory(declined=True, case=case)
    TribunalAppealFactory(case=case)
    mediation_panel(user=officer, case=case, forms={})  # permissions cached, as on the page
    with django_assert_max_num_queries(12) as small:
        mediation_panel(user=officer, case=case, forms={})
    for _ in range(4):
        ReferralFactory(declined=True, case=case)
        TribunalAppealFactory(case=case)
    with django_assert_max_num_queries(12) as large:
        panel = mediation_panel(user=officer, case=case, forms={})
    assert len(panel.referrals) == 5 and len(panel.appeals) == 5
    assert len(large.captured_queries) == len(small.captured_queries)
