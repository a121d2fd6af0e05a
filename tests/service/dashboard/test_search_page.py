"""The dashboard's search page on both backends: hits link to the call at the moment,
snippets are escaped with the match marked, filters apply, another team's calls never
show, and input that cannot be searched gets a message, not an error."""

from __future__ import annotations

import re

import pytest

from tests.service.conftest import Api
from tests.service.search.helpers import store_done_call

pytestmark = pytest.mark.services

TURNS = [
    ("agent", 0.5, 2.0, "Welcome to Acme billing."),
    ("customer", 2.5, 6.75, "The invoice <b>doubled</b> this month."),
]


def _sign_in(api: Api, team: str = "acme") -> None:
    key = api.key(team, "read")["Authorization"].removeprefix("Bearer ")
    signed = api.client.post("/sign-in", data={"api_key": key}, follow_redirects=False)
    assert signed.status_code == 303, signed.text


def test_hits_link_to_the_moment_with_escaped_snippets(api: Api) -> None:
    ours = store_done_call(api.state.db, TURNS, agent_id="anna", rules=("dead_air",))
    other = store_done_call(api.state.db, TURNS, agent_id="bert")
    store_done_call(api.state.db, TURNS, team="rivals")
    _sign_in(api)
    page = api.client.get("/search", params={"q": "invoice"}).text
    assert page.count('class="search-hit"') == 2
    assert f'href="/calls/{ours}#t=2.50"' in page and f'href="/calls/{other}#t=2.50"' in page
    assert "<mark>invoice</mark> &lt;b&gt;doubled&lt;/b&gt;" in page
    filtered = api.client.get(
        "/search", params={"q": "invoice", "agent": "anna", "rule": "dead_air", "party": "customer"}
    ).text
    assert re.findall(r'data-call-id="([0-9a-f-]+)"', filtered) == [str(ours)]
    none = api.client.get("/search", params={"q": "invoice", "party": "agent"}).text
    assert 'id="no-hits"' in none


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "*** --"}, "no words to search for"),
        ({"q": "invoice", "cursor": "garbage"}, "no longer valid"),
    ],
)
def test_unsearchable_input_gets_a_message(api: Api, params: dict[str, str], message: str) -> None:
    _sign_in(api)
    response = api.client.get("/search", params=params)
    assert response.status_code == 200
    assert message in response.text


def test_a_bad_date_is_422_and_signed_out_is_sent_to_sign_in(api: Api) -> None:
    assert api.client.get("/search", params={"q": "x"}, follow_redirects=False).status_code in (
        303,
        307,
    )
    _sign_in(api)
    assert api.client.get("/search", params={"q": "x", "from": "tomorrow"}).status_code == 422
