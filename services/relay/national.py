"""The national streams: every province's events, sourced from its stream, never its database.

Each province's servers dial the national server as leaf nodes with a JetStream domain of their
own (``p<code>``, ``services/relay/topology.py``). For each province the national server keeps a
stream ``JIXIAO_<code>`` with no subjects of its own — nothing can be published into it — that
sources the province's ``JIXIAO`` through ``$JS.p<code>.API``, filtered to the province's own tree
(``jixiao.<code>.>``): a province contributes only its own region, and the platform tenant's
shipped templates, the same in every province, stay there. The national server remembers the last
province sequence it stored and, after the leaf link or either server went away, asks again from
the one after it: nothing missing, nothing twice, in the province's order.

Why one stream per province and not one for all: a stream drops a message whose ``Nats-Msg-Id``
it saw within its duplicate window (at least 100 ms), sourced messages included, and every
province numbers its events from 1 — one national stream silently kept only one of two provinces'
position 5 (tried: ``tests/integration/test_nats_national.py`` keeps the evidence). Within one
province an id is unique, so its national stream deduplicates exactly like the province's own.
A national reader (a dashboard) reads each province's stream, each in that province's order.
"""

from __future__ import annotations

from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import (
    DiscardPolicy,
    ExternalStream,
    RetentionPolicy,
    StorageType,
    StreamConfig,
    StreamSource,
)
from nats.js.errors import NotFoundError

from services.relay.permissions import STREAM
from services.relay.subjects import PREFIX
from services.relay.topology import province_domain

NATIONAL_PREFIX = "JIXIAO_"
DAY = 86_400.0


def national_stream(code: str) -> str:
    return f"{NATIONAL_PREFIX}{code}"


@dataclass(frozen=True)
class Province:
    code: str
    domain: str

    @classmethod
    def parse(cls, text: str) -> Province:
        """``360000`` (domain ``p360000``) or ``360000=DOMAIN``."""
        code, _, domain = text.partition("=")
        code = code.strip()
        if not (code.isdigit() and len(code) == 6):
            raise ValueError(f"省级单位代码应为 6 位数字：「{text}」")
        return cls(code, domain.strip() or province_domain(code))

    @property
    def stream(self) -> str:
        return national_stream(self.code)

    def config(self, *, replicas: int = 1, max_age: float = 365 * DAY) -> StreamConfig:
        source = StreamSource(
            name=STREAM,
            filter_subject=f"{PREFIX}.{self.code}.>",
            external=ExternalStream(api=f"$JS.{self.domain}.API"),
        )
        return StreamConfig(
            name=self.stream,
            subjects=[],
            sources=[source],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            discard=DiscardPolicy.OLD,
            max_age=max_age,
            duplicate_window=600.0,  # as the province's: ids are unique within one province
            num_replicas=replicas,
            deny_delete=True,
        )


def _shape(config: StreamConfig) -> tuple[object, ...]:
    sources = [
        (s.name, s.filter_subject, s.external.api if s.external else None) for s in config.sources or []
    ]
    return sources, config.num_replicas, config.max_age


async def ensure_national_streams(
    js: JetStreamContext, provinces: list[Province], *, replicas: int = 1, max_age: float = 365 * DAY
) -> list[str]:
    """Create each province's national stream, or bring it to this configuration (a source that
    stays continues where it was; a province left out keeps its stream). Returns the streams
    created or changed."""
    changed = []
    for province in provinces:
        config = province.config(replicas=replicas, max_age=max_age)
        try:
            have = (await js.stream_info(province.stream)).config
        except NotFoundError:
            await js.add_stream(config)
            changed.append(province.stream)
            continue
        if _shape(have) != _shape(config):
            await js.update_stream(config)
            changed.append(province.stream)
    return changed
