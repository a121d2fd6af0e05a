"""The ranges page's form over HTTP (the real app and database, no browser): values that
would break every later analysis are refused with a sentence for a person, and the
team's stored profile is unchanged."""

from __future__ import annotations

import html
import re

import pytest

from service.db.models import TeamProfile
from service.teams import get_or_create_team
from tests.service.conftest import Api

pytestmark = pytest.mark.services

# (form fields, what the refusal says)
REFUSED = [
    ({"speech_rate.min_wpm": "nan"}, "Speech rate – Slowest speech rate: must be a number"),
    ({"speech_rate.max_wpm": "1e999"}, "Speech rate – Fastest speech rate: must be a number"),
    ({"loudness.min_dbov": "-inf"}, "Loudness – Quietest speech level: must be a number"),
    ({"pitch_monotony.window_s": "0"}, "Window for local pitch variation: must be a number"),
    ({"unexplained_silence.max_silence_s": "-1"}, "Longest silence without explanation"),
    ({"speech_rate.window_s": "-30"}, "Window for local speech rate: must be a number"),
    (
        {"speech_rate.min_wpm": "300", "speech_rate.max_wpm": "200"},
        "Speech rate: the lowest must not be above the highest",
    ),
    ({"speech_rate.min_wpm": "fast"}, "Speech rate – Slowest speech rate: 'fast' is not a number"),
    ({"interruption.max_count": "1.5"}, "Interruptions allowed per call: '1.5' is not a whole"),
]


def _sign_in(api: Api) -> str:
    """Sign in with an admin key; returns the page's CSRF token."""
    key = api.key("acme", "read", "admin")["Authorization"].removeprefix("Bearer ")
    response = api.client.post("/sign-in", data={"api_key": key}, follow_redirects=False)
    assert response.status_code == 303, response.text
    page = api.client.get("/ranges")
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def _error(page: str) -> str:
    match = re.search(r'id="ranges-error">([^<]*)<', page)
    assert match is not None, page[:2000]
    return html.unescape(match.group(1))


def _value(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]* value="([^"]*)"', page)
    assert match is not None
    return match.group(1)


def test_the_form_refuses_values_that_would_break_analysis(api: Api) -> None:
    csrf = _sign_in(api)
    for fields, needle in REFUSED:
        response = api.client.post("/ranges", data={"csrf": csrf, **fields})
        assert response.status_code == 422, fields
        message = _error(response.text)
        assert needle in message, (fields, message)
        assert "Input should" not in message
    page = api.client.get("/ranges").text
    assert _value(page, "speech_rate.min_wpm") == "120.0"
    assert _value(page, "pitch_monotony.window_s") == "30.0"
    assert 'min="5"' in page  # the inputs carry the table's bounds too

    saved = api.client.post(
        "/ranges",
        data={"csrf": csrf, "speech_rate.min_wpm": "110", "speech_rate.max_wpm": "170"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = api.client.get("/ranges").text
    assert _value(page, "speech_rate.min_wpm") == "110.0"


def test_ranges_saved_before_validation_are_shown_with_the_reason(api: Api) -> None:
    _sign_in(api)
    with api.state.db.session() as session:
        team = get_or_create_team(session, "acme")
        session.add(TeamProfile(team_id=team.id, overrides={"pitch_monotony": {"window_s": 0}}))
    page = api.client.get("/ranges")
    assert page.status_code == 200
    assert "Window for local pitch variation: must be" in _error(page.text)
