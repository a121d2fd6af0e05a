"""Music on hold: detector accuracy on real music and real voices, the hold rule.

Material: Asterisk's music on hold (asterisk-moh-opsound-wav), Asterisk prompts and
LibriVox (realcalls), espeak-ng sample calls; through G.711 mu-law, AMR-NB and Opus and
with white noise at 15 dB SNR.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from analyzers.activity import detect_activity
from analyzers.errors import CorruptAudioError, UnsupportedAudioError
from analyzers.hold import MusicSegment, detect_music, merge_holds, remove_holds
from analyzers.hold_rule import announce_holds, score_holds, stretches_without_agent
from analyzers.profile import default_profile
from analyzers.report import Finding, Hold, Parties, Pickup, Report, Turn, Word
from analyzers.ringback_plans import RINGBACK_PLANS, synthesize_ringback
from analyzers.rules import apply_rules
from analyzers.scorecard import Scorecard
from analyzers.spans import Span
from sample_audio.nonspeech import (
    CODECS,
    SAMPLE_RATE,
    Codec,
    codec_round_trip,
    hold_channel,
    moh_tracks,
    with_noise,
)
from sample_audio.realcalls import available, missing_corpora

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_audio"
SPAN_TOLERANCE_S = 0.5

needs_material = pytest.mark.skipif(
    not (available() and moh_tracks()),
    reason="apt-get install asterisk-moh-opsound-wav " + " ".join(missing_corpora()),
)

# Stretches of each track that play continuously for 40 s (see the report for the
# whole grid of tracks and offsets, including sparse passages the detector misses).
HOLD_CASES = [
    ("macroform-cold_day", 10.0),
    ("macroform-robot_dity", 60.0),
    ("macroform-robot_dity", 120.0),
    ("macroform-the_simplicity", 120.0),
    ("reno_project-system", 60.0),
]
BEFORE = ["asterisk:hello", "asterisk:pls-hold-while-try"]
AFTER = ["asterisk:auth-thankyou", "asterisk:goodbye"]


def on_the_line(x: np.ndarray, codec: Codec, snr_db: float | None) -> np.ndarray:
    y = codec_round_trip(x, codec)
    return with_noise(y, snr_db) if snr_db is not None else y


def call_holds(channels: list[np.ndarray]) -> list[MusicSegment]:
    music = [detect_music(ch, SAMPLE_RATE) for ch in channels]
    speech = detect_activity(np.stack(channels), SAMPLE_RATE)
    return merge_holds(music, speech)


# -- accuracy on real music between real speech -----------------------------------------


@needs_material
@pytest.mark.parametrize("snr_db", [None, 15.0])
@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize(("track", "offset_s"), HOLD_CASES)
def test_hold_span_matches_truth(track: str, offset_s: float, codec: Codec, snr_db) -> None:
    ch = hold_channel(BEFORE, track, offset_s, 40.0, AFTER)
    x = on_the_line(ch.samples, codec, snr_db)
    holds = call_holds([x])
    assert len(holds) == 1, holds
    (start, end) = ch.holds[0]
    assert holds[0].start_s == pytest.approx(start, abs=SPAN_TOLERANCE_S)
    assert holds[0].end_s == pytest.approx(end, abs=SPAN_TOLERANCE_S)
    assert 0.5 < holds[0].confidence <= 1.0


@needs_material
@pytest.mark.parametrize(("track", "offset_s"), HOLD_CASES)
def test_hold_span_through_opus_at_8_kbits(track: str, offset_s: float) -> None:
    # Opus at 8 kbit/s codes the music as a voice (its partials jitter): found as an
    # unbroken sound that keeps some of its peaks (issue 10's real-conditions table).
    from sample_audio.real_conditions import opus_round_trip

    ch = hold_channel(BEFORE, track, offset_s, 40.0, AFTER)
    holds = call_holds([opus_round_trip(ch.samples, 8000)])
    assert len(holds) == 1, holds
    (start, end) = ch.holds[0]
    assert holds[0].start_s == pytest.approx(start, abs=SPAN_TOLERANCE_S)
    assert holds[0].end_s == pytest.approx(end, abs=SPAN_TOLERANCE_S)


@needs_material
def test_frames_read_in_blocks_give_the_same_music(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spectra a block of frames at a time (bounded memory on long calls): every frame's
    cues, and so the music found, are those of one pass over the whole channel, also
    where persistence looks past a block's end."""
    import analyzers.hold

    ch = hold_channel(BEFORE, "macroform-robot_dity", 60.0, 40.0, AFTER)
    x = on_the_line(ch.samples, "none", 15.0)
    whole = analyzers.hold._frame_features(x, SAMPLE_RATE)
    music = detect_music(x, SAMPLE_RATE)
    assert len(whole.level_db) < analyzers.hold._BLOCK_FRAMES and music
    monkeypatch.setattr(analyzers.hold, "_BLOCK_FRAMES", 37)
    blocks = analyzers.hold._frame_features(x, SAMPLE_RATE)
    for field in ("level_db", "persistence", "peaks", "top_share", "dominant"):
        np.testing.assert_array_equal(getattr(blocks, field), getattr(whole, field))
    assert detect_music(x, SAMPLE_RATE) == music


@needs_material
@pytest.mark.parametrize("codec", ["none", "amr_nb"])
def test_hold_music_no_longer_counts_as_talk(codec: Codec) -> None:
    """The issue's call: 'please hold while I try to connect you', then 40 s of music."""
    before = ["asterisk:vm-sorry", *BEFORE]
    ch = hold_channel(before, "macroform-the_simplicity", 120.0, 40.0, AFTER)
    x = on_the_line(ch.samples, codec, None)
    (start, end) = ch.holds[0]
    without_music = x.copy()
    without_music[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)] = 0.0
    reference = sum(s.duration_s for s in detect_activity(without_music, SAMPLE_RATE)[0])
    speech = detect_activity(x, SAMPLE_RATE)[0]
    assert sum(s.duration_s for s in speech) > reference + 20.0  # the bug: music is talk
    music = detect_music(x, SAMPLE_RATE)
    talk = sum(s.duration_s for s in remove_holds(speech, [(m.start_s, m.end_s) for m in music]))
    assert talk == pytest.approx(reference, abs=0.5)


@needs_material
def test_music_on_the_customer_channel_is_one_hold_for_the_call() -> None:
    ch = hold_channel(BEFORE, "macroform-robot_dity", 60.0, 40.0, AFTER)
    silent_agent = np.zeros_like(ch.samples)
    holds = call_holds([silent_agent, ch.samples])
    assert [(round(h.start_s), round(h.end_s)) for h in holds] == [
        (round(ch.holds[0][0]), round(ch.holds[0][1]))
    ]


# -- never on speech, tones, noise or silence -------------------------------------------


@needs_material
@pytest.mark.parametrize("snr_db", [None, 15.0])
@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("name", ["real_hold", "real_interrupting", "real_talked_over"])
def test_no_music_on_real_speech_calls(name: str, codec: Codec, snr_db) -> None:
    from sample_audio.realcalls import build_real_call, real_call_spec

    audio, sample_rate, _ = build_real_call(real_call_spec(name))
    for channel in audio:
        x = on_the_line(np.asarray(channel, dtype=np.float32), codec, snr_db)
        assert detect_music(x, sample_rate) == []


@needs_material
@pytest.mark.parametrize("snr_db", [None, 15.0])
@pytest.mark.parametrize("name", ["real_hold", "real_interrupting", "real_talked_over"])
def test_no_music_on_real_speech_through_opus_at_8_kbits(name: str, snr_db) -> None:
    from sample_audio.real_conditions import opus_round_trip
    from sample_audio.realcalls import build_real_call, real_call_spec

    audio, sample_rate, _ = build_real_call(real_call_spec(name))
    for channel in audio:
        x = opus_round_trip(np.asarray(channel, dtype=np.float32), 8000)
        x = with_noise(x, snr_db) if snr_db is not None else x
        assert detect_music(x, sample_rate) == []


@pytest.mark.parametrize("name", ["good_call", "dead_air", "interrupting", "shouting"])
def test_no_music_on_espeak_sample_calls(name: str) -> None:
    audio, sample_rate = sf.read(SAMPLE_DIR / f"{name}.wav", dtype="float32", always_2d=True)
    json.loads((SAMPLE_DIR / f"{name}.truth.json").read_text())
    for channel in audio.T:
        assert detect_music(channel, sample_rate) == []


def _noise(n: int, dbov: float, seed: int, pink: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    if pink:
        spectrum = np.fft.rfft(x) / np.sqrt(np.maximum(np.arange(n // 2 + 1), 1))
        x = np.fft.irfft(spectrum, n)
    return (x / x.std() * 10 ** (dbov / 20)).astype(np.float32)


@pytest.mark.parametrize("code", sorted(RINGBACK_PLANS))
def test_no_music_on_ringback(code: str) -> None:
    ringback, _ = synthesize_ringback(RINGBACK_PLANS[code], 8, SAMPLE_RATE)
    noisy = ringback + _noise(len(ringback), -50.0, 1, pink=True)
    assert detect_music(ringback, SAMPLE_RATE) == []
    assert detect_music(noisy, SAMPLE_RATE) == []
    assert detect_music(codec_round_trip(noisy, "amr_nb"), SAMPLE_RATE) == []


@pytest.mark.parametrize("pink", [False, True])
@pytest.mark.parametrize("dbov", [-60.0, -45.0, -30.0])
def test_no_music_on_line_noise(dbov: float, pink: bool) -> None:
    x = _noise(60 * SAMPLE_RATE, dbov, 2, pink)
    t = np.arange(len(x)) / SAMPLE_RATE
    hum = sum(0.3 / k * np.sin(2 * np.pi * 50 * k * t) for k in range(1, 8))
    assert detect_music(x, SAMPLE_RATE) == []
    assert detect_music(x + (hum * 10 ** (dbov / 20)).astype(np.float32), SAMPLE_RATE) == []


def test_no_music_on_silence_or_a_steady_tone() -> None:
    t = np.arange(30 * SAMPLE_RATE) / SAMPLE_RATE
    dial_tone = (0.05 * (np.sin(2 * np.pi * 350 * t) + np.sin(2 * np.pi * 440 * t))).astype(
        np.float32
    )
    assert detect_music(np.zeros(30 * SAMPLE_RATE, np.float32), SAMPLE_RATE) == []
    assert detect_music(dial_tone, SAMPLE_RATE) == []
    assert detect_music(dial_tone + _noise(len(t), -50.0, 3, False), SAMPLE_RATE) == []


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(UnsupportedAudioError, match="one channel"):
        detect_music(np.zeros((2, 8000), np.float32), SAMPLE_RATE)
    with pytest.raises(CorruptAudioError, match="NaN"):
        detect_music(np.full(8000, np.nan, np.float32), SAMPLE_RATE)
    with pytest.raises(UnsupportedAudioError, match="sample rate"):
        detect_music(np.zeros(8000, np.float32), 100)
    assert detect_music(np.zeros(100, np.float32), SAMPLE_RATE) == []


# -- removing holds from activity, joining music into holds ------------------------------


def test_remove_holds_cuts_and_drops_remnants() -> None:
    segments = [Span(0.0, 2.0), Span(3.0, 50.0), Span(50.1, 50.2), Span(51.0, 53.0)]
    kept = remove_holds(segments, [(2.9, 50.15)], min_speech_s=0.25)
    assert kept == [Span(0.0, 2.0), Span(51.0, 53.0)]
    assert remove_holds(segments, []) == segments[:2] + segments[3:]  # 0.1 s remnant dropped


def test_merge_holds_joins_silent_gaps_and_splits_on_speech() -> None:
    music = [MusicSegment(10.0, 30.0, 0.9), MusicSegment(33.0, 50.0, 0.7)]
    merged = merge_holds([music], [[Span(0.0, 9.0), Span(10.0, 30.0)]])
    assert [(h.start_s, h.end_s) for h in merged] == [(10.0, 50.0)]
    assert merged[0].confidence == pytest.approx((0.9 * 20 + 0.7 * 17) / 37, abs=1e-3)
    split = merge_holds([music], [[Span(30.5, 32.5)]])
    assert [(h.start_s, h.end_s) for h in split] == [(10.0, 30.0), (33.0, 50.0)]
    # Music heard on the customer's channel while the agent's is quiet: one hold.
    both = merge_holds([[], music[:1]], [[Span(0.0, 9.0)], []])
    assert [(h.start_s, h.end_s) for h in both] == [(10.0, 30.0)]


# -- announcement and the hold rule -----------------------------------------------------


def words_at(text: str, start_s: float, step_s: float = 0.3) -> list[Word]:
    return [
        Word(word=w, start_s=start_s + i * step_s, end_s=start_s + (i + 1) * step_s - 0.05)
        for i, w in enumerate(text.split())
    ]


ANNOUNCEMENTS = {
    "en": "Thank you. Please hold while I check that.",
    "sv": "Tack. Ett ögonblick så kollar jag.",
    "nb": "Takk. Vent litt så sjekker jeg.",
    "el": "Ευχαριστώ. Περιμένετε λίγο να το ελέγξω.",
}
NO_ANNOUNCEMENT = {
    "en": "Thank you for the details.",
    "sv": "Tack för uppgifterna.",
    "nb": "Takk for opplysningene.",
    "el": "Ευχαριστώ για τα στοιχεία.",
}


def music_hold(start_s: float, end_s: float) -> Hold:
    return Hold(start_s=start_s, end_s=end_s, duration_s=end_s - start_s)


@pytest.mark.parametrize("lang", sorted(ANNOUNCEMENTS))
def test_hold_is_announced_by_a_hold_phrase(lang: str) -> None:
    music = [music_hold(10.0, 40.0)]
    said = words_at(ANNOUNCEMENTS[lang], 6.0)
    (hold,) = announce_holds(music, said, lang, lookback_s=10.0)
    assert hold.announced is True and hold.announcement
    (silent,) = announce_holds(music, words_at(NO_ANNOUNCEMENT[lang], 6.0), lang, 10.0)
    assert silent.announced is False and silent.announcement is None
    (too_early,) = announce_holds(music, words_at(ANNOUNCEMENTS[lang], 6.0), lang, 1.0)
    assert too_early.announced is False


def call_report(holds: list[Hold], agent: list[tuple[float, float]], **kw: object) -> Report:
    """A stereo English report with the given holds and agent turns (no words)."""
    base: dict[str, object] = dict(
        duration_s=300.0,
        sample_rate=8000,
        channels=2,
        agent_channel=0,
        language="en",
        ranges_profile="default",
        pickup=Pickup(),
        parties=Parties(),
        holds=holds,
        turns=[
            Turn(party="agent", start_s=a, end_s=b, words=words_at("okay", a)) for a, b in agent
        ],
    )
    base.update(kw)
    return Report.model_validate(base)


def hold_findings(report: Report) -> list[Finding]:
    card = Scorecard()
    score_holds(report, default_profile(), card)
    return card.findings


def test_hold_without_transcript_is_not_judged() -> None:
    report = call_report([music_hold(10.0, 40.0)], [(0.0, 5.0)], language=None)
    scored = apply_rules(report, default_profile())
    (hold,) = scored.holds
    assert hold.announced is None and hold.duration_s == 30.0
    assert not [f for f in scored.findings if f.rule == "hold"]
    assert [u.rule for u in scored.unmeasured].count("hold") == 1


def test_announced_hold_is_no_finding_and_no_silence() -> None:
    words = words_at("please hold while I check that", 5.0)
    report = call_report([music_hold(8.0, 50.0)], [])
    report.turns.append(Turn(party="agent", start_s=5.0, end_s=7.0, words=words))
    scored = apply_rules(report, default_profile())
    assert scored.holds[0].announced is True
    assert not [f for f in scored.findings if f.rule in ("hold", "unexplained_silence")]
    rows = {m.key: m.value for m in scored.metrics if m.rule == "hold"}
    assert rows == {"unannounced": 0, "longest_without_agent": 42.0}


def hold(start_s: float, end_s: float, announced: bool | None = True) -> Hold:
    return Hold(start_s=start_s, end_s=end_s, duration_s=end_s - start_s, announced=announced)


def test_hold_rule_findings() -> None:
    assert hold_findings(call_report([hold(10, 60)], [])) == []
    (unannounced,) = hold_findings(call_report([hold(10, 60, announced=False)], []))
    assert unannounced.rule == "hold" and unannounced.value == "not announced"
    (long,) = hold_findings(call_report([hold(10, 80)], []))
    assert long.severity == "warning" and long.value == 70.0
    # Two holds with only the customer in between: one stretch without the agent.
    (joined,) = hold_findings(call_report([hold(10, 50), hold(55, 100)], []))
    assert (joined.start_s, joined.end_s, joined.value) == (10, 100, 90.0)
    # The agent came back in between: two stretches, both fine.
    assert hold_findings(call_report([hold(10, 50), hold(55, 100)], [(51.0, 54.0)])) == []
    (critical,) = hold_findings(call_report([hold(0, 130)], []))
    assert critical.severity == "critical"


def test_stretches_without_agent() -> None:
    holds = [hold(10, 20), hold(25, 30), hold(40, 45)]
    assert stretches_without_agent(holds, [Span(32.0, 35.0)]) == [(10, 30), (40, 45)]
