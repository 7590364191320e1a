from django.db import migrations

from sendportal.migration_utils import grant, revoke

OFFICE = [
    "referrals.manage_referrals",
    "referrals.view_all_referrals",
    "referrals.issue_certificate",
    "referrals.manage_tribunal",
]
CHANGE = {
    "SEN officer": OFFICE,
    "Manager": OFFICE,
    "Mediator": ["referrals.act_as_mediator", "referrals.issue_certificate"],
}


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_mediation_pathway"), ("cases", "0007_managers_see_team_work")]

    operations = [migrations.RunPython(lambda apps, se: grant(apps, CHANGE), lambda apps, se: revoke(apps, CHANGE))]
