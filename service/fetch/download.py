"""Download a recording into storage: allow-listed hosts only, size cap, timeout, retries.

Redirects are followed by hand (at most a few), each hop checked by the guard;
credentials are sent only to the host the recording URL named.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import httpx

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

    ``credentials`` are headers (Authorization) sent only to the URL's own host.
    """
    last: TransientDownloadError | None = None
    for attempt in range(1, policy.attempts + 1):
        try:
            return _download_once(url, open_writer, policy, credentials or {})
        except TransientDownloadError as exc:
            last = exc
            log.warning("download attempt %d/%d failed: %s", attempt, policy.attempts, exc)
            if attempt < policy.attempts:
                time.sleep(policy.backoff_s * 2 ** (attempt - 1))
    assert last is not None
    raise last


def _download_once(
    url: str,
    open_writer: Callable[[], BlobWriter],
    policy: DownloadPolicy,
    credentials: Mapping[str, str],
) -> Downloaded:
    deadline = time.monotonic() + policy.timeout_s
    timeout = httpx.Timeout(policy.timeout_s, connect=min(10.0, policy.timeout_s))
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        current = url
        origin_host: str | None = None
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                checked = check_url(
                    current, allowed_hosts=policy.allowed_hosts, private_hosts=policy.private_hosts
                )
            except UnsafeURLError as exc:
                raise DownloadNotAllowedError(str(exc)) from None
            origin_host = origin_host or checked.host
            same_origin = checked.host == origin_host
            target, pin_headers, extensions = pinned_request(checked)
            request = client.build_request(
                "GET",
                target,
                headers={**(credentials if same_origin else {}), **pin_headers},
                extensions=extensions,
            )
            try:
                response = client.send(request, stream=True)
            except httpx.TransportError as exc:
                raise TransientDownloadError(f"{type(exc).__name__}: {exc}") from None
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
    deadline: float,
) -> StoredBlob:
    writer = open_writer()
    try:
        for chunk in response.iter_bytes(256 * 1024):
            writer.write(chunk)
            if time.monotonic() > deadline:
                raise TransientDownloadError("download took longer than the timeout")
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and writer.size != int(declared):
            raise TransientDownloadError(
                f"connection closed after {writer.size} of {declared} bytes"
            )
        return writer.finish()
    except BlobTooLargeError:
        raise DownloadTooLargeError(f"recording exceeds the limit of {max_bytes} bytes") from None
    except httpx.TransportError as exc:
        writer.abort()
        raise TransientDownloadError(f"{type(exc).__name__}: {exc}") from None
    except BaseException:
        writer.abort()
        raise
