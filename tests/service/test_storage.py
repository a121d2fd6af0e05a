"""Local disk storage: durable puts, ranges, deletes, size caps, no client paths."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from service.storage import BlobTooLargeError, LocalDiskStorage

KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


def test_put_read_range_delete(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path)
    data = bytes(range(256)) * 2000
    blob = storage.put(KEY, io.BytesIO(data))
    assert (blob.key, blob.size, blob.sha256) == (KEY, len(data), hashlib.sha256(data).hexdigest())
    assert storage.local_path(KEY) == tmp_path / KEY[:2] / KEY
    assert storage.size(KEY) == len(data)
    with storage.open(KEY) as stored:
        assert stored.read() == data
    assert b"".join(storage.read_range(KEY, 1000, 300_999)) == data[1000:301_000]
    assert b"".join(storage.read_range(KEY, len(data) - 1, len(data) + 50)) == data[-1:]
    assert storage.delete(KEY)
    assert not storage.exists(KEY)
    assert not storage.delete(KEY)


@pytest.mark.parametrize("key", ["../etc/passwd", "a/b", "short", "UPPERCASE123", "", "x" * 101])
def test_keys_never_become_arbitrary_paths(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="invalid storage key"):
        LocalDiskStorage(tmp_path).writer(key)


def test_writer_over_limit_leaves_nothing(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path)
    writer = storage.writer(KEY, max_bytes=10)
    writer.write(b"12345")
    with pytest.raises(BlobTooLargeError):
        writer.write(b"678901")
    assert not storage.exists(KEY)
    assert list((tmp_path / ".incoming").iterdir()) == []


def test_unfinished_blob_is_invisible_until_finish(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path)
    writer = storage.writer(KEY)
    writer.write(b"partial")
    assert not storage.exists(KEY)
    writer.finish()
    assert storage.exists(KEY)


def test_sweep_removes_only_old_partial_uploads(tmp_path: Path) -> None:
    import os
    import time

    storage = LocalDiskStorage(tmp_path)
    old = storage.writer(KEY)
    old.write(b"crashed upload")
    new = storage.writer("f" * 32)
    new.write(b"in progress")
    [old_part] = [p for p in (tmp_path / ".incoming").iterdir() if p.name.startswith(KEY)]
    two_days_ago = time.time() - 2 * 86400
    os.utime(old_part, (two_days_ago, two_days_ago))
    assert storage.sweep_incoming() == 1
    assert len(list((tmp_path / ".incoming").iterdir())) == 1
    new.finish()
    assert storage.exists("f" * 32)
