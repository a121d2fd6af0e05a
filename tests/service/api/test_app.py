"""The app factory."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from service.api.app import create_app
from service.config import Settings


def test_a_dashboard_that_fails_to_load_stops_startup_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(app: FastAPI) -> None:
        raise ImportError("jinja2 must be installed to use Jinja2Templates")

    monkeypatch.setattr("service.dashboard.install_dashboard", broken)
    with pytest.raises(RuntimeError, match=r"dashboard.*failed to load: jinja2 must") as info:
        create_app(Settings(data_dir=tmp_path))
    assert isinstance(info.value.__cause__, ImportError)


def test_missing_dashboard_templates_stop_startup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("service.dashboard.TEMPLATES_DIR", tmp_path / "nowhere")
    with pytest.raises(RuntimeError, match=r"dashboard.*templates missing"):
        create_app(Settings(data_dir=tmp_path))
