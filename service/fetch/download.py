"""Download a recording into storage: allow-listed hosts only, size cap, deadline, retries.

Redirects are followed by hand (at most a few), each hop checked by the guard;
credentials are sent only to the exact origin (scheme, host, port) the recording URL
named. ``timeout_s`` is a total deadline per attempt: httpx's timeouts are per socket
operation, so a sender trickling a byte at a time would never trip them; a watchdog
shuts the attempt's sockets down when the deadline passes.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from service.backoff import retry_delay_s
from service.fetch.guard import UnsafeURLError, check_url, pinned_request
from service.storage import BlobTooLargeError, BlobWriter, StoredBlob

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
_TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}


class DownloadError(Exception):
    """The recording cannot be fetched; retrying will not help."""

    code = "download_failed"


class DownloadTooLargeError(DownloadError):
    code = "download_too_large"


class DownloadNotAllowedError(DownloadError):
    code = "url_not_allowed"


class TransientDownloadError(Exception):
    """The fetch failed in a way a later retry may fix (timeouts, 5xx, 429)."""

    code = "download_unavailable"


@dataclass(frozen=True)
class DownloadPolicy:
    allowed_hosts: Sequence[str]
    private_hosts: Sequence[str]
    max_bytes: int
    timeout_s: float
    attempts: int = 3
    backoff_s: float = 0.5
    backoff_max_s: float = 30.0


@dataclass(frozen=True)
class Downloaded:
    blob: StoredBlob
    content_type: str | None


def download(
    url: str,
    open_writer: Callable[[], BlobWriter],
    policy: DownloadPolicy,
    *,
    credentials: Mapping[str, str] | None = None,
) -> Downloaded:
    """Fetch ``url`` into a fresh writer per attempt; retries transient failures.

    ``credentials`` are headers (Authorization) sent only to the URL's exact origin.
    """
    last: TransientDownloadError | None = None
    for attempt in range(1, policy.attempts + 1):
        try:
            return _download_once(url, open_writer, policy, credentials or {})
        except TransientDownloadError as exc:
            last = exc
            log.warning("download attempt %d/%d failed: %s", attempt, policy.attempts, exc)
            if attempt < policy.attempts:
                time.sleep(retry_delay_s(attempt, policy.backoff_s, policy.backoff_max_s))
    assert last is not None
    raise last


class _AttemptDeadline:
    """Shuts down every socket of one attempt when its deadline passes.

    Sockets are learnt from httpcore's ``trace`` extension as connections open; a
    shutdown wakes a read blocked on a trickling sender at once (closing would not).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _AttemptDeadline:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def error(self, exc: Exception) -> TransientDownloadError:
        if self.expired:
            return TransientDownloadError(f"download took longer than {self.seconds:g} s")
        return TransientDownloadError(f"{type(exc).__name__}: {exc}")


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        # the plain socket call, also for TLS sockets (no TLS close from this thread)
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _origin(url: httpx.URL) -> tuple[str, str, int]:
    default_port = 443 if url.scheme == "https" else 80
    return url.scheme, (url.host or "").lower(), url.port or default_port


def _download_once(
    url: str,
    open_writer: Callable[[], BlobWriter],
    policy: DownloadPolicy,
    credentials: Mapping[str, str],
) -> Downloaded:
    timeout = httpx.Timeout(policy.timeout_s, connect=min(10.0, policy.timeout_s))
    with (
        _AttemptDeadline(policy.timeout_s) as deadline,
        httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client,
    ):
        current = url
        origin: tuple[str, str, int] | None = None
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                checked = check_url(
                    current, allowed_hosts=policy.allowed_hosts, private_hosts=policy.private_hosts
                )
            except UnsafeURLError as exc:
                raise DownloadNotAllowedError(str(exc)) from None
            origin = origin or _origin(checked.url)
            same_origin = _origin(checked.url) == origin
            target, pin_headers, extensions = pinned_request(checked)
            request = client.build_request(
                "GET",
                target,
                headers={**(credentials if same_origin else {}), **pin_headers},
                extensions={**extensions, "trace": deadline.trace},
            )
            try:
                response = client.send(request, stream=True)
            except httpx.TransportError as exc:
                raise deadline.error(exc) from None
            try:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise DownloadError(f"redirect {response.status_code} without Location")
                    current = str(checked.url.join(location))
                    continue
                if response.status_code in _TRANSIENT_STATUS:
                    raise TransientDownloadError(f"HTTP {response.status_code} from {checked.host}")
                if response.status_code != 200:
                    raise DownloadError(f"HTTP {response.status_code} from {checked.host}")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                    raise DownloadTooLargeError(
                        f"recording is {int(declared)} bytes; the limit is {policy.max_bytes}"
                    )
                blob = _stream_to_storage(response, open_writer, policy.max_bytes, deadline)
                return Downloaded(blob=blob, content_type=response.headers.get("content-type"))
            finally:
                response.close()
        raise DownloadError(f"more than {MAX_REDIRECTS} redirects")


def _stream_to_storage(
    response: httpx.Response,
    open_writer: Callable[[], BlobWriter],
    max_bytes: int,
    deadline: _AttemptDeadline,
) -> StoredBlob:
    writer = open_writer()
    try:
        for chunk in response.iter_bytes(256 * 1024):
            writer.write(chunk)
        if deadline.expired:  # a body delimited by close ends "cleanly" at the shutdown
            raise deadline.error(TimeoutError())
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and writer.size != int(declared):
            raise TransientDownloadError(
                f"connection closed after {writer.size} of {declared} bytes"
            )
        return writer.finish()
    except BlobTooLargeError:  # the writer has already cleaned up
        raise DownloadTooLargeError(f"recording exceeds the limit of {max_bytes} bytes") from None
    except httpx.TransportError as exc:
        writer.abort()
        raise deadline.error(exc) from None
    except BaseException:
        writer.abort()
        raise
