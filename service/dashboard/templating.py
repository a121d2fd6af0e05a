"""Jinja2 templates of the dashboard and the filters they format values with."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from analyzers.clock import clock
from analyzers.rule_table import RULES, rule_label
from analyzers.scorecard import format_range
from service.dashboard.cards import pretty_range

SERVICE_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = SERVICE_DIR / "templates"
STATIC_DIR = SERVICE_DIR / "static"

RULE_LABELS: dict[str, str] = {rule.id: rule.label for rule in RULES}

STATUS_LABELS: dict[str, str] = {
    "ok": "In range",
    "warning": "Slightly out",
    "critical": "Out of range",
    "unmeasured": "Not measured",
    "info": "Note",
    "queued": "Queued",
    "processing": "Processing",
    "done": "Done",
    "failed": "Failed",
}


def number(value: object, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def range_text(low: float | None, high: float | None) -> str:
    """120–160, ≥ 2, -36 to -16; an allowance of at most zero reads "none"."""
    if low is None and high is not None and high <= 0:
        return "none"
    return format_range(low, high)


def when(moment: datetime | None, seconds: bool = False) -> str:
    """2025-03-03 09:00 (with seconds where calls of one minute must be told apart)."""
    if moment is None:
        return "–"
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", status or "")


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.filters.update(
        pretty_range=pretty_range,
        range_text=range_text,
        clock=clock,
        number=number,
        when=when,
        rule_label=rule_label,
        status_label=status_label,
    )
    env.globals.update(RULE_LABELS=RULE_LABELS)
    return templates


templates = make_templates()

# Pages load only their own vendored files; no framing (clickjacking), no sniffing.
# Inline style attributes place the gauges, so styles allow them; scripts do not.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page from its template, with the dashboard's security headers."""
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    return response
