"""Deterministic ids: uuid5 namespaced by tenant and natural key, so re-imports never duplicate."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

NAMESPACE = uuid5(NAMESPACE_URL, "https://jixiao.invalid/ids")


def tenant_id(code: str) -> UUID:
    return uuid5(NAMESPACE, f"tenant/{code}")


def user_id(tenant: str, username: str) -> UUID:
    return uuid5(NAMESPACE, f"{tenant}/user/{username}")


def project_id(tenant: str, year: int, code: str) -> UUID:
    return uuid5(NAMESPACE, f"{tenant}/project/{year}/{code}")


def evaluation_id(tenant: str, project: UUID, kind: str, key: str) -> UUID:
    """One evaluation per project, kind and evaluator key (the evaluating organisation)."""
    return uuid5(NAMESPACE, f"{tenant}/evaluation/{project}/{kind}/{key}")


def template_id(tenant: str, name: str) -> UUID:
    return uuid5(NAMESPACE, f"{tenant}/template/{name}")


def declaration_id(tenant: str, project: UUID) -> UUID:
    """One 绩效目标申报表 per project (a project is one year's)."""
    return uuid5(NAMESPACE, f"{tenant}/targets/{project}")


def round_id(tenant: str, year: int, name: str) -> UUID:
    """A monitoring round, by the bureau that opens it, the year and its name (e.g. 1–7月)."""
    return uuid5(NAMESPACE, f"{tenant}/monitoring/{year}/{name}")


def report_id(round_: UUID, project: UUID) -> UUID:
    """A project's answer to a monitoring round."""
    return uuid5(NAMESPACE, f"monitoring-report/{round_}/{project}")


def rectification_id(source: UUID) -> UUID:
    """The rectification (整改) of an evaluation or a monitoring report: one per source."""
    return uuid5(NAMESPACE, f"rectification/{source}")


def policy_id(tenant: str) -> UUID:
    """A bureau's 结果应用 policy (its finance side's; one per bureau, revised in place)."""
    return uuid5(NAMESPACE, f"{tenant}/result-policy")


def recommendation_id(evaluation: UUID) -> UUID:
    """The budget recommendation of an evaluation (one per evaluation, made again as it changes)."""
    return uuid5(NAMESPACE, f"recommendation/{evaluation}")


def evaluation_report_id(evaluation: UUID) -> UUID:
    """The evaluation report (评价报告) of an evaluation: one per evaluation."""
    return uuid5(NAMESPACE, f"evaluation-report/{evaluation}")


def disclosure_id(tenant: str, project: UUID) -> UUID:
    """A project's publications (信息公开)."""
    return uuid5(NAMESPACE, f"{tenant}/disclosure/{project}")


def firm_id(tenant: str, firm_code: str) -> UUID:
    """What a bureau has recorded of a firm (by its 统一社会信用代码)."""
    return uuid5(NAMESPACE, f"{tenant}/firm/{firm_code}")


def engagement_id(tenant: str, firm_code: str, name: str) -> UUID:
    """A bureau's engagement of a firm, by the firm and the engagement's name."""
    return uuid5(NAMESPACE, f"{tenant}/engagement/{firm_code}/{name}")
