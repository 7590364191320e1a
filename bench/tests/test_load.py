"""Pieces of `make loadtest` that need no load: the figures, the user mix and the round-robin balancer."""

import asyncio
import http.server
import threading
import urllib.request

import pytest

from bench.load import balancer, stats
from bench.load.__main__ import user_counts


def test_percentiles_are_nearest_rank():
    times = list(range(1, 101))
    assert (stats.percentile(times, 50), stats.percentile(times, 95), stats.percentile(times, 99)) == (50, 95, 99)
    assert stats.percentile([7.0], 95) == 7.0


def test_page_figures_count_the_steady_state_and_every_error():
    timings = {"case list": [(1.0, 900.0), (30.0, 100.0), (31.0, 300.0)], stats.BASELINE: [(30.0, 200.0)]}
    rows = {r.name: r for r in stats.page_stats(timings, {"case list": ["HTTP 500"]}, after=20)}
    assert (rows["case list"].requests, rows["case list"].median, rows["case list"].slowest) == (2, 200.0, 300.0)
    assert rows["case list"].failures == 1  # an error during the warm-up still counts


def test_checks_hold_pages_to_the_changelist_but_not_sign_in_or_exports():
    rows = stats.page_stats(
        {
            "case list": [(0, 150.0)],
            "case detail": [(0, 250.0)],
            "sign in": [(0, 5000.0)],
            "export: SEN2 CSV": [(0, 9000.0)],
            stats.BASELINE: [(0, 200.0)],
        },
        {},
    )
    results = {what: ok for what, ok, _ in stats.checks(rows)}
    assert results == {
        "no errors": True,
        "case detail: 95th percentile no slower than the changelist's": False,
        "case list: 95th percentile no slower than the changelist's": True,
    }


def test_the_user_mix_adds_up_and_keeps_one_administrator():
    assert user_counts(40) == {"officer": 25, "mediator": 8, "manager": 6, "admin": 1}
    assert sum(user_counts(20).values()) == 20


@pytest.fixture
def backends():
    servers = []
    for name in ("first", "second"):

        class Handler(http.server.BaseHTTPRequestHandler):
            body = name.encode()

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", str(len(self.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(self.body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    yield [("127.0.0.1", s.server_address[1]) for s in servers]
    for server in servers:
        server.shutdown()


def test_the_balancer_sends_each_new_connection_to_the_next_server_and_skips_one_that_is_down(backends):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        down = ("127.0.0.1", s.getsockname()[1])  # nothing listens there once the socket is closed
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        listen = s.getsockname()[1]
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    ready = threading.Event()
    serving = asyncio.run_coroutine_threadsafe(balancer.serve(listen, [*backends, down], ready), loop)
    try:
        assert ready.wait(10)
        answers = [urllib.request.urlopen(f"http://127.0.0.1:{listen}/", timeout=5).read() for _ in range(6)]
        assert answers == [b"first", b"second", b"first", b"second", b"first", b"second"]
    finally:
        serving.cancel()

        async def cancel_the_rest():
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(cancel_the_rest(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
