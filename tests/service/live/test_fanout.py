"""The team install: two API processes' worth of apps share the database and Redis;
a stream on one is listed, with its cues, on the other's screens (Redis pub/sub), and
only for its team."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.service.live.clients import Received, Screen, stream_raw
from tests.service.live.conftest import DEAD_AIR, live_settings, serve_live
from tests.service.live.test_streams import assert_dead_air

pytestmark = pytest.mark.services


def test_cues_reach_screens_on_another_api_process(tmp_path: Path, redis_url: str) -> None:
    settings = live_settings(
        tmp_path,
        default_engine="none",
        warm_up_model=False,
        live_fanout="redis",
        redis_url=redis_url,
        live_redis_prefix=f"callcoach-test:{uuid.uuid4().hex[:8]}",
    )
    for one in serve_live(settings):
        for other in serve_live(settings):  # same database and Redis, its own hub
            other.keys = one.keys  # made in the shared database by the first
            _check(one, other)


def _check(one, other) -> None:  # type: ignore[no-untyped-def]
    team = Screen(other.base_url, "/v1/live/team", other.keys["read"])
    rivals = Screen(other.base_url, "/v1/live/team", other.keys["other_read"])
    team.wait_for(lambda m: m["type"] == "snapshot")
    rivals.wait_for(lambda m: m["type"] == "snapshot")
    got = Received()

    def stream() -> None:
        nonlocal got
        got = stream_raw(one.base_url, one.bearer("ingest"), DEAD_AIR, {"agent_id": "anna"}, 10)

    sender = threading.Thread(target=stream)
    sender.start()
    started = team.wait_for(lambda m: m["type"] == "call_started", 10)
    with httpx.Client(base_url=other.base_url, headers=other.bearer("read")) as client:
        listed = client.get("/v1/live/calls").json()["calls"]
    with httpx.Client(base_url=other.base_url, headers=other.bearer("other_read")) as client:
        assert client.get("/v1/live/calls").json()["calls"] == []
    assert [c["call_id"] for c in listed] == [started["call_id"]]
    sender.join(60)
    team.wait_for(lambda m: m["type"] == "call_ended", 10)
    seen = [m["cue"] for m in team.close().messages if m["type"] == "cue"]
    assert seen == got.cues()
    assert_dead_air(seen)
    assert [m["type"] for m in rivals.close().messages] == ["snapshot"]
    time.sleep(0.2)
    with httpx.Client(base_url=other.base_url, headers=other.bearer("read")) as client:
        assert client.get("/v1/live/calls").json()["calls"] == []
