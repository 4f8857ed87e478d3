"""HTTP API benchmarks (issue 4). The server runs as it is deployed (``python -m
services.commands.serve``: uvicorn + uvloop + httptools, JIXIAO_BENCH_WORKERS worker processes,
default 2 = the machine's cores), the load comes from another process over loopback.

1. Deduction commands/s and p50/p99 over HTTP, next to the same run's in-process eventsourcing
   get → change → save (plain library, trivial aggregate). Goal ≥ 1.5×; p99 < 25 ms at 1,000/s.
2. Scorecard reads/s and p99 next to the same server's endpoint doing one primary-key SELECT
   (auth included in both). Goal ≥ 0.6×.
"""

from __future__ import annotations

from decimal import Decimal

from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.tenants import Role, TenantLevel
from services.api.auth import TokenConfig, issue
from services.compose import build_application, install
from services.eventlog.schema import postgres_env
from tests.benchmarks.conftest import rate, report
from tests.benchmarks.serving import WORKERS, load, serving
from tests.benchmarks.test_bench_store import Counter, Plain
from tests.support import define, evaluation, project, register, staff

SECRET = "bench-secret-" + "y" * 40
STAFF = staff("360100", "bench", cid="bench")
EVALUATIONS = 64
CONNECTIONS = 16
PACED_CONNECTIONS = 16


def test_http_commands_and_reads(database_url: str) -> None:
    install(database_url)
    app = build_application(database_url)
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    tree = [
        spec
        for k in range(4)
        for spec in (
            IndicatorSpec(f"{k}", f"一级{k}", Decimal(25)),
            *(
                IndicatorSpec(f"{k}.{j}", f"指标{k}.{j}", Decimal("2.5"), parent=f"{k}", rule=Manual())
                for j in range(10)
            ),
        )
    ]
    evs = []
    for i in range(EVALUATIONS):
        p = project(app, STAFF, f"H{i}", f"项目{i}", 2023)
        ev = evaluation(app, STAFF, p.id)
        define(app, STAFF, ev.id, *tree)
        evs.append(str(ev.id))
    app.close()
    from projections.core.runner import Projector
    from projections.registry import NAMES, projection

    for name in NAMES:
        with Projector(database_url, projection(name)) as proj:
            proj.catch_up()
    with serving(database_url, SECRET) as port:
        token = issue(
            TokenConfig(secret=SECRET), user="evaluator.360100", tenant="360100", roles=(Role.EVALUATOR,)
        )
        auth = {"Authorization": f"Bearer {token}"}
        # connection c only ever touches evaluations c, c+16, … so no two requests race on one aggregate
        deductions = [
            [
                "POST",
                f"/api/v1/evaluations/{evs[(n * CONNECTIONS + c) % EVALUATIONS]}/deductions",
                {
                    "deduction_id": f"D{n}",
                    "indicator": f"{n % 4}.{n % 10}",
                    "points": "0.01",
                    "reason": "基准扣分",
                },
                auth,
            ]
            for n in range(2500)
            for c in range(CONNECTIONS)
        ]
        warm = 100 * CONNECTIONS
        load(port, 3, 0, CONNECTIONS, deductions[:warm])  # warm up (caches, connections)
        fast = load(port, 10, 0, CONNECTIONS, deductions[warm:])
        plain = Plain(env=postgres_env(database_url, cache_size=1000))  # as issue 2's baseline
        counter = Counter()
        plain.save(counter)

        def plain_command() -> None:
            c: Counter = plain.repository.get(counter.id)
            c.increment()
            plain.save(c)

        rate(plain_command, 100)
        baseline = rate(plain_command, 2000)
        plain.close()
        # the goal's latency: deductions again (new ids, same evaluations), paced at 1,000/s
        steady = load(
            port,
            10,
            1000,
            PACED_CONNECTIONS,
            [
                [
                    "POST",
                    f"/api/v1/evaluations/{evs[i % EVALUATIONS]}/deductions",
                    {
                        "deduction_id": f"P{i}",
                        "indicator": f"{i % 4}.{i % 10}",
                        "points": "0.01",
                        "reason": "基准扣分",
                    },
                    auth,
                ]
                for i in range(12_000)
            ],
        )
        # the same pacing against the one-PK-SELECT endpoint (a read in a worker thread): what
        # this machine and the load generator add to a trivial request at 1,000/s
        floor = load(
            port, 10, 1000, PACED_CONNECTIONS, [["GET", f"/_bench/pk/{ev}", None, auth] for ev in evs]
        )
        reads = [["GET", f"/api/v1/evaluations/{ev}", None, auth] for ev in evs]
        pks = [["GET", f"/_bench/pk/{ev}", None, auth] for ev in evs]
        load(port, 2, 0, 8, reads)
        card = load(port, 8, 0, 8, reads)
        pk = load(port, 8, 0, 8, pks)
    cmd_rate = fast["count"] / fast["seconds"]
    card_rate, pk_rate = card["count"] / card["seconds"], pk["count"] / pk["seconds"]
    report(
        f"HTTP API (uvicorn+uvloop+httptools, {WORKERS} worker processes; load from a second process)",
        [
            f"deductions over HTTP: {cmd_rate:,.0f}/s, p50 {fast['p50'] * 1000:.1f} ms, p99 {fast['p99'] * 1000:.1f} ms, statuses {fast['statuses']}",
            f"in-process eventsourcing get → change → save: {baseline:,.0f}/s",
            f"ratio: {cmd_rate / baseline:.2f}×  (goal ≥ 1.5×)",
            f"deductions paced at 1,000/s: achieved {steady['count'] / steady['seconds']:,.0f}/s, p50 {steady['p50'] * 1000:.1f} ms, "
            f"p99 {steady['p99'] * 1000:.1f} ms (goal p99 < 25 ms), statuses {steady['statuses']}",
            f"  same pacing, one-PK-SELECT endpoint: p50 {floor['p50'] * 1000:.1f} ms, p99 {floor['p99'] * 1000:.1f} ms",
            f"scorecard reads: {card_rate:,.0f}/s, p99 {card['p99'] * 1000:.1f} ms; one-PK-SELECT endpoint: {pk_rate:,.0f}/s, "
            f"p99 {pk['p99'] * 1000:.1f} ms; ratio {card_rate / pk_rate:.2f}×  (goal ≥ 0.6×)",
        ],
    )
    # every deduction new (a repeated one would be a cheap 422 and flatter the rate)
    assert set(fast["statuses"]) == {"201"} == set(steady["statuses"]) and set(card["statuses"]) == {"200"}
