"""/docs and /redoc render in Debian's chromium with every request outside the app
refused: the operations list appears, no script fails, nothing is fetched elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.api.app import create_app
from tests.service.conftest import base_settings, live_server
from tests.service.dashboard.conftest import browser, screenshot

__all__ = ["browser"]  # the dashboard's chromium fixture, used here too

_METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def docs_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(create_app(base_settings(tmp_path_factory.mktemp("data")))) as url:
        yield url


def _operations(base_url: str) -> int:
    paths = httpx.get(f"{base_url}/openapi.json").json()["paths"]
    return sum(1 for item in paths.values() for method in item if method in _METHODS)


def _offline_page(browser: Any, base_url: str) -> tuple[Any, list[str], list[str]]:
    """A page whose requests to any other origin are refused and recorded."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(base_url + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, outside, errors


def test_swagger_ui_lists_every_operation_offline(browser: Any, docs_url: str) -> None:
    page, outside, errors = _offline_page(browser, docs_url)
    page.goto("/docs")
    operations = page.locator(".opblock")
    operations.first.wait_for(timeout=20_000)
    assert operations.count() == _operations(docs_url)
    assert page.locator(".opblock-summary-path", has_text="/v1/calls").count() >= 1
    assert page.locator(".errors-wrapper").count() == 0  # the document parsed
    assert Path(screenshot(page, "api-docs-swagger")).is_file()
    assert outside == [] and errors == []
    page.context.close()


def test_redoc_lists_every_operation_offline(browser: Any, docs_url: str) -> None:
    page, outside, errors = _offline_page(browser, docs_url)
    page.goto("/redoc")
    sections = page.locator("[data-section-id*='operation/']")
    sections.first.wait_for(timeout=30_000)
    ids = sections.evaluate_all("nodes => nodes.map(n => n.dataset.sectionId)")
    # ReDoc marks each operation twice: "operation/<id>" and "tag/<tag>/operation/<id>".
    assert len({i.rsplit("operation/", 1)[1] for i in ids}) == _operations(docs_url)
    assert screenshot(page, "api-docs-redoc").is_file()
    assert outside == [] and errors == []
    page.context.close()
