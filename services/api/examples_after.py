"""Request-body examples of the steps after the evaluation (issue 19): 整改, 结果应用, 信息公开,
委托第三方, 部门整体, 评价报告 — merged into ``examples.EXAMPLES``, shown the same way."""

from __future__ import annotations

from typing import Any

from domain.reporting import Engagement
from services.app.commands import cycle_inputs as c
from services.app.commands import disclosure as dc
from services.app.commands import engagements as ec
from services.app.commands.reporting import WriteSection
from services.app.commands.results import AdoptPolicy, DecideRecommendation
from services.app.department import StartWholeDepartment

AFTER_THE_EVALUATION: dict[Any, list[tuple[str, dict[str, Any]]]] = {
    c.OpenRectification: [
        (
            "对已定稿的部门评价提出整改",
            {
                "source_kind": "evaluation",
                "source_id": "0b7a7c1e-5d55-5c5b-9a53-6f3f9c2e8d11",
                "send_days": 20,
            },
        ),
        (
            "对项目监控表提出整改",
            {"source_kind": "monitoring", "source_id": "6f1c2a90-3e4b-5d6f-8a7b-1c2d3e4f5a6b"},
        ),
    ],
    c.RecordFinding: [
        (
            "关联指标和台账条目的问题",
            {
                "text": "宣传覆盖率未达到年度目标，部分乡镇未开展宣传",
                "indicators": ["1.1.1"],
                "entries": ["L0003"],
                "suggestion": "下半年补开乡镇宣传，按月报送进度",
            },
        ),
    ],
    c.WithdrawFinding: [("撤回重复的问题", {"reason": "与 F1 重复"})],
    c.SendDemand: [
        (
            "下达整改要求",
            {"requirement": "请针对评价发现的问题制定整改措施，于 30 日内报送整改情况", "answer_days": 30},
        ),
        ("补录已发文的整改通知", {"requirement": "见整改通知书", "sent_on": "2025-05-10"}),
    ],
    c.FileMeasures: [
        (
            "报送整改情况",
            {
                "measures": [
                    {
                        "finding_id": "F1",
                        "measures": "增设 12 个乡镇宣传点",
                        "result": "覆盖率 96%",
                        "done": True,
                    }
                ],
                "summary": "已全部整改到位，佐证材料见附件",
            },
        ),
    ],
    c.ReviewRectification: [
        ("验收通过", {"accepted": True, "reason": "整改到位"}),
        ("不予通过，重新整改", {"accepted": False, "reason": "缺少覆盖率佐证材料", "answer_days": 15}),
    ],
    AdoptPolicy: [
        (
            "采用默认的结果应用政策",
            {
                "rules": {
                    "bands": [
                        {"grade": "优", "advice": "priority"},
                        {"grade": "良", "advice": "keep"},
                        {"grade": "中", "advice": "cut", "cut_pct": "10"},
                        {"grade": "差", "advice": "cancel"},
                    ],
                    "unrectified": "suspend",
                },
                "reason": "按本级预算绩效管理办法",
            },
        ),
    ],
    DecideRecommendation: [
        ("采纳", {"decision": "accepted"}),
        (
            "调整后采纳",
            {
                "decision": "changed",
                "outcome": {"advice": "cut", "cut_pct": "5"},
                "reason": "重点民生项目，少压减",
            },
        ),
    ],
    dc.Publish: [
        (
            "公开已定稿的评价结果",
            {
                "kind": "evaluation_result",
                "source_id": "6c7bfad5-37df-57c5-90c6-07fc5eee0cfd",
                "source_version": 12,
            },
        ),
        (
            "公开已批复的绩效目标（第 2 版）",
            {"kind": "targets", "source_id": "0d1c3b5e-9a41-5f1e-8c2a-3f0e5b7d9a21", "targets_version": 2},
        ),
    ],
    dc.Withdraw: [
        (
            "撤回公开的评价结果",
            {
                "item": "evaluation_result:6c7bfad5-37df-57c5-90c6-07fc5eee0cfd",
                "reason": "数据有误，更正后重新公开",
            },
        )
    ],
    dc.Classify: [
        ("标记涉密", {"classified": True, "reason": "项目内容涉及国家秘密，经本局保密审查确定"}),
        ("取消涉密", {"classified": False, "reason": "经保密审查解除涉密"}),
    ],
    ec.RecordFirm: [
        ("登记评价机构", {"firm_code": "91360100MA35K7XY9E", "name": "江西某会计师事务所有限公司"})
    ],
    ec.RelateFirm: [("记录关联关系", {"bureau": "360103", "nature": "为其提供记账服务"})],
    ec.GrantEngagement: [
        (
            "委托部门评价",
            {
                "firm_code": "91360100MA35K7XY9E",
                "name": "2024年度医保宣传项目部门评价",
                "evaluations": ["6c7bfad5-37df-57c5-90c6-07fc5eee0cfd"],
                "start": "2025-03-01",
                "end": "2025-04-30",
                "staff": ["firm.zhang", "firm.li"],
            },
        )
    ],
    ec.AcceptEngagement: [
        (
            "接受委托并作利益冲突声明",
            {"declaration": "本机构及参与人员与被评价单位无任何利害关系，承诺独立客观开展评价。"},
        )
    ],
    ec.ChangeStaff: [("调整人员", {"staff": ["firm.zhang", "firm.wang"], "reason": "李某调离项目组"})],
    ec.RevokeEngagement: [("撤销委托", {"reason": "合同终止"})],
    StartWholeDepartment: [
        ("本单位部门整体自评", {"year": 2024, "kind": "self"}),
        (
            "上级对本单位部门整体的评价",
            {"year": 2024, "kind": "department", "evaluator_name": "南昌市医疗保障局"},
        ),
    ],
    Engagement: [
        (
            "第三方评价的工作信息",
            {
                "commissioner": "南昌市医疗保障局",
                "implementer": "江西某会计师事务所有限公司",
                "team": [
                    {"name": "张某", "duty": "组长", "title": "注册会计师"},
                    {"name": "李某", "duty": "成员", "title": "高级经济师"},
                ],
                "period_start": "2025-03-01",
                "period_end": "2025-04-15",
                "report_date": "2025-04-20",
                "method": "比较法、因素分析法、公众评判法",
                "fieldwork": "3 月 10 日至 14 日赴项目单位现场核查，抽查 30 份报销凭证",
                "checklist": ["资金拨付凭证", "宣传活动签到表", "满意度问卷"],
            },
        ),
    ],
    WriteSection: [
        ("撰写“有关建议”", {"text": "一、加快预算执行进度。\n二、完善绩效指标，细化可衡量的指标值。"}),
    ],
}
