"""The form renderer: Django's own, with the select box written out in Python.

A select box renders a template per option (the option, then its attributes), about a tenth of a millisecond
each: the case list's filter form (60 schools, the officers, the routes and decisions) spent most of its time
there, on every request of the busiest page. `select.html` is written out here instead, to exactly the markup
Django's templates give (sendportal/tests/test_form_renderer.py compares the two), and only when a template in
the renderer's search path has not been given a replacement: anything else goes to the templates as before.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _text(value) -> str:
    """As {{ value|stringformat:'s' }}: the value as text, escaped unless it is already marked safe."""
    return conditional_escape(value if isinstance(value, str) else f"{value}")


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: True gives the bare name, False leaves the attribute out."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(out)


def _option(option: dict) -> str:
    label = conditional_escape(option["label"])
    return f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>{label}</option>'


def render_select(widget: dict) -> str | None:
    """django/forms/widgets/select.html and its options, or None when an option has a template of its own."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            out.append(f"\n  {_option(option)}\n")
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


# Django's message for an empty required field, which names nothing. Every field left empty says instead what to do
# and which field: "Enter the first name", "Choose who brings the disagreement" (the GOV.UK pattern), in the field's
# message and in the error summary alike.
GENERIC_REQUIRED = str(forms.Field.default_error_messages["required"])
QUESTION_WORDS = ("who ", "what ", "which ", "how ", "when ", "why ", "whose ", "where ", "whether ")
CHOICE_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)


def required_message(field: forms.Field, label) -> str:
    """ "Enter the first name", "Choose who brings the disagreement"; a question is asked again: "Why is this clock
    being waived? Enter an answer." """
    verb = "Choose" if isinstance(field.widget, CHOICE_WIDGETS) else "Enter"
    text = str(label or "").strip().rstrip(":*").strip()
    if not text:
        return GENERIC_REQUIRED
    if isinstance(field.widget, forms.CheckboxInput):
        return f"Tick \u201c{text}\u201d."
    if text.endswith("?"):
        return f"{text} {verb} an answer."
    first = text.split()[0]
    named = text if first.isupper() and len(first) > 1 else text[0].lower() + text[1:]  # keep "ICB", "NHS number"
    article = "" if named.lower().startswith(QUESTION_WORDS) else "the "
    return f"{verb} {article}{named}."


def _message(item) -> str:
    return next(iter(item)) if isinstance(item, ValidationError) else str(item)


class PortalBoundField(BoundField):
    """A form field as every form renders it: Django's, with "This field is required." naming the field."""

    @property
    def errors(self):
        errors = super().errors
        if not any(_message(item) == GENERIC_REQUIRED for item in errors.data):
            return errors
        named = errors.copy()
        named.field_id = getattr(errors, "field_id", None)  # copy() keeps the renderer, not the field's id
        named.data = [
            required_message(self.field, self.label) if _message(item) == GENERIC_REQUIRED else item
            for item in errors.data
        ]
        return named


class FormRenderer(DjangoTemplates):
    bound_field_class = PortalBoundField

    def render(self, template_name, context, request=None):
        if template_name == SELECT and self._stock(SELECT) and self._stock(OPTION):
            html = render_select(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)

    def _stock(self, template_name: str) -> bool:
        """Whether `template_name` is Django's own (no app has put its own in its place)."""
        stock = self.__dict__.setdefault("_stock_templates", {})
        if template_name not in stock:
            origin = self.get_template(template_name).template.origin.name
            stock[template_name] = origin.replace("\\", "/").endswith(f"django/forms/templates/{template_name}")
        return stock[template_name]
