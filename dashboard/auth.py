"""Who may edit the store: editors sign in with a password (argon2 hashes only) and get a session token.

The page keeps only the token; every write asks ``editor_name(store, token)``,
which finds the token's digest in ``sessions`` and its user's role in
``users``. Anything else in the session state (a name, a flag) or in a link
counts for nothing, so a viewer cannot edit by crafting either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.store import Store, StoreError, now

ROLES = ("viewer", "editor")
SESSION_HOURS = 12
MIN_PASSWORD = 10
_HASHER = PasswordHasher()


class NotAllowed(StoreError):
    """The sign-in failed, or the session may not edit."""


def add_user(store: Store, name: str, password: str, role: str) -> None:
    """Create or update a user; the password is kept only as an argon2 hash."""
    name = name.strip()
    if not name:
        raise StoreError("user name: give a name (it is empty)")
    if role not in ROLES:
        raise StoreError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"password for {name}: at least {MIN_PASSWORD} characters (it has {len(password)})")
    users = store.t["users"]
    values = {"password_hash": _HASHER.hash(password), "role": role}
    with store.writer.begin() as conn:
        done = conn.execute(sa.update(users).where(users.c.name == name).values(values))
        if done.rowcount == 0:
            conn.execute(sa.insert(users).values(name=name, created_at=now(), **values))


def sign_in(store: Store, name: str, password: str) -> str:
    """A new session token for an editor whose password matches; ``NotAllowed`` otherwise (one
    message for an unknown name and a wrong password, so names cannot be probed)."""
    users, sessions = store.t["users"], store.t["sessions"]
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(users.c.password_hash, users.c.role).where(users.c.name == name.strip())).first()
    refused = NotAllowed("sign-in failed: unknown name or wrong password")
    if row is None:
        _HASHER.hash(password)  # the same work either way
        raise refused
    try:
        _HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise refused from None
    if row.role != "editor":
        raise NotAllowed(f"{name.strip()} is a viewer: viewers read, only editors may change the record")
    token = secrets.token_urlsafe(32)
    with store.writer.begin() as conn:
        conn.execute(sessions.delete().where(sessions.c.expires_at < now()))
        conn.execute(
            sa.insert(sessions).values(
                token_sha256=_digest(token),
                user_name=name.strip(),
                expires_at=now() + dt.timedelta(hours=SESSION_HOURS),
            )
        )
    return token


def editor_name(store: Store, token: str | None) -> str:
    """The signed-in editor the token belongs to; ``NotAllowed`` for no, a wrong or an expired token,
    or a user who is no longer an editor."""
    if not token or not isinstance(token, str):
        raise NotAllowed("sign in as an editor to change the record")
    users, sessions = store.t["users"], store.t["sessions"]
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(users.c.name, users.c.role, sessions.c.expires_at)
            .join(users, users.c.name == sessions.c.user_name)
            .where(sessions.c.token_sha256 == _digest(token))
        ).first()
    if row is None or _aware(row.expires_at) < now():
        raise NotAllowed("your sign-in has ended or is not valid: sign in again to edit")
    if row.role != "editor":
        raise NotAllowed(f"{row.name} is a viewer: viewers read, only editors may change the record")
    return row.name


def sign_out(store: Store, token: str | None) -> None:
    if token:
        sessions = store.t["sessions"]
        with store.writer.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.token_sha256 == _digest(token)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite gives naive UTC back
