"""/v1/ranges: the team's profile through the API; values that would break every later
analysis (not finite, out of bounds, zero or negative windows, low above high) are
refused with a sentence for a person, and nothing is stored."""

from __future__ import annotations

import pytest

from tests.service.conftest import Api

pytestmark = pytest.mark.services

# (raw JSON body, what the refusal says): JSON allows NaN/Infinity through Python's parser.
REFUSED = [
    ('{"speech_rate": {"min_wpm": NaN}}', "Speech rate – Slowest speech rate: must be a number"),
    ('{"speech_rate": {"max_wpm": 1e999}}', "Speech rate – Fastest speech rate: must be a number"),
    ('{"loudness": {"min_dbov": -Infinity}}', "Loudness – Quietest speech level: must be"),
    ('{"pitch_monotony": {"window_s": 0}}', "Window for local pitch variation: must be"),
    ('{"unexplained_silence": {"max_silence_s": -1}}', "Longest silence without explanation"),
    ('{"speech_rate": {"window_s": -30}}', "Window for local speech rate: must be"),
    ('{"speech_rate": {"min_wpm": 200}}', "Speech rate: the lowest must not be above the highest"),
    ('{"pickup_delay": {"max_rings": 2.5}}', "Answer no later than ring: must be a whole number"),
    ('{"speech_rate": {"fastest": 1}}', "unknown profile key 'speech_rate.fastest'"),
]


def test_ranges_are_validated_read_and_saved(api: Api) -> None:
    admin, reader = api.key("acme", "admin", "read"), api.key("acme", "read")
    for body, needle in REFUSED:
        response = api.client.put(
            "/v1/ranges",
            content=body,
            headers={**admin, "Content-Type": "application/json"},
        )
        assert response.status_code == 422, (body, response.text)
        detail = response.json()["detail"]
        assert needle in detail, (body, detail)
        assert "Input should" not in detail and "pydantic" not in detail
    current = api.client.get("/v1/ranges", headers=reader).json()
    assert current["overrides"] == {}  # nothing refused was stored
    assert current["profile"]["speech_rate"]["min_wpm"] == 120

    as_reader = api.client.put("/v1/ranges", json={"speech_rate": {"min_wpm": 1}}, headers=reader)
    assert as_reader.status_code == 403
    saved = api.client.put(
        "/v1/ranges", json={"speech_rate": {"min_wpm": 110, "max_wpm": 170}}, headers=admin
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["overrides"] == {
        "name": "acme",
        "speech_rate": {"min_wpm": 110.0, "max_wpm": 170.0},
    }
    again = api.client.get("/v1/ranges", headers=reader).json()
    assert again["profile"]["speech_rate"]["max_wpm"] == 170
