"""Live calls: the coaches' page (the team's calls as they happen, with their cues,
and the team's cue switches) and the agent's screen.

The agent's screen is a static page: agents do not sign in to the dashboard; the page
asks for the agent's own key, keeps it in the tab's sessionStorage and sends it as the
first message of its WebSocket (/v1/live/agent). The coaches' page opens /v1/live/team
with the session cookie (same origin).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from analyzers.live import LIVE_RULES
from service.api.deps import SessionDep, StateDep
from service.dashboard.auth import CSRF_FIELD, PageViewer, check_csrf, require
from service.dashboard.templating import render
from service.live.team_settings import rules_off, set_rules_off

router = APIRouter(include_in_schema=False)


@router.get("/live", response_class=HTMLResponse)
def live_page(request: Request, viewer: PageViewer, session: SessionDep) -> Response:
    off = rules_off(session, viewer.principal.team_id)
    return render(
        request,
        "live.html",
        {
            "viewer": viewer,
            "nav": "live",
            "rules": LIVE_RULES,
            "off": off,
            "can_switch": viewer.can("admin"),
        },
    )


@router.post("/live/settings")
async def live_switches(request: Request, viewer: PageViewer, state: StateDep) -> Response:
    """The switches form: a checked box is a cue the team shows (admin)."""
    form = await request.form()
    check_csrf(request, state, str(form.get(CSRF_FIELD) or ""))
    require(viewer, "admin")
    on = {str(v) for v in form.getlist("on")}

    def save() -> None:
        with state.db.session() as session:
            off = [r for r in LIVE_RULES if r not in on]
            set_rules_off(session, viewer.principal.team_id, off)

    await run_in_threadpool(save)
    return RedirectResponse("/live?saved=1", status_code=303)


@router.get("/live/agent", response_class=HTMLResponse)
def agent_screen(request: Request) -> Response:
    return render(request, "live_agent.html", {"viewer": None})
