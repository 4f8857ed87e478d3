"""Projects and their budget ledger (预算台账).

Entries are never edited: a correction is a new entry that references the one it corrects.
Derived figures per funding source: 年初预算数, 全年预算数 (initial + adjustments),
实际到位资金, 实际支出; and the rates 资金到位率 = received / annual budget,
预算执行率 = spent / received (财预〔2020〕10号), 执行率(B/A) = spent / annual budget.
"""

from __future__ import annotations

import datetime
import enum
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import msgspec

from domain.base import TenantAggregate, check_id
from domain.context import Meta
from domain.errors import DomainError, Flag, InvalidState, NotFound
from domain.ids import project_id
from domain.money import format_yuan, rate_pct, to_yuan


class FundingSource(enum.StrEnum):
    CURRENT = "当年财政拨款"
    CARRYOVER = "上年结转资金"
    OTHER = "其他资金"


class EntryKind(enum.StrEnum):
    INITIAL_BUDGET = "initial_budget"  # 年初预算
    ADJUSTMENT = "adjustment"  # 预算调整 (may be negative)
    RECEIVED = "received"  # 资金到位
    EXPENDITURE = "expenditure"  # 支出
    CORRECTION = "correction"  # 更正 (signed, refers to the corrected entry)


ENTRY_LABEL = {
    EntryKind.INITIAL_BUDGET: "年初预算",
    EntryKind.ADJUSTMENT: "预算调整",
    EntryKind.RECEIVED: "资金到位",
    EntryKind.EXPENDITURE: "支出",
    EntryKind.CORRECTION: "更正",
}


class LedgerEntry(msgspec.Struct, frozen=True, omit_defaults=True):
    entry_id: str
    kind: EntryKind
    source: FundingSource
    amount: Decimal  # yuan, 2 decimals
    on: datetime.date
    document: str = ""  # 文号 / 凭证号, e.g. 巴医保发【2021】3号
    purpose: str = ""
    corrects: str | None = None


class SourceTotals(msgspec.Struct, frozen=True):
    initial: Decimal = Decimal("0.00")
    annual: Decimal = Decimal("0.00")
    received: Decimal = Decimal("0.00")
    spent: Decimal = Decimal("0.00")

    @property
    def funds_received_rate(self) -> Decimal | None:
        return rate_pct(self.received, self.annual)

    @property
    def execution_rate(self) -> Decimal | None:
        """预算执行率 = 实际支出 / 实际到位 (财预〔2020〕10号)."""
        return rate_pct(self.spent, self.received)

    @property
    def budget_execution_rate(self) -> Decimal | None:
        """执行率 (B/A) = 全年执行数 / 全年预算数 (自评表)."""
        return rate_pct(self.spent, self.annual)


class LedgerStatement(msgspec.Struct, frozen=True, omit_defaults=True):
    """Figures as a form states them (in yuan), kept to cross-check the entries."""

    initial_total: Decimal | None = None
    annual_total: Decimal | None = None
    spent_total: Decimal | None = None
    by_source: dict[FundingSource, SourceTotals] = {}
    # rates as the form prints them (per cent), cross-checked against the entries
    funds_received_rate: Decimal | None = None  # 资金到位率
    execution_rate: Decimal | None = None  # 预算执行率 (支出 / 到位)
    budget_execution_rate: Decimal | None = None  # 执行率 (B/A)


_BUCKET = {
    EntryKind.INITIAL_BUDGET: ("initial", "annual"),
    EntryKind.ADJUSTMENT: ("annual",),
    EntryKind.RECEIVED: ("received",),
    EntryKind.EXPENDITURE: ("spent",),
}


def totals_of(entries: list[LedgerEntry]) -> dict[FundingSource, SourceTotals]:
    by_id = {e.entry_id: e for e in entries}
    sums: dict[FundingSource, dict[str, Decimal]] = {}
    for e in entries:
        kind = by_id[e.corrects].kind if e.kind == EntryKind.CORRECTION and e.corrects else e.kind
        bucket = sums.setdefault(e.source, {})
        for field in _BUCKET[kind]:
            bucket[field] = bucket.get(field, Decimal("0.00")) + e.amount
    return {src: SourceTotals(**vals) for src, vals in sums.items()}


def grand_total(per_source: dict[FundingSource, SourceTotals]) -> SourceTotals:
    return SourceTotals(
        initial=sum((t.initial for t in per_source.values()), Decimal("0.00")),
        annual=sum((t.annual for t in per_source.values()), Decimal("0.00")),
        received=sum((t.received for t in per_source.values()), Decimal("0.00")),
        spent=sum((t.spent for t in per_source.values()), Decimal("0.00")),
    )


class Project(TenantAggregate):
    """One budget project of one bureau and fiscal year (项目)."""

    class Registered(TenantAggregate.Created):
        code: str
        name: str
        year: int
        department: str
        implementing_unit: str
        goal: str

    class SummaryRecorded(TenantAggregate.Event):
        achieved: str

        def apply(self, aggregate: Any) -> None:
            aggregate.achieved = self.achieved

    class EntryRecorded(TenantAggregate.Event):
        entry: LedgerEntry

        def apply(self, aggregate: Any) -> None:
            aggregate.entries.append(self.entry)
            if self.meta.reason:  # a correction's (or an adjustment's) reason, shown with the entry
                aggregate.reasons[self.entry.entry_id] = self.meta.reason

    class StatementRecorded(TenantAggregate.Event):
        statement: LedgerStatement

        def apply(self, aggregate: Any) -> None:
            aggregate.statement = self.statement

    class ClassificationChanged(TenantAggregate.Event):
        """标记涉密 / 取消涉密, decided by the bureau itself (with the reason)."""

        classified: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.classified = self.classified

    classified = False  # 涉密: never published (the class default reads older snapshots too)

    def __init__(
        self, meta: Meta, code: str, name: str, year: int, department: str, implementing_unit: str, goal: str
    ) -> None:
        self.tenant = meta.tenant
        self.code = code
        self.name = name
        self.year = year
        self.department = department
        self.implementing_unit = implementing_unit
        self.goal = goal
        self.achieved = ""
        self.entries: list[LedgerEntry] = []
        self.statement: LedgerStatement | None = None
        self.reasons: dict[str, str] = {}  # entry id → the reason recorded with it

    @classmethod
    def register(
        cls,
        tenant: str,
        code: str,
        name: str,
        year: int,
        department: str = "",
        implementing_unit: str = "",
        goal: str = "",
    ) -> Project:
        if not code.strip() or not name.strip():
            raise DomainError("项目编号和项目名称不能为空", code="project.name_empty")
        if not 2000 <= year <= 2100:
            raise DomainError(f"年度 {year} 不在 2000–2100 之间", code="project.year_invalid")
        project: Project = cls._start(
            cls.Registered,
            id=project_id(tenant, year, code.strip()),
            tenant=tenant,
            code=code.strip(),
            name=name.strip(),
            year=year,
            department=department.strip(),
            implementing_unit=implementing_unit.strip(),
            goal=goal.strip(),
        )
        return project

    def classify(self, classified: bool, reason: str, published: int = 0) -> None:
        """Mark the project 涉密 (or lift the mark). ``published`` is how many items of it are
        public: a project cannot be marked while any is — withdraw them first."""
        if not reason.strip():
            raise DomainError("标记或取消涉密须说明原因", code="project.reason_missing")
        if classified == self.classified:
            raise InvalidState(
                "项目已标记为涉密" if classified else "项目未标记为涉密",
                code="project.classification_unchanged",
            )
        if classified and published:
            raise InvalidState(f"项目有 {published} 项公开信息，请先撤回再标记涉密", code="project.published")
        self._emit(self.ClassificationChanged, reason=reason.strip(), classified=classified)

    def record_summary(self, achieved: str) -> None:
        if achieved.strip() != self.achieved:
            self._emit(self.SummaryRecorded, achieved=achieved.strip())

    def record_entry(
        self,
        kind: EntryKind,
        source: FundingSource,
        amount: Decimal,
        on: datetime.date,
        *,
        document: str = "",
        purpose: str = "",
        corrects: str | None = None,
        entry_id: str | None = None,
        reason: str = "",
    ) -> LedgerEntry:
        """Record a budget, receipt, expenditure or correction; refuses what cannot be right."""
        if entry_id is not None:
            check_id(entry_id, "台账条目编号")
        entry_id = entry_id or f"L{len(self.entries) + 1:04d}"
        row = f"台账 {entry_id}（{ENTRY_LABEL[kind]}，{source.value}）"
        if any(e.entry_id == entry_id for e in self.entries):
            raise DomainError("台账条目编号已存在", code="ledger.duplicate_entry", row=row)
        if amount != to_yuan(amount):
            raise DomainError(
                f"金额 {amount} 超过两位小数（单位：元）", code="ledger.amount_precision", row=row
            )
        if kind == EntryKind.CORRECTION:
            self._check_correction(corrects, source, amount, row)
            if not reason.strip():
                raise DomainError("更正必须说明原因", code="ledger.reason_missing", row=row)
        elif corrects is not None:
            raise DomainError("只有更正条目可以引用其他条目", code="ledger.corrects_not_allowed", row=row)
        elif kind != EntryKind.ADJUSTMENT and amount < 0:
            raise DomainError(f"金额不能为负数：{amount}", code="ledger.amount_negative", row=row)
        elif amount == 0:
            raise DomainError("金额不能为零", code="ledger.amount_zero", row=row)
        entry = LedgerEntry(entry_id, kind, source, amount, on, document.strip(), purpose.strip(), corrects)
        after = totals_of([*self.entries, entry]).get(source, SourceTotals())
        if after.annual < 0 or after.received < 0 or after.spent < 0:
            raise DomainError(
                "记账后该资金来源的预算、到位或支出为负数", code="ledger.total_negative", row=row
            )
        self._emit(self.EntryRecorded, reason=reason, entry=entry)
        return entry

    def _check_correction(
        self, corrects: str | None, source: FundingSource, amount: Decimal, row: str
    ) -> None:
        target = next((e for e in self.entries if e.entry_id == corrects), None)
        if corrects is None or target is None:
            raise NotFound(f"要更正的台账条目「{corrects}」不存在", code="ledger.entry_unknown", row=row)
        if target.kind == EntryKind.CORRECTION:
            raise DomainError("请更正原始条目，而不是更正条目", code="ledger.correct_correction", row=row)
        if target.source != source:
            raise DomainError("更正条目的资金来源必须与原条目一致", code="ledger.source_mismatch", row=row)
        if amount == 0:
            raise DomainError("更正金额不能为零", code="ledger.amount_zero", row=row)

    def record_statement(self, statement: LedgerStatement) -> None:
        for label, rate in (
            ("资金到位率", statement.funds_received_rate),
            ("预算执行率", statement.execution_rate),
            ("执行率", statement.budget_execution_rate),
        ):
            if rate is not None and not 0 <= rate <= 1000:
                raise DomainError(
                    f"表中{label} {rate}% 不在 0–1000% 之间（比率按百分数填写，如 87.41）",
                    code="statement.rate_invalid",
                    row=label,
                )
        self._emit(self.StatementRecorded, statement=statement)

    # ---- derived figures -------------------------------------------------------------
    def totals(self) -> dict[FundingSource, SourceTotals]:
        return totals_of(self.entries)

    def total_until(self, day: datetime.date) -> SourceTotals:
        """The 合计 as the ledger stood at the end of ``day`` (a correction counts with the entry
        it corrects, when that entry had been recorded by then)."""
        kept = [e for e in self.entries if e.on <= day]
        ids = {e.entry_id for e in kept}
        kept = [e for e in kept if e.kind is not EntryKind.CORRECTION or e.corrects in ids]
        return grand_total(totals_of(kept))

    def total(self) -> SourceTotals:
        return grand_total(self.totals())

    def flags(self) -> list[Flag]:
        return ledger_flags(self.year, self.entries, self.statement)


def _pct(p: Decimal | None) -> str:
    return "—" if p is None else f"{p.quantize(Decimal('0.01'))}%"


def ledger_flags(year: int, entries: list[LedgerEntry], statement: LedgerStatement | None) -> list[Flag]:
    """Suspicious but possible: kept and shown."""
    flags: list[Flag] = []
    per_source = totals_of(entries)
    for src, t in [*per_source.items(), ("合计", grand_total(per_source))]:
        name = src.value if isinstance(src, FundingSource) else src
        if t.execution_rate is not None and t.execution_rate > 100:
            flags.append(
                Flag(
                    "ledger.execution_above_100", f"{name}预算执行率 {_pct(t.execution_rate)} 超过100%", name
                )
            )
        if t.spent > t.annual and t.annual > 0:
            flags.append(
                Flag(
                    "ledger.spent_above_budget",
                    f"{name}支出 {format_yuan(t.spent)} 元超过全年预算 {format_yuan(t.annual)} 元",
                    name,
                )
            )
    for e in entries:
        if e.on.year != year:
            flags.append(Flag("ledger.date_outside_year", f"条目日期 {e.on} 不在 {year} 年度内", e.entry_id))
    if statement is not None:
        flags.extend(_statement_flags(statement, per_source))
    return flags


def _printed_rate_flags(st: LedgerStatement, computed: SourceTotals) -> list[Flag]:
    """A printed rate agrees when it is the computed rate rounded (half-up) to the decimals
    printed — 87 %, 87.4 % and 87.41 % all agree with 87.4138 %; 87.5 % does not."""
    flags: list[Flag] = []
    for label, printed, top, bottom in (
        ("资金到位率", st.funds_received_rate, computed.received, computed.annual),
        ("预算执行率", st.execution_rate, computed.spent, computed.received),
        ("执行率", st.budget_execution_rate, computed.spent, computed.annual),
    ):
        if printed is None or bottom == 0:
            continue
        exponent = printed.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        exact = top * 100 / bottom
        shown = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if shown != printed:
            flags.append(
                Flag(
                    "ledger.printed_rate_mismatch",
                    f"表中{label} {printed}% 与台账计算的 {shown}%（{_pct(exact)}）不一致",
                    label,
                )
            )
    return flags


def _statement_flags(st: LedgerStatement, per_source: dict[FundingSource, SourceTotals]) -> list[Flag]:
    flags: list[Flag] = []
    stated_parts = grand_total(dict(st.by_source)) if st.by_source else None
    computed = grand_total(per_source)
    for label, stated, part_sum, actual in (
        ("年初预算数", st.initial_total, stated_parts.initial if stated_parts else None, computed.initial),
        ("全年预算数", st.annual_total, stated_parts.annual if stated_parts else None, computed.annual),
        ("全年执行数", st.spent_total, stated_parts.spent if stated_parts else None, computed.spent),
    ):
        if stated is None:
            continue
        if part_sum is not None and part_sum != stated:
            flags.append(
                Flag(
                    "ledger.parts_mismatch",
                    f"{label}合计 {format_yuan(stated)} 元与各资金来源之和 {format_yuan(part_sum)} 元不一致",
                    label,
                )
            )
        if per_source and actual != stated:
            flags.append(
                Flag(
                    "ledger.statement_mismatch",
                    f"表中{label} {format_yuan(stated)} 元与台账计算的 {format_yuan(actual)} 元不一致",
                    label,
                )
            )
    if per_source:
        flags.extend(_printed_rate_flags(st, computed))
    return flags
