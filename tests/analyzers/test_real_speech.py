"""The whole analysis on calls of real recorded speech, against the truth they were built with.

The calls come from ``sample_audio.realcalls``: the agent is Asterisk's recorded
prompts (a female voice), the customer LibriVox sentences (a male voice), with
ringback, silences and interruptions placed at known times. espeak-ng voices are
steady and clean; these are not, so this is where the analysis meets real speech.

Acoustic checks run without the model (``engine="none"``); the word checks run the
bundled Whisper tiny.en and are ``slow``. Each call is built and analysed once per
session (the pitch stability test builds eight more short calls, without the model).

Measured (tiny.en): agent WER 0.02-0.13 per call, 0.06 over the three; customer
0.03-0.10, 0.07; agent wpm within 2.5 % of the truth, customer 4-8 % low (see
``test_customer_speech_rate``); pitch: see the pitch tests.
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest

from analyzers.audio import CallAudio
from analyzers.options import AnalysisOptions
from analyzers.pipeline import analyze
from analyzers.pitch import PitchTrack
from analyzers.profile import default_profile
from analyzers.report import Report, Word
from sample_audio.realcalls import (
    REAL_CALL_RECIPES,
    RealCallTruth,
    available,
    build_real_call,
    compose_call,
    load_prompt,
    missing_corpora,
    normalize_text,
    real_call_spec,
)
from sample_audio.spec import Party

pytestmark = pytest.mark.skipif(
    not available(),
    reason=f"speech corpora missing: apt-get install {' '.join(missing_corpora())}",
)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

CALLS = sorted(REAL_CALL_RECIPES)
PARTIES: tuple[Party, Party] = ("agent", "customer")
Span = tuple[float, float]


@functools.cache
def built(name: str) -> tuple[np.ndarray, int, RealCallTruth]:
    audio, sr, truth = build_real_call(real_call_spec(name))
    audio.setflags(write=False)
    return audio, sr, truth


@functools.cache
def analysed(name: str, engine: str) -> Report:
    audio, sr, truth = built(name)
    options = AnalysisOptions(agent_channel=truth.agent_channel, language="en", engine=engine)  # type: ignore[arg-type]
    return analyze(CallAudio(samples=audio, sample_rate=sr), options)


def acoustic(name: str) -> tuple[Report, RealCallTruth]:
    return analysed(name, "none"), built(name)[2]


def transcribed(name: str) -> tuple[Report, RealCallTruth]:
    return analysed(name, "faster-whisper"), built(name)[2]


def party_words(report: Report, party: Party) -> list[Word]:
    return [w for t in report.turns if t.party == party for w in t.words]


def truth_spans(truth: RealCallTruth, party: Party) -> list[Span]:
    return [(u.start_s, u.end_s) for u in truth.utterances if u.party == party]


def within(times: np.ndarray, spans: list[Span]) -> np.ndarray:
    keep = np.zeros(times.shape, dtype=bool)
    for a, b in spans:
        keep |= (times >= a) & (times <= b)
    return keep


# --- acoustic: no model --------------------------------------------------------------


@pytest.mark.parametrize("name", CALLS)
def test_rings_and_answer(name: str) -> None:
    report, truth = acoustic(name)
    assert report.pickup.source == "audio"
    assert report.pickup.rings == truth.rings
    assert report.pickup.answered_at_s == pytest.approx(truth.answered_at_s, abs=0.5)


@pytest.mark.parametrize("name", CALLS)
def test_silences(name: str) -> None:
    report, truth = acoustic(name)
    expected = [s for s in truth.silences if s.duration_s >= 3.0]
    found = [s for s in report.silences if s.duration_s >= 3.0]
    assert len(found) == len(expected), (found, expected)
    for got, want in zip(found, expected, strict=True):
        assert got.start_s == pytest.approx(want.start_s, abs=0.4)
        assert got.end_s == pytest.approx(want.end_s, abs=0.4)


@pytest.mark.parametrize("name", CALLS)
def test_interruptions(name: str) -> None:
    report, truth = acoustic(name)
    min_overlap = default_profile().interruption.min_overlap_s
    expected = [i for i in truth.interruptions if i.duration_s >= min_overlap]
    assert [i.by for i in report.interruptions] == [i.by for i in expected]
    for got, want in zip(report.interruptions, expected, strict=True):
        assert got.start_s == pytest.approx(want.start_s, abs=0.4)
        assert got.duration_s == pytest.approx(want.duration_s, abs=0.4)


def praat_track(x: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Praat's F0 per frame (Hz, NaN unvoiced): ``Sound.to_pitch`` with the analysis' range."""
    import parselmouth

    pitch = parselmouth.Sound(np.asarray(x, dtype=np.float64), sample_rate).to_pitch(
        pitch_floor=60, pitch_ceiling=400
    )
    f0 = pitch.selected_array["frequency"]
    return pitch.xs(), np.where(f0 > 0, f0, np.nan)


def spread_semitones(f0_hz: np.ndarray) -> float:
    voiced = f0_hz[np.isfinite(f0_hz)]
    return float(np.std(12.0 * np.log2(voiced / np.median(voiced))))


@pytest.mark.parametrize("name", CALLS)
def test_agent_pitch_spread_matches_praat(
    name: str, record_property: pytest.RecordProperty
) -> None:
    # Compared frame by frame, because a plain spread is dominated by a few octave
    # jumps: over the whole call Praat's spread is 0.28-0.36 st above ours, all of it
    # from the 1.0-1.9 % of frames where the two are an octave apart: Praat reading an
    # octave up on some of the voice's high peaks (~390 Hz where the spectrum shows odd
    # harmonics of ~195 Hz: the band left the fundamental weak), and jumping down on
    # "Hello." (which it does not on the unfiltered prompt). On every other frame the
    # two spreads agree within 0.02 st.
    from analyzers.pitch import f0_track, semitone_spread

    report, truth = acoustic(name)
    audio, sr, _ = built(name)
    agent = report.parties.agent
    assert agent is not None and agent.pitch_sd_semitones is not None and report.signals
    x = audio[truth.agent_channel]
    track = f0_track(x, sr, active=report.signals.speech["agent"])
    assert semitone_spread(track.f0_hz) == pytest.approx(agent.pitch_sd_semitones, abs=0.05)

    times, praat = praat_track(x, sr)
    frame = np.clip(np.round(times / track.hop_s - 0.5).astype(int), 0, track.f0_hz.size - 1)
    ours = track.f0_hz[frame]
    both = np.isfinite(praat) & np.isfinite(ours) & within(times, truth_spans(truth, "agent"))
    apart = np.abs(12.0 * np.log2(praat / ours)) > 3.0
    agree = both & ~apart
    record_property("praat_spread_all", round(spread_semitones(praat[both]), 3))
    record_property("octave_apart_share", round(float(apart[both].mean()), 4))
    assert both.sum() >= 0.9 * np.isfinite(praat[within(times, truth_spans(truth, "agent"))]).sum()
    assert apart[both].mean() <= 0.03
    assert spread_semitones(ours[agree]) == pytest.approx(spread_semitones(praat[agree]), abs=0.35)


def full_band_reference(truth: RealCallTruth, party: Party) -> tuple[np.ndarray, np.ndarray]:
    """Praat's F0 on the unfiltered source clips of the party's utterances.

    Returns (call times, F0 Hz or NaN) of the source frames inside the speech bounds,
    the source time mapped onto the call where the clip was placed. Praat's own gross
    errors are left out: frames more than an octave from the median of all its frames.
    On the LibriVox voice (median 81-102 Hz per sentence) they are 0.4-0.9 % of the
    frames, every one in a voiced island of 1-4 frames at 290-400 Hz, and would add
    0.35-0.7 st to the reference's spread.
    """
    import soundfile as sf

    times, f0 = [], []
    for u in truth.utterances:
        if u.party == party:
            source, source_rate = sf.read(load_prompt(u.source).path, dtype="float64")
            t, f = praat_track(source, source_rate)
            inside = within(t, [(u.source_start_s, u.source_end_s)])
            times.append(t[inside] - u.source_start_s + u.start_s)
            f0.append(f[inside])
    reference = np.concatenate(f0)
    off_octaves = np.abs(np.log2(reference / np.nanmedian(reference)))
    return np.concatenate(times), np.where(off_octaves <= 1.0, reference, np.nan)


def gross_error_share(track: PitchTrack, times: np.ndarray, reference: np.ndarray) -> float:
    """Share of the frames voiced in both where the track is > 3 st off the reference."""
    frame = np.clip(np.round(times / track.hop_s - 0.5).astype(int), 0, track.f0_hz.size - 1)
    ours = track.f0_hz[frame]
    both = np.isfinite(ours) & np.isfinite(reference)
    return float(np.mean(np.abs(12.0 * np.log2(ours[both] / reference[both])) > 3.0))


# The male customer (F0 about 95 Hz) loses his fundamental to the telephone band. Praat
# on the call is far off then (spread 6.0-6.6 st: ~6 % of its frames on the 3rd-5th
# harmonic), so the reference is Praat on the unfiltered 16 kHz source of the same
# sentences (spread 3.0-3.3 st). Measured: spreads 0.01-0.05 st below it, 0.4-0.6 % of
# the frames more than 3 st off it (at low, creaky phrase ends).
CUSTOMER_SPREAD_TOLERANCE_ST = 0.35
MAX_GROSS_ERROR_SHARE = 0.01


@pytest.mark.parametrize("name", CALLS)
def test_customer_pitch_matches_the_full_band_voice(
    name: str, record_property: pytest.RecordProperty
) -> None:
    from analyzers.pitch import f0_track, semitone_spread

    report, truth = acoustic(name)
    audio, sr, _ = built(name)
    customer = report.parties.customer
    assert customer is not None and customer.pitch_sd_semitones is not None and report.signals
    track = f0_track(audio[truth.customer_channel], sr, active=report.signals.speech["customer"])
    assert semitone_spread(track.f0_hz) == pytest.approx(customer.pitch_sd_semitones, abs=0.05)
    times, reference = full_band_reference(truth, "customer")
    gross = gross_error_share(track, times, reference)
    record_property("gross_error_share", round(gross, 4))
    record_property(
        "spread_error_st", round(customer.pitch_sd_semitones - spread_semitones(reference), 3)
    )
    assert gross < MAX_GROSS_ERROR_SHARE
    assert customer.pitch_sd_semitones == pytest.approx(
        spread_semitones(reference), abs=CUSTOMER_SPREAD_TOLERANCE_ST
    )


def test_customer_pitch_has_no_harmonic_errors_in_any_call(
    record_property: pytest.RecordProperty,
) -> None:
    # The same voice reading the same five sentences in eight other orders and contexts,
    # each also with every utterance's first 0.26 s left out (the context changes the
    # first pass). With the speaker range from the first pass's 5th-95th percentile,
    # seeds 1, 4 and 7 (and 2 when trimmed) kept 4.0-5.8 % of the frames +19-28 st off
    # (spread 2.6-3.4 st too high): once over 5 % of the first pass, that range took the
    # errors in. Measured now: 0.3-0.7 % of the frames off, spreads 0.02-0.13 st low.
    from analyzers.pitch import f0_track, semitone_spread

    results = {}
    for seed in range(8):
        audio, sr, truth = build_real_call(compose_call(f"pitch_{seed}", seed, target_s=45.0))
        times, reference = full_band_reference(truth, "customer")
        spans = truth_spans(truth, "customer")
        for context, active in (("whole", spans), ("trimmed", [(a + 0.26, b) for a, b in spans])):
            track = f0_track(audio[truth.customer_channel], sr, active=active)
            spread = semitone_spread(track.f0_hz)
            assert spread is not None
            results[seed, context] = (
                round(gross_error_share(track, times, reference), 4),
                round(spread - spread_semitones(reference), 3),
            )
    record_property("gross_share_and_spread_error", results)
    assert all(gross < MAX_GROSS_ERROR_SHARE for gross, _ in results.values()), results
    assert all(abs(error) <= CUSTOMER_SPREAD_TOLERANCE_ST for _, error in results.values()), results


# --- words: the bundled Whisper model ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", CALLS)
def test_agent_speech_rate(name: str, record_property: pytest.RecordProperty) -> None:
    report, truth = transcribed(name)
    agent = report.parties.agent
    want = truth.parties["agent"].turn_wpm
    assert agent is not None and agent.wpm is not None and want is not None
    record_property("agent_wpm_error", round(agent.wpm / want - 1, 4))
    assert agent.wpm == pytest.approx(want, rel=0.07)


@pytest.mark.slow
@pytest.mark.parametrize("name", CALLS)
def test_customer_speech_rate(name: str, record_property: pytest.RecordProperty) -> None:
    # Measured 3-9 % low. The corpus writes "ill disposed" and "cold hearted" as two
    # words; Whisper writes "ill-disposed", which the analysis counts as one word (3 of
    # the 71 words in real_hold); Whisper also drops the reader's repeated "a" and
    # sometimes a sentence's last words ("be ill disposed").
    report, truth = transcribed(name)
    customer = report.parties.customer
    want = truth.parties["customer"].turn_wpm
    assert customer is not None and customer.wpm is not None and want is not None
    record_property("customer_wpm_error", round(customer.wpm / want - 1, 4))
    assert customer.wpm == pytest.approx(want, rel=0.12)


def reference_and_transcript(name: str, party: Party) -> tuple[str, str]:
    report, truth = transcribed(name)
    reference = " ".join(u.text for u in truth.utterances if u.party == party)
    return reference, normalize_text(" ".join(w.word for w in party_words(report, party)))


@pytest.mark.slow
@pytest.mark.parametrize("party", PARTIES)
@pytest.mark.parametrize("name", CALLS)
def test_word_error_rate(name: str, party: Party, record_property: pytest.RecordProperty) -> None:
    import jiwer

    reference, transcript = reference_and_transcript(name, party)
    wer = jiwer.wer(reference, transcript)
    record_property("wer", round(wer, 4))
    assert wer <= 0.15, (reference, transcript)


@pytest.mark.slow
@pytest.mark.parametrize("party", PARTIES)
def test_word_error_rate_over_all_calls(
    party: Party, record_property: pytest.RecordProperty
) -> None:
    # Measured: agent 0.06 (186 words), customer 0.07 (221 words).
    import jiwer

    pairs = [reference_and_transcript(name, party) for name in CALLS]
    wer = jiwer.wer([r for r, _ in pairs], [t for _, t in pairs])
    record_property("wer", round(wer, 4))
    assert wer <= 0.10


@pytest.mark.slow
@pytest.mark.parametrize("name", CALLS)
def test_every_word_lies_in_its_partys_speech(name: str) -> None:
    report, truth = transcribed(name)
    for party in PARTIES:
        spans = truth_spans(truth, party)
        words = party_words(report, party)
        assert len(words) >= 0.8 * truth.parties[party].words
        # Whisper's last word of a phrase ends late; 0.1 s of slack (measured <= 0.04 s).
        astray = [
            (w.word, w.start_s, w.end_s)
            for w in words
            if not any(a - 0.1 <= (w.start_s + w.end_s) / 2 <= b + 0.1 for a, b in spans)
        ]
        assert not astray, (party, astray)


@pytest.mark.slow
@pytest.mark.parametrize("name", CALLS)
def test_long_silences_flagged_unless_announced(name: str) -> None:
    # The announcement is found in the real transcript ("One moment, please.").
    report, truth = transcribed(name)
    max_silence = default_profile().unexplained_silence.max_silence_s
    long_silences = [s for s in truth.silences if s.duration_s >= max_silence]
    flagged = [f for f in report.findings if f.rule == "unexplained_silence"]
    assert len(flagged) == sum(not s.announced for s in long_silences)
    for finding, silence in zip(
        flagged, [s for s in long_silences if not s.announced], strict=True
    ):
        assert finding.severity == "warning"
        assert finding.start_s == pytest.approx(silence.start_s, abs=0.4)
