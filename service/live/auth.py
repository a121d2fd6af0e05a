"""Who is on a live socket: an API key (header, or the first message for browsers),
Twilio's signature on the upgrade request, or a coach's dashboard session cookie.

Every function here blocks on the database: call them in the thread pool.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from service.api.deps import Principal
from service.api.state import ServiceState
from service.config import WebhookAccount
from service.keys import authenticate, has_scope
from service.live.protocol import CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, LiveError
from service.webhooks import twilio

AgentKeys = Literal["refuse", "only"]


def header_key(connection: HTTPConnection) -> str | None:
    """``Authorization: Bearer <key>`` or ``X-API-Key: <key>`` on the upgrade request."""
    explicit = connection.headers.get("x-api-key")
    if explicit:
        return explicit.strip()
    scheme, _, credentials = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def key_principal(
    state: ServiceState, presented: str | None, scope: str, agent_keys: AgentKeys = "refuse"
) -> Principal:
    """The key's principal with ``scope``; an agent's key only where ``agent_keys`` is
    "only" (the agent's own cue stream), and there nothing but an agent's key."""
    if not presented:
        raise LiveError(
            CLOSE_UNAUTHORIZED,
            "unauthorized",
            "missing API key: send Authorization: Bearer <key>, X-API-Key, or the key in the "
            "first message",
        )
    with state.db.session() as session:
        row = authenticate(session, presented)
        if row is None:
            raise LiveError(CLOSE_UNAUTHORIZED, "unauthorized", "invalid or revoked API key")
        if not has_scope(row, scope):
            raise LiveError(CLOSE_FORBIDDEN, "forbidden", f"this API key lacks the {scope!r} scope")
        if agent_keys == "only" and row.agent_id is None:
            raise LiveError(
                CLOSE_FORBIDDEN, "forbidden", "this stream is an agent's: use the agent's own key"
            )
        if agent_keys == "refuse" and row.agent_id is not None:
            raise LiveError(
                CLOSE_FORBIDDEN,
                "forbidden",
                "an agent's key only reads the agent's own cues (/v1/live/agent)",
            )
        return Principal(
            key_id=row.key_id,
            team_id=row.team_id,
            team=row.team.name,
            scopes=tuple(row.scopes.split()),
            agent_id=row.agent_id,
        )


def twilio_account(state: ServiceState, connection: HTTPConnection) -> tuple[str, WebhookAccount]:
    """The configured Twilio account whose auth token signed this upgrade request
    (X-Twilio-Signature over the wss URL, no parameters)."""
    signature = connection.headers.get(twilio.SIGNATURE_HEADER)
    if not signature:
        raise LiveError(CLOSE_UNAUTHORIZED, "bad_signature", "missing X-Twilio-Signature")
    settings = state.settings
    url = twilio.signed_url(str(connection.url), settings.public_base_url)
    settings_header = connection.headers.get(twilio.SETTINGS_HEADER)
    for account_sid, account in settings.twilio_accounts.items():
        if twilio.is_valid(account.secret.get_secret_value(), url, [], signature, settings_header):
            return account_sid, account
    raise LiveError(CLOSE_UNAUTHORIZED, "bad_signature", "invalid X-Twilio-Signature")


def session_principal(state: ServiceState, connection: HTTPConnection) -> Principal | None:
    """A signed-in coach (the dashboard's cookie), on a same-origin socket only: a page
    on another site cannot open it with the coach's cookie."""
    from service.dashboard.auth import configured_secret, principal_for_key_id
    from service.dashboard.session_cookie import COOKIE_NAME, decode_session

    cookie = connection.cookies.get(COOKIE_NAME)
    if not cookie or not same_origin(connection, state.settings.public_base_url):
        return None
    session = decode_session(configured_secret(state.settings), cookie)
    if session is None:
        return None
    return principal_for_key_id(state, session.key_id)


def same_origin(connection: HTTPConnection, public_base_url: str | None = None) -> bool:
    """The page that opens the socket is this site's (its Origin names this host, or
    the public host behind a proxy)."""
    origin = connection.headers.get("origin")
    if not origin:
        return False
    hosts = {connection.headers.get("host", "")}
    if public_base_url:
        hosts.add(urlsplit(public_base_url).netloc)
    return urlsplit(origin).netloc in hosts
