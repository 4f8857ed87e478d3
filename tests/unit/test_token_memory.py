"""The verifier remembers tokens that verified, only until they expire, and never a bad one."""

from __future__ import annotations

import datetime
import time

import pytest

from domain.tenants import Role
from services.api.auth import AuthError, TokenConfig, Verifier, issue

CONFIG = TokenConfig(secret="unit-secret-" + "z" * 40)


def _bearer(**kw: object) -> str:
    return "Bearer " + issue(CONFIG, user="u", tenant="360100", roles=(Role.AUDITOR,), **kw)  # type: ignore[arg-type]


def test_a_remembered_token_still_expires() -> None:
    verifier = Verifier(CONFIG)
    # issued 2 s before its lifetime of 3 s runs out: valid for about one second more
    header = _bearer(
        now=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=2),
        ttl=datetime.timedelta(seconds=3),
    )
    first = verifier.verify(header)
    assert verifier.verify(header) is first  # the second check is the remembered one
    time.sleep(1.2)
    with pytest.raises(AuthError) as refused:
        verifier.verify(header)
    assert refused.value.code == "auth.expired"


def test_a_bad_token_is_refused_every_time_and_not_remembered() -> None:
    verifier = Verifier(CONFIG, remember=2)
    good = _bearer()
    forged = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    for _ in range(2):
        with pytest.raises(AuthError) as refused:
            verifier.verify(forged)
        assert refused.value.code == "auth.invalid"
    assert verifier.verify(good).user == "u"
    # bounded: the oldest remembered tokens are forgotten, and verify again from scratch
    others = [_bearer() for _ in range(3)]
    assert all(verifier.verify(h).tenant == "360100" for h in others)
    assert len(verifier._known) == 2 and good.removeprefix("Bearer ") not in verifier._known
    assert verifier.verify(good).user == "u"
