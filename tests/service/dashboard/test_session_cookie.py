"""The sign-in cookie (itsdangerous, timestamped) and the per-session CSRF token."""

from __future__ import annotations

import stat
from pathlib import Path

from itsdangerous import URLSafeTimedSerializer

from service.config import Settings
from service.dashboard.auth import configured_secret
from service.dashboard.session_cookie import (
    SESSION_SALT,
    csrf_ok,
    csrf_token,
    decode_session,
    encode_session,
    load_secret,
)

SECRET = b"k" * 32


def test_session_cookie_round_trip_and_rejections() -> None:
    cookie = encode_session(SECRET, "abcd1234", now=1000.0)
    session = decode_session(SECRET, cookie, now=1010.0)
    assert session is not None and session.key_id == "abcd1234"
    assert session.issued_at == 1000.0
    assert decode_session(b"x" * 32, cookie, now=1010.0) is None  # another secret
    assert decode_session(SECRET, cookie, now=1000.0 + 13 * 3600) is None  # expired
    assert decode_session(SECRET, cookie, now=900.0) is None  # issued in the future
    forged = encode_session(SECRET, "other", now=1000.0)
    payload, signature = forged.split(".", 1)[0], cookie.split(".", 1)[1]
    assert decode_session(SECRET, f"{payload}.{signature}", now=1010.0) is None
    for junk in (None, "", "nodot", "a.b.c", f"{payload}.", "!!.??"):
        assert decode_session(SECRET, junk, now=1010.0) is None
    token = csrf_token(SECRET, cookie)
    assert csrf_ok(SECRET, cookie, token)
    assert not csrf_ok(SECRET, cookie, token[:-1] + ("x" if token[-1] != "x" else "y"))
    assert not csrf_ok(SECRET, None, token) and not csrf_ok(SECRET, cookie, None)
    assert token != csrf_token(SECRET, encode_session(SECRET, "abcd1234", now=1001.0))


def test_cookie_is_what_itsdangerous_reads() -> None:
    """The format is itsdangerous' own: its serializer reads our cookie."""
    cookie = encode_session(SECRET, "abcd1234")
    data = URLSafeTimedSerializer(SECRET, salt=SESSION_SALT).loads(cookie, max_age=60)
    assert data == {"k": "abcd1234"}


def test_secret_file_is_created_once_and_private(tmp_path: Path) -> None:
    secret = load_secret(tmp_path)
    assert len(secret) == 32 and load_secret(tmp_path) == secret
    assert stat.S_IMODE((tmp_path / "dashboard_secret").stat().st_mode) == 0o600


def test_configured_session_secret_is_shared_by_hosts(tmp_path: Path) -> None:
    """Two API hosts with their own data directories but one ``session_secret``
    accept each other's cookies; without it each falls back to its own file."""
    host_a = Settings(data_dir=tmp_path / "a", session_secret="shared-secret")
    host_b = Settings(data_dir=tmp_path / "b", session_secret="shared-secret")
    cookie = encode_session(configured_secret(host_a), "abcd1234")
    assert decode_session(configured_secret(host_b), cookie) is not None
    assert not (tmp_path / "a").exists()  # no file written when the secret is configured
    alone_a = configured_secret(Settings(data_dir=tmp_path / "a"))
    alone_b = configured_secret(Settings(data_dir=tmp_path / "b"))
    assert alone_a != alone_b and alone_a == load_secret(tmp_path / "a")
    assert decode_session(alone_b, encode_session(alone_a, "abcd1234")) is None
