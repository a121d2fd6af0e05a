"""GET /v1/search through the app on both backends: hits with their moment and link,
filters, pagination, team isolation, clear 422s, and deleted calls gone from search."""

from __future__ import annotations

import pytest

from tests.service.conftest import Api
from tests.service.search.helpers import store_done_call

pytestmark = pytest.mark.services

TURNS = [
    ("agent", 0.4, 3.1, "Thank you for calling Acme, this is Anna."),
    ("customer", 3.5, 8.25, "My router keeps dropping the connection <again> & again."),
    ("agent", 8.6, 12.0, "Let me check the router logs for you."),
]


def test_hits_open_the_call_at_the_moment(api: Api) -> None:
    headers = api.key("acme", "read")
    call_id = str(store_done_call(api.state.db, TURNS, agent_id="anna"))
    body = api.client.get("/v1/search", params={"q": "dropping"}, headers=headers).json()
    assert body["next_cursor"] is None
    (hit,) = body["items"]
    assert hit["call_id"] == call_id and hit["agent_id"] == "anna"
    assert (hit["party"], hit["start_s"], hit["end_s"]) == ("customer", 3.5, 8.25)
    assert hit["url"] == f"/calls/{call_id}#t=3.50"
    assert "<mark>dropping</mark>" in hit["snippet"]
    assert "&lt;again&gt; &amp; again" in hit["snippet"]


def test_filters_and_pages(api: Api) -> None:
    headers = api.key("acme", "read")
    first = str(store_done_call(api.state.db, TURNS, agent_id="anna", rules=("dead_air",)))
    second = str(store_done_call(api.state.db, TURNS, agent_id="bert"))

    def calls(**params: str) -> list[tuple[str, str]]:
        response = api.client.get("/v1/search", params={"q": "router", **params}, headers=headers)
        assert response.status_code == 200, response.text
        return [(h["call_id"], h["party"]) for h in response.json()["items"]]

    assert {c for c, _ in calls()} == {first, second}
    assert {c for c, _ in calls(agent_id="bert")} == {second}
    assert {c for c, _ in calls(rule="dead_air")} == {first}
    assert set(calls(party="agent")) == {(first, "agent"), (second, "agent")}
    assert calls(**{"from": "2999-01-01T00:00:00Z"}) == []
    assert len(calls(to="2999-01-01T00:00:00Z")) == 4
    seen, cursor = [], None
    while True:
        params = {"q": "router", "limit": "3", **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/v1/search", params=params, headers=headers).json()
        seen += [(h["call_id"], h["start_s"]) for h in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert len(seen) == 4 == len(set(seen))


def test_another_team_finds_nothing(api: Api) -> None:
    store_done_call(api.state.db, TURNS, team="acme")
    theirs = api.key("rivals", "read")
    body = api.client.get("/v1/search", params={"q": "router"}, headers=theirs).json()
    assert body == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": ""}, "bad_request"),
        ({}, "bad_request"),
        ({"q": "  * - \" ' ( )  "}, "bad_query"),
        ({"q": "router", "cursor": "not-a-cursor"}, "bad_cursor"),
        ({"q": "router", "party": "robot"}, "bad_request"),
        ({"q": "router", "agent_id": "a\x00b"}, "bad_request"),
    ],
)
def test_unsearchable_requests_are_422_with_a_reason(
    api: Api, params: dict[str, str], code: str
) -> None:
    response = api.client.get("/v1/search", params=params, headers=api.key("acme", "read"))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_the_read_scope_is_needed(api: Api) -> None:
    response = api.client.get("/v1/search", params={"q": "x"}, headers=api.key("acme", "ingest"))
    assert response.status_code == 403


def test_a_deleted_call_is_gone_from_search(api: Api) -> None:
    call_id = store_done_call(api.state.db, TURNS)
    headers = api.key("acme", "read", "admin")
    assert api.client.delete(f"/v1/calls/{call_id}", headers=headers).status_code == 204
    body = api.client.get("/v1/search", params={"q": "router"}, headers=headers).json()
    assert body["items"] == []
