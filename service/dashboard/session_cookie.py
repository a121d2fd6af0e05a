"""The dashboard's sign-in cookie: an API key's id, signed; never the key itself.

Format: ``<payload>.<signature>``, payload = base64url(JSON {"k": key id, "t": issued
at}), signature = HMAC-SHA256 under a per-installation secret. The key row is checked
again on every request, so revoking the key signs its sessions out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

COOKIE_NAME = "callcoach_session"
SESSION_MAX_AGE_S = 12 * 3600
SECRET_FILE = "dashboard_secret"


@dataclass(frozen=True)
class SessionData:
    key_id: str
    issued_at: float


def load_secret(data_dir: Path) -> bytes:
    """The signing secret in ``<data_dir>/dashboard_secret``, created on first use.

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


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, message: str) -> str:
    return _b64(hmac.new(secret, message.encode("ascii"), hashlib.sha256).digest())


def encode_session(secret: bytes, key_id: str, now: float | None = None) -> str:
    payload = _b64(json.dumps({"k": key_id, "t": int(now or time.time())}).encode())
    return f"{payload}.{_sign(secret, payload)}"


def decode_session(
    secret: bytes,
    cookie: str | None,
    now: float | None = None,
    max_age_s: float = SESSION_MAX_AGE_S,
) -> SessionData | None:
    """The session in a cookie value, or None if it is missing, forged or expired."""
    if not cookie or cookie.count(".") != 1:
        return None
    payload, signature = cookie.split(".")
    try:
        if not hmac.compare_digest(signature, _sign(secret, payload)):
            return None
        data = json.loads(_unb64(payload))
        key_id, issued_at = str(data["k"]), float(data["t"])
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None
    if not 0 <= (now or time.time()) - issued_at <= max_age_s:
        return None
    return SessionData(key_id=key_id, issued_at=issued_at)


def csrf_token(secret: bytes, cookie: str) -> str:
    """A per-session token forms and scripts send back with every state change."""
    return _sign(secret, "csrf:" + cookie)[:32]


def csrf_ok(secret: bytes, cookie: str | None, presented: str | None) -> bool:
    if not cookie or not presented:
        return False
    return hmac.compare_digest(csrf_token(secret, cookie), presented)
