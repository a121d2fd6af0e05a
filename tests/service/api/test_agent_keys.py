"""Issue 13, agent access: a key scoped to one agent sees only that agent's calls
(status, report, audio, notes, the list); every other route refuses it, and the
dashboard shows the agent their own calls only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.conftest import Api, add_call

pytestmark = pytest.mark.services


def _agent_key(api: Api, team: str, agent_id: str) -> dict[str, str]:
    from service.keys import create_api_key

    with api.state.db.session() as session:
        new = create_api_key(session, team, ["read"], name=f"agent {agent_id}", agent_id=agent_id)
    return {"Authorization": f"Bearer {new.key}"}


def test_an_agents_key_sees_only_that_agents_calls(api: Api) -> None:
    own = str(add_call(api.state.db, team="acme", agent_id="anna", duration_s=60.0))
    others = str(add_call(api.state.db, team="acme", agent_id="bert", duration_s=60.0))
    unassigned = str(add_call(api.state.db, team="acme", duration_s=60.0))
    anna = _agent_key(api, "acme", "anna")

    assert api.client.get(f"/v1/calls/{own}", headers=anna).status_code == 200
    for call_id in (others, unassigned):
        for tail in ("", "/report", "/audio", "/notes"):
            got = api.client.get(f"/v1/calls/{call_id}{tail}", headers=anna)
            assert got.status_code == 404, (call_id, tail, got.text)
    listed = api.client.get("/v1/calls", headers=anna).json()["items"]
    assert [c["id"] for c in listed] == [own]
    asked_for_bert = api.client.get("/v1/calls", headers=anna, params={"agent_id": "bert"})
    assert asked_for_bert.json()["items"] == []
    # Notes on the agent's own call are readable; the report is not there yet (queued).
    assert api.client.get(f"/v1/calls/{own}/notes", headers=anna).json() == []
    assert api.client.get(f"/v1/calls/{own}/report", headers=anna).status_code == 409

    coach = api.key("acme", "read")
    assert len(api.client.get("/v1/calls", headers=coach).json()["items"]) == 3


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/v1/agents/bert/summary"),
        ("get", "/v1/search?q=hello"),
        ("get", "/v1/ranges"),
        ("post", "/v1/calls/{call}/notes"),
    ],
)
def test_an_agents_key_is_refused_outside_its_calls(api: Api, method: str, path: str) -> None:
    call_id = add_call(api.state.db, team="acme", agent_id="anna", duration_s=60.0)
    anna = _agent_key(api, "acme", "anna")
    url = path.format(call=call_id)
    got = api.client.request(method.upper(), url, headers=anna, json={"text": "mine"})
    assert got.status_code == 403, got.text
    assert "agent" in got.json()["detail"]


def test_an_agent_key_only_reads() -> None:
    from service.keys import parse_agent_scopes

    assert parse_agent_scopes(["read"]) == ("read",)
    for scopes in (["read", "ingest"], ["admin"]):
        with pytest.raises(ValueError, match="only read"):
            parse_agent_scopes(scopes)


def test_keys_create_agent_makes_a_read_key_of_that_agent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from service.cli import app
    from service.db.session import Database
    from service.keys import authenticate

    for name in ("CALLCOACH_DATA_DIR", "CALLCOACH_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    base = ["keys", "create", "--team", "acme", "--data-dir", "d", "--agent", "anna"]
    made = runner.invoke(app, [*base, "--scope", "read"])
    assert made.exit_code == 0, made.output
    assert "agent anna" in made.stderr
    db = Database(f"sqlite:///{tmp_path / 'd' / 'callcoach.db'}")
    try:
        with db.session() as session:
            row = authenticate(session, made.stdout.strip())
            assert row is not None and row.agent_id == "anna" and row.scopes == "read"
    finally:
        db.dispose()
    refused = runner.invoke(app, [*base, "--scope", "read,ingest"])
    assert refused.exit_code == 2 and "can only read" in refused.stderr


def test_the_dashboard_shows_an_agent_only_their_calls(api: Api) -> None:
    """An agent signs in to a restricted dashboard: their calls and call pages; the
    coaches' pages send them back to their calls and the coaches' forms refuse them."""
    import re

    own = add_call(api.state.db, team="acme", agent_id="anna", duration_s=60.0)
    others = add_call(api.state.db, team="acme", agent_id="bert", duration_s=60.0)
    key = _agent_key(api, "acme", "anna")["Authorization"].removeprefix("Bearer ")
    signed = api.client.post("/sign-in", data={"api_key": key}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/calls"

    table = api.client.get("/calls")
    assert table.status_code == 200 and "Your calls" in table.text
    assert str(own) in table.text and str(others) not in table.text
    assert 'id="upload-form"' not in table.text and "/team" not in table.text
    assert api.client.get(f"/calls/{own}").status_code == 200
    assert api.client.get(f"/calls/{others}").status_code == 404
    assert api.client.get(f"/calls/{others}/status").status_code == 404
    for page in ("/team", "/agents/anna", "/ranges", "/search?q=hello", "/calls.csv"):
        got = api.client.get(page, follow_redirects=False)
        assert (got.status_code, got.headers.get("location")) == (303, "/calls"), page
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', table.text)
    assert csrf is not None
    note = api.client.post(
        f"/calls/{own}/notes", data={"csrf": csrf.group(1), "text": "mine"}, follow_redirects=False
    )
    assert note.status_code == 403 and "agent" in note.json()["detail"]
