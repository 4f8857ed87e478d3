"""Personal data in events, sealed: a person's name or telephone number is stored encrypted with
a key of that person's own (crypto-shredding). Erasing the person destroys the key: the events,
their hash chain and every replay stay as they were, and the data reads as ``ERASED``.

The domain only carries ``Sealed`` values; sealing and revealing is the application's
(``services/app/personal.py``), since it needs the key store.
"""

from __future__ import annotations

import msgspec

ERASED = "已删除"


class Sealed(msgspec.Struct, frozen=True):
    """A personal value, encrypted: ``subject`` names whose key (a person's id), ``box`` is the
    base64 of nonce and AES-256-GCM ciphertext."""

    subject: str
    box: str
