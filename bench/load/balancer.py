"""A round-robin TCP balancer: each new connection goes to the next app server in turn.

    python -m bench.load.balancer --listen 8100 --backend 127.0.0.1:8101 --backend 127.0.0.1:8102

The load test's users close their connection after every request (Connection: close), so consecutive requests
of one signed-in user land on different servers, as behind a council's load balancer without sticky sessions.
A backend that refuses the connection is skipped for that connection (as a load balancer's health check would
take it out); with none left the client's connection is closed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        with contextlib.suppress(Exception):  # already closed by the other side
            writer.close()


class Balancer:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self.turn = itertools.cycle(range(len(backends)))
        self.connections = [0] * len(backends)

    async def handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        for _ in range(len(self.backends)):
            index = next(self.turn)
            host, port = self.backends[index]
            try:
                server_reader, server_writer = await asyncio.open_connection(host, port)
            except OSError:
                continue
            self.connections[index] += 1
            await asyncio.gather(_pipe(client_reader, server_writer), _pipe(server_reader, client_writer))
            return
        client_writer.close()


async def serve(port: int, backends: list[tuple[str, int]], ready=None) -> None:
    balancer = Balancer(backends)
    server = await asyncio.start_server(balancer.handle, "127.0.0.1", port, backlog=512)
    if ready is not None:
        ready.set()
    async with server:
        await server.serve_forever()


def _backend(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.balancer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", type=int, required=True, help="port to listen on (127.0.0.1)")
    parser.add_argument("--backend", type=_backend, action="append", required=True, help="HOST:PORT, repeated")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.listen, args.backend))
    return 0


if __name__ == "__main__":
    sys.exit(main())
