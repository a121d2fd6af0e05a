"""Decoded samples kept in a temporary file rather than on the heap.

A long recording's samples at the analysis rate are large (4 h of 8 kHz stereo float32
is 0.92 GB), yet each stage reads one channel at a time, often only its speech. Written
to unlinked temporary files as they are decoded, then mapped read-only, they are still an
ordinary (channels, n) float32 numpy array for every analysis function; but its pages
are the kernel's page cache, read in when touched, and :func:`release_pages` drops them
from the process again (madvise MADV_DONTNEED: the data stays in the file and the page
cache, the next read maps it back), so what a stage read does not stay resident;
:func:`pages_dropped` does it every 20 ms while a stage runs. Analysis functions see
none of this.

The files are unlinked as they are created: nothing is left behind, even after kill -9;
the space is freed when the last view of the array goes. They are written where
``tempfile`` writes (``TMPDIR``), which must be a disk, not a tmpfs (whose pages are
memory).
"""

from __future__ import annotations

import mmap
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import numpy as np

_DTYPE = np.dtype(np.float32)


@dataclass(frozen=True)
class SpillToDisk:
    """Keep decoded samples in a temporary file when the recording lasts over ``after_s``
    by its header, or does not say how long it lasts."""

    after_s: float
    directory: str | None = None  # None: tempfile's default (TMPDIR)

    def applies(self, duration_s: float | None) -> bool:
        return duration_s is None or duration_s > self.after_s


class ChannelFiles:
    """Each channel's float32 samples appended to its own unlinked temporary file."""

    def __init__(self, channels: int, directory: str | None = None) -> None:
        # Closed by finish(): they outlive this call.
        self._files: list[IO[bytes]] = [
            tempfile.TemporaryFile(dir=directory)  # noqa: SIM115
            for _ in range(channels)
        ]
        self.n = 0  # samples per channel written so far

    def append(self, block: np.ndarray) -> None:
        """``block`` is (frames, channels) float32."""
        for channel, file in enumerate(self._files):
            file.write(np.ascontiguousarray(block[:, channel], dtype=_DTYPE).data)
        self.n += block.shape[0]

    def finish(self) -> np.ndarray:
        """The samples as one read-only (channels, n) array mapped from a single file;
        the files are closed (the mapping keeps what it needs)."""
        first, *others = self._files
        try:
            for other in others:  # the channels one after another: rows of one array
                other.seek(0)
                first.seek(0, os.SEEK_END)
                shutil.copyfileobj(other, first, 1 << 20)
            first.flush()
            if self.n == 0:
                return np.zeros((len(self._files), 0), dtype=_DTYPE)
            size = self.n * len(self._files) * _DTYPE.itemsize
            pages = mmap.mmap(first.fileno(), size, access=mmap.ACCESS_READ)
        finally:
            for file in self._files:
                file.close()
        return np.frombuffer(pages, dtype=_DTYPE).reshape(len(self._files), self.n)


def file_mapping(samples: np.ndarray) -> mmap.mmap | None:
    """The file mapping ``samples`` is a view of, if any."""
    base: object = samples
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):
        base = base.obj
    return base if isinstance(base, mmap.mmap) else None


def release_pages(samples: np.ndarray) -> None:
    """Drop the pages of ``samples``' file mapping from the process (no-op on the heap).

    Safe while the array is in use: a page read again is mapped back from the page cache.
    """
    pages = file_mapping(samples)
    if pages is not None and not pages.closed:
        pages.madvise(mmap.MADV_DONTNEED)


@contextmanager
def pages_dropped(arrays: Iterable[np.ndarray], period_s: float = 0.02) -> Iterator[None]:
    """While open, a thread drops the pages of the arrays' file mappings from the process
    every ``period_s`` (heap arrays: nothing happens), and once more at the end.

    A stage reads a channel block by block, but as one array: what it read would stay
    resident until it returned (a whole channel: 0.46 GB for 4 h at 8 kHz). Dropped
    every 20 ms, what is resident is what the stage read in the last 20 ms. Safe while
    the stage reads: a page dropped and read again is mapped back from the page cache.
    """
    found = (file_mapping(array) for array in arrays)
    mappings = list({id(m): m for m in found if m is not None}.values())
    if not mappings:
        yield
        return
    stop = threading.Event()

    def drop() -> None:
        for pages in mappings:
            if not pages.closed:
                pages.madvise(mmap.MADV_DONTNEED)

    def keep_dropping() -> None:
        while not stop.wait(period_s):
            drop()

    dropper = threading.Thread(target=keep_dropping, name="drop-sample-pages", daemon=True)
    dropper.start()
    try:
        yield
    finally:
        stop.set()
        dropper.join()
        drop()


def spill_rows(rows: Iterable[Iterable[np.ndarray]], directory: str | None = None) -> np.ndarray:
    """Equal-length 1-D rows, each given as its consecutive pieces, as a read-only
    (rows, n) array in a temporary file, written as the pieces come (a view derived
    from a long call is never all on the heap)."""
    files = ChannelFiles(1, directory)
    count, n = 0, 0
    for row in rows:
        start = files.n
        for piece in row:
            files.append(np.asarray(piece, dtype=_DTYPE)[:, np.newaxis])
        if count and files.n - start != n:
            raise ValueError(f"rows differ in length: {files.n - start} after {n}")
        count, n = count + 1, files.n - start
    return files.finish().reshape(count, n)
