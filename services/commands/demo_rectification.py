"""The demo's 整改: the province's rectification of Nanchang's 1–7月 监控表 (execution behind the
time schedule) — found late, sent, answered, sent back once and accepted — and the city's of a
Mingguang project's 1–6月 监控表, sent in 2021 and never answered: overdue, with its warning.

Each step runs as the demo account of the role that takes it, through the named commands; a
monitoring source closes on its round's deadline, so both demands start already past their term
to be sent (and the check warns of it). Idempotent: a rectification that exists is left alone.
"""

from __future__ import annotations

import datetime
import uuid

from domain.errors import AlreadyExists
from domain.ids import project_id, report_id, round_id
from domain.rectification import Measure, SourceKind
from domain.tenants import Role
from services.app.application import JixiaoApplication
from services.app.commands.cycle_inputs import (
    FileMeasures,
    OpenRectification,
    RecordFinding,
    ReviewRectification,
    SendDemand,
)
from services.app.policy import Caller


def _as(role: Role, tenant: str) -> Caller:
    return Caller(f"{role.value}.{tenant}", tenant, frozenset({role}), correlation_id=str(uuid.uuid4()))


def nanchang(app: JixiaoApplication) -> None:
    report = report_id(round_id("360000", 2022, "1–7月"), project_id("360100", 2022, "2022-YBJBNLTS"))
    province, unit = _as(Role.REVIEWER, "360000"), _as(Role.PREPARER, "360100")
    lines = list(app.load_report(report).lines)
    r = app.open_rectification(province, OpenRectification(SourceKind.MONITORING, report)).id
    app.record_finding(
        province,
        r,
        RecordFinding("1–7月预算执行进度落后序时进度", lines[:1], [], "加快支付进度，按月报送执行情况"),
    )
    app.record_finding(province, r, RecordFinding("部分指标完成情况无佐证", lines[1:2], [], "补充佐证材料"))
    app.check_rectifications(province, "360000", [r])  # opened past its term: the warning
    app.send_demand(province, r, SendDemand("请针对监控发现的问题制定整改措施，30 日内报送整改情况"))
    measures = [
        Measure("F1", "按月调度支付进度，已完成第三季度支付", "执行率升至 76%", True),
        Measure("F2", "补充宣传记录与签到表", "佐证已上传", False),
    ]
    app.file_measures(unit, r, FileMeasures(measures, "已按要求整改"))
    app.review_rectification(province, r, ReviewRectification(False, "F2 佐证不全，请补充", answer_days=15))
    done = [measures[0], Measure("F2", "补充宣传记录、签到表和照片", "佐证齐全", True)]
    app.file_measures(unit, r, FileMeasures(done, "已补充佐证"))
    app.review_rectification(province, r, ReviewRectification(True, "整改到位"))


def mingguang(app: JixiaoApplication) -> None:
    city, unit = _as(Role.REVIEWER, "341100"), _as(Role.PREPARER, "341182")
    opened = round_id("341100", 2021, "1–6月")
    started = app.start_report(unit, opened, project_id("341182", 2021, "2021-XZYX"))
    app.submit_report(unit, started.id)
    r = app.open_rectification(city, OpenRectification(SourceKind.MONITORING, started.id)).id
    app.record_finding(city, r, RecordFinding("1–6月监控表逾期报送", [], [], "建立监控填报提醒"))
    sent = SendDemand("请于 30 日内报送整改措施", answer_days=30, sent_on=datetime.date(2021, 8, 1))
    app.send_demand(city, r, sent)
    app.check_rectifications(city, "341100", [r])  # never answered: overdue


def seed_rectifications(app: JixiaoApplication) -> int:
    """The demo's 整改; returns how many were loaded (0 when already there)."""
    done = 0
    for step in (nanchang, mingguang):
        try:
            step(app)
            done += 1
        except AlreadyExists:
            pass
    return done
