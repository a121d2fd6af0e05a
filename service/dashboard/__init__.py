"""The coach dashboard: server-rendered pages under / (sign in, calls, a call's
timeline and transcript, agents, team, ranges) over the service's database.

The app factory calls ``install_dashboard(app)``: the routes plus the vendored
CSS/JS of ``STATIC_DIR`` at ``/static`` (nothing is loaded from the internet).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from service.dashboard.routes import calls, live, people, ranges, reviews, search, sign_in
from service.dashboard.templating import STATIC_DIR, TEMPLATES_DIR

router = APIRouter(include_in_schema=False)
for _module in (sign_in, calls, reviews, people, ranges, search, live):
    router.include_router(_module.router)


def install_dashboard(app: FastAPI) -> None:
    # Templates are read per request: without this check a broken install would
    # start and answer 500 on every page instead of failing at startup.
    if not (TEMPLATES_DIR / "base.html").is_file():
        raise FileNotFoundError(f"dashboard templates missing from {TEMPLATES_DIR}")
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "install_dashboard", "router"]
