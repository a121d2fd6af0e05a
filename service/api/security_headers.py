"""No content sniffing on any answer (API JSON, audio, static files, the docs) and a
content security policy for the interactive docs: everything from this origin (the
assets are served locally, service/api/docs.py), no other host."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PATHS = ("/docs", "/redoc")
DOCS_ASSETS_PATH = "/docs/assets"


def docs_csp(inline_script_hashes: Iterable[str] = ()) -> str:
    """The docs' policy; a page adds the base64 SHA-256 of each inline script it has."""
    scripts = " ".join(["'self'", *(f"'sha256-{h}'" for h in inline_script_hashes)])
    return (
        "default-src 'none'; "
        f"script-src {scripts}; "
        # Swagger UI and ReDoc style their elements inline.
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; worker-src blob:; "  # ReDoc searches in a blob worker
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


DOCS_CSP = docs_csp()


class SecurityHeaders:
    """Pure ASGI (no buffering: uploads and audio stream through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in DOCS_PATHS or scope["path"].startswith("/docs/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if docs:
                    headers.setdefault("Content-Security-Policy", DOCS_CSP)
            await send(message)

        await self.app(scope, receive, send_with_headers)
