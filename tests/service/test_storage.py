"""Local disk storage: durable puts, ranges, deletes, size caps, no client paths."""

from __future__ import annotations

import hashlib
import io
import signal
import subprocess
import sys
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


_CRASHING_WRITER = """
import os, sys
from pathlib import Path
from service.storage import LocalDiskStorage
writer = LocalDiskStorage(Path(sys.argv[1])).writer(sys.argv[2])
writer.write(b"half an upload")
writer.sync()
print("writing", flush=True)
sys.stdin.read()  # until killed
"""


def _start_writer(root: Path, key: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _CRASHING_WRITER, str(root), key],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "writing"
    return process


def test_sweep_removes_what_a_killed_upload_left_and_keeps_live_ones(tmp_path: Path) -> None:
    """kill -9 mid-upload leaves a .part file; the next startup's sweep removes it at
    once, while uploads other processes (and this one) are writing stay."""
    storage = LocalDiskStorage(tmp_path)
    killed = _start_writer(tmp_path, KEY)
    alive = _start_writer(tmp_path, "e" * 32)
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        here = storage.writer("f" * 32)
        here.write(b"in progress")
        parts = sorted(p.name[:1] for p in (tmp_path / ".incoming").glob("*.part"))
        assert parts == ["a", "e", "f"]
        assert storage.sweep_incoming() == 1
        parts = sorted(p.name[:1] for p in (tmp_path / ".incoming").glob("*.part"))
        assert parts == ["e", "f"]
        here.finish()
        assert storage.exists("f" * 32)
    finally:
        alive.kill()
        alive.wait(10)
    assert storage.sweep_incoming() == 1  # the second writer's leftover, now it is dead


def test_sweep_can_leave_recent_leftovers(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path)
    left = storage.writer(KEY)
    left.write(b"x")
    left._file.close()  # type: ignore[union-attr]  # as a crash would: unlocked, not unlinked
    assert storage.sweep_incoming(older_than_s=3600) == 0
    assert storage.sweep_incoming() == 1


def test_service_startup_sweeps_a_killed_uploads_leftover(tmp_path: Path) -> None:
    from tests.service.conftest import base_settings, running_api

    settings = base_settings(tmp_path / "data")
    incoming = settings.effective_storage_dir / ".incoming"
    killed = _start_writer(settings.effective_storage_dir, KEY)
    killed.send_signal(signal.SIGKILL)
    killed.wait(10)
    assert len(list(incoming.glob("*.part"))) == 1
    with running_api(settings):
        assert list(incoming.glob("*.part")) == []
