"""Vonage signed webhooks: a JWT (HS256, the account's signature secret) in
Authorization whose ``payload_hash`` claim is the SHA-256 of the body."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

import jwt

from service.config import WebhookAccount


class VonageSignatureError(Exception):
    pass


def verify(
    authorization: str | None,
    body: bytes,
    accounts: Mapping[str, WebhookAccount],
    *,
    window_s: float,
) -> tuple[str, WebhookAccount]:
    """(api_key, account) of a correctly signed request; raises VonageSignatureError."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise VonageSignatureError("missing 'Authorization: Bearer <jwt>'")
    token = authorization[len("bearer ") :].strip()
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise VonageSignatureError(f"malformed JWT: {exc}") from None
    api_key = str(unverified.get("api_key", ""))
    account = accounts.get(api_key)
    if account is None:
        raise VonageSignatureError("unknown Vonage api_key")
    try:
        claims = jwt.decode(
            token,
            account.secret.get_secret_value(),
            algorithms=["HS256"],
            options={"require": ["iat", "payload_hash"]},
        )
    except jwt.PyJWTError as exc:
        raise VonageSignatureError(f"JWT rejected: {exc}") from None
    if abs(time.time() - float(claims["iat"])) > window_s:
        raise VonageSignatureError("JWT issued outside the accepted time window")
    if not hmac.compare_digest(str(claims["payload_hash"]), hashlib.sha256(body).hexdigest()):
        raise VonageSignatureError("payload_hash does not match the body")
    return api_key, account
