"""Request-body examples in the OpenAPI document: one or more for every command's input type, as a
bureau would fill them in, shown (and pre-filled for 「Try it out」) by the API reference.

``EXAMPLES`` is keyed by the route's input type, so every route that takes that type gets them;
``tests/unit/test_openapi_examples.py`` decodes each into its type and checks that every command
with a JSON body has one.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.openapi.spec import Example
from litestar.routes import HTTPRoute

from domain.indicators import IndicatorSpec
from domain.ledger import LedgerStatement
from domain.targets import Details
from services.api.bodies import data_type
from services.api.examples_after import AFTER_THE_EVALUATION
from services.app.commands import cycle_inputs as c
from services.app.commands import inputs as i
from services.app.scoring import WhatIf

_SPEC = {
    "key": "2.1.1",
    "name": "预算执行率",
    "weight": "10",
    "parent": "2.1",
    "rule": {"kind": "proportional"},
    "standard": "预算执行率×该指标分值",
    "target": "100%",
    "ledger_source": "budget_execution_rate",
}

EXAMPLES: dict[Any, list[tuple[str, dict[str, Any]]]] = {
    i.RegisterTenant: [
        (
            "登记下级单位",
            {"code": "360102", "name": "南昌市东湖区医疗保障局", "level": "district", "parent": "360100"},
        )
    ],
    i.RegisterUser: [
        (
            "登记工作人员",
            {
                "username": "zhangsan.360100",
                "display_name": "张三",
                "roles": ["preparer", "evaluator"],
                "password": "Jixiao@2026-zhang",
                "phone": "0791-88888888",
            },
        ),
        (
            "登记系统账户（用于签发 API 令牌）",
            {
                "username": "budget-system",
                "display_name": "预算管理系统",
                "roles": ["preparer"],
                "kind": "service",
            },
        ),
    ],
    i.PublishTemplate: [
        (
            "发布本单位模板",
            {
                "name": "医保项目支出绩效评价指标",
                "year": 2024,
                "indicators": [{"key": "1", "name": "决策", "weight": "20"}],
            },
        )
    ],
    i.ReviseTemplate: [
        (
            "修订模板",
            {
                "indicators": [{"key": "1", "name": "决策", "weight": "15"}],
                "reason": "按 2024 年评价方案调整分值",
            },
        )
    ],
    i.RegisterProject: [
        (
            "登记项目",
            {
                "code": "YB-2024-001",
                "name": "医疗保障信息化建设项目",
                "year": 2024,
                "department": "南昌市医疗保障局",
                "implementing_unit": "南昌市医疗保障信息中心",
                "goal": "完成医保信息平台建设并上线运行",
            },
        )
    ],
    i.RecordEntry: [
        (
            "年初预算",
            {
                "kind": "initial_budget",
                "source": "当年财政拨款",
                "amount": "6660000.00",
                "date": "2024-01-15",
            },
        ),
        (
            "支出",
            {
                "kind": "expenditure",
                "source": "当年财政拨款",
                "amount": "125000.50",
                "date": "2024-06-30",
                "document": "记账凭证 2024-06-118",
                "purpose": "系统运维服务费",
            },
        ),
    ],
    LedgerStatement: [
        (
            "报表填写的合计与比率",
            {
                "initial_total": "6660000.00",
                "annual_total": "6660000.00",
                "spent_total": "6221000.00",
                "budget_execution_rate": "93.41",
            },
        )
    ],
    i.RecordSummary: [
        ("项目完成情况", {"achieved": "医保信息平台已于 2024 年 10 月上线，覆盖全市 1,200 家定点医药机构"})
    ],
    i.StartEvaluation: [
        ("单位自评", {"kind": "self", "evaluator_name": "南昌市医疗保障局"}),
        (
            "对下级项目的部门评价",
            {"kind": "department", "evaluator_name": "滁州市医疗保障局", "grades": "long"},
        ),
    ],
    IndicatorSpec: [("定义末级指标及评分规则", _SPEC)],
    i.AdoptTemplate: [
        (
            "采用平台模板",
            {"template_tenant": "000000", "template_name": "项目支出绩效评价指标体系（财预〔2020〕10号）"},
        )
    ],
    i.MoveTemplate: [("改用模板第 2 版", {"revision": 2, "reason": "上级发布了新版评价指标"})],
    i.RecordActual: [
        ("实际完成值（如表中所写）", {"actual": "96.5%"}),
        ("直接给出评分数据", {"given": {"points": "8"}}),
    ],
    i.NoteDeviation: [("偏差原因分析", {"note": "部分设备采购因招标延期，资金于次年初支付"})],
    i.RecordStatedScore: [("表中填写的得分", {"score": "9.34"})],
    i.JudgeScore: [
        ("评定得分", {"points": "4", "reason": "满意度调查样本不足，按访谈情况酌情给分"}),
        ("在允许幅度内调整", {"adjustment": "-0.5", "reason": "佐证材料不完整"}),
    ],
    i.RecordStatedTotal: [("表中填写的总分与等级", {"total": "91.50", "grade": "优"})],
    i.ApplyDeduction: [
        (
            "扣分（编号由服务器生成）",
            {"indicator": "1.2.1", "points": "1", "reason": "未按规定开展事前绩效评估"},
        ),
        (
            "扣分（自定编号）",
            {"deduction_id": "1.2.1-D1", "indicator": "1.2.1", "points": "0.5", "reason": "档案资料不全"},
        ),
    ],
    i.ReviseDeduction: [("修改扣分", {"points": "1.5", "reason": "复核后加重"})],
    i.WithReason: [("说明原因", {"reason": "补交了会议纪要"})],
    i.ChangeRoles: [("调整角色", {"roles": ["evaluator", "reviewer"], "reason": "岗位调整"})],
    i.SetPassword: [("管理员重置密码", {"password": "Jixiao@2026-reset", "reason": "本人遗忘密码"})],
    i.ChangeOwnPassword: [("修改本人密码", {"current": "Jixiao@2026-demo", "password": "Jixiao@2026-mine"})],
    i.IssueToken: [("为系统账户签发令牌", {"label": "财政预算系统对接", "days": 90})],
    i.SignIn: [("登录", {"tenant": "360100", "username": "demo.360100", "password": "Jixiao@2026-demo"})],
    i.ChangeContact: [("修改姓名与联系电话", {"display_name": "张三", "phone": "0791-88888888"})],
    c.DeclareTargets: [
        (
            "按模板申报绩效目标",
            {
                "details": {"annual_goal": "全年完成医保经办能力提升"},
                "template": {"template_tenant": "360100", "template_name": "市级目标模板"},
            },
        ),
    ],
    Details: [
        (
            "申报表表头、资金与目标",
            {
                "kind": "continuing",
                "start": "2024-01-01",
                "end": "2024-12-31",
                "responsible": "经办科",
                "funds": {"total": "6660000.00", "fiscal_own": "6660000.00"},
                "overview": "医保经办能力提升",
                "annual_goal": "完成两定机构准入评估，维护医保信息平台",
            },
        )
    ],
    c.SetTargetIndicator: [
        (
            "新增三级指标",
            {
                "indicator": {
                    "key": "1.1.1",
                    "name": "参保人数",
                    "weight": "10",
                    "parent": "1.1",
                    "value": "≥30万人",
                    "nature": "≥",
                    "unit": "万人",
                }
            },
        ),
    ],
    c.ReviewTargets: [
        ("主管部门审核：优", {"stage": "supervisor", "grade": "优", "opinion": "同意"}),
        (
            "财政部门审核：中（退回修改）",
            {
                "stage": "finance",
                "grade": "中",
                "opinion": "指标值偏低",
                "findings": {"适当性": "低于上年实际"},
                "comments": {"1.1.1": "请提高至不低于上年实际"},
            },
        ),
    ],
    c.RequestAdjustment: [
        (
            "申请调整指标值",
            {
                "adjustment_id": "TZ-2024-1",
                "indicators": [
                    {"key": "1.1.1", "name": "参保人数", "weight": "10", "parent": "1.1", "value": "≥28万人"}
                ],
                "reason": "参保政策调整",
            },
        ),
    ],
    c.DecideAdjustment: [("批准调整", {"approve": True, "reason": "同意随预算调整备案"})],
    c.OpenRound: [
        (
            "开启 1–7月 监控",
            {
                "year": 2024,
                "name": "1–7月",
                "period_end": "2024-07-31",
                "deadline": "2024-08-20",
                "margin_pct": "10",
                "red_margin_pct": "20",
            },
        )
    ],
    c.CloseRound: [("结束本轮", {"reason": "本轮监控结束"})],
    c.AnswerExecution: [("全年预计执行数", {"expected_year_end": "6200000.00"})],
    c.AnswerLine: [
        (
            "填报一项指标",
            {
                "reached": "18万人",
                "expected": "31万人",
                "cause": "其他",
                "likelihood": "确定能",
                "explanation": "下半年集中参保",
                "measures": "加大宣传",
            },
        ),
    ],
    c.ResolveAlert: [
        ("单位说明", {"resolution": "explained", "reason": "下半年集中支付，预计年底执行率达 95%"})
    ],
    **AFTER_THE_EVALUATION,
    WhatIf: [
        ("按规则第 2 版重算", {"rule_version": 2}),
        ("逐版本比较全部历史", {"history": True, "from_version": 1}),
    ],
}


def document_examples(api: Litestar) -> None:
    """Every route whose input type has examples shows them on its request body."""
    paths = api.openapi_schema.paths or {}
    for route in api.routes:
        if not isinstance(route, HTTPRoute) or route.path_format not in paths:
            continue
        item = paths[route.path_format]
        for handler in route.route_handlers:
            examples = EXAMPLES.get(data_type(handler))
            if not examples:
                continue
            for method in handler.http_methods:
                operation = getattr(item, method.lower(), None)
                body = operation.request_body if operation is not None else None
                media = body.content.get("application/json") if body is not None else None
                if media is not None:
                    media.examples = {
                        f"example{n}": Example(summary=summary, value=value)
                        for n, (summary, value) in enumerate(examples, 1)
                    }
