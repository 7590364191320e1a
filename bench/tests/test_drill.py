"""The restart drill's checks (bench/drill): what they say about the looks taken while PostgreSQL was down."""

from bench.drill.restart import healthz_check, pages_check


def look(status=503, clean=True, retry_after="30", ms=12.0):
    return {"at": 1.0, "status": status, "retry_after": retry_after, "clean_503": clean, "health": None, "ms": ms}


def unanswered():
    """What observe() records when the page did not answer at all (a timeout, a refused connection)."""
    return {"at": 1.0, "status": None, "error": "ReadTimeout"}


def test_pages_pass_only_when_every_look_was_the_clean_503_with_retry_after():
    assert pages_check([look(), look(ms=40.0)]) == (
        "pages answered the clean 503 page with Retry-After throughout the outage",
        True,
        "2 looks at the case list while down (0 unanswered); slowest 40 ms",
    )
    assert pages_check([look(), look(clean=False)])[1] is False
    assert pages_check([look(), look(retry_after=None)])[1] is False
    assert pages_check([])[1] is False  # no look at all proves nothing


def test_a_look_that_got_no_answer_fails_the_pages_check_instead_of_stopping_the_drill():
    assert pages_check([look(), unanswered()])[1:] == (
        False,
        "2 looks at the case list while down (1 unanswered); slowest 12 ms",
    )


def test_healthz_passes_only_on_503_database_unavailable_with_retry_after():
    down = {**look(), "health": '{"status": "unavailable", "database": "unavailable"}'}
    assert healthz_check([down])[1] is True
    assert healthz_check([down, {**down, "health": '{"status": "ok"}'}])[1] is False
    assert healthz_check([down, unanswered()])[1] is False
