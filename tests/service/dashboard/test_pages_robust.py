"""Dashboard pages never answer 500 on input: period dates at the ends of the calendar
are a 422 with the reason, and a team profile stored with a range bound no chart can
draw (saved before ranges were checked) still renders the agent and team pages."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from service.db.models import Team, TeamProfile
from tests.service.conftest import Api, base_settings, running_api, sample_bytes

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A coach signed in, one analysed call of agent anna."""
    settings = base_settings(tmp_path_factory.mktemp("data"))
    with running_api(settings) as api:
        headers = api.key("acme", "ingest", "read", "admin")
        call = api.upload(headers, sample_bytes("early_pickup"), agent_id="anna", country="US")
        assert call.status_code == 202, call.text
        assert api.wait_status(headers, call.json()["id"], {"done"}, 120)["status"] == "done"
        key = headers["Authorization"].removeprefix("Bearer ")
        signed = api.client.post("/sign-in", data={"api_key": key}, follow_redirects=False)
        assert signed.status_code == 303, signed.text
        yield api


@pytest.mark.parametrize(
    "period",
    [
        {"from": "0001-01-01"},
        {"to": "0001-01-01"},
        {"to": "9999-12-31"},
        {"from": "9999-12-31", "to": "9999-12-31"},
        {"from": "0001-01-01T00:00:00+14:00"},
        {"to": "9999-12-31T23:59:59-14:00"},
    ],
)
@pytest.mark.parametrize("page", ["/agents/anna", "/team", "/agents.csv?agent=anna"])
def test_periods_at_the_ends_of_the_calendar_are_422(
    signed_in: Api, page: str, period: dict[str, str]
) -> None:
    response = signed_in.client.get(page, params=period)
    assert response.status_code == 422, response.text[:300]
    assert ("outside the years" in response.text) or ("not a date" in response.text)


@pytest.mark.parametrize("bound", [-math.inf, -1e308, math.nan])
def test_a_stored_range_bound_no_chart_can_draw_still_renders(signed_in: Api, bound: float) -> None:
    with signed_in.state.db.session() as session:
        team = session.query(Team).filter_by(name="acme").one()
        row = session.get(TeamProfile, team.id) or TeamProfile(team_id=team.id)
        row.overrides = {"loudness": {"min_dbov": bound}, "speech_rate": {"max_wpm": -bound}}
        session.add(row)
    try:
        for page in ("/agents/anna", "/team", "/ranges"):
            response = signed_in.client.get(page)
            assert response.status_code == 200, (page, response.text[:500])
        assert "Loudness" in signed_in.client.get("/agents/anna").text
    finally:
        with signed_in.state.db.session() as session:
            team = session.query(Team).filter_by(name="acme").one()
            session.delete(session.get_one(TeamProfile, team.id))
