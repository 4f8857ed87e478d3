"""The decoder's refusals in Chinese, naming the field in the user's words.

Litestar decodes bodies and query parameters with msgspec, whose messages are English
("Object missing required field `deduction_id`", "Expected `str`, got `int`"). ``chinese``
turns each into a Chinese sentence that names the field by its label (``LABELS``, the words the
forms and the reports use) with its JSON path beside it, or by the path alone when the field has
no label. A message not recognised becomes a plain Chinese sentence about the field: the
library's English never reaches the user.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# every field of every request body and every query parameter, in the words of the forms
LABELS = {
    "bureau": "单位代码",
    "declaration": "利益冲突声明",
    "evaluations": "委托评价的评价",
    "firm_code": "统一社会信用代码",
    "staff": "评价机构参与人员",
    "checklist": "访谈与核查清单",
    "commissioner": "委托单位",
    "duty": "分工",
    "fieldwork": "现场工作计划",
    "implementer": "评价机构",
    "method": "评价方法",
    "period_start": "评价工作开始日期",
    "report_date": "报告日期",
    "team": "评价工作组",
    "title": "职称或单位",
    "advice": "预算建议",
    "cut_pct": "压减比例",
    "decision": "财政决定",
    "open_rectification": "整改未完成时的建议",
    "outcome": "调整后的建议",
    "undecided": "仅看未决定的",
    "unrectified": "整改逾期时的建议",
    "accepted": "是否验收通过",
    "answer_days": "整改期限（天）",
    "done": "是否整改到位",
    "entries": "台账条目",
    "finding_id": "问题编号",
    "overdue": "仅看逾期",
    "requirement": "整改要求",
    "result": "整改结果",
    "send_days": "下达期限（天）",
    "sent_on": "下达日期",
    "source_id": "来源编号",
    "source_kind": "整改来源",
    "status": "状态",
    "suggestion": "整改建议",
    "summary": "整改情况说明",
    "text": "问题描述",
    "adjustment_id": "调整编号",
    "annual_goal": "年度目标",
    "approve": "是否批准",
    "basis": "立项依据",
    "cause": "偏差原因",
    "comments": "按指标的意见",
    "deadline": "报送截止日期",
    "details": "申报表表头",
    "end": "结束日期",
    "expected": "全年预计完成情况",
    "expected_year_end": "全年预计执行数",
    "explanation": "原因说明",
    "feasibility": "可行性",
    "findings": "审核发现",
    "fiscal_own": "财政拨款（本级）",
    "fiscal_upper": "财政拨款（上级）",
    "funds": "项目资金",
    "likelihood": "完成目标可能性",
    "margin_pct": "黄色预警阈值",
    "measures": "措施（监控的纠偏措施、整改措施）",
    "midterm_goal": "中期目标",
    "nature": "指标性质（或关联关系）",
    "necessity": "必要性",
    "opinion": "审核意见",
    "other": "其他资金",
    "overview": "项目概况",
    "period_end": "监控期末",
    "reached": "执行情况",
    "red_margin_pct": "红色预警阈值",
    "resolution": "处理方式",
    "responsible": "项目负责人",
    "schedule": "实施进度计划",
    "stage": "审核阶段",
    "start": "开始日期",
    "template": "模板",
    "achieved": "实际完成情况",
    "actual": "实际完成值",
    "adjustment": "调整分值",
    "amount": "金额",
    "annual": "全年",
    "annual_total": "全年预算数",
    "as_of": "回溯时间",
    "bands": "分档",
    "based_on": "所依据的模板",
    "budget_execution_rate": "预算执行率",
    "by_source": "按资金来源",
    "categories": "类别",
    "category": "类别",
    "code": "代码",
    "completed_on": "完成日期",
    "corrects": "所更正的条目",
    "current": "当前密码",
    "date": "日期",
    "days": "有效天数",
    "deduction_id": "扣分编号",
    "department": "主管部门",
    "description": "说明",
    "discretion": "酌情幅度",
    "display_name": "姓名",
    "document": "凭证",
    "due": "期限",
    "entry_id": "条目编号",
    "evaluator_name": "评价人名称",
    "execution_rate": "执行率",
    "floor_pct": "下限百分比",
    "from_version": "起始版本",
    "full_at_pct": "满分百分比",
    "funds_received_rate": "资金到位率",
    "given": "评分数据",
    "goal": "总体目标",
    "grade": "等级",
    "grades": "等级方案",
    "high_pct": "上限百分比",
    "history": "逐版本比较",
    "implementing_unit": "实施单位",
    "indicator": "指标编号",
    "indicators": "指标",
    "initial": "年初",
    "initial_total": "年初预算数",
    "item": "检查项",
    "items": "检查项",
    "key": "指标编号",
    "kind": "类型",
    "label": "名称",
    "ledger_source": "台账数据来源",
    "level": "级别",
    "low_pct": "下限百分比",
    "met": "是否达到",
    "min_pct": "最低百分比",
    "name": "名称",
    "not_applicable": "不适用",
    "note": "说明",
    "of_target": "相对目标值",
    "overachievement": "超额完成",
    "parent": "上级",
    "partial": "部分达到",
    "password": "密码",
    "per": "每",
    "phone": "联系电话",
    "points": "分值",
    "points_per_step": "每档分值",
    "purpose": "用途",
    "rate": "比率",
    "rate_places": "比率小数位数",
    "ratio_pct": "百分比",
    "reason": "原因",
    "received": "到位数",
    "returned": "退回",
    "reverse": "反向指标",
    "revision": "模板版本",
    "roles": "角色",
    "rounding": "取舍方式",
    "rounding_policy": "舍入规则",
    "rule": "评分规则",
    "rule_version": "规则版本",
    "rules": "评分规则",
    "scope": "范围",
    "score": "得分",
    "score_places": "得分小数位数",
    "source": "资金来源",
    "spent": "支出数",
    "spent_total": "支出合计",
    "standard": "评分标准",
    "step_pct": "每档百分比",
    "survey": "满意度调查",
    "target": "目标值",
    "template_name": "模板名称",
    "template_revision": "模板版本",
    "template_tenant": "模板所属单位代码",
    "tenant": "单位代码",
    "then": "之后",
    "third_party": "第三方评价",
    "tier": "档次",
    "tiers": "档次",
    "tolerance_pct": "容差百分比",
    "total": "总分",
    "unit": "计量单位",
    "username": "用户名",
    "value": "数值",
    "version": "版本号",
    "weight": "分值",
    "weights": "权重",
    "year": "年度",
}
# 信息公开
LABELS.update(
    {
        "classified": "是否涉密",
        "item": "公开信息（类型:来源编号）",
        "source_id": "公开来源编号（评价或申报表）",
        "source_version": "确认公开的来源版本",
        "targets_version": "公开的绩效目标批复版本",
    }
)
# a label that depends on where the field is
PATH_LABELS = {
    "rule.kind": "评分规则类型",
    "rule.version": "评分规则版本",
    "indicators.kind": "评分规则类型",
}
TYPES = {
    "str": "文本",
    "int": "整数",
    "float": "数字",
    "number": "数字",
    "bool": "true 或 false",
    "object": "JSON 对象（{…}）",
    "array": "数组（[…]）",
    "null": "空值 null",
    "decimal": "十进制数字",
    "uuid": "UUID",
    "datetime": "时间",
    "date": "日期",
    "time": "时刻",
    "bytes": "文本",
}
SOURCES = {"query": "查询参数", "path": "路径参数", "header": "请求头", "cookie": "Cookie"}


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def words(path: str) -> str:
    """The field as the user knows it: 「分值」（points）; a field without a label by its path."""
    plain = re.sub(r"\[\d+\]", "", path)
    last = [p for p in re.split(r"[.\[\]]", path) if p and not p.isdigit()]
    label = PATH_LABELS.get(plain) or (LABELS.get(last[-1]) if last else None)
    return f"「{label}」（{path}）" if label else f"字段「{path}」"


def _types(names: str) -> str:
    kinds = [n.strip() for n in names.split("|")]
    wanted = [TYPES.get(k, "规定的类型") for k in kinds if k != "null"] or [TYPES["null"]]
    return "或".join(dict.fromkeys(wanted))


def _compare(op: str, n: str) -> str:
    return {">=": f"不小于 {n}", "<=": f"不大于 {n}", ">": f"大于 {n}", "<": f"小于 {n}"}.get(op, n)


def _length(want: str, op: str, n: str) -> str:
    unit = "项" if "array" in want or "object" in want else "个字符"
    if op == ">=" and n == "1":
        return "不能为空"
    return f"至少 {n} {unit}" if op.startswith(">") else f"最多 {n} {unit}"


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], str, str], str]]
RULES: list[Rule] = [
    (
        re.compile(r"Object missing required field `(?P<f>[^`]+)`"),
        lambda m, subject, path: f"缺少必填字段{words(_join(path, m['f']))}",
    ),
    (
        re.compile(r"Object contains unknown field `(?P<f>[^`]+)`"),
        lambda m, subject, path: (
            f"{words(_join(path, m['f']))}不是本接口接受的字段，请删除它（字段名区分大小写）"
        ),
    ),
    (
        re.compile(r"Expected `(?P<want>[^`]+)`, got `(?P<got>[^`]+)`"),
        lambda m, subject, path: f"{subject}应为{_types(m['want'])}，收到的是{_types(m['got'])}",
    ),
    (
        re.compile(r"Expected `(?P<want>[^`]+)` of length (?P<op>[<>]=?) (?P<n>\d+)"),
        lambda m, subject, path: f"{subject}{_length(m['want'], m['op'], m['n'])}",
    ),
    (
        re.compile(r"Expected `(?P<want>[^`]+)` matching regex"),
        lambda m, subject, path: f"{subject}的格式不正确",
    ),
    (
        re.compile(r"Expected `(?P<want>[^`]+)` that is a multiple of (?P<n>\S+)"),
        lambda m, subject, path: f"{subject}应为 {m['n']} 的整数倍",
    ),
    (
        re.compile(r"Expected `(?P<want>[^`]+)` (?P<op>[<>]=?) (?P<n>\S+)"),
        lambda m, subject, path: f"{subject}应为{_types(m['want'])}，且{_compare(m['op'], m['n'])}",
    ),
    (
        re.compile(r"Invalid enum value (?P<v>.+)"),
        lambda m, subject, path: f"{subject}不是可选的值（收到 {m['v'][:40]}）",
    ),
    (
        re.compile(r"Invalid value (?P<v>.+)"),
        lambda m, subject, path: f"{subject}不是可选的类型（收到 {m['v'][:40]}）",
    ),
    (
        re.compile(r"Invalid decimal string"),
        lambda m, subject, path: f'{subject}应为十进制数字（如 "0.5"）',
    ),
    (re.compile(r"Invalid UUID"), lambda m, subject, path: f"{subject}应为 UUID 编号"),
    (
        re.compile(r"Invalid RFC3339 encoded datetime"),
        lambda m, subject, path: f"{subject}应为带时区的时间（如 2022-12-31T16:00:00+08:00）",
    ),
    (
        re.compile(r"Invalid RFC3339 encoded date"),
        lambda m, subject, path: f"{subject}应为日期（如 2022-06-30）",
    ),
    (re.compile(r"[Mm]issing required"), lambda m, subject, path: f"缺少{subject}"),
    (
        re.compile(r"JSON is malformed|Input data was truncated"),
        lambda m, subject, path: "请求内容不是有效的 JSON",
    ),
]


def chinese(message: str, key: str | None = None, source: str | None = None) -> str:
    """One of the decoder's messages in Chinese. ``key`` is where Litestar says it happened
    (``data`` for the body as a whole, else the field's path), ``source`` where that is (``body``,
    ``query`` …)."""
    path = "" if key in (None, "", "data", "body") else str(key)
    place = SOURCES.get(source or "", "")
    subject = f"{place}{words(path)}" if path else (place or "请求体")
    for pattern, say in RULES:
        found = pattern.search(message)
        if found is not None:
            return say(found, subject, path)
    return f"{subject}的值不符合要求"
