"""PII redaction through the service: a real voice reads a card number into an
upload; with the team's redaction on (the default) no API answer, dashboard page, CSV,
callback, stored file, database row or log line holds it, and the stored recording
is blanked where it was said. With redaction turned off the same checks find it
(so they can fail)."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from sqlalchemy import MetaData, select

from tests.analyzers.redaction.spoken_digits import SOUNDS, digit_call
from tests.service.conftest import (
    Api,
    LocalServer,
    Recorded,
    base_settings,
    running_api,
    wav_bytes,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SOUNDS.is_dir(), reason="asterisk-core-sounds-en-wav"),
]

CARD = "4539148803436467"
REAL_MODEL = {"default_engine": "faster-whisper", "callback_backoff_s": 0.2}
_SPOKEN = ["four", "five", "three", "nine", "one", "four", "eight", "eight"]


def leaks(text: str) -> bool:
    """The card's first eight digits in order, as numerals (with anything but digits
    between them: markup, separators) or as English words."""
    visible = re.sub(r"<[^>]+>", " ", text)
    numerals = r"\D{0,40}".join(CARD[:8])
    words = r"\W{1,40}".join(_SPOKEN)
    strings = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text))  # JSON strings, joined
    return bool(
        re.search(numerals, visible)
        or re.search(words, visible, re.IGNORECASE)
        or CARD[:8] in re.sub(r"\D", "", strings)
    )


def _upload_card_call(api: Api, headers: dict[str, str]) -> tuple[str, bytes]:
    call = digit_call(CARD)
    buffer = io.BytesIO()
    sf.write(buffer, call.audio.T, call.sample_rate, format="WAV", subtype="PCM_16")
    accepted = api.upload(headers, buffer.getvalue(), agent_id="anna", language="en")
    assert accepted.status_code == 202, accepted.text
    call_id = accepted.json()["id"]
    assert api.wait_status(headers, call_id, {"done", "failed"}, 240)["status"] == "done"
    return call_id, buffer.getvalue()


def _everything_shown(api: Api, headers: dict[str, str], call_id: str) -> dict[str, str]:
    key = headers["Authorization"].removeprefix("Bearer ")
    assert api.client.post("/sign-in", data={"api_key": key}, follow_redirects=False).is_redirect
    return {
        "report": api.client.get(f"/v1/calls/{call_id}/report", headers=headers).text,
        "call": api.client.get(f"/v1/calls/{call_id}", headers=headers).text,
        "page": api.client.get(f"/calls/{call_id}").text,
        "csv": api.client.get("/calls.csv").text,
        "agents_csv": api.client.get("/agents.csv?agent=anna").text,
    }


def _database_dump(api: Api) -> str:
    meta = MetaData()
    with api.state.db.session() as session:
        meta.reflect(bind=session.connection())
        rows = [
            json.dumps([str(v) for v in row])
            for table in meta.sorted_tables
            for row in session.execute(select(table)).all()
        ]
    return "\n".join(rows)


def _stored_files(data_dir: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}


def _level_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, dtype=np.float64) ** 2) + 1e-12))


def test_no_trace_of_a_redacted_card_number_anywhere(
    tmp_path: Path, http_server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    posted: list[Recorded] = []
    http_server.routes["/hook"] = lambda req: (posted.append(req), (200, {}, b""))[1]
    caplog.set_level(logging.DEBUG)
    with running_api(base_settings(tmp_path, **REAL_MODEL)) as api:
        headers = api.key("acme", "ingest", "read", "admin")
        assert api.client.get("/v1/privacy", headers=headers).json() == {
            "pii_redaction": True,
            "audio_mode": "tone",
        }
        silence = {"pii_redaction": True, "audio_mode": "silence"}
        assert api.client.put("/v1/privacy", json=silence, headers=headers).status_code == 200
        api.client.post("/v1/callbacks", json={"url": http_server.url("/hook")}, headers=headers)
        call_id, original = _upload_card_call(api, headers)
        deadline = time.monotonic() + 30
        while not posted and time.monotonic() < deadline:
            time.sleep(0.1)
        assert posted, "no callback delivered"

        shown = _everything_shown(api, headers, call_id)
        report = json.loads(shown["report"])
        assert "[CARD]" in " ".join(t["text"] or "" for t in report["turns"])
        assert [r["kind"] for r in report["redactions"]] == ["CARD"]
        assert set(report["redactions"][0]) == {"kind", "party", "start_s", "end_s"}
        for name, text in shown.items():
            assert not leaks(text), name
        assert not leaks(posted[0].body.decode())
        assert not leaks(_database_dump(api))
        assert not leaks(caplog.text)

        audio = api.client.get(f"/v1/calls/{call_id}/audio", headers=headers)
        assert audio.headers["content-type"] == "audio/wav"
        served, sr = sf.read(io.BytesIO(audio.content), dtype="float32", always_2d=True)
        for start_s, end_s in digit_call(CARD).digit_spans:
            assert _level_db(served[int(start_s * sr) : int(end_s * sr)]) < -90
        files = _stored_files(tmp_path)
        assert audio.content in files.values()  # the served file is the stored one
        assert original not in files.values()  # the original is gone
        first_digit = digit_call(CARD).digit_spans[0]
        frame = 44 + 4 * int(first_digit.start_s * sr)  # PCM_16 stereo after the header
        spoken_digit = original[frame : frame + 2000]  # the voice saying "four"
        for path, content in files.items():
            assert spoken_digit not in content, path
            if path.suffix == ".db":  # binary pages: the exact forms; the rows are read above
                assert CARD.encode() not in content and b"four five three" not in content
            else:
                assert not leaks(content.decode("utf-8", errors="replace")), path
        assert not leaks(_database_dump(api))


def test_with_redaction_off_the_number_and_the_original_stay(tmp_path: Path) -> None:
    with running_api(base_settings(tmp_path, **REAL_MODEL)) as api:
        headers = api.key("acme", "ingest", "read", "admin")
        reader = api.key("acme", "ingest", "read")
        off = {"pii_redaction": False, "audio_mode": "tone"}
        assert api.client.put("/v1/privacy", json=off, headers=reader).status_code == 403
        assert api.client.put("/v1/privacy", json=off, headers=headers).status_code == 200
        call_id, original = _upload_card_call(api, headers)
        shown = _everything_shown(api, headers, call_id)
        assert leaks(shown["report"]) and leaks(shown["page"])
        assert json.loads(shown["report"])["redactions"] == []
        assert api.client.get(f"/v1/calls/{call_id}/audio", headers=headers).content == original


def test_with_redaction_on_the_recording_waits_for_the_analysis(api: Api) -> None:
    headers = api.key("acme", "ingest", "read")
    call_id = api.upload(headers, wav_bytes(1.0)).json()["id"]
    # The in-process worker may finish between two requests: judge by the status on
    # both sides of the audio request.
    before = api.client.get(f"/v1/calls/{call_id}", headers=headers).json()["status"]
    audio = api.client.get(f"/v1/calls/{call_id}/audio", headers=headers)
    after = api.client.get(f"/v1/calls/{call_id}", headers=headers).json()["status"]
    if before == "done":
        assert audio.status_code == 200
    elif after != "done":
        assert audio.status_code == 409
    if api.settings.queue_backend != "celery":  # the in-process worker runs it
        api.wait_status(headers, call_id, {"done"}, 60)
        assert api.client.get(f"/v1/calls/{call_id}/audio", headers=headers).status_code == 200
