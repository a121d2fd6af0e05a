"""One name for each thing a coach picks: channels are 0 and 1 (left, right) on the
upload form, in the API's document and in the CLI's help; countries are ISO codes
(GB, never UK) in the form, the stored options and the reports."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from analyzers.ringback_plans import plan_for
from service.cli import app as cli
from tests.service.conftest import Api, base_settings, running_api, wav_bytes


@pytest.fixture(scope="module")
def coach(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Api, dict[str, str]]]:
    with running_api(base_settings(tmp_path_factory.mktemp("data"))) as api:
        headers = api.key("acme", "ingest", "read")
        key = headers["Authorization"].removeprefix("Bearer ")
        signed = api.client.post("/sign-in", data={"api_key": key}, follow_redirects=False)
        assert signed.status_code == 303
        yield api, headers


def _options(html: str, select: str) -> list[tuple[str, str]]:
    block = re.search(rf'<select id="{select}".*?</select>', html, re.DOTALL)
    assert block is not None
    return re.findall(r'<option value="([^"]*)">([^<]*)</option>', block.group(0))


def test_upload_form_names_channels_by_index_and_countries_by_iso_code(
    coach: tuple[Api, dict[str, str]],
) -> None:
    api, _ = coach
    page = api.client.get("/calls").text
    # Auto first: the select's default (the analysis finds the agent's channel).
    assert _options(page, "agent_channel") == [
        ("auto", "Auto (found from the call)"),
        ("0", "Channel 0 (left)"),
        ("1", "Channel 1 (right)"),
    ]
    countries = [code for code, _ in _options(page, "country") if code]
    assert "GB" in countries and "UK" not in countries
    assert len(countries) == len(set(countries))
    # Every offered code is accepted by the API and stored as offered.
    for code in countries:
        assert plan_for(code) is not None


def test_api_stores_gb_for_uk_and_documents_channels(coach: tuple[Api, dict[str, str]]) -> None:
    api, headers = coach
    accepted = api.upload(headers, wav_bytes(1.0), country="uk")
    assert accepted.status_code == 202, accepted.text
    stored = api.client.get(accepted.json()["url"], headers=headers).json()
    assert stored["options"]["country"] == "GB"
    refused = api.upload(headers, wav_bytes(1.0), country="XX")
    assert "UK" not in refused.json()["detail"] and "GB" in refused.json()["detail"]
    schema = api.client.get("/openapi.json").text
    assert "0 (left) or 1 (right)" in schema


def test_cli_help_names_channels_by_index() -> None:
    result = CliRunner().invoke(cli, ["analyze", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "0 (left) or 1 (right)" in " ".join(result.stdout.split())
