"""The bad-input corpus (tests/analyzers/bad_inputs.py) uploaded through the API.

Each upload is refused at once (422 with a code and a one-line reason), or accepted and
its job ends ``failed`` with a typed error code, or ``done`` with a report; a report from
a cut-off recording carries its warning, and none from garbage is a clean bill of
health. SQLite + in-process worker: the outcome is the analysis's, not the queue's.
"""

from __future__ import annotations

from pathlib import Path

from tests.analyzers.bad_inputs import BadInput, build_corpus
from tests.service.conftest import Api, base_settings, running_api

_TERMINAL = {"done", "failed"}


def _outcome(api: Api, headers: dict[str, str], case: BadInput) -> str:
    response = api.upload(headers, case.path.read_bytes())
    if response.status_code == 422:
        body = response.json()
        assert body.get("code"), f"{case.id}: 422 without a code: {body}"
        assert "\n" not in str(body.get("detail", "")), body
        return f"422 {body['code']}"
    assert response.status_code in (200, 201, 202), f"{case.id}: {response.status_code}"
    call_id = response.json()["id"]
    call = api.wait_status(headers, call_id, _TERMINAL, timeout=120)
    if call["status"] == "failed":
        error = call["error"]
        assert error and error["code"] and "\n" not in (error["message"] or ""), call
        assert "Traceback" not in (error["message"] or "")
        return f"failed {error['code']}"
    assert case.expect != "error", f"{case.id} must be refused, got a report"
    report = api.client.get(f"/v1/calls/{call_id}/report", headers=headers).json()
    codes = {w["code"] for w in report["warnings"]}
    if case.needs_warning and report["duration_s"] < 11.9:
        assert codes & {"truncated", "damaged"}, f"{case.id}: cut off, but {codes}"
    if codes or case.expect == "error":
        assert not all(m["status"] == "ok" for m in report["metrics"]), case.id
    return f"done {sorted(codes)}"


def test_every_bad_input_through_the_api(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "corpus")
    outcomes: dict[str, str] = {}
    failures: list[str] = []
    with running_api(base_settings(tmp_path / "data")) as api:
        headers = api.key("acme", "ingest", "read")
        for case in corpus:
            try:
                outcomes[case.id] = _outcome(api, headers, case)
            except AssertionError as exc:
                failures.append(str(exc).splitlines()[0])
    assert not failures, f"{len(failures)} of {len(corpus)} failed:\n" + "\n".join(failures)
    kinds = {outcome.split()[0] for outcome in outcomes.values()}
    assert kinds >= {"422", "done"}, outcomes
    assert outcomes["cut192022_wav.wav"] == "done ['truncated']"
    assert outcomes["silence.wav"] == "done ['no_speech']"
    assert outcomes["utf16_as.wav"] == "422 corrupt_audio"


def test_call_page_shows_the_warning(tmp_path: Path) -> None:
    corpus = {case.id: case for case in build_corpus(tmp_path / "corpus")}
    with running_api(base_settings(tmp_path / "data")) as api:
        headers = api.key("acme", "ingest", "read")
        call_id = api.upload(headers, corpus["cut192022_wav.wav"].path.read_bytes()).json()["id"]
        assert api.wait_status(headers, call_id, _TERMINAL)["status"] == "done"
        key = headers["Authorization"].removeprefix("Bearer ")
        signed_in = api.client.post("/sign-in", data={"api_key": key}, follow_redirects=False)
        assert signed_in.status_code in (302, 303), signed_in.text[:300]
        page = api.client.get(f"/calls/{call_id}")
        assert page.status_code == 200, page.text[:300]
        assert 'data-warning="truncated"' in page.text
        assert "Truncated recording" in page.text
        assert "Every measured rule is within its range" not in page.text
