"""A small HTTP/1.1 load generator (keep-alive connections over asyncio streams), run as a
second process so that the server under test does not share its interpreter.

    python -m tests.benchmarks.httpload < config.json  (host, port, seconds, rate, connections, requests)

``requests`` is a list of [method, path, body-or-null, headers]; connection i sends requests
i, i+n, i+2n, … in turn. ``rate`` 0 means as fast as possible (closed loop); otherwise each
connection paces itself to rate/connections per second. Prints JSON: count, seconds,
statuses and latency percentiles.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any


async def _connection(cfg: dict[str, Any], index: int, out: list[float], statuses: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection(cfg["host"], cfg["port"])
    requests = cfg["requests"][index :: cfg["connections"]] or cfg["requests"]
    encoded = []
    for method, path, body, headers in requests:
        payload = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: {cfg['host']}\r\nContent-Length: {len(payload)}\r\n"
        head += "Content-Type: application/json\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        encoded.append(head.encode() + b"\r\n" + payload)
    per_conn = cfg["rate"] / cfg["connections"] if cfg["rate"] else 0
    started = time.perf_counter()
    k = 0
    while (now := time.perf_counter()) - started < cfg["seconds"]:
        if per_conn:
            due = started + k / per_conn
            if due > now:
                await asyncio.sleep(due - now)
        sent = time.perf_counter()
        writer.write(encoded[k % len(encoded)])
        status_line = await reader.readline()
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        out.append(time.perf_counter() - sent)
        status = int(status_line.split()[1])
        statuses[status] = statuses.get(status, 0) + 1
        k += 1
    writer.close()


async def run(cfg: dict[str, Any]) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    await asyncio.gather(*(_connection(cfg, i, latencies, statuses) for i in range(cfg["connections"])))
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100)
    return {
        "count": len(latencies),
        "seconds": elapsed,
        "statuses": statuses,
        "p50": q[49],
        "p99": q[98],
    }


if __name__ == "__main__":
    import uvloop  # the instrument's own overhead, small: it shares the machine with the server

    print(json.dumps(uvloop.run(run(json.loads(sys.stdin.read())))))
