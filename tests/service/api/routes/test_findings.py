"""/v1/calls/{id}/findings: the call's agent acknowledges or disputes a finding, a coach
sees the state and dismisses a disputed one, which then leaves the call's count, the
calls filter, the agent's weekly summary and the summary line (the report keeps it)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.service.conftest import Api, add_call
from tests.service.dashboard.coach_reports import coaching_report

pytestmark = pytest.mark.services

REASON = "The customer asked me to speak up: the line was bad."


def _agent_key(api: Api, agent_id: str, team: str = "acme") -> dict[str, str]:
    from service.keys import create_api_key

    with api.state.db.session() as session:
        new = create_api_key(session, team, ["read"], agent_id=agent_id)
    return {"Authorization": f"Bearer {new.key}"}


def _review(
    api: Api, key: dict[str, str], call: uuid.UUID, index: int, action: str, comment: str = ""
) -> Any:
    body: dict[str, Any] = {"action": action}
    if comment:
        body["comment"] = comment
    return api.client.post(f"/v1/calls/{call}/findings/{index}/reviews", headers=key, json=body)


def _week_findings(api: Api, key: dict[str, str], agent: str) -> dict[str, int]:
    summary = api.client.get(f"/v1/agents/{agent}/summary", headers=key).json()
    totals: dict[str, int] = {}
    for week in summary["weeks"]:
        for rule, n in week["findings"].items():
            totals[rule] = totals.get(rule, 0) + n
    return totals


def test_agent_disputes_coach_dismisses_and_counts_leave_it_out(api: Api) -> None:
    report = coaching_report()
    call = add_call(api.state.db, report=report, agent_id="anna", duration_s=report.duration_s)
    anna, coach = _agent_key(api, "anna"), api.key("acme", "read")
    silence = next(i for i, f in enumerate(report.findings) if f.rule == "unexplained_silence")

    listed = api.client.get(f"/v1/calls/{call}/findings", headers=anna)
    assert listed.status_code == 200, listed.text
    items = listed.json()
    assert [f["rule"] for f in items] == [f.rule for f in report.findings]
    assert {f["state"] for f in items} == {"open"} and all(f["counted"] for f in items)
    assert items[silence]["key"] == "unexplained_silence:agent:40.0"

    acknowledged = _review(api, anna, call, 0, "acknowledge")
    assert acknowledged.status_code == 201, acknowledged.text
    assert acknowledged.json()["state"] == "acknowledged"
    disputed = _review(api, anna, call, silence, "dispute", REASON).json()
    assert disputed["state"] == "disputed" and disputed["history"][0]["comment"] == REASON
    assert disputed["history"][0]["role"] == "agent"

    seen = api.client.get(f"/v1/calls/{call}/findings", headers=coach).json()
    assert [seen[0]["state"], seen[silence]["state"]] == ["acknowledged", "disputed"]
    before = api.client.get(f"/v1/calls/{call}", headers=coach).json()
    assert before["findings_count"] == len(report.findings)
    assert _week_findings(api, coach, "anna")["unexplained_silence"] == 1

    dismissed = _review(api, coach, call, silence, "dismiss", "Agreed, the line was bad.")
    assert dismissed.status_code == 201, dismissed.text
    body = dismissed.json()
    assert body["state"] == "dismissed" and body["counted"] is False
    assert [s["action"] for s in body["history"]] == ["dispute", "dismiss"]
    assert body["history"][1]["role"] == "coach"

    after = api.client.get(f"/v1/calls/{call}", headers=anna).json()
    assert after["findings_count"] == len(report.findings) - 1
    assert "unexplained_silence" not in _week_findings(api, coach, "anna")
    by_rule = api.client.get(
        "/v1/calls", headers=coach, params={"rule": "unexplained_silence"}
    ).json()
    assert by_rule["items"] == []
    # The report keeps every finding; the listing shows the dismissed one.
    kept = api.client.get(f"/v1/calls/{call}/report", headers=anna).json()
    assert len(kept["findings"]) == len(report.findings)
    listed_after = api.client.get(f"/v1/calls/{call}/findings", headers=anna).json()
    assert listed_after[silence]["state"] == "dismissed"

    # The coach undoes it: counted again.
    assert _review(api, coach, call, silence, "reopen").json()["state"] == "open"
    assert _week_findings(api, coach, "anna")["unexplained_silence"] == 1


def test_a_dismissed_finding_leaves_the_summary_line(api: Api) -> None:
    report = coaching_report()
    call = add_call(api.state.db, report=report, agent_id="anna", duration_s=report.duration_s)
    anna, coach = _agent_key(api, "anna"), api.key("acme", "read")
    loud = [i for i, f in enumerate(report.findings) if f.rule == "loudness"]
    line = api.client.get(f"/v1/calls/{call}", headers=coach).json()["summary"]
    assert line.startswith("Loudness: 2 turns")
    assert _review(api, anna, call, loud[0], "dispute", REASON).status_code == 201
    assert _review(api, coach, call, loud[0], "dismiss").status_code == 201
    line = api.client.get(f"/v1/calls/{call}", headers=coach).json()["summary"]
    assert line.startswith(report.findings[loud[1]].message.split(":")[0])


@pytest.mark.parametrize(
    ("who", "action", "index", "status", "code"),
    [
        ("coach", "acknowledge", 0, 403, "agent_only"),
        ("coach", "dispute", 0, 403, "agent_only"),
        ("anna", "dismiss", 1, 403, "coach_only"),
        ("anna", "reopen", 1, 403, "coach_only"),
        ("anna", "acknowledge", 99, 404, "no_such_finding"),
        ("anna", "dispute_no_comment", 2, 422, "comment_required"),
        ("coach", "dismiss", 0, 409, "invalid_transition"),
        ("coach", "dismiss", 2, 409, "invalid_transition"),
        ("anna", "acknowledge", 0, 409, "already_acknowledged"),
        ("anna", "dispute", 1, 409, "already_disputed"),
        ("anna", "acknowledge", 3, 409, "finding_dismissed"),
        ("anna", "dispute", 3, 409, "finding_dismissed"),
        ("coach", "dismiss", 3, 409, "already_dismissed"),
        ("coach", "reopen", 2, 409, "already_open"),
    ],
)
def test_refused_steps_say_why(
    api: Api, who: str, action: str, index: int, status: int, code: str
) -> None:
    """Finding 0 acknowledged, 1 disputed, 2 open, 3 dismissed."""
    report = coaching_report()
    call = add_call(api.state.db, report=report, agent_id="anna", duration_s=report.duration_s)
    keys = {"anna": _agent_key(api, "anna"), "coach": api.key("acme", "read")}
    for i, step, by in ((0, "acknowledge", "anna"), (1, "dispute", "anna")):
        assert _review(api, keys[by], call, i, step, REASON).status_code == 201
    assert _review(api, keys["anna"], call, 3, "dispute", REASON).status_code == 201
    assert _review(api, keys["coach"], call, 3, "dismiss").status_code == 201

    comment = "" if action == "dispute_no_comment" else REASON
    got = _review(api, keys[who], call, index, action.removesuffix("_no_comment"), comment)
    assert got.status_code == status, got.text
    assert got.json()["code"] == code
    assert isinstance(got.json()["detail"], str) and got.json()["detail"]


def test_only_the_calls_agent_and_team_see_or_review_its_findings(api: Api) -> None:
    report = coaching_report()
    call = add_call(api.state.db, report=report, agent_id="anna", duration_s=report.duration_s)
    queued = add_call(api.state.db, agent_id="anna", duration_s=60.0)
    bert, rival = _agent_key(api, "bert"), api.key("rivals", "read")
    for key in (bert, rival):
        assert api.client.get(f"/v1/calls/{call}/findings", headers=key).status_code == 404
        refused = _review(api, key, call, 0, "acknowledge")
        assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    ingest_only = api.key("acme", "ingest")
    assert _review(api, ingest_only, call, 0, "dismiss").status_code == 403
    assert api.client.get(f"/v1/calls/{call}/findings").status_code == 401

    anna = _agent_key(api, "anna")
    not_yet = api.client.get(f"/v1/calls/{queued}/findings", headers=anna)
    assert not_yet.status_code == 409 and not_yet.json()["code"] == "not_analysed"
    bad = api.client.post(
        f"/v1/calls/{call}/findings/0/reviews", headers=anna, json={"action": "approve"}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "bad_request"
    too_long = _review(api, anna, call, 0, "dispute", "x" * 2001)
    assert too_long.status_code == 422
    with_nul = _review(api, anna, call, 0, "dispute", "a\x00b")  # PostgreSQL cannot store it
    assert with_nul.status_code == 422 and with_nul.json()["code"] == "bad_request"


def test_the_routes_are_documented(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    post = schema["paths"]["/v1/calls/{call_id}/findings/{index}/reviews"]["post"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(post["responses"])
    assert "comment_required" in post["responses"]["422"]["description"]
    assert "invalid_transition" in post["responses"]["409"]["description"]
    get = schema["paths"]["/v1/calls/{call_id}/findings"]["get"]
    assert {"200", "401", "403", "404", "409"} <= set(get["responses"])
    item = schema["components"]["schemas"]["FindingReviewOut"]
    assert {"state", "counted", "history", "key"} <= set(item["properties"])
