"""Guarded downloads from a real local HTTP server into real storage."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from pathlib import Path

import pytest

from service.backoff import retry_delay_s
from service.fetch.download import (
    DownloadError,
    DownloadNotAllowedError,
    DownloadPolicy,
    DownloadTooLargeError,
    TransientDownloadError,
    download,
)
from service.storage import LocalDiskStorage
from tests.service.conftest import LocalServer, Recorded, serve_locally, wav_bytes

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


# ------------------------------------------------ a total deadline per attempt (issue 12.4)


class TrickleServer:
    """A raw TCP server on 127.0.0.1 that sends ``head`` and then ``body`` one byte per
    ``interval_s``; ``trickle_head`` trickles the status line and headers too."""

    def __init__(self, head: bytes, body: bytes, interval_s: float, trickle_head: bool) -> None:
        self.head, self.body, self.interval_s, self.trickle_head = (
            head,
            body,
            interval_s,
            trickle_head,
        )
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                if not self.trickle_head:
                    conn.sendall(self.head)
                for byte in (self.head if self.trickle_head else b"") + self.body:
                    if self._stop.wait(self.interval_s):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return  # the client gave up: what the deadline is for

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._listener.close()


@pytest.mark.parametrize(
    ("trickle_head", "length_header"),
    [(False, True), (False, False), (True, True)],
    ids=["body-with-length", "body-until-close", "headers"],
)
def test_trickling_sender_is_cut_at_the_deadline_per_attempt(
    storage: LocalDiskStorage, trickle_head: bool, length_header: bool
) -> None:
    """One byte every 0.2 s never trips a per-read timeout of 1 s; the deadline must."""
    body = b"R" * 400  # 80 s at this rate
    head = b"HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\n"
    head += f"Content-Length: {len(body)}\r\n".encode() if length_header else b""
    server = TrickleServer(head + b"Connection: close\r\n\r\n", body, 0.2, trickle_head)
    try:
        started = time.monotonic()
        with pytest.raises(TransientDownloadError, match="longer than 1 s"):
            download(
                f"http://127.0.0.1:{server.port}/rec.wav",
                lambda: storage.writer(KEY),
                _policy(timeout_s=1.0, attempts=2, backoff_s=0.05),
            )
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert server.connections == 2
    assert elapsed < 2 * 1.0 + 0.05 + 1.0  # two deadlines, one backoff, slack for a busy box
    assert not storage.exists(KEY)
    assert list((storage.root / ".incoming").iterdir()) == []


def test_retry_waits_follow_the_shared_backoff(
    http_server: LocalServer, storage: LocalDiskStorage
) -> None:
    """Waits between attempts are service.backoff's: base, 2 base, ... capped at the max."""
    http_server.routes["/down.wav"] = lambda _r: (503, {}, b"")
    started = time.monotonic()
    with pytest.raises(TransientDownloadError):
        download(
            http_server.url("/down.wav"),
            lambda: storage.writer(KEY),
            _policy(attempts=4, backoff_s=0.2, backoff_max_s=0.3),
        )
    waited = time.monotonic() - started
    assert len(http_server.hits("/down.wav")) == 4
    expected = sum(retry_delay_s(n, 0.2, 0.3) for n in (1, 2, 3))  # 0.2 + 0.3 + 0.3
    assert expected <= waited < expected + 1.0


# ------------------------------------------- credentials only to the exact origin (12.5)


def test_credentials_are_not_sent_to_another_port_of_the_same_host(
    http_server: LocalServer, storage: LocalDiskStorage
) -> None:
    audio = wav_bytes(0.3)
    other = LocalServer(port=0)
    with serve_locally(other) as other_port:
        other.serve_bytes("/final.wav", audio)
        http_server.routes["/first.wav"] = lambda _r: (
            302,
            {"Location": f"http://127.0.0.1:{other_port}/final.wav"},
            b"",
        )
        got = download(
            http_server.url("/first.wav"),
            lambda: storage.writer(KEY),
            _policy(),
            credentials={"Authorization": "Basic abc"},
        )
    assert got.blob.size == len(audio)
    assert http_server.hits("/first.wav")[0].headers["Authorization"] == "Basic abc"
    assert "Authorization" not in other.hits("/final.wav")[0].headers


def test_credentials_follow_a_redirect_within_the_same_origin(
    http_server: LocalServer, storage: LocalDiskStorage
) -> None:
    audio = wav_bytes(0.3)
    http_server.serve_bytes("/final.wav", audio)
    http_server.routes["/first.wav"] = lambda _r: (302, {"Location": "/final.wav"}, b"")
    download(
        http_server.url("/first.wav"),
        lambda: storage.writer(KEY),
        _policy(),
        credentials={"Authorization": "Basic abc"},
    )
    assert http_server.hits("/final.wav")[0].headers["Authorization"] == "Basic abc"
