"""An API worker's caches stay within their bounds, and forgetting an entry never changes an answer:
the next command on it reads the log again (services/app/lru.py)."""

from __future__ import annotations

from decimal import Decimal

from domain.evaluation import Evaluation
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.tenants import TenantLevel
from services.app.application import JixiaoApplication
from services.app.lru import Lru
from services.app.writes import CommandCache
from services.eventlog.memory import InMemoryEventLog
from services.runtime.settings import Settings
from tests.support import deduct, define, evaluation, project, register, staff

CALLER = staff("360100", "cache")


def test_entries_never_exceed_the_bound_and_the_least_recent_goes_first() -> None:
    cache: Lru[int, str] = Lru(3)
    for k in range(10):
        cache.put(k, str(k))
        cache.get(0)  # the first stays the recently used one
        assert len(cache) <= 3
    assert [cache.get(k) for k in (0, 7, 8, 9)] == ["0", None, "8", "9"]
    assert cache.evicted == 7


def test_the_weight_bound_holds_and_an_entry_heavier_than_the_budget_is_not_kept() -> None:
    cache: Lru[str, int] = Lru(100, weight=10)
    for k in range(20):
        cache.put(f"k{k}", k, weight=3)
        assert cache.weight <= 10
    assert len(cache) == 3
    cache.put("huge", 0, weight=11)
    assert "huge" not in cache and cache.weight == 9
    cache.put("k19", 1, weight=1)  # replacing an entry replaces its weight
    assert cache.weight == 7 and cache.get("k19") == 1
    cache.pop("k19")
    assert cache.weight == 6


def _evaluations(app: JixiaoApplication, n: int) -> list[Evaluation]:
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    found = []
    for i in range(n):
        p = project(app, CALLER, f"C{i}", f"项目{i}", 2023)
        e = evaluation(app, CALLER, p.id)
        found.append(define(app, CALLER, e.id, IndicatorSpec("1", "规范", Decimal(100), rule=Manual())))
    return found


def test_an_evicted_aggregate_reloads_from_the_log_with_every_change() -> None:
    app = JixiaoApplication(InMemoryEventLog(), cache_size=2)
    evs = _evaluations(app, 5)
    commands = app.commands
    assert commands is not None
    for round_ in range(3):
        for i, ev in enumerate(evs):
            deduct(app, CALLER, ev.id, f"D{round_}.{i}", "1", "0.5", "材料不全")
            assert len(commands.entries) <= 2
    assert commands.entries.evicted > 0
    for ev in evs:
        stored = app.load(Evaluation, ev.id)
        assert sorted(stored.deductions) == [f"D{r}.{evs.index(ev)}" for r in range(3)]
        assert stored.version == ev.version + 3


def test_the_command_cache_keeps_the_events_folded_within_its_budget() -> None:
    app = JixiaoApplication(InMemoryEventLog())
    evs = _evaluations(app, 4)
    heaviest = max(ev.version for ev in evs)
    cache = CommandCache(100, events=2 * heaviest)
    for ev in evs:
        cache.put(ev)
        assert cache.entries.weight <= 2 * heaviest
    assert len(cache.entries) == 2 and cache.copy(evs[0].id) is None
    kept = cache.copy(evs[-1].id)
    assert kept is not evs[-1] and kept.version == evs[-1].version


def test_the_tenant_lineages_are_bounded_too() -> None:
    app = JixiaoApplication(InMemoryEventLog(), tenants_cached=2)
    register(app, "360000", "江西省医疗保障局", TenantLevel.PROVINCE)
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL, "360000")
    for code in ("360101", "360102", "360103"):
        register(app, code, f"县区{code}", TenantLevel.COUNTY, "360100")
    for _ in range(2):
        for code in ("360101", "360102", "360103"):
            assert app.tree.lineage(code) == (code, "360100", "360000")
            assert len(app.tree.lineages) <= 2


def test_the_bounds_are_settings() -> None:
    settings = Settings.from_env(
        {"JIXIAO_CACHE_AGGREGATES": "10", "JIXIAO_CACHE_EVENTS": "500", "JIXIAO_CACHE_TENANTS": "0"}
    )
    assert (settings.cache_aggregates, settings.cache_events, settings.cache_tenants) == (10, 500, 0)
    assert Settings.from_env({}).cache_aggregates == 2000
