"""What a coach needs to tell calls apart, through the API: the uploaded file's name,
company names as upload metadata, and the one-line coaching summary of a done call."""

from __future__ import annotations

import pytest

from tests.service.conftest import Api, Backend, sample_bytes, wav_bytes

pytestmark = pytest.mark.services


def test_upload_keeps_the_file_name_and_company_names(api: Api) -> None:
    headers = api.key("acme", "ingest", "read")
    response = api.client.post(
        "/v1/calls",
        headers=headers,
        files={"audio": ("C:\\calls\\2026-12\\Kim\u00a0billing.wav", wav_bytes(), "audio/wav")},
        data={"company_names": "Acme Telecom;\nAcme ; ", "customer_name": "Ada"},
    )
    assert response.status_code == 202, response.text
    body = api.client.get(f"/v1/calls/{response.json()['id']}", headers=headers).json()
    assert body["file_name"] == "Kim billing.wav"  # the last part of the path, one space
    assert body["metadata"]["company_names"] == ["Acme Telecom", "Acme"]
    assert body["metadata"]["customer_name"] == "Ada"


def test_too_many_or_too_long_company_names_are_422(api: Api) -> None:
    headers = api.key("acme", "ingest")
    many = api.upload(headers, wav_bytes(), company_names=";".join(f"c{i}" for i in range(21)))
    assert many.status_code == 422 and many.json()["code"] == "bad_field"
    assert "company_names" in many.json()["detail"]
    long = api.upload(headers, wav_bytes(), company_names="x" * 201)
    assert long.status_code == 422 and long.json()["code"] == "bad_field"


def test_done_call_has_a_summary_line_from_its_report(api: Api, backend: Backend) -> None:
    if backend.name != "sqlite":
        pytest.skip("the analysis runs in-process on the SQLite backend only (no worker here)")
    headers = api.key("acme", "ingest", "read")
    accepted = api.upload(headers, sample_bytes("dead_air"), agent_id="kim")
    assert accepted.status_code == 202, accepted.text
    call_id = accepted.json()["id"]
    body = api.wait_status(headers, call_id, {"done", "failed"}, timeout=240)
    assert body["status"] == "done", body
    report = api.client.get(f"/v1/calls/{call_id}/report", headers=headers).json()
    assert report["schema_version"] == 1
    points = report["summary"]
    if not report["findings"]:
        assert points == [] and body["summary"] is None
        return
    assert 1 <= len(points) <= 3
    assert body["summary"].startswith(points[0]["text"].split(". ")[0].rstrip("."))
    for point in points:
        assert {report["findings"][i]["rule"] for i in point["findings"]} == {point["rule"]}


def _stored_call(api: Api, team: str) -> str:
    from tests.service.conftest import add_call

    call_id = add_call(api.state.db, team=team, duration_s=80.0)
    return str(call_id)


def test_notes_at_a_time_listed_in_order_and_kept_to_the_team(api: Api) -> None:
    headers = api.key("acme", "read")
    call_id = _stored_call(api, "acme")
    first = api.client.post(
        f"/v1/calls/{call_id}/notes", headers=headers, json={"text": " Listen here ", "at_s": 12.5}
    )
    assert first.status_code == 201, first.text
    assert first.json()["text"] == "Listen here" and first.json()["at_s"] == 12.5
    second = api.client.post(
        f"/v1/calls/{call_id}/notes", headers=headers, json={"text": "Whole call"}
    )
    assert second.status_code == 201, second.text
    listed = api.client.get(f"/v1/calls/{call_id}/notes", headers=headers).json()
    assert [(n["text"], n["at_s"]) for n in listed] == [("Listen here", 12.5), ("Whole call", None)]

    other = api.key("rivals", "read", "ingest")
    assert api.client.get(f"/v1/calls/{call_id}/notes", headers=other).status_code == 404
    posted = api.client.post(f"/v1/calls/{call_id}/notes", headers=other, json={"text": "x"})
    assert posted.status_code == 404


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"text": "late", "at_s": 81.0}, "after the end of the call"),
        ({"text": "on nothing", "finding": 0}, "has no finding 1"),
        ({"text": "", "at_s": 1.0}, "text"),
        ({"text": "before", "at_s": -1.0}, "at_s"),
    ],
)
def test_notes_that_do_not_fit_the_call_are_422(
    api: Api, body: dict[str, object], says: str
) -> None:
    headers = api.key("acme", "read")
    call_id = _stored_call(api, "acme")
    response = api.client.post(f"/v1/calls/{call_id}/notes", headers=headers, json=body)
    assert response.status_code == 422, response.text
    assert says in response.json()["detail"]
    assert api.client.get(f"/v1/calls/{call_id}/notes", headers=headers).json() == []


def test_team_company_names_are_used_when_the_call_names_none(api: Api, backend: Backend) -> None:
    if backend.name != "sqlite":
        pytest.skip("the analysis runs in-process on the SQLite backend only (no worker here)")
    from service.teams import get_or_create_team, set_team_company_names

    headers = api.key("acme", "ingest", "read")
    with api.state.db.session() as session:
        set_team_company_names(session, get_or_create_team(session, "acme").id, ["Acme Telecom"])
    plain = api.upload(headers, sample_bytes("early_pickup")).json()["id"]
    named = api.upload(headers, sample_bytes("early_pickup"), company_names="Other Co").json()["id"]
    names = {}
    for call_id in (plain, named):
        assert api.wait_status(headers, call_id, {"done", "failed"}, 240)["status"] == "done"
        report = api.client.get(f"/v1/calls/{call_id}/report", headers=headers).json()
        names[call_id] = report["context"]["company_names"]
    assert names == {plain: ["Acme Telecom"], named: ["Other Co"]}
