"""The template tags every clock table uses."""

from datetime import date, time

from django.template import Context, Template

from cases.templatetags.case_tags import clock_time, contextual_date


def test_a_contextual_date_shows_the_day_the_time_and_how_near_it_is():
    html = contextual_date(date(2026, 5, 27), time(17, 0), "in 4 working days", "soon")
    assert html == (
        '<span class="d-inline-block contextual-date"><strong>Wed 27 May 2026</strong> by 5pm<br>'
        '<span class="badge tag-due-soon">in 4 working days</span></span>'
    )


def test_each_urgency_has_its_tag_and_the_label_is_escaped():
    tags = {
        urgency: contextual_date(date(2026, 5, 27), None, "x", urgency).split('class="badge ')[1].split('"')[0]
        for urgency in ("overdue", "today", "soon", "closed", "later", "")
    }
    assert tags == {
        "overdue": "tag-overdue",
        "today": "tag-due-soon",
        "soon": "tag-due-soon",
        "closed": "tag-neutral",
        "later": "tag-ok",
        "": "tag-ok",
    }
    html = contextual_date(date(2026, 5, 27), None, "<script>alert(1)</script>", "later")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert " by " not in html


def test_the_tag_in_a_template():
    html = Template("{% load case_tags %}{% contextual_date due at rel urg %}").render(
        Context({"due": date(2026, 12, 24), "at": time(9, 30), "rel": "tomorrow", "urg": "overdue"})
    )
    assert "<strong>Thu 24 Dec 2026</strong> by 9:30am" in html and "tag-overdue" in html


def test_clock_times_are_written_the_gov_uk_way():
    assert [clock_time(time(h, m)) for h, m in ((17, 0), (9, 30), (0, 0), (12, 5))] == [
        "5pm",
        "9:30am",
        "12am",
        "12:05pm",
    ]
    assert clock_time(None) == ""
