"""HMAC-SHA256 signatures over timestamp + body."""

from __future__ import annotations

import pytest

from service.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, sign, verify


def test_sign_and_verify() -> None:
    headers = sign("secret", b'{"a":1}', 1_700_000_000)
    ts, signature = headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    assert verify("secret", b'{"a":1}', ts, signature, window_s=300, now=1_700_000_100) == int(ts)
    with pytest.raises(SignatureError, match="does not match"):
        verify("secret", b'{"a":2}', ts, signature, window_s=300, now=1_700_000_100)
    with pytest.raises(SignatureError, match="does not match"):
        verify("other", b'{"a":1}', ts, signature, window_s=300, now=1_700_000_100)
    with pytest.raises(SignatureError, match="window"):
        verify("secret", b'{"a":1}', ts, signature, window_s=300, now=1_700_000_301)
    with pytest.raises(SignatureError, match="missing"):
        verify("secret", b'{"a":1}', ts, None, window_s=300, now=1_700_000_000)
    with pytest.raises(SignatureError, match="not a unix timestamp"):
        verify("secret", b'{"a":1}', "yesterday", signature, window_s=300)
    # Rotating secrets: the sender may send several signatures.
    rotated = f"v1=deadbeef, {signature}"
    assert verify("secret", b'{"a":1}', ts, rotated, window_s=300, now=1_700_000_000)
