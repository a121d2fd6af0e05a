"""Streaming multipart/form-data receiver: the file part goes straight into storage.

Starlette's form parser spools files to a temporary file first; this one writes each
chunk to the blob writer as it arrives (one copy on disk, memory flat whatever the
size) and stops reading the moment the size limit is passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from anyio import CapacityLimiter
from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from service.storage import BlobWriter, StoredBlob

MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 50
# File bytes are handed to a worker thread in batches of this size: hashing and writing
# release the GIL there, so the event loop keeps serving the other uploads meanwhile.
FLUSH_BYTES = 1024 * 1024


_limiters: dict[str, CapacityLimiter] = {}


async def _in_storage_thread(function: Callable[..., Any], *args: Any, final: bool = False) -> Any:
    """Disk writes get their own threads: a burst of uploads syncing to disk must not
    take every thread of the shared pool (database commits and probes wait there).
    The last write of an upload has its own threads too: a client waits for it, so it
    must not queue behind other uploads' intermediate syncs."""
    name = "final" if final else "batch"
    limiter = _limiters.get(name)
    if limiter is None:
        limiter = _limiters[name] = CapacityLimiter(32 if final else 8)
    return await anyio.to_thread.run_sync(function, *args, limiter=limiter)


def display_file_name(raw: bytes | None, limit: int = 255) -> str | None:
    """The last path part of a client's file name, printable, at most ``limit`` chars."""
    if not raw:
        return None
    name = raw.decode("utf-8", "replace").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if ch.isspace() else ch for ch in name if ch.isprintable() or ch.isspace())
    name = name.strip()
    return name[:limit] or None


class MultipartError(ValueError):
    """The body is not acceptable multipart/form-data (the message says why)."""


@dataclass
class ReceivedForm:
    fields: dict[str, str] = field(default_factory=dict)
    blob: StoredBlob | None = None
    file_name: str | None = None  # the client's name for the file: shown, never a path
    started_at: float = 0.0  # perf_counter when the body started arriving
    body_received_at: float = 0.0  # ... and when its last byte had arrived
    stored_at: float = 0.0  # ... and when the file was durable


@dataclass
class _Part:
    name: str | None = None
    is_file: bool = False
    data: bytearray = field(default_factory=bytearray)


class _Receiver:
    def __init__(self, file_field: str, open_writer: Callable[[], BlobWriter]) -> None:
        self.file_field = file_field
        self.open_writer = open_writer
        self.writer: BlobWriter | None = None
        self.pending: list[bytes] = []
        self.pending_bytes = 0
        self.form = ReceivedForm()
        self.file_parts = 0
        self.ended = False
        self._part = _Part()
        self._headers: dict[bytes, bytes] = {}
        self._header_field = bytearray()
        self._header_value = bytearray()

    def on_part_begin(self) -> None:
        self._part = _Part()
        self._headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        disposition, options = parse_options_header(self._headers.get(b"content-disposition"))
        if disposition != b"form-data" or b"name" not in options:
            raise MultipartError("each part needs Content-Disposition: form-data; name=...")
        name = options[b"name"].decode("utf-8", "replace")
        self._part.name = name
        if name == self.file_field:
            # The client's file name is only kept to show: storage keys are call ids.
            self.form.file_name = display_file_name(options.get(b"filename"))
            self.file_parts += 1
            if self.file_parts > 1:
                raise MultipartError(f"send exactly one {self.file_field!r} part")
            self._part.is_file = True
            self.writer = self.open_writer()
        elif b"filename" in options:
            raise MultipartError(
                f"unexpected file part {name!r}; the recording goes in {self.file_field!r}"
            )
        elif len(self.form.fields) >= MAX_FIELDS:
            raise MultipartError("too many form fields")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part.is_file:
            self.pending.append(data[start:end])
            self.pending_bytes += end - start
            return
        self._part.data += data[start:end]
        if len(self._part.data) > MAX_FIELD_BYTES:
            raise MultipartError(f"form field {self._part.name!r} is longer than {MAX_FIELD_BYTES}")

    def on_end(self) -> None:
        self.ended = True

    def take_pending(self) -> list[bytes]:
        chunks, self.pending, self.pending_bytes = self.pending, [], 0
        return chunks

    def finish(self, chunks: list[bytes]) -> StoredBlob:
        """In a worker thread: the last chunks, then fsync and rename into place."""
        assert self.writer is not None
        for chunk in chunks:
            self.writer.write(chunk)
        return self.writer.finish()

    def write_chunks(self, chunks: list[bytes]) -> None:
        """In a worker thread: raises BlobTooLargeError past the writer's limit.

        Syncing each batch spreads the disk writes over the upload, so the final fsync
        (before the 202) has only the last batch left to wait for.
        """
        assert self.writer is not None
        for chunk in chunks:
            self.writer.write(chunk)
        self.writer.sync()

    def on_part_end(self) -> None:
        if not self._part.is_file and self._part.name is not None:
            try:
                self.form.fields[self._part.name] = self._part.data.decode("utf-8")
            except UnicodeDecodeError:
                raise MultipartError(f"form field {self._part.name!r} is not UTF-8") from None


def _parser(boundary: bytes, receiver: _Receiver) -> MultipartParser:
    return MultipartParser(
        boundary,
        {
            "on_part_begin": receiver.on_part_begin,
            "on_part_data": receiver.on_part_data,
            "on_part_end": receiver.on_part_end,
            "on_header_field": receiver.on_header_field,
            "on_header_value": receiver.on_header_value,
            "on_header_end": receiver.on_header_end,
            "on_headers_finished": receiver.on_headers_finished,
            "on_end": receiver.on_end,
        },
    )


async def receive_form(
    request: Request,
    file_field: str,
    open_writer: Callable[[], BlobWriter],
    observe: Callable[[bytes], None] | None = None,
) -> ReceivedForm:
    """Parse the body; the file part (if any) is durable in storage when this returns.

    ``observe`` sees every raw body chunk (to verify a signature over the whole body).
    On any error the partial blob is removed before the exception propagates.
    """
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in options:
        raise MultipartError("send the recording as multipart/form-data")
    receiver = _Receiver(file_field, open_writer)
    try:
        parser = _parser(options[b"boundary"], receiver)
    except FormParserError as exc:  # e.g. a boundary longer than 256 bytes
        raise MultipartError(f"bad multipart boundary: {exc}") from None
    receiver.form.started_at = time.perf_counter()
    try:
        try:
            async for chunk in request.stream():
                if observe is not None:
                    observe(chunk)
                parser.write(chunk)
                if receiver.pending_bytes >= FLUSH_BYTES:
                    await _in_storage_thread(receiver.write_chunks, receiver.take_pending())
            parser.finalize()
            receiver.form.body_received_at = time.perf_counter()
        except FormParserError as exc:  # MultipartParseError and its kin
            raise MultipartError(f"malformed multipart body: {exc}") from None
        if not receiver.ended:
            raise MultipartError("the multipart body ended early (upload interrupted?)")
        if receiver.writer is not None:
            receiver.form.blob = await _in_storage_thread(
                receiver.finish, receiver.take_pending(), final=True
            )
        receiver.form.stored_at = time.perf_counter()
    except BaseException:
        if receiver.writer is not None:
            receiver.writer.abort()
        raise
    return receiver.form
