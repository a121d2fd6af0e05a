"""Who is looking at the dashboard: the API key behind the session cookie."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import select

from service.api.deps import Principal, StateDep
from service.api.state import ServiceState
from service.config import Settings
from service.dashboard.session_cookie import (
    COOKIE_NAME,
    csrf_ok,
    csrf_token,
    decode_session,
    load_secret,
)
from service.db.models import ApiKey
from service.keys import has_scope

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class Viewer:
    """A signed-in coach (or an agent: an agent's key sees the agent's own calls only):
    their key's team and scopes, and the session's CSRF token."""

    principal: Principal
    csrf: str

    @property
    def team(self) -> str:
        return self.principal.team

    @property
    def agent_id(self) -> str | None:
        return self.principal.agent_id

    def can(self, scope: str) -> bool:
        return scope in self.principal.scopes or "admin" in self.principal.scopes


def configured_secret(settings: Settings) -> bytes:
    """``session_secret`` when set (shared by every API host), else the data-dir file."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value().encode("utf-8")
    return load_secret(settings.data_dir)


def session_secret(request: Request, state: ServiceState) -> bytes:
    secret: bytes | None = getattr(request.app.state, "dashboard_secret", None)
    if secret is None:
        secret = configured_secret(state.settings)
        request.app.state.dashboard_secret = secret
    return secret


def principal_for_key_id(state: ServiceState, key_id: str) -> Principal | None:
    """The active key with the read scope, or None (unknown, revoked, or no read)."""
    with state.db.session() as session:
        row = session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
        if row is None or row.revoked_at is not None or not has_scope(row, "read"):
            return None
        return Principal(
            key_id=row.key_id,
            team_id=row.team_id,
            team=row.team.name,
            scopes=tuple(row.scopes.split()),
            agent_id=row.agent_id,
        )


def current_viewer(request: Request, state: StateDep) -> Viewer | None:
    secret = session_secret(request, state)
    cookie = request.cookies.get(COOKIE_NAME)
    session = decode_session(secret, cookie)
    if session is None or cookie is None:
        return None
    principal = principal_for_key_id(state, session.key_id)
    if principal is None:
        return None
    return Viewer(principal=principal, csrf=csrf_token(secret, cookie))


MaybeViewer = Annotated[Viewer | None, Depends(current_viewer)]


def _signed_in(request: Request, viewer: Viewer | None) -> Viewer:
    """Pages: send a visitor without a valid session to the sign-in page and back."""
    if viewer is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(
            status.HTTP_303_SEE_OTHER,
            "sign in first",
            headers={"Location": f"/sign-in?next={quote(target, safe='')}"},
        )
    return viewer


AGENT_REFUSED = "an agent's sign-in shows the agent's own calls only"


def _coach(request: Request, viewer: Viewer) -> Viewer:
    """The coaches' pages and forms: an agent asking for a page goes to their calls, an
    agent's form or script request is refused."""
    if viewer.agent_id is None:
        return viewer
    if request.method == "GET":
        raise HTTPException(
            status.HTTP_303_SEE_OTHER, AGENT_REFUSED, headers={"Location": "/calls"}
        )
    raise HTTPException(status.HTTP_403_FORBIDDEN, AGENT_REFUSED)


def page_viewer(request: Request, viewer: MaybeViewer) -> Viewer:
    """A coach's page or form (every page unless it says it serves agents too)."""
    return _coach(request, _signed_in(request, viewer))


def calls_page_viewer(request: Request, viewer: MaybeViewer) -> Viewer:
    """The pages an agent sees too: the calls table and a call's page, which limit what
    they show to the agent's calls (``queries.own_call``), and the review forms."""
    return _signed_in(request, viewer)


def _signed_in_script(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "your session has ended: sign in again")
    return viewer


def script_viewer(request: Request, viewer: MaybeViewer) -> Viewer:
    """Endpoints the page scripts call: 401 instead of a redirect; coaches only."""
    return _coach(request, _signed_in_script(viewer))


def calls_script_viewer(viewer: MaybeViewer) -> Viewer:
    """A call's status and audio for the call page's script: agents too (their calls)."""
    return _signed_in_script(viewer)


PageViewer = Annotated[Viewer, Depends(page_viewer)]
ScriptViewer = Annotated[Viewer, Depends(script_viewer)]
CallsPageViewer = Annotated[Viewer, Depends(calls_page_viewer)]
CallsScriptViewer = Annotated[Viewer, Depends(calls_script_viewer)]


def check_csrf(request: Request, state: ServiceState, presented: str | None) -> None:
    """State-changing requests must carry the session's CSRF token (form field or header)."""
    token = presented or request.headers.get(CSRF_HEADER)
    if not csrf_ok(session_secret(request, state), request.cookies.get(COOKIE_NAME), token):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "missing or stale form token: reload the page"
        )


def require(viewer: Viewer, scope: str) -> None:
    if not viewer.can(scope):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"your API key lacks the {scope!r} scope")
