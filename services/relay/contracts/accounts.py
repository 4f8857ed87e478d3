"""Integration payloads of accounts: users, sign-ins, sessions and service tokens.

They carry no secret and no personal data: no password, no hash, no token, no person's name or
phone (those are sealed with the person's key and stay inside the platform) — only that a
password was set, a token issued or revoked (by id), a session begun or ended, a contact
changed, a person's data erased.
"""

from __future__ import annotations

import datetime

from services.relay.contracts.payloads import _Payload


class UserRegistered(_Payload, frozen=True, kw_only=True):
    username: str
    display_name: str
    roles: list[str]
    kind: str = "person"  # person | service (v2)


class UserRolesChanged(_Payload, frozen=True, kw_only=True):
    roles: list[str]


class UserPasswordSet(_Payload, frozen=True, kw_only=True):
    by_self: bool


class UserDisabled(_Payload, frozen=True, kw_only=True):
    pass


class UserEnabled(_Payload, frozen=True, kw_only=True):
    pass


class UserSignedIn(_Payload, frozen=True, kw_only=True):
    session: str
    method: str  # password | oidc
    expires: datetime.datetime


class UserSignInFailed(_Payload, frozen=True, kw_only=True):
    cause: str  # password | disabled | locked | no_password | service
    attempt: int


class UserLockedOut(_Payload, frozen=True, kw_only=True):
    until: datetime.datetime


class UserSignedOut(_Payload, frozen=True, kw_only=True):
    session: str


class UserTokenIssued(_Payload, frozen=True, kw_only=True):
    token_id: str
    label: str
    expires: datetime.datetime


class UserTokenRevoked(_Payload, frozen=True, kw_only=True):
    token_id: str


class UserContactChanged(_Payload, frozen=True, kw_only=True):
    """A person's name or phone changed (the values are sealed personal data: not published)."""


class UserPersonalDataErased(_Payload, frozen=True, kw_only=True):
    """A person's personal data was erased (their key destroyed)."""


TYPES: dict[str, tuple[type[_Payload], int]] = {
    "user.registered": (UserRegistered, 2),
    "user.roles_changed": (UserRolesChanged, 1),
    "user.password_set": (UserPasswordSet, 1),
    "user.disabled": (UserDisabled, 1),
    "user.enabled": (UserEnabled, 1),
    "user.signed_in": (UserSignedIn, 1),
    "user.sign_in_failed": (UserSignInFailed, 1),
    "user.locked_out": (UserLockedOut, 1),
    "user.signed_out": (UserSignedOut, 1),
    "user.token_issued": (UserTokenIssued, 1),
    "user.token_revoked": (UserTokenRevoked, 1),
    "user.contact_changed": (UserContactChanged, 1),
    "user.personal_data_erased": (UserPersonalDataErased, 1),
}
