"""The four letter templates (they must exist in a fresh install: the admin can change them but not add or delete
them) and example support services for the administrator to replace with the council's own. Copied here, not
imported, so this migration keeps meaning what it meant."""

from django.db import migrations

SIGN_OFF = """Yours sincerely,

{{ sender_name }}
{{ local_authority }}"""

SUPPORT = """Free, impartial information, advice and support is available from:
{{ support_services }}"""

TEMPLATES = {
    "acknowledgement": (
        "Your disagreement about our decision: {{ decision }}",
        f"""Dear {{{{ recipient_name }}}},

Thank you for contacting us on {{{{ first_contact_date }}}} about {{{{ child_name }}}}. We have recorded your \
disagreement about our decision: {{{{ decision }}}}. Your reference is {{{{ case_reference }}}}: please quote it \
whenever you contact us.

{{{{ officer_name }}}} is dealing with it and will write to you about the ways it can be resolved, including \
mediation and disagreement resolution. You can contact them at {{{{ officer_email }}}}.

{SUPPORT}

{SIGN_OFF}""",
    ),
    "mediation_information": (
        "Mediation, and your right to appeal our decision: {{ decision }}",
        f"""Dear {{{{ recipient_name }}}},

This letter is about our decision, sent on {{{{ decision_letter_date }}}}: {{{{ decision }}}}. It explains your \
rights and how to contact the independent mediation adviser.

{{{{ appeal_rights }}}}

The mediation adviser is independent of the council. Tell them whether you want to try mediation. Mediation is \
free, and the council must take part if you choose it:
{{{{ mediation_adviser_contacts }}}}

Disagreement resolution is also available, free of charge, at any stage. It can help settle a disagreement with \
us, with a school or college, or with health commissioners, and using it does not affect your right to appeal. \
Ask {{{{ officer_name }}}} ({{{{ officer_email }}}}) to arrange it, quoting {{{{ case_reference }}}}.

{SUPPORT}

{SIGN_OFF}""",
    ),
    "certificate_cover": (
        "Your mediation certificate {{ certificate_number }}",
        f"""Dear {{{{ recipient_name }}}},

Please find enclosed mediation certificate {{{{ certificate_number }}}}, issued on {{{{ certificate_date }}}} \
({{{{ certificate_kind }}}}).

{{{{ certificate_appeal_note }}}}

If you have any questions, contact {{{{ officer_name }}}} at {{{{ officer_email }}}}, quoting \
{{{{ case_reference }}}}.

{SUPPORT}

{SIGN_OFF}""",
    ),
    "agreement_confirmation": (
        "The actions agreed at mediation on {{ agreement_date }}",
        f"""Dear {{{{ recipient_name }}}},

This letter confirms the actions agreed at mediation on {{{{ agreement_date }}}} about {{{{ child_name }}}}, who \
will carry out each one, and the date by which it will be done:
{{{{ agreed_actions }}}}

These dates follow the Special Educational Needs and Disability Regulations 2014, regulation 42. If an action is \
not done by its date, contact {{{{ officer_name }}}} at {{{{ officer_email }}}}, quoting {{{{ case_reference }}}}.

{SUPPORT}

{SIGN_OFF}""",
    ),
}

SERVICES = [
    {
        "kind": "sendiass",
        "name": "Example SENDIASS",
        "phone": "01632 960001",
        "email": "sendiass@example.org.uk",
        "website": "https://sendiass.example.org.uk",
        "area": "the whole borough",
    },
    {
        "kind": "independent_supporter",
        "name": "Example Independent Support (north)",
        "phone": "01632 960002",
        "email": "north@independent-support.example.org.uk",
        "website": "https://independent-support.example.org.uk",
        "area": "the north of the borough",
    },
    {
        "kind": "independent_supporter",
        "name": "Example Independent Support (south)",
        "phone": "01632 960003",
        "email": "south@independent-support.example.org.uk",
        "website": "https://independent-support.example.org.uk",
        "area": "the south of the borough",
    },
]


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    SupportService = apps.get_model("letters", "SupportService")
    for kind, (subject, body) in TEMPLATES.items():
        LetterTemplate.objects.get_or_create(kind=kind, defaults={"subject": subject, "body": body})
    if not SupportService.objects.exists():
        SupportService.objects.bulk_create(SupportService(**service) for service in SERVICES)


def unseed(apps, schema_editor):
    apps.get_model("letters", "LetterTemplate").objects.filter(kind__in=TEMPLATES).delete()
    apps.get_model("letters", "SupportService").objects.filter(name__in=[s["name"] for s in SERVICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_letters_templates_and_support_services")]

    operations = [migrations.RunPython(seed, unseed)]
