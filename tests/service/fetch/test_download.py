"""Guarded downloads from a real local HTTP server into real storage."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from service.fetch.download import (
    DownloadError,
    DownloadNotAllowedError,
    DownloadPolicy,
    DownloadTooLargeError,
    TransientDownloadError,
    download,
)
from service.storage import LocalDiskStorage
from tests.service.conftest import LocalServer, Recorded, wav_bytes

KEY = "0123456789abcdef0123456789abcdef"


def _policy(**overrides: object) -> DownloadPolicy:
    values: dict[str, object] = {
        "allowed_hosts": ["127.0.0.1"],
        "private_hosts": ["127.0.0.1"],
        "max_bytes": 1_000_000,
        "timeout_s": 3.0,
        "attempts": 3,
        "backoff_s": 0.05,
    }
    values.update(overrides)
    return DownloadPolicy(**values)  # type: ignore[arg-type]


@pytest.fixture
def storage(tmp_path: Path) -> LocalDiskStorage:
    return LocalDiskStorage(tmp_path / "audio")


def test_downloads_with_credentials(http_server: LocalServer, storage: LocalDiskStorage) -> None:
    audio = wav_bytes(1.0)
    http_server.serve_bytes("/rec.wav", audio)
    got = download(
        http_server.url("/rec.wav"),
        lambda: storage.writer(KEY, 1_000_000),
        _policy(),
        credentials={"Authorization": "Basic abc"},
    )
    assert got.blob.sha256 == hashlib.sha256(audio).hexdigest()
    assert storage.local_path(KEY).read_bytes() == audio  # type: ignore[union-attr]
    assert got.content_type == "audio/wav"
    assert http_server.hits("/rec.wav")[0].headers["Authorization"] == "Basic abc"


def test_transient_failures_are_retried(
    http_server: LocalServer, storage: LocalDiskStorage
) -> None:
    audio = wav_bytes(0.5)
    calls: list[int] = []

    def flaky(_req: Recorded) -> tuple[int, dict[str, str], bytes]:
        calls.append(1)
        if len(calls) < 3:
            return 503, {}, b"busy"
        return 200, {"Content-Type": "audio/wav"}, audio

    http_server.routes["/flaky.wav"] = flaky
    got = download(http_server.url("/flaky.wav"), lambda: storage.writer(KEY), _policy())
    assert len(calls) == 3
    assert got.blob.size == len(audio)


def test_persistent_5xx_is_transient(http_server: LocalServer, storage: LocalDiskStorage) -> None:
    http_server.routes["/down.wav"] = lambda _r: (502, {}, b"")
    with pytest.raises(TransientDownloadError, match="HTTP 502"):
        download(http_server.url("/down.wav"), lambda: storage.writer(KEY), _policy(attempts=2))
    assert len(http_server.hits("/down.wav")) == 2


def test_404_is_permanent(http_server: LocalServer, storage: LocalDiskStorage) -> None:
    with pytest.raises(DownloadError, match="HTTP 404"):
        download(http_server.url("/missing.wav"), lambda: storage.writer(KEY), _policy())
    assert len(http_server.hits("/missing.wav")) == 1


def test_size_cap(http_server: LocalServer, storage: LocalDiskStorage) -> None:
    http_server.serve_bytes("/big.wav", b"x" * 5000)
    with pytest.raises(DownloadTooLargeError):
        download(
            http_server.url("/big.wav"), lambda: storage.writer(KEY, 4000), _policy(max_bytes=4000)
        )
    # Without a Content-Length the cap is enforced while streaming.
    http_server.routes["/unsized.wav"] = lambda _r: (200, {"X-Omit-Length": "1"}, b"y" * 5000)
    with pytest.raises(DownloadTooLargeError):
        download(
            http_server.url("/unsized.wav"),
            lambda: storage.writer(KEY, 4000),
            _policy(max_bytes=4000),
        )
    assert not storage.exists(KEY)
    assert list((storage.root / ".incoming").iterdir()) == []


def test_redirect_to_disallowed_host_is_refused(
    http_server: LocalServer, storage: LocalDiskStorage
) -> None:
    http_server.routes["/moved.wav"] = lambda _r: (302, {"Location": "https://example.org/x"}, b"")
    with pytest.raises(DownloadNotAllowedError, match=r"example\.org"):
        download(http_server.url("/moved.wav"), lambda: storage.writer(KEY), _policy())


def test_redirect_within_allowed_hosts(http_server: LocalServer, storage: LocalDiskStorage) -> None:
    audio = wav_bytes(0.3)
    http_server.serve_bytes("/final.wav", audio)
    http_server.routes["/first.wav"] = lambda _r: (302, {"Location": "/final.wav"}, b"")
    got = download(http_server.url("/first.wav"), lambda: storage.writer(KEY), _policy())
    assert got.blob.size == len(audio)


def test_timeout_is_transient(http_server: LocalServer, storage: LocalDiskStorage) -> None:
    def slow(_req: Recorded) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1.5)
        return 200, {}, b"late"

    http_server.routes["/slow.wav"] = slow
    started = time.monotonic()
    with pytest.raises(TransientDownloadError):
        download(
            http_server.url("/slow.wav"),
            lambda: storage.writer(KEY),
            _policy(timeout_s=0.5, attempts=1),
        )
    assert time.monotonic() - started < 1.4
