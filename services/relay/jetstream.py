"""The JetStream side of the relay: the stream's configuration and where publishing resumes.

Every message carries ``Nats-Expected-Last-Sequence``: the server stores it only if it directly
follows the message before it. If one message of a pipelined window is lost or refused, every
later one is refused too, so the stream is always a gap-free prefix of the event log — never a
later event before an earlier one. After any failure the relay reconnects and resumes right after
the last message the stream actually holds (read back from its headers), which covers a relay
killed after JetStream acknowledged but before PostgreSQL recorded it, and a server that lost
acknowledged messages when it was killed. ``Nats-Msg-Id`` (the global position) makes JetStream
drop a duplicate within the duplicate window on top of that.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from services.relay.permissions import STREAM
from services.relay.subjects import everything
from services.relay.tracking import Cursor

POSITION = "Jixiao-Position"
CHECKPOINT = "Jixiao-Checkpoint-Position"
TENANT = "Jixiao-Tenant"
TYPE = "Jixiao-Type"
VERSION = "Jixiao-Version"
CORRELATION = "Jixiao-Correlation-Id"
MSG_ID = "Nats-Msg-Id"
EXPECTED_LAST = "Nats-Expected-Last-Sequence"

DAY = 86_400.0


def servers(nats_url: str) -> list[str]:
    """``NATS_URL`` may name a cluster's servers comma-separated (``nats://u:p@a:4222,nats://u:p@b:4222``);
    nats-py takes a list and would read such a string as one address."""
    return [part.strip() for part in nats_url.split(",") if part.strip()]


@dataclass(frozen=True)
class StreamSettings:
    """Retention by age (and optionally count); the duplicate window bounds JetStream's memory of ids."""

    name: str = STREAM
    max_age: float = 30 * DAY
    max_msgs: int = -1
    duplicate_window: float = 600.0
    replicas: int = 1

    def config(self) -> StreamConfig:
        return StreamConfig(
            name=self.name,
            subjects=[everything()],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            discard=DiscardPolicy.OLD,
            max_age=self.max_age,
            max_msgs=self.max_msgs,
            duplicate_window=self.duplicate_window,
            num_replicas=self.replicas,
            deny_delete=True,
        )


async def ensure_stream(js: JetStreamContext, settings: StreamSettings) -> None:
    """Create the stream, or bring an existing one to the configured retention, window and replicas
    (a cluster scales a stream's replicas in place)."""
    config = settings.config()
    try:
        info = await js.stream_info(settings.name)
    except NotFoundError:
        await js.add_stream(config)
        return
    have = info.config
    if (have.max_age, have.max_msgs, have.duplicate_window, have.subjects, have.num_replicas) != (
        config.max_age,
        config.max_msgs,
        config.duplicate_window,
        config.subjects,
        config.num_replicas,
    ):
        await js.update_stream(config)


async def resume_point(js: JetStreamContext, stream: str, tracked: Cursor, look_back: int = 100) -> Cursor:
    """Where to publish next: after the newest message the stream holds (its headers say which
    event and checkpoint it was), or after the tracked position when the stream holds none."""
    state = (await js.stream_info(stream)).state
    seq = state.last_seq
    floor = max(state.first_seq, seq - look_back, 1)
    while seq >= floor and seq > 0:
        with contextlib.suppress(NotFoundError):
            msg = await js.get_msg(stream, seq)
            headers = msg.headers or {}
            if POSITION in headers:
                return Cursor(int(headers[POSITION]), int(headers.get(CHECKPOINT, 0)), state.last_seq)
        seq -= 1
    # an empty stream (new, or every message aged out): the tracked position is the record
    return Cursor(tracked.position, tracked.checkpoint_position, state.last_seq)
