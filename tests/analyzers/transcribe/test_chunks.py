"""Chunk planning: what Whisper is given, and the exact way back to the call timeline."""

from __future__ import annotations

from itertools import pairwise

import pytest

from analyzers.transcribe.chunks import (
    ChunkingSettings,
    normalize_stretches,
    plan_chunks,
)

SETTINGS = ChunkingSettings(max_chunk_s=25.0, pad_s=0.2, max_gap_s=1.0, piece_gap_s=0.0)
GAPPED = ChunkingSettings(max_chunk_s=25.0, pad_s=0.2, max_gap_s=1.0, piece_gap_s=0.5)


def test_normalize_clips_sorts_and_merges() -> None:
    got = normalize_stretches([(5.0, 6.0), (-1.0, 1.0), (5.5, 7.0), (9.0, 9.0), (11.0, 20.0)], 12.0)
    assert got == [(0.0, 1.0), (5.0, 7.0), (11.0, 12.0)]


def test_short_pauses_stay_inside_a_piece_long_silences_are_cut_out() -> None:
    speech = [(1.0, 2.0), (2.5, 4.0), (20.0, 22.0)]
    chunks = plan_chunks(speech, 60.0, SETTINGS)
    assert len(chunks) == 1
    pieces = chunks[0].pieces
    assert [(p.call_start_s, p.call_end_s) for p in pieces] == [(0.8, 4.2), (19.8, 22.2)]
    assert pieces[1].chunk_start_s == pytest.approx(3.4)
    assert chunks[0].duration_s == pytest.approx(3.4 + 2.4)


def test_pieces_are_separated_by_silence_and_words_map_to_the_nearest_piece() -> None:
    speech = [(1.0, 2.0), (2.5, 4.0), (20.0, 22.0)]
    (chunk,) = plan_chunks(speech, 60.0, GAPPED)
    first, second = chunk.pieces
    assert second.chunk_start_s == pytest.approx(first.chunk_end_s + 0.5)
    assert chunk.duration_s == pytest.approx(3.4 + 0.5 + 2.4)
    # a word Whisper times in the gap belongs to the nearer piece
    assert chunk.piece_at(first.chunk_end_s + 0.1) is first
    assert chunk.piece_at(second.chunk_start_s - 0.1) is second


def test_every_time_maps_back_exactly() -> None:
    speech = [(1.0, 2.0), (10.0, 12.5), (30.0, 31.0)]
    chunk = plan_chunks(speech, 40.0, SETTINGS)[0]
    for call_t in (1.5, 10.0, 12.3, 30.5):
        piece = next(p for p in chunk.pieces if p.call_start_s <= call_t <= p.call_end_s)
        chunk_t = call_t - piece.call_start_s + piece.chunk_start_s
        assert chunk.piece_at(chunk_t) == piece
        assert chunk.to_call_time(chunk_t, piece) == pytest.approx(call_t, abs=1e-9)


def test_times_are_on_the_16k_sample_grid() -> None:
    chunks = plan_chunks([(0.123456, 1.987654), (7.777777, 9.1)], 20.0, SETTINGS)
    for piece in chunks[0].pieces:
        for t in (piece.call_start_s, piece.call_end_s, piece.chunk_start_s):
            assert t * 16000 == pytest.approx(round(t * 16000), abs=1e-6)


def test_chunks_never_exceed_the_limit_and_cover_all_speech() -> None:
    speech = [(i * 4.0, i * 4.0 + 3.0) for i in range(40)]  # 120 s of speech, 1 s pauses
    chunks = plan_chunks(speech, 200.0, SETTINGS)
    assert all(c.duration_s <= SETTINGS.max_chunk_s + 1e-9 for c in chunks)
    covered = [(p.call_start_s, p.call_end_s) for c in chunks for p in c.pieces]
    for s, e in speech:
        assert any(a <= s and e <= b for a, b in covered) or _covered_by_adjacent(s, e, covered)
    # pieces never overlap, so no word can be transcribed twice
    flat = sorted(covered)
    assert all(b <= c for (_, b), (c, _) in pairwise(flat))


def _covered_by_adjacent(s: float, e: float, spans: list[tuple[float, float]]) -> bool:
    inside = sorted((a, b) for a, b in spans if b > s and a < e)
    return (
        bool(inside)
        and inside[0][0] <= s
        and inside[-1][1] >= e
        and all(b == c for (_, b), (c, _) in pairwise(inside))
    )


def test_long_speech_is_cut_at_the_quietest_moment() -> None:
    speech = [(0.0, 60.0)]
    chunks = plan_chunks(speech, 60.0, SETTINGS, quietest=lambda a, b: min(max(22.5, a), b))
    cuts = [p.call_end_s for c in chunks for p in c.pieces][:-1]
    assert cuts[0] == pytest.approx(22.5)
    assert all(c.duration_s <= SETTINGS.max_chunk_s for c in chunks)


def test_without_audio_a_long_run_is_cut_in_its_widest_pause() -> None:
    speech = [(0.0, 14.0), (14.8, 20.0), (20.5, 30.0)]  # pauses under max_gap_s
    chunks = plan_chunks(speech, 30.0, SETTINGS)
    first_cut = chunks[0].pieces[0].call_end_s
    assert first_cut == pytest.approx(14.4)


def test_a_piece_that_does_not_fit_is_split_at_a_pause_to_fill_the_chunk() -> None:
    speech = [(0.0, 20.0), (30.0, 34.0), (34.5, 38.0), (38.6, 45.0)]
    chunks = plan_chunks(speech, 50.0, SETTINGS)
    assert len(chunks) == 2
    first = chunks[0].pieces
    # 20.4 s used; the next run (29.8-45.2) is cut in the 34.0-34.5 pause to fill 4.6 s
    assert [(p.call_start_s, p.call_end_s) for p in first] == [(0.0, 20.2), (29.8, 34.25)]
    assert chunks[1].pieces[0].call_start_s == pytest.approx(34.25)
    assert chunks[1].pieces[0].call_end_s == pytest.approx(45.2)


def test_no_speech_no_chunks() -> None:
    assert plan_chunks([], 30.0, SETTINGS) == []


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        ChunkingSettings(max_chunk_s=1.0)
    with pytest.raises(ValueError):
        ChunkingSettings(pad_s=0.5, max_gap_s=0.5)
