"""Twilio request validation, exactly as Twilio defines it.

The signature is base64(HMAC-SHA1(auth token, full URL + every POST parameter name and
value, sorted by name (values of a repeated name sorted too))). Twilio is inconsistent
about explicit default ports, so, like Twilio's own validator, the URL is tried with
and without the port.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

SIGNATURE_HEADER = "X-Twilio-Signature"
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
_ALGORITHMS = {"HMAC_SHA1": hashlib.sha1, "HMAC_SHA256": hashlib.sha256}


def compute_signature(
    secret: str, url: str, params: Sequence[tuple[str, str]], algorithm: str = "HMAC_SHA1"
) -> str:
    by_name: dict[str, set[str]] = {}
    for name, value in params:
        by_name.setdefault(name, set()).add(value)
    message = url + "".join(
        name + value for name in sorted(by_name) for value in sorted(by_name[name])
    )
    digest = hmac.new(secret.encode(), message.encode(), _ALGORITHMS[algorithm]).digest()
    return base64.b64encode(digest).decode()


def signature_algorithm(settings_header: str | None) -> str:
    """HMAC_SHA1 (auth token) unless the settings header names another algorithm."""
    for part in (settings_header or "").split(","):
        name, sep, value = part.partition("=")
        if sep and name.strip() == "algorithm" and value.strip():
            return value.strip().upper()
    return "HMAC_SHA1"


def signed_url(seen_url: str, public_base_url: str | None) -> str:
    """The URL the platform called (and signed): as this server saw it, or on the public
    base URL when a proxy rewrites it. For a WebSocket (Media Streams) the scheme is
    ws/wss: Twilio signs the ``wss://`` URL of the ``<Stream>``."""
    if not public_base_url:
        return seen_url
    seen, public = urlsplit(seen_url), urlsplit(public_base_url.rstrip("/"))
    scheme = public.scheme
    if seen.scheme in ("ws", "wss"):
        scheme = {"https": "wss", "http": "ws"}.get(scheme, scheme)
    return urlunsplit((scheme, public.netloc, public.path + seen.path, seen.query, ""))


def _port_variants(url: str) -> list[str]:
    parts = urlsplit(url)
    if parts.port:
        return [urlunsplit(parts._replace(netloc=parts.netloc.rsplit(":", 1)[0])), url]
    default = 443 if parts.scheme in ("https", "wss") else 80
    return [url, urlunsplit(parts._replace(netloc=f"{parts.netloc}:{default}"))]


def is_valid(
    secret: str,
    url: str,
    params: Sequence[tuple[str, str]],
    signature: str | None,
    settings_header: str | None = None,
) -> bool:
    if not signature:
        return False
    algorithm = signature_algorithm(settings_header)
    if algorithm not in _ALGORITHMS:
        return False
    return any(
        hmac.compare_digest(compute_signature(secret, variant, params, algorithm), signature)
        for variant in _port_variants(url)
    )


def recording_download_url(recording_url: str, channels: str | None) -> str:
    """The media URL: WAV, both channels when the recording has two."""
    parts = urlsplit(recording_url)
    path = parts.path
    if "." not in path.rsplit("/", 1)[-1]:
        path += ".wav"
    query = parts.query
    if channels == "2" and "RequestedChannels" not in query:
        query = f"{query}&RequestedChannels=2" if query else "RequestedChannels=2"
    return urlunsplit(parts._replace(path=path, query=query))
