"""Shortcuts for tests that drive the application service: callers and a bureau's first steps.

Tests call the same named commands the adapters call (``JixiaoApplication``), with the same
input Structs; these helpers only save the repetition of setting up bureaus and callers.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from argon2 import PasswordHasher

from domain.evaluation import Evaluation, EvaluationKind
from domain.indicators import IndicatorSpec
from domain.ledger import Project
from domain.rules import Manual
from domain.tenants import Role, Tenant, TenantLevel
from services.app.accounts import Accounts
from services.app.application import JixiaoApplication
from services.app.commands.inputs import (
    ApplyDeduction,
    RegisterProject,
    RegisterTenant,
    StartEvaluation,
)
from services.app.credentials import InMemoryCredentials
from services.app.personal import InMemoryKeyStore, Personal
from services.app.policy import Caller
from services.commands.imports import operator

__all__ = ["operator"]


def staff(tenant: str, user: str = "staff", *roles: Role, cid: str = "corr") -> Caller:
    """A person of ``tenant`` (every role unless some are named)."""
    return Caller(user, tenant, frozenset(roles or tuple(Role)), correlation_id=cid)


def register(
    app: JixiaoApplication, code: str, name: str, level: TenantLevel, parent: str | None = None
) -> Tenant:
    """A bureau, registered by the platform's operator."""
    return app.register_tenant(operator("000000"), RegisterTenant(code, name, level, parent))


def project(app: JixiaoApplication, caller: Caller, code: str, name: str, year: int) -> Project:
    return app.register_project(caller, caller.tenant, RegisterProject(code, name, year))


def evaluation(
    app: JixiaoApplication,
    caller: Caller,
    project_id: UUID,
    name: str = "自评",
    kind: EvaluationKind = EvaluationKind.SELF,
    grades: str = "default",
) -> Evaluation:
    return app.start_evaluation(caller, project_id, StartEvaluation(kind, name, grades=grades))  # type: ignore[arg-type]


def define(app: JixiaoApplication, caller: Caller, evaluation_id: UUID, *specs: IndicatorSpec) -> Evaluation:
    e = None
    for spec in specs:
        e = app.define_indicator(caller, evaluation_id, spec).aggregate
    assert e is not None
    return e


def deduct(
    app: JixiaoApplication,
    caller: Caller,
    evaluation_id: UUID,
    deduction_id: str,
    key: str,
    points: Decimal | str,
    reason: str,
    expected_version: int | None = None,
) -> Evaluation:
    body = ApplyDeduction(key, Decimal(points), reason, deduction_id=deduction_id)
    return app.apply_deduction(caller, evaluation_id, body, expected_version).aggregate


def events_of(app: JixiaoApplication, aggregate_id: UUID) -> list[object]:
    """The aggregate's stored events, decoded, in order."""
    decode = app.log.mapper.decode_row
    return [
        decode(oid, v, topic, state)
        for _, oid, v, topic, state in app.log.read(0, 10**7)
        if oid == aggregate_id
    ]


FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # tests set many passwords


def quick_accounts(app: JixiaoApplication) -> Accounts:
    """The account service with in-memory passwords and personal-data keys and cheap hashing."""
    return Accounts(app, InMemoryCredentials(), Personal(InMemoryKeyStore()), hasher=FAST_HASHER)


def finalized_evaluation(
    app: JixiaoApplication,
    evaluator: Caller,
    project_id: UUID,
    kind: EvaluationKind = EvaluationKind.DEPARTMENT,
    finalize: bool = True,
) -> Evaluation:
    """An evaluation by ``evaluator``'s bureau of one manual indicator (1 → 1.1), submitted and
    finalized unless ``finalize`` is false."""
    ev = evaluation(
        app, evaluator, project_id, "部门评价" if kind is EvaluationKind.DEPARTMENT else "自评", kind
    )
    define(
        app,
        evaluator,
        ev.id,
        IndicatorSpec("1", "产出", Decimal(100)),
        IndicatorSpec("1.1", "宣传覆盖", Decimal(100), parent="1", rule=Manual()),
    )
    if finalize:
        app.submit(evaluator, ev.id)
        app.finalize(evaluator, ev.id)
    return app.evaluation(ev.id)
