"""When a rectification is overdue (pure): the demanding side past its sending deadline, or the
unit past its answering deadline. One warning per deadline: a new deadline (a filing not accepted
sets one) can be warned about again."""

from __future__ import annotations

import datetime

from domain.rectification.values import Overdue, Status


def overdue(
    status: Status,
    send_by: datetime.date,
    answer_by: datetime.date | None,
    warned: list[Overdue],
    on: datetime.date,
) -> Overdue | None:
    """The warning due on ``on``, if any (``None`` when on time or already warned)."""
    if status is Status.DRAFT:
        which, due = "send", send_by
    elif status is Status.SENT and answer_by is not None:
        which, due = "answer", answer_by
    else:
        return None
    if on <= due or any(w.which == which and w.due == due for w in warned):
        return None
    return Overdue(which, due, on, (on - due).days)
