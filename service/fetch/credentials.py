"""Credentials for downloading a recording from the platform that announced it."""

from __future__ import annotations

import base64
import time
import uuid

from service.config import Settings


class MissingCredentialsError(Exception):
    code = "download_credentials"


def download_credentials(settings: Settings, source: str, account: str | None) -> dict[str, str]:
    """Authorization headers for ``source``'s recording URLs (sent to that host only)."""
    if source == "twilio":
        if account is None or account not in settings.twilio_accounts:
            raise MissingCredentialsError(f"no Twilio auth token configured for {account!r}")
        token = settings.twilio_accounts[account].secret.get_secret_value()
        basic = base64.b64encode(f"{account}:{token}".encode()).decode()
        return {"Authorization": f"Basic {basic}"}
    if source == "vonage":
        return _vonage_headers(settings)
    return {}


def _vonage_headers(settings: Settings) -> dict[str, str]:
    """Vonage media downloads take an application JWT (RS256, the app's private key)."""
    if not settings.vonage_application_id or not settings.vonage_private_key_path:
        return {}
    import jwt

    now = int(time.time())
    token = jwt.encode(
        {
            "application_id": settings.vonage_application_id,
            "iat": now,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
        },
        settings.vonage_private_key_path.read_bytes(),
        algorithm="RS256",
    )
    return {"Authorization": f"Bearer {token}"}
