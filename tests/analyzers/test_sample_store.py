"""Samples in an unlinked temporary file: the same values as on the heap, read-only,
nothing left on disk, and pages read leave the process when released."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from analyzers.sample_store import (
    ChannelFiles,
    SpillToDisk,
    file_mapping,
    pages_dropped,
    release_pages,
    spill_rows,
)

MB = 1 << 20


def resident_mb(samples: np.ndarray) -> float:
    """Resident size of the mapping that holds ``samples`` (/proc/self/smaps Rss)."""
    address = samples.__array_interface__["data"][0]
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and ":" not in head:
            lo, hi = (int(part, 16) for part in head.split("-"))
            inside = lo <= address < hi
        elif inside and head == "Rss:":
            return int(line.split()[1]) / 1024
    raise AssertionError("no mapping holds the samples")


def written(blocks: list[np.ndarray], directory: Path) -> np.ndarray:
    files = ChannelFiles(blocks[0].shape[1], str(directory))
    for block in blocks:
        files.append(block)
    return files.finish()


def test_channels_come_back_as_written_and_nothing_stays_on_disk(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    blocks = [rng.standard_normal((n, 2)).astype(np.float32) for n in (1000, 1, 4096, 7)]
    samples = written(blocks, tmp_path)
    assert os.listdir(tmp_path) == []  # unlinked as created: no leftovers, even on kill -9
    np.testing.assert_array_equal(samples, np.concatenate(blocks).T)
    assert samples.dtype == np.float32 and samples.flags.c_contiguous
    assert file_mapping(samples) is not None and file_mapping(samples[1, 10:]) is not None
    with pytest.raises(ValueError, match="read-only"):
        samples[0, 0] = 1.0


def test_nothing_written_is_an_empty_array(tmp_path: Path) -> None:
    samples = ChannelFiles(2, str(tmp_path)).finish()
    assert samples.shape == (2, 0)


def test_read_pages_leave_the_process_when_released(tmp_path: Path) -> None:
    """Reading maps the pages in; release_pages drops them (the values stay readable)."""
    block = np.linspace(-1, 1, 16 * MB // 4, dtype=np.float32)[:, np.newaxis]
    samples = written([block] * 4, tmp_path)  # 64 MB, one channel
    assert resident_mb(samples) < 8  # written through the file, never through the mapping
    total = float(np.sum(samples, dtype=np.float64))
    assert resident_mb(samples) > 60
    release_pages(samples[0, 100:])  # any view of the mapping will do
    assert resident_mb(samples) < 8
    assert float(np.sum(samples, dtype=np.float64)) == total


def test_pages_read_while_a_stage_runs_are_dropped_as_it_goes(tmp_path: Path) -> None:
    """A stage reads a channel as one array, block by block: inside pages_dropped what
    it read a moment ago is no longer resident, and nothing is once it is over."""
    block = np.linspace(-1, 1, 4 * MB // 4, dtype=np.float32)[:, np.newaxis]
    samples = written([block] * 16, tmp_path)  # 64 MB
    resident = []
    with pages_dropped([samples, samples[0]]):
        for lo in range(0, samples.shape[1], block.size):
            samples[0, lo : lo + block.size].sum()
            time.sleep(0.1)  # five periods of the dropper
            resident.append(resident_mb(samples))
    assert max(resident) < 16
    assert resident_mb(samples) < 1
    samples.sum()
    assert resident_mb(samples) > 60  # without it, read is resident
    with pages_dropped([np.zeros(10)]):  # the heap: nothing to drop
        pass


def test_heap_arrays_are_left_alone() -> None:
    samples = np.ones((2, 1000), dtype=np.float32)
    assert file_mapping(samples) is None
    release_pages(samples)
    assert float(samples.sum()) == 2000.0


def test_rows_are_spilled_a_piece_at_a_time(tmp_path: Path) -> None:
    rows = ((np.full(n, v, dtype=np.float32) for n in (200, 300)) for v in (1.0, 2.0, 3.0))
    samples = spill_rows(rows, str(tmp_path))
    assert samples.shape == (3, 500) and file_mapping(samples) is not None
    np.testing.assert_array_equal(samples[:, 0], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(samples[:, -1], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="differ in length"):
        spill_rows([[np.zeros(3)], [np.zeros(4)]], str(tmp_path))


def test_spill_applies_to_long_or_unknown_lengths() -> None:
    spill = SpillToDisk(after_s=600.0)
    assert spill.applies(None) and spill.applies(600.5)
    assert not spill.applies(600.0) and not spill.applies(30.0)
