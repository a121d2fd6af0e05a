"""/docs and /redoc work without internet: every script, style and icon they reference
is served by the app itself, and their content security policy allows no other host."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.conftest import Api, base_settings, running_api

_REFERENCE = re.compile(r'(?:src|href|spec-url)="([^"]+)"')
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_ASSET_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


@pytest.fixture(scope="module")
def docs_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with running_api(base_settings(tmp_path_factory.mktemp("data"))) as api:
        yield api


@pytest.mark.parametrize(("page", "assets"), [("/docs", 3), ("/redoc", 2)])
def test_docs_pages_reference_only_local_assets_that_are_served(
    docs_api: Api, page: str, assets: int
) -> None:
    response = docs_api.client.get(page)
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    references = _REFERENCE.findall(response.text)
    assert "/openapi.json" in response.text
    assert references and all(r.startswith("/") and not r.startswith("//") for r in references)
    assert "http" not in response.text.replace("http-equiv", "")  # no CDN, no font host
    files = [r for r in references if Path(r).suffix in _ASSET_TYPES]
    assert len(files) == assets
    for reference in files:
        asset = docs_api.client.get(reference)
        assert asset.status_code == 200, reference
        assert _ASSET_TYPES[Path(reference).suffix] in asset.headers["content-type"]
        assert len(asset.content) > 4000  # the real bundle, not an error page
        assert asset.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_policy_is_self_plus_the_pages_own_inline_script(docs_api: Api, page: str) -> None:
    response = docs_api.client.get(page)
    csp = response.headers["Content-Security-Policy"]
    assert "http" not in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    allowed = directives["script-src"].split()
    inline = _INLINE_SCRIPT.findall(response.text)
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in inline
    }
    assert set(allowed) == {"'self'", *hashes}
    assert len(hashes) == (1 if page == "/docs" else 0)  # Swagger UI's start-up script
    assert directives["default-src"] == "'none'" and directives["connect-src"] == "'self'"
