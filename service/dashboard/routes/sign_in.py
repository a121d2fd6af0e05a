"""Sign in with an API key (read scope) into a session cookie; sign out. A coach's key
sees the team; an agent's key (``keys create --agent``) the agent's own calls."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from service.api.deps import StateDep
from service.dashboard.auth import CSRF_FIELD, MaybeViewer, check_csrf, session_secret
from service.dashboard.session_cookie import COOKIE_NAME, SESSION_MAX_AGE_S, encode_session
from service.dashboard.templating import render
from service.keys import authenticate, has_scope

router = APIRouter()


def same_origin(request: Request) -> bool:
    """False when a browser says the form was posted from another site."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", request.url.netloc)


def safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a signed-in coach to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/calls"
    return target


@router.get("/sign-in", response_class=HTMLResponse, include_in_schema=False)
def sign_in_page(request: Request, viewer: MaybeViewer, next: str | None = None) -> Response:
    if viewer is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "sign_in.html", {"next": safe_next(next), "error": None, "viewer": None})


@router.post("/sign-in", include_in_schema=False)
def sign_in(
    request: Request,
    state: StateDep,
    api_key: Annotated[str, Form(max_length=200)],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    if not same_origin(request):  # no signing a coach into someone else's key (login CSRF)
        raise HTTPException(403, "sign in from the dashboard's own page")
    with state.db.session() as session:
        row = authenticate(session, api_key.strip())
        error = None
        if row is None:
            error = "That API key is not valid (or it was revoked)."
        elif not has_scope(row, "read"):
            error = "That API key has no read scope: ask your admin for a key with read access."
        key_id = row.key_id if row is not None else None
    if error is not None or key_id is None:
        return render(
            request,
            "sign_in.html",
            {"next": safe_next(next), "error": error, "viewer": None},
            status_code=401,
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        encode_session(session_secret(request, state), key_id),
        max_age=int(SESSION_MAX_AGE_S),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/sign-out", include_in_schema=False)
def sign_out(
    request: Request,
    state: StateDep,
    viewer: MaybeViewer,
    csrf: Annotated[str | None, Form(alias=CSRF_FIELD)] = None,
) -> Response:
    if viewer is not None:
        check_csrf(request, state, csrf)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax")
    return response
