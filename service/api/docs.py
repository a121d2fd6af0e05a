"""The interactive API docs, /docs (Swagger UI) and /redoc (ReDoc), with their scripts,
styles and icon served from this process (the ``fastapi-offline`` package ships them):
they work without internet and their content security policy allows 'self' only (plus
the hash of Swagger UI's one inline start-up script)."""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from service.api.security_headers import DOCS_ASSETS_PATH, docs_csp

DOCS_ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
DOCS_ASSETS = {
    "swagger_js": "swagger-ui-bundle.js",
    "swagger_css": "swagger-ui.css",
    "redoc_js": "redoc.standalone.js",
    "favicon": "favicon.png",
}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _asset(name: str) -> str:
    return f"{DOCS_ASSETS_PATH}/{DOCS_ASSETS[name]}"


def _with_csp(page: HTMLResponse) -> HTMLResponse:
    """The page with a policy naming the SHA-256 of each of its inline scripts."""
    html = bytes(page.body).decode("utf-8")
    hashes = [
        base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        for script in _INLINE_SCRIPT.findall(html)
    ]
    return HTMLResponse(html, headers={"Content-Security-Policy": docs_csp(hashes)})


def install_docs(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Routes for /docs and /redoc and the assets they load (create the app with
    ``docs_url=None, redoc_url=None`` so FastAPI's CDN pages are not installed)."""
    missing = [name for name in DOCS_ASSETS.values() if not (DOCS_ASSETS_DIR / name).is_file()]
    if missing:
        raise FileNotFoundError(f"API docs assets missing from {DOCS_ASSETS_DIR}: {missing}")
    title = f"{app.title} API"
    swagger = _with_csp(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=_asset("swagger_js"),
            swagger_css_url=_asset("swagger_css"),
            swagger_favicon_url=_asset("favicon"),
            swagger_ui_parameters={"validatorUrl": None},  # no badge from the public validator
        )
    )
    redoc = _with_csp(
        get_redoc_html(
            openapi_url=openapi_url,
            title=title,
            redoc_js_url=_asset("redoc_js"),
            redoc_favicon_url=_asset("favicon"),
            with_google_fonts=False,
        )
    )  # fmt: skip
    app.mount(DOCS_ASSETS_PATH, StaticFiles(directory=DOCS_ASSETS_DIR), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return swagger

    @app.get("/redoc", include_in_schema=False)
    def redoc_page() -> HTMLResponse:
        return redoc
