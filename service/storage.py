"""Audio blob storage: a small interface and the local-disk implementation.

Blobs are named by storage keys the service generates (call ids); a client's file
name never becomes part of a path. A blob is durable when ``finish`` returns: the
bytes are fsynced, renamed into place and the directory entry fsynced.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{7,99}$")
READ_CHUNK = 256 * 1024


class BlobTooLargeError(Exception):
    """More bytes arrived than the writer's limit allows."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class StoredBlob:
    key: str
    size: int
    sha256: str


class BlobWriter(Protocol):
    """An in-progress blob: write chunks, then ``finish`` (durable) or ``abort``."""

    @property
    def size(self) -> int: ...

    def write(self, chunk: bytes) -> None: ...

    def sync(self) -> None:
        """Push what is written so far to disk (so that ``finish`` has little left)."""
        ...

    def finish(self) -> StoredBlob: ...

    def abort(self) -> None: ...


class AudioStorage(Protocol):
    def writer(self, key: str, max_bytes: int | None = None) -> BlobWriter: ...

    def put(self, key: str, stream: BinaryIO, max_bytes: int | None = None) -> StoredBlob: ...

    def open(self, key: str) -> BinaryIO: ...

    def local_path(self, key: str) -> Path | None:
        """A filesystem path for decoders that want one (None if the store is remote)."""
        ...

    def size(self, key: str) -> int: ...

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """Bytes ``start`` to ``end`` inclusive, in chunks."""
        ...

    def delete(self, key: str) -> bool: ...

    def exists(self, key: str) -> bool: ...


def validate_key(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"invalid storage key {key!r}")
    return key


class _LocalBlobWriter:
    def __init__(self, final: Path, temp: Path, max_bytes: int | None) -> None:
        self._final = final
        self._temp = temp
        self._max_bytes = max_bytes
        self._hash = hashlib.sha256()
        self._size = 0
        self._file: BinaryIO | None = _open_locked(temp)

    @property
    def size(self) -> int:
        return self._size

    def write(self, chunk: bytes) -> None:
        if self._file is None:
            raise ValueError("writer already closed")
        self._size += len(chunk)
        if self._max_bytes is not None and self._size > self._max_bytes:
            self.abort()
            raise BlobTooLargeError(self._max_bytes)
        self._hash.update(chunk)
        self._file.write(chunk)

    def sync(self) -> None:
        if self._file is None:
            raise ValueError("writer already closed")
        self._file.flush()
        os.fdatasync(self._file.fileno())

    def finish(self) -> StoredBlob:
        if self._file is None:
            raise ValueError("writer already closed")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        os.replace(self._temp, self._final)
        _fsync_dir(self._final.parent)
        return StoredBlob(key=self._final.name, size=self._size, sha256=self._hash.hexdigest())

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._temp.unlink(missing_ok=True)


class LocalDiskStorage:
    """Blobs under ``root/<first two chars of key>/<key>``; temp files in ``root/.incoming``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._incoming = root / ".incoming"
        self._incoming.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        validate_key(key)
        return self.root / key[:2] / key

    def writer(self, key: str, max_bytes: int | None = None) -> _LocalBlobWriter:
        final = self._path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        while True:
            temp = self._incoming / f"{key}.{uuid.uuid4().hex}.part"
            try:
                return _LocalBlobWriter(final, temp, max_bytes)
            except _SweptWhileOpeningError:
                continue  # a sweep took it between create and lock: a new name

    def put(self, key: str, stream: BinaryIO, max_bytes: int | None = None) -> StoredBlob:
        writer = self.writer(key, max_bytes)
        try:
            while chunk := stream.read(READ_CHUNK):
                writer.write(chunk)
            return writer.finish()
        except BaseException:
            writer.abort()
            raise

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")  # the caller closes it

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        if start < 0 or end < start:
            raise ValueError(f"bad range {start}-{end}")
        with self.open(key) as blob:
            blob.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = blob.read(min(READ_CHUNK, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk

    def delete(self, key: str) -> bool:
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(path.parent)
        return True

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def sweep_incoming(self, older_than_s: float = 0.0) -> int:
        """Remove temp files of uploads a crash interrupted; returns how many.

        A writer holds an exclusive lock on its temp file until it finishes or aborts,
        and the kernel drops the lock when the process dies (also on ``kill -9``): an
        unlocked temp file last written over ``older_than_s`` ago is a leftover. Other
        processes sharing the directory keep theirs, since they hold the lock.
        """
        cutoff = time.time() - older_than_s
        removed = 0
        for part in self._incoming.glob("*.part"):
            try:
                with open(part, "rb") as probe:
                    if os.fstat(probe.fileno()).st_mtime > cutoff:
                        continue
                    try:
                        fcntl.flock(probe.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # being written
                    part.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


class _SweptWhileOpeningError(Exception):
    pass


def _open_locked(temp: Path) -> BinaryIO:
    """Create ``temp`` and lock it for this writer (see ``sweep_incoming``)."""
    file = open(temp, "xb")  # noqa: SIM115 - closed in finish/abort
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)
        # a sweep may have unlinked it between the create and the lock
        if os.stat(temp).st_ino != os.fstat(file.fileno()).st_ino:
            raise FileNotFoundError
    except FileNotFoundError:
        file.close()
        raise _SweptWhileOpeningError from None
    except BaseException:
        file.close()
        raise
    return file


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
