"""A dashboard consuming 信息公开 over NATS (real nats-server, the relay, the documented example
consumer): the city's user receives its district's ``disclosure.published`` with the frozen content
(decoded by the contract, scores and money as Decimal), then ``disclosure.withdrawn`` with the
reason and ``project.classification_changed``, in order; the sibling district's user receives none."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from projections.core.runner import wait_until
from services.compose import build_application
from services.relay.contracts.disclosure import DisclosurePublished
from tests.integration.relay_support import event_positions, relay_thread, relayed_position, start_server
from tests.integration.test_relay_permissions import drain_durable
from tests.relay_events import every_kind_of_event


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Any:
    nats_server = start_server(tmp_path)
    app = build_application(database_url)
    every_kind_of_event(app)
    app.close()
    with relay_thread(database_url, nats_server.url):
        assert wait_until(lambda: relayed_position(database_url) == max(event_positions(database_url)))
    try:
        yield nats_server
    finally:
        nats_server.stop()


def test_a_dashboard_follows_publications(server: Any) -> None:
    city = asyncio.run(drain_durable(server, "360100"))
    mine = [
        m
        for m in city
        if getattr(m, "aggregate_type", "") == "disclosure"
        or m.__class__.__name__.startswith("ProjectClassification")
    ]
    types = [type(m).__name__ for m in mine]
    assert types == [
        "DisclosureOpenedMessage",
        "DisclosurePublishedMessage",
        "DisclosureWithdrawnMessage",
        "ProjectClassificationChangedMessage",
    ]
    published = mine[1].payload  # type: ignore[attr-defined]
    assert isinstance(published, DisclosurePublished)
    assert published.kind == "targets" and published.content.bureau == "360102"
    assert published.content.targets and published.content.targets_version == 2
    withdrawn = mine[2]
    assert withdrawn.tenant_path == ["360000", "360100", "360102"]
    assert withdrawn.reason == "依规撤回"  # type: ignore[attr-defined]
    sibling = asyncio.run(drain_durable(server, "360103"))
    assert not [m for m in sibling if getattr(m, "aggregate_type", "") == "disclosure"]
