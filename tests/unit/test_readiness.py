"""Readiness: a follower (a projection, the relay) behind the log whose position has not moved
for STALL_SECONDS is reported as not following; one that moves, or is caught up, is not."""

from __future__ import annotations

from services.api.metrics import STALL_SECONDS, Metrics


def test_a_stalled_follower_is_named_with_its_lag() -> None:
    now = [0.0]
    m = Metrics(["ledgers"], clock=lambda: now[0])
    m._see("ledgers", 100, 5)
    m._see("relay", 90, 15)
    assert m.not_following() == {}
    now[0] += STALL_SECONDS + 1
    m._see("ledgers", 104, 1)  # moved: following, though still behind
    m._see("relay", 90, 19)  # stuck at 90
    assert m.not_following() == {"relay": 19}
    m._see("relay", 109, 0)  # caught up
    now[0] += STALL_SECONDS + 1
    m._see("ledgers", 104, 0)  # not moving, but nothing to follow
    m._see("relay", 109, 0)
    assert m.not_following() == {}
