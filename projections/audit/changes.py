"""What each event changed: its subject and the subject's value before and after.

Values are read from the folded aggregate, so "before → after" is what the platform showed,
whatever the event itself carries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

Value = Callable[[Any, Any], Any]  # (aggregate or None, event) -> JSON-able value


def _node(key_of: Callable[[Any], str], part: Callable[[Any, Any], Any]) -> Value:
    def value(agg: Any, event: Any) -> Any:
        if agg is None:
            return None
        node = agg.nodes.get(key_of(event))
        return None if node is None else part(agg, node)

    return value


def _deduction(agg: Any, event: Any) -> Any:
    if agg is None:
        return None
    d = agg.deductions.get(event.deduction_id)
    return (
        None
        if d is None
        else {"indicator": d.key, "points": str(d.points), "reason": d.reason, "active": d.active}
    )


def _attr(*names: str) -> Value:
    def value(agg: Any, event: Any) -> Any:
        if agg is None:
            return None
        return {n: msgspec.to_builtins(getattr(agg, n)) for n in names}

    return value


def _spec(agg: Any, node: Any) -> Any:
    return msgspec.to_builtins(node.spec)


def _actual(agg: Any, node: Any) -> Any:
    score = agg.score_of(node)
    return {"actual": node.actual, "score": None if score is None else str(score)}


def _score(agg: Any, node: Any) -> Any:
    score = agg.score_of(node)
    return None if score is None else str(score)


def _entry(agg: Any, event: Any) -> Any:
    if agg is None:
        return None
    entry = next((e for e in agg.entries if e.entry_id == event.entry.entry_id), None)
    return None if entry is None else msgspec.to_builtins(entry)


def _key(event: Any) -> str:
    return str(event.key)


# event class name → (subject of the change, its value)
CHANGES: dict[str, tuple[Callable[[Any], str], Value]] = {
    "Evaluation.Started": (lambda e: "", _attr("kind", "evaluator", "year")),
    "Evaluation.IndicatorDefined": (lambda e: e.spec.key, _node(lambda e: e.spec.key, _spec)),
    "Evaluation.ActualRecorded": (_key, _node(_key, _actual)),
    "Evaluation.IndicatorScored": (_key, _node(_key, _score)),
    "Evaluation.LedgerFiguresSynced": (lambda e: "", _attr("ledger")),
    "Evaluation.DeductionApplied": (lambda e: e.deduction_id, _deduction),
    "Evaluation.DeductionRevised": (lambda e: e.deduction_id, _deduction),
    "Evaluation.DeductionWithdrawn": (lambda e: e.deduction_id, _deduction),
    "Evaluation.DeviationNoted": (_key, _node(_key, lambda a, n: n.deviation)),
    "Evaluation.StatedScoreRecorded": (_key, _node(_key, lambda a, n: msgspec.to_builtins(n.stated_score))),
    "Evaluation.StatedTotalRecorded": (lambda e: "", _attr("stated_total", "stated_grade")),
    "Evaluation.StatusChanged": (lambda e: "", _attr("status")),
    "Evaluation.ScoreJudged": (_key, _node(_key, lambda a, n: msgspec.to_builtins(n.judged))),
    "Evaluation.TemplateAdopted": (
        lambda e: e.name,
        lambda a, e: {"template": e.name, "revision": e.revision},
    ),
    "Project.Registered": (lambda e: "", _attr("code", "name", "year")),
    "Project.SummaryRecorded": (lambda e: "", _attr("achieved")),
    "Project.EntryRecorded": (lambda e: e.entry.entry_id, _entry),
    "Project.StatementRecorded": (lambda e: "", _attr("statement")),
    "Tenant.Registered": (lambda e: e.code, _attr("name", "level", "parent")),
    "Tenant.Renamed": (lambda e: "", _attr("name")),
    "User.Registered": (lambda e: e.username, _attr("display_name", "roles")),
    "User.RolesChanged": (lambda e: "", _attr("roles")),
    "User.PasswordSet": (lambda e: "", lambda a, e: "本人修改" if e.by_self else "管理员设置"),
    "User.Disabled": (lambda e: "", _attr("disabled")),
    "User.Enabled": (lambda e: "", _attr("disabled")),
    "User.SignedIn": (lambda e: e.session, lambda a, e: e.method),
    "User.SignInFailed": (lambda e: "", lambda a, e: {"cause": e.cause.value, "attempt": e.attempt}),
    "User.LockedOut": (lambda e: "", _attr("locked_until")),
    "User.SignedOut": (lambda e: e.session, lambda a, e: "ended"),
    "User.TokenIssued": (
        lambda e: e.token_id,
        lambda a, e: {"label": e.label, "expires": e.expires.isoformat()},
    ),
    "User.TokenRevoked": (lambda e: e.token_id, lambda a, e: "revoked"),
    "User.ContactChanged": (lambda e: "", lambda a, e: "个人信息（加密）已更新"),
    "User.PersonalDataErased": (lambda e: "", lambda a, e: "个人信息已删除"),
    "IndicatorTemplate.Published": (lambda e: e.name, _attr("name", "revision")),
    "IndicatorTemplate.Revised": (lambda e: "", _attr("revision")),
}


def _row(key_of: Callable[[Any], str]) -> Value:
    def value(agg: Any, event: Any) -> Any:
        found = None if agg is None else agg.indicators.get(key_of(event))
        return None if found is None else msgspec.to_builtins(found)

    return value


def _in(attribute: str, key_of: Callable[[Any], str]) -> Value:
    """An entry of a dict attribute (an adjustment, a line, an alert) as it stood."""

    def value(agg: Any, event: Any) -> Any:
        found = None if agg is None else getattr(agg, attribute).get(key_of(event))
        return None if found is None else msgspec.to_builtins(found)

    return value


def _adjustment_id(event: Any) -> str:
    return str(event.adjustment.adjustment_id if hasattr(event, "adjustment") else event.adjustment_id)


def _adjusted(agg: Any, event: Any) -> Any:
    if agg is None:
        return None
    entry = agg.adjustments.get(_adjustment_id(event))
    return {"adjustment": msgspec.to_builtins(entry), "versions": len(agg.versions)}


# the first half of the year: 绩效目标 and 绩效运行监控
CYCLE_CHANGES: dict[str, tuple[Callable[[Any], str], Value]] = {
    "TargetDeclaration.Declared": (lambda e: "", _attr("project_name", "year", "status")),
    "TargetDeclaration.DetailsRecorded": (lambda e: "", _attr("details")),
    "TargetDeclaration.IndicatorSet": (lambda e: e.indicator.key, _row(lambda e: e.indicator.key)),
    "TargetDeclaration.IndicatorRemoved": (lambda e: e.key, _row(lambda e: e.key)),
    "TargetDeclaration.Submitted": (lambda e: "", _attr("status")),
    "TargetDeclaration.Reviewed": (lambda e: e.review.stage.value, _attr("status")),
    "TargetDeclaration.AdjustmentRequested": (_adjustment_id, _adjusted),
    "TargetDeclaration.AdjustmentDecided": (_adjustment_id, _adjusted),
    "MonitoringRound.Opened": (lambda e: e.name, _attr("name", "period_end", "deadline", "status")),
    "MonitoringRound.Closed": (lambda e: "", _attr("status")),
    "MonitoringReport.Started": (lambda e: "", _attr("project_name", "targets_version")),
    "MonitoringReport.ExecutionTaken": (lambda e: "", _attr("execution")),
    "MonitoringReport.LineAnswered": (lambda e: e.line.key, _in("lines", lambda e: e.line.key)),
    "MonitoringReport.Submitted": (lambda e: "", _attr("submitted")),
    "MonitoringReport.AlertRaised": (
        lambda e: e.alert.warning_id,
        _in("alerts", lambda e: e.alert.warning_id),
    ),
    "MonitoringReport.AlertResolved": (lambda e: e.warning_id, _in("alerts", lambda e: e.warning_id)),
}
CHANGES.update(CYCLE_CHANGES)


def _target(e: Any) -> str:
    return f"{e.target.kind.value}:{e.target.key}"


# 佐证材料: the attachment (name, hash, size, removed or not) as it stood before and after
EVIDENCE_CHANGES: dict[str, tuple[Callable[[Any], str], Value]] = {
    "EvidenceFile.Opened": (_target, lambda a, e: None),
    "EvidenceFile.Attached": (_target, _in("attachments", lambda e: e.attachment_id)),
    "EvidenceFile.Detached": (_target, _in("attachments", lambda e: e.attachment_id)),
}
CHANGES.update(EVIDENCE_CHANGES)


def _finding_id(event: Any) -> str:
    return str(event.finding.finding_id if hasattr(event, "finding") else event.finding_id)


def _standing(agg: Any, event: Any) -> Any:
    """A 整改's status with its deadline and the count of answers and verdicts."""
    if agg is None:
        return None
    return {
        "status": agg.status.value,
        "answer_by": None if agg.answer_by is None else agg.answer_by.isoformat(),
        "answers": len(agg.answers),
        "reviews": len(agg.reviews),
    }


# 整改: each finding by its id; the demand, answers and verdicts as the status they left
RECTIFICATION_CHANGES: dict[str, tuple[Callable[[Any], str], Value]] = {
    "Rectification.Opened": (
        lambda e: e.source_label,
        _attr("project_name", "demander", "send_by", "status"),
    ),
    "Rectification.FindingRecorded": (_finding_id, _in("findings", _finding_id)),
    "Rectification.FindingWithdrawn": (_finding_id, _in("findings", _finding_id)),
    "Rectification.Sent": (lambda e: "", _attr("requirement", "sent_on", "answer_by", "status")),
    "Rectification.MeasuresFiled": (lambda e: "", _standing),
    "Rectification.Reviewed": (lambda e: "accepted" if e.review.accepted else "not_accepted", _standing),
    "Rectification.OverdueWarned": (lambda e: e.warning.which, lambda a, e: msgspec.to_builtins(e.warning)),
}
CHANGES.update(RECTIFICATION_CHANGES)


def _advice(agg: Any, event: Any) -> Any:
    if agg is None:
        return None
    out = {
        "advice": agg.outcome.advice.value,
        "cut_pct": str(agg.outcome.cut_pct),
        "inputs": msgspec.to_builtins(agg.inputs),
    }
    if agg.decision is not None:
        out["decision"] = agg.decision[0].value
        out["applied"] = msgspec.to_builtins(agg.decision[1])
    return out


# 结果应用: a policy's revision, a recommendation's advice with its inputs and the decision on it
RESULTS_CHANGES: dict[str, tuple[Callable[[Any], str], Value]] = {
    "ResultPolicy.Adopted": (lambda e: "", _attr("revision", "rules")),
    "ResultPolicy.Revised": (lambda e: "", _attr("revision", "rules")),
    "Recommendation.Made": (lambda e: e.inputs.grade, _advice),
    "Recommendation.Remade": (lambda e: e.inputs.rectification or e.inputs.grade, _advice),
    "Recommendation.Decided": (lambda e: e.decision.value, _advice),
}
CHANGES.update(RESULTS_CHANGES)

# 评价报告: the engagement data, each part of the outline by its key (the text before and after)
REPORT_CHANGES: dict[str, tuple[Callable[[Any], str], Value]] = {
    "EvaluationReport.Started": (lambda e: "", _attr("project_name", "year")),
    "EvaluationReport.EngagementRecorded": (lambda e: "", _attr("engagement")),
    "EvaluationReport.SectionWritten": (
        lambda e: e.key,
        lambda a, e: None if a is None else a.sections.get(e.key),
    ),
}
CHANGES.update(REPORT_CHANGES)

# 委托第三方: a firm's relations by bureau; an engagement's grant, acceptance, staff, revocation
ENGAGEMENT_CHANGES: dict[str, tuple[Callable[[Any], str], Value]] = {
    "FirmRecord.Recorded": (lambda e: e.firm_code, _attr("name")),
    "FirmRecord.RelationRecorded": (lambda e: e.bureau, _attr("related")),
    "Engagement.Granted": (lambda e: e.firm_code, _attr("name", "evaluations", "start", "end", "staff")),
    "Engagement.Accepted": (lambda e: e.by, _attr("accepted_by", "declaration")),
    "Engagement.StaffChanged": (lambda e: "", _attr("staff")),
    "Engagement.Revoked": (lambda e: "", _attr("revoked")),
}
CHANGES.update(ENGAGEMENT_CHANGES)


def _publication(agg: Any, event: Any) -> Any:
    key = event.key if hasattr(event, "key") else f"{event.kind.value}:{event.source_id}"
    item = None if agg is None else agg.items.get(key)
    if item is None:
        return None
    return {"kind": item.kind.value, "source_version": item.source_version, "withdrawn": item.withdrawn}


# 信息公开: each publish act and withdrawal, and a project's 涉密 mark
DISCLOSURE_CHANGES: dict[str, tuple[Callable[[Any], str], Value]] = {
    "ProjectDisclosure.Opened": (lambda e: "", _attr("year")),
    "ProjectDisclosure.Published": (lambda e: f"{e.kind.value}:{e.source_id}", _publication),
    "ProjectDisclosure.Withdrawn": (lambda e: e.key, _publication),
    "Project.ClassificationChanged": (lambda e: "", _attr("classified")),
}
CHANGES.update(DISCLOSURE_CHANGES)


def change_of(type_name: str) -> tuple[Callable[[Any], str], Value]:
    return CHANGES.get(type_name, (lambda e: "", lambda a, e: None))
