"""Generic webhook replays are recognised by what was signed, not by the header's text.

The replay store once keyed on the raw signature header, so the same signed body was
accepted again under a reworded header (issue 12.3). Real app, both database backends.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from service.db.models import Call
from service.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    SignedBody,
    parse_signatures,
    sign,
)
from tests.service.api.routes.test_webhooks import _post_generic as post_generic
from tests.service.conftest import Api, Backend, LocalServer, running_api, wav_bytes

pytestmark = pytest.mark.services

SENDER, SECRET = "crm", "generic-secret-0123456789"
OTHER_SENDER, OTHER_SECRET = "erp", "other-secret-0123456789"
ACCOUNTS = {
    SENDER: {"secret": SECRET, "team": "acme"},
    OTHER_SENDER: {"secret": OTHER_SECRET, "team": "acme"},
}


@pytest.fixture
def generic_api(backend: Backend) -> Iterator[Api]:
    with running_api(backend.settings(generic_webhook_accounts=ACCOUNTS)) as running:
        yield running


def _post(api: Api, body: bytes, timestamp: str, signature: str, sender: str = SENDER) -> Any:
    """Signed at ``timestamp`` by ``sender``, with ``signature`` as the header's text."""
    secret = ACCOUNTS[sender]["secret"]
    headers = {SIGNATURE_HEADER: signature}
    return post_generic(
        api, body, secret=secret, sender=sender, timestamp=int(timestamp), headers=headers
    )


def _calls(api: Api) -> int:
    with api.state.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Call)) or 0)


REWORDINGS = [
    "{sig},v1=00",
    "{sig},{sig}",
    "v1=00,{sig}",
    "{sig},,",
    " {sig} ",
    "{upper}",
    "v2=abc,{sig}",
]


@pytest.mark.parametrize("first", ["{sig}", "{sig},,"])
def test_reworded_signature_header_is_a_replay(
    generic_api: Api, http_server: LocalServer, first: str
) -> None:
    http_server.serve_bytes("/calls/1.wav", wav_bytes(0.5))
    body = json.dumps({"audio_url": http_server.url("/calls/1.wav")}).encode()
    signed = sign(SECRET, body, int(time.time()))
    timestamp, sig = signed[TIMESTAMP_HEADER], signed[SIGNATURE_HEADER]
    upper = "v1=" + sig.removeprefix("v1=").upper()

    accepted = _post(generic_api, body, timestamp, first.format(sig=sig))
    assert accepted.status_code == 200, accepted.text
    for rewording in [*REWORDINGS, "{sig}"]:
        header = rewording.format(sig=sig, upper=upper)
        replay = _post(generic_api, body, timestamp, header)
        assert replay.status_code == 409, (header, replay.text)
    assert _calls(generic_api) == 1


def test_same_body_from_another_sender_or_second_is_not_a_replay(
    generic_api: Api, http_server: LocalServer
) -> None:
    http_server.serve_bytes("/calls/1.wav", wav_bytes(0.5))
    body = json.dumps({"audio_url": http_server.url("/calls/1.wav")}).encode()
    now = int(time.time())
    for secret, sender, ts in [
        (SECRET, SENDER, now),
        (SECRET, SENDER, now - 1),
        (OTHER_SECRET, OTHER_SENDER, now),
    ]:
        signed = sign(secret, body, ts)
        got = _post(generic_api, body, signed[TIMESTAMP_HEADER], signed[SIGNATURE_HEADER], sender)
        assert got.status_code == 200, got.text
    assert _calls(generic_api) == 3


def test_header_without_a_wellformed_v1_signature_is_refused(generic_api: Api) -> None:
    body = b'{"audio_url": "https://example.org/x.wav"}'
    timestamp = str(int(time.time()))
    for header in ["", ",,", "v1=00", "v2=" + "0" * 64, "sha256=" + "0" * 64]:
        got = _post(generic_api, body, timestamp, header)
        assert got.status_code == 403, (header, got.text)
    assert _calls(generic_api) == 0


def test_parse_signatures_keeps_only_wellformed_v1_digests() -> None:
    good = "a" * 64
    assert parse_signatures(f"v1={good}") == [good]
    assert parse_signatures(f"v1=00, v1={good.upper()},,v2=xyz") == [good]
    with pytest.raises(SignatureError, match="no v1="):
        parse_signatures("v1=00,,")
    with pytest.raises(SignatureError, match="missing"):
        parse_signatures(None)


def test_replay_key_is_sender_timestamp_and_body() -> None:
    def key(sender: str, ts: int, body: bytes, chunks: int = 1) -> str:
        signed = SignedBody(SECRET, ts)
        step = max(1, len(body) // chunks)
        for start in range(0, len(body), step):
            signed.update(body[start : start + step])
        signed.verify(sign(SECRET, body, ts)[SIGNATURE_HEADER])
        return signed.replay_key(sender)

    body = b'{"audio_url": "https://example.org/x.wav"}'
    assert key(SENDER, 1_700_000_000, body) == key(SENDER, 1_700_000_000, body, chunks=5)
    assert key(SENDER, 1_700_000_000, body) != key(OTHER_SENDER, 1_700_000_000, body)
    assert key(SENDER, 1_700_000_000, body) != key(SENDER, 1_700_000_001, body)
    assert key(SENDER, 1_700_000_000, body) != key(SENDER, 1_700_000_000, body + b" ")
