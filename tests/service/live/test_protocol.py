"""What the live sockets refuse and how: every bad key, signature, message and limit
closes the socket with its close code and an error message naming a stable ``code``;
the server keeps serving. Team switches and the concurrency limit. (No model: the
app runs without transcription, so these are quick.)"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from service.dashboard.auth import configured_secret
from service.dashboard.session_cookie import COOKIE_NAME, encode_session
from tests.service.live.clients import (
    Received,
    Screen,
    stream_raw,
    stream_twilio,
    twilio_messages,
    twilio_signature,
    ws_url,
)
from tests.service.live.conftest import (
    DEAD_AIR,
    PUBLIC_URL,
    TWILIO_SID,
    TWILIO_TOKEN,
    LiveService,
    live_settings,
    serve_live,
)

TWILIO_URL = PUBLIC_URL.replace("https", "wss") + "/v1/live/twilio"


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    settings = live_settings(
        tmp_path_factory.mktemp("live-quick"),
        default_engine="none",
        warm_up_model=False,
        live_max_calls=2,
    )
    yield from serve_live(settings)


def exchange(
    live: LiveService, path: str, sends: list[Any], headers: dict[str, str] | None = None
) -> Received:
    """Connect, send each message (str/dict: text, bytes: binary), read until closed."""
    got = Received()
    with connect(ws_url(live.base_url, path), additional_headers=headers or {}) as ws:
        with contextlib.suppress(ConnectionClosed):  # refused before the last message
            for message in sends:
                ws.send(json.dumps(message) if isinstance(message, dict) else message)
        with contextlib.suppress(ConnectionClosed):
            for raw in ws:
                got.messages.append(json.loads(raw))
        got.close_code, got.close_reason = ws.close_code, ws.close_reason or ""
    return got


def assert_refused(got: Received, close_code: int, code: str) -> None:
    errors = got.of_type("error")
    assert got.close_code == close_code, got
    assert errors and errors[-1]["code"] == code and errors[-1]["detail"], got
    assert got.close_reason.startswith(code), got


START = {"type": "start", "encoding": "pcm16", "rate": 8000, "agent_id": "anna"}
SECOND = b"\x00" + b"\x00\x01" * 8000


@pytest.mark.parametrize(
    ("role", "close_code", "code"),
    [
        (None, 4401, "unauthorized"),
        ("bogus", 4401, "unauthorized"),
        ("read", 4403, "forbidden"),  # no ingest scope
        ("anna", 4403, "forbidden"),  # an agent's key only reads cues
    ],
)
def test_plain_stream_refuses_bad_keys(
    quick: LiveService, role: str | None, close_code: int, code: str
) -> None:
    headers = {}
    if role == "bogus":
        headers = {"Authorization": "Bearer cck_0000_nope"}
    elif role is not None:
        headers = quick.bearer(role)
    assert_refused(exchange(quick, "/v1/live", [START], headers), close_code, code)


@pytest.mark.parametrize(
    ("sends", "close_code", "code"),
    [
        ([SECOND], 4400, "bad_message"),  # audio before start
        (["not json"], 4400, "bad_message"),
        ([{"type": "hello"}], 4400, "start_expected"),
        ([{**START, "rate": 12345}], 4400, "bad_start"),
        ([{**START, "encoding": "opus"}], 4400, "bad_start"),
        ([{**START, "tracks": ["agent", "agent"]}], 4400, "bad_start"),
        ([START, b"\x07" + b"\x00\x00"], 4400, "unknown_track"),
        ([START, b"\x00\x00\x00\x00"], 4400, "bad_frame"),  # 3 bytes of pcm16
        ([START, b""], 4400, "bad_frame"),
        ([START, b"\x00" + b"\x00" * 20000], 4413, "frame_too_large"),
        ([START, {"type": "pause"}], 4400, "bad_message"),
        ([], 4408, "idle_timeout"),  # no start in time
        ([START, SECOND], 4408, "idle_timeout"),  # audio, then nothing
    ],
)
def test_plain_stream_protocol_errors(
    quick: LiveService, sends: list[Any], close_code: int, code: str
) -> None:
    got = exchange(quick, "/v1/live", sends, quick.bearer("ingest"))
    assert_refused(got, close_code, code)
    with httpx.Client(base_url=quick.base_url) as client:
        assert client.get("/healthz").status_code == 200


def test_a_dropped_or_timed_out_stream_is_still_stored(quick: LiveService) -> None:
    # Two seconds of the agent, nothing of the customer (padded with silence).
    got = exchange(quick, "/v1/live", [START, SECOND, SECOND], quick.bearer("ingest"))
    stopped = got.of_type("stopped")[0]
    assert stopped["status"] == "queued" and got.close_code == 4408
    with quick.api() as client:
        call = client.get(f"/v1/calls/{stopped['call_id']}").json()
    assert call["source"] == "live" and call["duration_s"] == pytest.approx(2.0, abs=0.01)


def test_a_stream_stops_at_the_duration_limit(tmp_path: Path) -> None:
    settings = live_settings(
        tmp_path, default_engine="none", warm_up_model=False, live_max_duration_s=4.0
    )
    for short in serve_live(settings):
        got = stream_raw(short.base_url, short.bearer("ingest"), DEAD_AIR, {}, speed=50)
        assert_refused(got, 4413, "too_long")
        stored = got.of_type("stopped")[0]
        with short.api() as client:
            call = client.get(f"/v1/calls/{stored['call_id']}").json()
        assert call["duration_s"] == pytest.approx(4.0, abs=0.2)


def test_twilio_refuses_bad_signatures_and_accounts(quick: LiveService) -> None:
    def twilio(headers: dict[str, str], **start: Any) -> Received:
        messages = [m for _, m in twilio_messages(DEAD_AIR, TWILIO_SID, {"cues": "socket"})][:2]
        messages[1]["start"].update(start)
        return exchange(quick, "/v1/live/twilio", messages, headers)

    wrong = twilio_signature("not-the-token", TWILIO_URL)
    assert_refused(twilio(wrong), 4401, "bad_signature")
    other_url = twilio_signature(TWILIO_TOKEN, TWILIO_URL + "?x=1")
    assert_refused(twilio(other_url), 4401, "bad_signature")
    assert_refused(twilio({}), 4401, "unauthorized")  # neither a signature nor a key
    signed = twilio_signature(TWILIO_TOKEN, TWILIO_URL)
    assert_refused(twilio(signed, accountSid="AC" + "9" * 32), 4403, "account_mismatch")
    assert_refused(twilio(signed, tracks=["inbound"]), 4400, "one_track")
    assert_refused(
        twilio(signed, mediaFormat={"encoding": "audio/x-l16", "sampleRate": 16000}),
        4400,
        "unsupported_format",
    )


def test_twilio_with_an_ingest_key_parameter(quick: LiveService) -> None:
    params = {"key": quick.keys["other_ingest"], "agent": "anna", "cues": "socket"}
    messages = twilio_messages(DEAD_AIR, "AC" + "5" * 32, params)
    got = stream_twilio(quick.base_url, {}, messages, speed=50)
    assert got.of_type("started")[0]["team"] == "rivals"
    assert "unexplained_silence" in {c["rule"] for c in got.cues()}
    assert got.of_type("stopped")[0]["status"] == "queued", got


@pytest.mark.parametrize(
    ("path", "role", "code"),
    [
        ("/v1/live/agent", "read", "forbidden"),  # a team key is not an agent's
        ("/v1/live/agent", "bogus", "unauthorized"),
        ("/v1/live/team", "anna", "forbidden"),  # an agent sees only their own cues
        ("/v1/live/team", "ingest", "forbidden"),  # no read scope
    ],
)
def test_screens_refuse_the_wrong_keys(quick: LiveService, path: str, role: str, code: str) -> None:
    key = "cck_0000_nope" if role == "bogus" else quick.keys[role]
    got = exchange(quick, path, [{"type": "auth", "key": key}])
    assert_refused(got, 4401 if code == "unauthorized" else 4403, code)


def test_screens_want_the_key_first(quick: LiveService) -> None:
    assert_refused(exchange(quick, "/v1/live/agent", ["hello"]), 4400, "bad_message")
    wrong = exchange(quick, "/v1/live/agent", [{"type": "start"}])
    assert_refused(wrong, 4400, "auth_expected")
    assert_refused(exchange(quick, "/v1/live/team", []), 4408, "idle_timeout")


def test_team_stream_takes_a_coach_session_from_this_site_only(quick: LiveService) -> None:
    key_id = quick.keys["read"].split("_")[1]
    cookie = encode_session(configured_secret(quick.state.settings), key_id)
    host = quick.base_url.removeprefix("http://")
    headers = {"Cookie": f"{COOKIE_NAME}={cookie}"}
    own_site = {**headers, "Origin": f"http://{host}"}
    with Screen(quick.base_url, "/v1/live/team", None, additional_headers=own_site) as own:
        snapshot = own.wait_for(lambda m: m["type"] == "snapshot", 5)
    assert snapshot["team"] == "acme"
    evil = exchange(quick, "/v1/live/team", [], {**headers, "Origin": "http://evil.example"})
    assert_refused(evil, 4408, "idle_timeout")  # the cookie is ignored: a key is awaited


def test_team_switches_turn_a_cue_off(quick: LiveService) -> None:
    with quick.api("admin") as client:
        bad = client.put("/v1/live/settings", json={"off": ["nonsense"]})
        assert bad.status_code == 422 and bad.json()["code"] == "unknown_rule"
        on = client.put("/v1/live/settings", json={"off": []}).json()
        assert on["off"] == [] and "unexplained_silence" in on["rules"]
    try:
        first = stream_raw(quick.base_url, quick.bearer("ingest"), DEAD_AIR, {}, speed=50)
        with quick.api("admin") as client:
            client.put("/v1/live/settings", json={"off": ["unexplained_silence"]})
        second = stream_raw(quick.base_url, quick.bearer("ingest"), DEAD_AIR, {}, speed=50)
        other = stream_raw(quick.base_url, quick.bearer("other_ingest"), DEAD_AIR, {}, speed=50)
    finally:
        with quick.api("admin") as client:
            client.put("/v1/live/settings", json={"off": []})
    rules = [{c["rule"] for c in got.cues()} for got in (first, second, other)]
    assert "unexplained_silence" in rules[0]
    assert "unexplained_silence" not in rules[1]
    assert "unexplained_silence" in rules[2]  # another team's switch


def test_more_streams_than_the_limit_are_refused(quick: LiveService) -> None:
    url = ws_url(quick.base_url, "/v1/live")
    headers = quick.bearer("ingest")
    opened = [connect(url, additional_headers=headers) for _ in range(2)]
    try:
        for ws in opened:
            ws.send(json.dumps({**START, "encoding": "mulaw"}))
            assert json.loads(ws.recv(10))["type"] == "started"
        third = exchange(quick, "/v1/live", [START], headers)
        assert_refused(third, 1013, "too_many_streams")
    finally:
        for ws in opened:
            ws.close()
    time.sleep(0.5)
    got = exchange(quick, "/v1/live", [START, {"type": "stop"}], headers)
    assert got.of_type("stopped")[0]["status"] == "not_stored"  # no audio: nothing kept
    assert got.close_code == 1000
