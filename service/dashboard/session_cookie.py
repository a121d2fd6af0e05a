"""The dashboard's sign-in cookie: an API key's id, signed; never the key itself.

Signed and timestamped by ``itsdangerous`` (what Starlette's sessions use) under the
installation's secret: ``Settings.session_secret`` when set (several API hosts share it),
else a file in the data directory. The key row is checked again on every request, so
revoking the key signs its sessions out.
"""

from __future__ import annotations

import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, Signer, TimestampSigner, URLSafeTimedSerializer

COOKIE_NAME = "callcoach_session"
SESSION_MAX_AGE_S = 12 * 3600
SECRET_FILE = "dashboard_secret"
SESSION_SALT = "callcoach.session"
CSRF_SALT = "callcoach.csrf"


@dataclass(frozen=True)
class SessionData:
    key_id: str
    issued_at: float


def load_secret(data_dir: Path) -> bytes:
    """The signing secret in ``<data_dir>/dashboard_secret``, created on first use
    (the embedded default, when ``Settings.session_secret`` is not set).

    A file in the data directory (not memory) so that sessions survive restarts and
    every API process sharing the directory accepts them.
    """
    path = data_dir / SECRET_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret)
    return bytes.fromhex(secret)


class _ClockSigner(TimestampSigner):
    """itsdangerous' timestamp signer reading an injected clock (tests pass ``now``)."""

    def __init__(self, *args: Any, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock())


def _serializer(secret: bytes, now: float | None) -> URLSafeTimedSerializer:
    clock = time.time if now is None else (lambda: now)
    return URLSafeTimedSerializer(
        secret, salt=SESSION_SALT, signer=_ClockSigner, signer_kwargs={"clock": clock}
    )


def encode_session(secret: bytes, key_id: str, now: float | None = None) -> str:
    return _serializer(secret, now).dumps({"k": key_id})


def decode_session(
    secret: bytes,
    cookie: str | None,
    now: float | None = None,
    max_age_s: float = SESSION_MAX_AGE_S,
) -> SessionData | None:
    """The session in a cookie value, or None if it is missing, forged or expired."""
    if not cookie:
        return None
    try:
        data, issued = _serializer(secret, now).loads(
            cookie, max_age=int(max_age_s), return_timestamp=True
        )
        key_id = str(data["k"])
    except (BadSignature, KeyError, TypeError):  # BadSignature covers expired and malformed
        return None
    return SessionData(key_id=key_id, issued_at=issued.timestamp())


def csrf_token(secret: bytes, cookie: str) -> str:
    """A per-session token forms and scripts send back with every state change."""
    return Signer(secret, salt=CSRF_SALT).get_signature(cookie).decode("ascii")


def csrf_ok(secret: bytes, cookie: str | None, presented: str | None) -> bool:
    if not cookie or not presented:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie), presented)
