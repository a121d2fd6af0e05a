"""HMAC-SHA256 request signing shared by generic webhooks in and team callbacks out.

The signed message is ``<unix timestamp>.<raw body>``; the signature header is
``v1=<hex digest>``. A receiver rejects timestamps outside its window, which with a
per-signature replay store makes a captured request useless later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Callcoach-Timestamp"
SIGNATURE_HEADER = "X-Callcoach-Signature"
_VERSION = "v1="


class SignatureError(Exception):
    """Missing, malformed, stale or wrong signature (the message says which)."""


def signer(secret: str, timestamp: int) -> hmac.HMAC:
    """An HMAC to feed the body into (chunk by chunk for streamed bodies)."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode(), hashlib.sha256)


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers that sign ``body`` with ``secret`` at ``timestamp`` (default now)."""
    ts = int(time.time()) if timestamp is None else timestamp
    mac = signer(secret, ts)
    mac.update(body)
    return {TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: _VERSION + mac.hexdigest()}


def check_timestamp(timestamp_header: str | None, window_s: float, now: float | None = None) -> int:
    """The signed timestamp if it is within ``window_s`` of now; else SignatureError."""
    if not timestamp_header:
        raise SignatureError(f"missing {TIMESTAMP_HEADER} header")
    try:
        ts = int(timestamp_header)
    except ValueError:
        raise SignatureError(f"{TIMESTAMP_HEADER} is not a unix timestamp") from None
    current = time.time() if now is None else now
    if abs(current - ts) > window_s:
        raise SignatureError(
            f"timestamp is {current - ts:+.0f} s from now; accepted window is ±{window_s:.0f} s"
        )
    return ts


def check_mac(mac: hmac.HMAC, signature_header: str | None) -> None:
    """Compare a fed HMAC with the signature header (several comma-separated allowed)."""
    if not signature_header:
        raise SignatureError(f"missing {SIGNATURE_HEADER} header")
    expected = _VERSION + mac.hexdigest()
    candidates = [part.strip() for part in signature_header.split(",")]
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureError("signature does not match")


def verify(
    secret: str,
    body: bytes,
    timestamp_header: str | None,
    signature_header: str | None,
    *,
    window_s: float,
    now: float | None = None,
) -> int:
    """Check a whole-body signature; returns the signed timestamp or raises SignatureError."""
    ts = check_timestamp(timestamp_header, window_s, now)
    mac = signer(secret, ts)
    mac.update(body)
    check_mac(mac, signature_header)
    return ts
