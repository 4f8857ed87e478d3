"""The stored-event mapper: round trips, old rows stay readable (upcast), disagreeing rows refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

import msgspec
import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import MapperDeserialisationError, StoredEvent

from services.eventlog.mapper import MsgspecMapper
from services.eventlog.topics import Topics


class Account(Aggregate):
    class Opened(Aggregate.Created):
        owner: str

    class Deposited(Aggregate.Event):
        amount: Decimal
        currency: str

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["currency"] = "CNY"  # v1 had no currency: every amount was in yuan

        def apply(self, aggregate: Any) -> None:
            aggregate.balance += self.amount

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.balance = Decimal(0)


ACCOUNT = f"{__name__}:Account"
DEPOSITED = f"{ACCOUNT}.Deposited"
MAPPER = MsgspecMapper(
    Topics(
        aggregates={ACCOUNT: Account},
        events={f"{ACCOUNT}.Opened": Account.Opened, DEPOSITED: Account.Deposited},
    )
)


def test_round_trip_keeps_decimal_and_time() -> None:
    account = Account._create(Account.Opened, id=uuid4(), owner="明光")
    account.trigger_event(Account.Deposited, amount=Decimal("14.40"), currency="CNY")
    events = account.collect_events()
    stored = [MAPPER.to_stored_event(e) for e in events]
    assert [MAPPER.to_domain_event(row) for row in stored] == events
    assert stored[1].topic == DEPOSITED + "#v2"
    assert b'"amount":"14.40"' in stored[1].state
    assert MAPPER.to_domain_event(stored[1]).amount == Decimal("14.40")


def test_a_version_1_event_is_upcast_when_read() -> None:
    v1 = StoredEvent(
        originator_id=uuid4(),
        originator_version=2,
        topic=DEPOSITED,  # written before class_version 2 existed
        state=b'{"timestamp":"2022-05-23T00:00:00+00:00","amount":"14.40"}',
    )
    event = MAPPER.to_domain_event(v1)
    assert (event.amount, event.currency, event.originator_version) == (Decimal("14.40"), "CNY", 2)


def test_rows_without_id_and_version_in_json_are_still_read() -> None:
    oid = uuid4()
    state = b'{"timestamp":"2022-05-23T00:00:00+00:00","amount":"1.00","currency":"CNY"}'
    event = MAPPER.to_domain_event(StoredEvent(oid, 3, DEPOSITED + "#v2", state))
    assert (event.originator_id, event.originator_version) == (oid, 3)


def test_a_row_whose_json_disagrees_with_its_columns_is_refused() -> None:
    account = Account._create(Account.Opened, id=uuid4(), owner="明光")
    stored = MAPPER.to_stored_event(account.collect_events()[0])
    assert msgspec.json.decode(stored.state)["owner"] == "明光"
    with pytest.raises(MapperDeserialisationError):
        MAPPER.to_domain_event(StoredEvent(stored.originator_id, 7, stored.topic, stored.state))
    with pytest.raises(MapperDeserialisationError):
        MAPPER.to_domain_event(StoredEvent(stored.originator_id, 1, stored.topic, b'{"not json'))
