"""A realistic event mix for read-side benchmarks, generated through the domain.

Per project: registration, a budget ledger (budget, receipts, expenditures, sometimes a
correction) and a self-evaluation of ~30 indicators with actual values, deductions
applied / revised / withdrawn by different actors, stated scores and the lifecycle. Roughly
80 events a project, spread over county bureaus under one city. Saved a few projects per
transaction so that a million events take minutes, not an hour (much larger saves stall psycopg's
pipeline: client and server both end up waiting to read).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from domain.context import Actor, acting
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.indicators import IndicatorSpec, LedgerSource
from domain.ledger import EntryKind, FundingSource, Project
from domain.rules import Band, Bands, Manual, Proportional, RatioToTarget
from domain.tenants import TenantLevel
from services.app.application import JixiaoApplication
from tests.support import register

CITY = "360100"
FUNDS = Bands(
    bands=(Band(Decimal(90), Decimal(3)), Band(Decimal(80), Decimal(2)), Band(Decimal(60), Decimal(1)))
)


def counties(n: int) -> list[str]:
    return [f"3601{i:02d}" for i in range(1, n + 1)]


def register_tenants(app: JixiaoApplication, n_counties: int) -> list[str]:
    register(app, "360000", "江西省医疗保障局", TenantLevel.PROVINCE)
    register(app, CITY, "南昌市医疗保障局", TenantLevel.MUNICIPAL, "360000")
    codes = counties(n_counties)
    for code in codes:
        register(app, code, f"县区{code}医疗保障局", TenantLevel.COUNTY, CITY)
    return codes


def project_events(tenant: str, n: int, rng: random.Random) -> tuple[Project, Evaluation]:
    preparer = Actor(f"prep.{tenant}", "preparer", tenant, f"c{n}")
    evaluator = Actor(f"eval.{tenant}", "evaluator", tenant, f"c{n}e")
    reviewer = Actor(f"rev.{CITY}", "reviewer", CITY, f"c{n}r")
    day = datetime.date(2022, 1, 10)
    with acting(preparer):
        p = Project.register(tenant, f"P{n}", f"项目{n}", 2022, "医保局", "医保中心", "年度目标")
        budget = Decimal(rng.randrange(50_000, 5_000_000)) / 100 * 100
        p.record_entry(EntryKind.INITIAL_BUDGET, FundingSource.CURRENT, budget, day, document="预算批复")
        p.record_entry(
            EntryKind.RECEIVED, FundingSource.CURRENT, budget, day.replace(month=3), document="拨款文件"
        )
        spent = Decimal(0)
        for m in (5, 8, 11):
            amount = (budget * Decimal(rng.randrange(20, 33)) / 100).quantize(Decimal("0.01"))
            p.record_entry(
                EntryKind.EXPENDITURE, FundingSource.CURRENT, amount, day.replace(month=m), purpose="支出"
            )
            spent += amount
        if rng.random() < 0.2:
            p.record_entry(
                EntryKind.CORRECTION,
                FundingSource.CURRENT,
                Decimal("-100.00"),
                day.replace(month=12),
                corrects="L0003",
                reason="凭证更正",
            )
    with acting(evaluator):
        e = Evaluation.start(
            tenant, p.id, 2022, EvaluationKind.SELF, Evaluator(f"{tenant}医疗保障局", tenant=tenant)
        )
        weights = (20, 20, 40, 20)
        for i, w in enumerate(weights):
            e.define_indicator(IndicatorSpec(f"{i}", f"一级{i}", Decimal(w)))
            for j in range(7 if i != 2 else 8):
                leaf_w = Decimal(w) / (7 if i != 2 else 8)
                leaf_w = leaf_w.quantize(Decimal("0.01"))
                key = f"{i}.{j}"
                if i == 1 and j == 0:
                    e.define_indicator(
                        IndicatorSpec(
                            key,
                            "资金到位率",
                            leaf_w,
                            parent=f"{i}",
                            rule=FUNDS if leaf_w >= 3 else Proportional(),
                            ledger_source=LedgerSource.FUNDS_RECEIVED_RATE,
                        )
                    )
                elif i == 1 and j == 1:
                    e.define_indicator(
                        IndicatorSpec(
                            key,
                            "预算执行率",
                            leaf_w,
                            parent=f"{i}",
                            rule=Proportional(),
                            ledger_source=LedgerSource.EXECUTION_RATE,
                        )
                    )
                elif j % 2:
                    e.define_indicator(IndicatorSpec(key, f"指标{key}", leaf_w, parent=f"{i}", rule=Manual()))
                else:
                    e.define_indicator(
                        IndicatorSpec(
                            key, f"指标{key}", leaf_w, parent=f"{i}", rule=RatioToTarget(), target="≥100件"
                        )
                    )
        e.sync_ledger(p.total())
        for key, node in list(e.nodes.items()):
            if isinstance(node.spec.rule, RatioToTarget):
                e.record_actual(key, f"{rng.randrange(80, 120)}件")
        for d in range(rng.randrange(2, 6)):
            key = f"{rng.randrange(4)}.{rng.randrange(0, 6) | 1}"
            e.apply_deduction(f"D{d}", key, Decimal("0.5"), "佐证材料不全")
        e.record_stated_total(Decimal(rng.randrange(85, 100)), None)
        e.submit()
    with acting(reviewer):
        if rng.random() < 0.5:
            e.return_for_revision("请补充佐证材料")
            with acting(evaluator):
                e.revise_deduction("D0", Decimal("0.25"), "补充材料后调整")
                e.withdraw_deduction("D1", "材料已补齐")
                e.submit()
        e.finalize()
    return p, e


def generate(app: JixiaoApplication, target_events: int, n_counties: int = 40, seed: int = 7) -> int:
    rng = random.Random(seed)
    codes = register_tenants(app, n_counties)
    written = 3 + n_counties
    n = 0
    while written < target_events:
        batch = []
        for _ in range(4):
            p, e = project_events(codes[n % len(codes)], n, rng)
            batch += [p, e]
            written += len(p.pending_events) + len(e.pending_events)
            n += 1
        app.store(*batch)
    return written
