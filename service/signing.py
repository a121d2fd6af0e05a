"""HMAC-SHA256 request signing shared by generic webhooks in and team callbacks out.

The signed message is ``<unix timestamp>.<raw body>``; the signature header is
``v1=<hex digest>`` (several comma-separated entries allowed, for secret rotation). A
receiver rejects timestamps outside its window and remembers what it accepted by
(sender, timestamp, body digest), never by the header's text: the same signed body
with a reworded header (``v1=<sig>,v1=00``, ``<sig>,,``) is the same request.
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


def parse_signatures(signature_header: str | None) -> list[str]:
    """The well-formed ``v1`` hex digests of a signature header; SignatureError if none.

    Empty entries, entries of other versions (a sender may add a newer scheme alongside
    v1) and v1 entries that are not 64 hex digits are skipped: they cannot match.
    """
    if not signature_header:
        raise SignatureError(f"missing {SIGNATURE_HEADER} header")
    digests = []
    for entry in signature_header.split(","):
        digest = entry.strip().removeprefix(_VERSION).lower()
        if entry.strip().startswith(_VERSION) and len(digest) == 64 and _is_hex(digest):
            digests.append(digest)
    if not digests:
        raise SignatureError(f"{SIGNATURE_HEADER} has no v1=<64 hex digits> signature")
    return digests


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def check_mac(mac: hmac.HMAC, signature_header: str | None) -> None:
    """Compare a fed HMAC with the signatures of the header (any one may match)."""
    expected = mac.hexdigest()
    # every entry is compared, so the time taken does not tell which one matched
    matches = [hmac.compare_digest(expected, d) for d in parse_signatures(signature_header)]
    if not any(matches):
        raise SignatureError("signature does not match")


class SignedBody:
    """A received body fed chunk by chunk to the sender's HMAC and to a SHA-256 digest.

    After :meth:`verify`, :meth:`replay_key` names the request for the replay store.
    """

    def __init__(self, secret: str, timestamp: int) -> None:
        self.timestamp = timestamp
        self._mac = signer(secret, timestamp)
        self._digest = hashlib.sha256()

    def update(self, chunk: bytes) -> None:
        self._mac.update(chunk)
        self._digest.update(chunk)

    def verify(self, signature_header: str | None) -> None:
        check_mac(self._mac, signature_header)

    def replay_key(self, sender: str) -> str:
        """sha256 of (sender, timestamp, body digest): one per signed request."""
        material = f"{sender}\n{self.timestamp}\n{self._digest.hexdigest()}"
        return hashlib.sha256(material.encode()).hexdigest()


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
