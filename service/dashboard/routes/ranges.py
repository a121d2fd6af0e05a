"""The team's ranges profile: viewable with read keys, editable with admin keys;
re-scoring applies it to existing reports without transcribing again."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from analyzers.errors import ProfileError
from analyzers.profile import default_profile
from service.api.deps import SessionDep, StateDep
from service.dashboard.auth import CSRF_FIELD, PageViewer, Viewer, check_csrf, require
from service.dashboard.ranges_form import form_sections, parse_form
from service.dashboard.templating import render
from service.db.models import Team
from service.team_profiles import TeamProfile, rescore_team, save_team_profile, team_profile
from service.teams import parse_company_names, set_team_company_names, team_company_names

router = APIRouter(include_in_schema=False)


def _render(
    request: Request,
    viewer: Viewer,
    session: Session,
    *,
    error: str | None = None,
    notice: str | None = None,
    submitted: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    team_id = viewer.principal.team_id
    try:
        profile = team_profile(session, team_id)
    except ProfileError as exc:  # saved before values were checked: show how to fix it
        profile = default_profile()
        error = error or f"The saved ranges are not valid ({exc}). The defaults are shown: save."
    sections = form_sections(profile, default_profile())
    saved = session.get(TeamProfile, team_id)
    return render(
        request,
        "ranges.html",
        {
            "viewer": viewer,
            "nav": "ranges",
            "sections": sections,
            "error": error,
            "notice": notice,
            "submitted": submitted or {},
            "saved": saved,
            "can_edit": viewer.can("admin"),
            "profile_name": profile.name,
            "company_names": team_company_names(session, team_id),
        },
        status_code=status_code,
    )


@router.get("/ranges", response_class=HTMLResponse)
def ranges_page(
    request: Request, viewer: PageViewer, session: SessionDep, notice: str | None = None
) -> Response:
    messages = {
        "saved": "Saved. New analyses use these ranges; "
        "re-score to apply them to existing reports.",
        "companies": "Saved the company names: new analyses use them.",
    }
    text = messages.get(notice or "")
    if notice and notice.startswith("rescored-"):
        count = notice.removeprefix("rescored-")
        text = f"Re-scored {count} report{'s' if count != '1' else ''} with these ranges."
    return _render(request, viewer, session, notice=text)


@router.post("/ranges", response_class=HTMLResponse)
async def save_ranges(request: Request, viewer: PageViewer, state: StateDep) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    check_csrf(request, state, form.get(CSRF_FIELD))
    require(viewer, "admin")

    def save() -> str | None:
        with state.db.session() as session:
            team = session.get_one(Team, viewer.principal.team_id)
            try:
                save_team_profile(session, team, parse_form(form), viewer.principal.key_id)
            except ProfileError as exc:
                session.rollback()
                return str(exc)
        return None

    error = await run_in_threadpool(save)
    if error is not None:
        with state.db.session() as session:
            return _render(request, viewer, session, error=error, submitted=form, status_code=422)
    return RedirectResponse("/ranges?notice=saved", status_code=303)


@router.post("/ranges/rescore")
async def rescore(request: Request, viewer: PageViewer, state: StateDep) -> Response:
    form = await request.form()
    token = form.get(CSRF_FIELD)
    check_csrf(request, state, token if isinstance(token, str) else None)
    require(viewer, "admin")
    count = await run_in_threadpool(rescore_team, state.db, viewer.principal.team_id)
    return RedirectResponse(f"/ranges?notice=rescored-{count}", status_code=303)


@router.post("/ranges/company-names")
async def save_company_names(request: Request, viewer: PageViewer, state: StateDep) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    check_csrf(request, state, form.get(CSRF_FIELD))
    require(viewer, "admin")
    try:
        names = parse_company_names(form.get("company_names", ""))
    except ValueError as exc:
        with state.db.session() as session:
            return _render(request, viewer, session, error=str(exc), status_code=422)

    def save() -> None:
        with state.db.session() as session:
            set_team_company_names(session, viewer.principal.team_id, names)

    await run_in_threadpool(save)
    return RedirectResponse("/ranges?notice=companies", status_code=303)
