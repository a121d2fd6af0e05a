"""The generated calls agree with their truth: every claim in CallTruth is checked
against the signal with measurements independent of the generator's own code."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pydantic
import pytest
import soundfile as sf

from analyzers.ringback_plans import plan_for
from sample_audio.callgen import (
    SAMPLE_CALLS,
    CallSpec,
    CallTruth,
    Utterance,
    benchmark_call,
    build_call,
    count_words,
    main,
    ringback_until_answer,
    write_call,
)
from sample_audio.levels import active_level_dbov
from sample_audio.library import COMMITTED

FRAME_S = 0.01
QUIET_DBOV = -54.0  # line noise is -60 dBov; anything louder is not silence
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_audio"


@functools.cache
def built(name: str) -> tuple[np.ndarray, int, CallTruth]:
    return build_call(SAMPLE_CALLS[name])


def frame_db(x: np.ndarray, sr: int) -> np.ndarray:
    """dBov (RMS re full scale) of consecutive 10 ms frames."""
    n = round(FRAME_S * sr)
    k = len(x) // n
    frames = x[: k * n].reshape(k, n).astype(np.float64)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20)


def rms_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.asarray(x, np.float64) ** 2) + 1e-20))


def active_rms_db(x: np.ndarray, sr: int) -> float:
    """RMS over the active 10 ms frames (within 25 dB of the loudest frame)."""
    n = round(FRAME_S * sr)
    k = len(x) // n
    frames = x[: k * n].reshape(k, n).astype(np.float64)
    db = frame_db(x, sr)
    active = frames[db > db.max() - 25.0]
    return rms_db(active.ravel())


def span(x: np.ndarray, sr: int, a: float, b: float) -> np.ndarray:
    return x[max(0, round(a * sr)) : max(0, round(b * sr))]


# --- without espeak ------------------------------------------------------------


def test_count_words_counts_transcript_words() -> None:
    assert count_words("Good morning, you're speaking with Anna.") == 6
    assert count_words("Καλημέρα σας, είμαι η Άννα.") == 5
    assert count_words("Hej då!") == 2


def test_first_utterance_cannot_overlap_the_answer() -> None:
    with pytest.raises(pydantic.ValidationError):
        CallSpec(name="x", utterances=[Utterance(party="agent", text="Hi", gap_before_s=-1.0)])


def test_unknown_country_is_a_clear_error() -> None:
    spec = CallSpec(name="x", country="ZZ", utterances=[Utterance(party="agent", text="Hi")])
    with pytest.raises(ValueError, match="no ringback plan"):
        build_call(spec)


@pytest.mark.parametrize("code", ["US", "UK", "SE", "FR"])
@pytest.mark.parametrize("fraction", [0.0, 0.5, 1.0])
def test_answer_inside_the_last_ring_cycle(code: str, fraction: float) -> None:
    """answer_in_cycle_s cuts the ringback there: the answer is its last sample."""
    plan = plan_for(code)
    tone_s = plan.period_s - plan.cadence_s[-1]
    in_cycle = tone_s + fraction * plan.cadence_s[-1]
    spec = CallSpec(
        name="x",
        country=code,
        rings=3,
        answer_in_cycle_s=in_cycle,
        utterances=[Utterance(party="agent", text="Hi")],
    )
    ringback, ring_times, _ = ringback_until_answer(spec)
    assert len(ringback) == round((2 * plan.period_s + in_cycle) * spec.sample_rate)
    assert len(ring_times) == 3 and ring_times[-1][0] == pytest.approx(2 * plan.period_s)
    assert np.abs(ringback[-round(0.001 * spec.sample_rate) :]).max() < 1e-6 or fraction == 0.0


@pytest.mark.parametrize("in_cycle", [1.0, 6.5])
def test_answer_outside_the_pause_is_a_clear_error(in_cycle: float) -> None:
    spec = CallSpec(
        name="x",
        country="US",
        answer_in_cycle_s=in_cycle,
        utterances=[Utterance(party="agent", text="Hi")],
    )
    with pytest.raises(ValueError, match="not in the pause"):
        ringback_until_answer(spec)


def test_sample_calls_cover_the_brief() -> None:
    required = {
        "good_call",
        "early_pickup",
        "late_pickup",
        "fast_monotone",
        "slow_agent",
        "shouting",
        "dead_air",
        "interrupting",
        "talkative",
        "no_ringback",
    }
    assert required <= set(SAMPLE_CALLS)
    assert {SAMPLE_CALLS[f"good_call_{lang}"].utterances[0].language for lang in ("sv", "nb", "el")}
    assert set(COMMITTED) <= set(SAMPLE_CALLS)


# --- signal against truth --------------------------------------------------------


@pytest.mark.espeak
@pytest.mark.parametrize("name", list(SAMPLE_CALLS))
def test_each_utterance_is_on_its_channel_with_tight_edges(name: str) -> None:
    audio, sr, truth = built(name)
    assert audio.dtype == np.float32 and audio.shape[0] == 2 and sr == 8000
    assert audio.shape[1] == round(truth.duration_s * sr)
    for u in truth.utterances:
        x = audio[u.channel]
        assert u.channel == (truth.agent_channel if u.party == "agent" else truth.customer_channel)
        # Speech right at both edges (truth times are the placed speech, not padding);
        # a word may start or end with a weak fricative ("th"), hence 30 dB.
        assert frame_db(span(x, sr, u.start_s, u.start_s + 0.1), sr).max() > u.level_dbov - 30
        assert frame_db(span(x, sr, u.end_s - 0.1, u.end_s), sr).max() > u.level_dbov - 30
        assert rms_db(span(x, sr, u.start_s, u.end_s)) > u.level_dbov - 10


@pytest.mark.espeak
@pytest.mark.parametrize("name", list(SAMPLE_CALLS))
def test_channels_are_quiet_where_truth_says_nobody_speaks(name: str) -> None:
    audio, sr, truth = built(name)
    n_frames = audio.shape[1] // round(FRAME_S * sr)
    centres = (np.arange(n_frames) + 0.5) * FRAME_S

    def inside(party: str, pad: float) -> np.ndarray:
        mask = np.zeros(n_frames, dtype=bool)
        for u in truth.utterances:
            if u.party == party:
                mask |= (centres > u.start_s - pad) & (centres < u.end_s + pad)
        return mask

    for party, ch in (("agent", truth.agent_channel), ("customer", truth.customer_channel)):
        other = "customer" if party == "agent" else "agent"
        db = frame_db(audio[ch], sr)[:n_frames]
        other_db = frame_db(audio[1 - ch], sr)[:n_frames]
        after_answer = centres > truth.answered_at_s + FRAME_S
        own = inside(party, 0.03)
        echo = inside(other, 0.05)
        quiet = after_answer & ~own & ~echo
        assert quiet.sum() > 0
        assert db[quiet].max() < QUIET_DBOV, f"{party} channel not quiet outside speech"
        # While only the other party speaks, this channel carries just their echo:
        # crosstalk_db below them (max over 3 frames covers the echo delay), or noise.
        echo_only = after_answer & ~own & echo
        recent_other = np.maximum.reduce([np.roll(other_db, k) for k in range(3)])
        allowed = np.maximum(recent_other + truth.crosstalk_db + 5.0, QUIET_DBOV)
        assert np.all(db[echo_only] < allowed[echo_only])
    # Before the answer the agent's line is not open yet: digital silence.
    n_answer = round(truth.answered_at_s * sr)
    assert not np.any(audio[truth.agent_channel, :n_answer])


@pytest.mark.espeak
@pytest.mark.parametrize("name", [n for n, s in SAMPLE_CALLS.items() if s.country])
def test_ringback_bursts_have_the_plan_frequencies_and_cadence(name: str) -> None:
    audio, sr, truth = built(name)
    plan = plan_for(truth.country or "")
    spec = SAMPLE_CALLS[name]
    assert truth.rings == spec.rings == len(truth.ring_times)
    assert truth.answered_at_s == pytest.approx(spec.rings * plan.period_s, abs=1 / sr)
    x = audio[truth.customer_channel]
    bursts: list[tuple[float, float]] = []
    for ring_start, ring_end in truth.ring_times:
        t = ring_start
        for i, dur in enumerate(plan.cadence_s):
            if i % 2 == 0:
                bursts.append((t, t + dur))
            t += dur
        assert bursts[-1][1] == pytest.approx(ring_end)
    for a, b in bursts:
        seg = span(x, sr, a + 0.02, b - 0.02)
        spectrum = np.abs(np.fft.rfft(seg * np.hanning(len(seg)))) ** 2
        freqs = np.fft.rfftfreq(len(seg), 1 / sr)
        near = np.zeros_like(freqs, dtype=bool)
        for f in plan.freqs_hz:
            band = np.abs(freqs - f) < 15
            near |= band
            assert abs(freqs[band][np.argmax(spectrum[band])] - f) < 3
        assert spectrum[near].sum() / spectrum.sum() > 0.95
        # synthesize_ringback gives each tone of an n-tone plan 1/n of the amplitude.
        expected_db = spec.ringback_level_dbov - 10 * np.log10(len(plan.freqs_hz))
        assert rms_db(seg) == pytest.approx(expected_db, abs=0.5)
    # Between bursts (including a UK double ring's inner pause) the line is quiet.
    db = frame_db(x[: round(truth.answered_at_s * sr)], sr)
    centres = (np.arange(len(db)) + 0.5) * FRAME_S
    in_burst = np.zeros(len(db), dtype=bool)
    for a, b in bursts:
        in_burst |= (centres > a - 0.02) & (centres < b + 0.02)
    assert db[~in_burst].max() < QUIET_DBOV


@pytest.mark.espeak
def test_no_ringback_call_starts_at_the_answer() -> None:
    audio, sr, truth = built("no_ringback")
    assert truth.answered_at_s == 0.0 and truth.ring_times == [] and truth.rings is None
    first = truth.utterances[0]
    assert (
        frame_db(audio[truth.customer_channel, : round(first.start_s * sr)], sr).max() < QUIET_DBOV
    )


def test_active_level_of_known_signals() -> None:
    sr = 8000
    tone = 0.1 * np.sin(2 * np.pi * 440 * np.arange(2 * sr) / sr)
    assert active_level_dbov(tone, sr) == pytest.approx(20 * np.log10(0.1 / np.sqrt(2)), abs=0.01)
    # Silence around the tone does not dilute an active level (only the 0.2 s hangover
    # and the 30 ms envelope decay count: about 0.6 dB over 2 s).
    padded = np.concatenate([np.zeros(sr), tone, np.zeros(3 * sr)])
    assert active_level_dbov(padded, sr) == pytest.approx(active_level_dbov(tone, sr), abs=0.7)
    assert active_level_dbov(0.1 * padded, sr) == pytest.approx(
        active_level_dbov(padded, sr) - 20.0, abs=0.01
    )
    assert active_level_dbov(np.zeros(sr), sr) == -100.0


@pytest.mark.espeak
@pytest.mark.parametrize("name", ["good_call", "shouting", "good_call_el"])
def test_turn_levels_match_truth(name: str) -> None:
    audio, sr, truth = built(name)
    for u in truth.utterances:
        if u.duration_s < 1.0:
            continue
        seg = span(audio[u.channel], sr, u.start_s, u.end_s)
        # The mixed signal (noise, echo) still has the P.56 level the turn was set to.
        assert active_level_dbov(seg, sr) == pytest.approx(u.level_dbov, abs=0.2), u.text
        # Independent check: RMS over the loud frames reads 0-3 dB above P.56, which
        # also counts the quieter onsets and the 200 ms hangover.
        assert 0.0 <= active_rms_db(seg, sr) - u.level_dbov <= 3.0, u.text


@pytest.mark.espeak
def test_shouted_and_whispered_turns_against_the_agents_median() -> None:
    audio, sr, truth = built("shouting")
    agent = [u for u in truth.utterances if u.party == "agent"]
    level = {
        u.index: active_rms_db(span(audio[u.channel], sr, u.start_s, u.end_s), sr) for u in agent
    }
    median = float(np.median(list(level.values())))
    shout = next(u for u in agent if u.style == "shout")
    whisper = next(u for u in agent if u.style == "whisper")
    # Built as +10 / -14 dB: clear of the profile's 6 dB (raised) and 10 dB (whisper).
    assert level[shout.index] - median == pytest.approx(10.0, abs=1.5)
    assert median - level[whisper.index] == pytest.approx(14.0, abs=1.5)
    assert (shout.level_dbov, whisper.level_dbov) == (-18.0, -42.0)
    assert truth.parties["agent"].median_level_dbov == -28.0


@pytest.mark.espeak
@pytest.mark.parametrize("name", list(SAMPLE_CALLS))
def test_speaking_rate_is_calibrated_and_truth_is_actual(name: str) -> None:
    _, _, truth = built(name)
    for u in truth.utterances:
        assert u.wpm == pytest.approx(u.word_count / u.duration_s * 60.0)
        assert u.duration_s == pytest.approx(u.end_s - u.start_s)
        if u.word_count >= 4:
            assert u.wpm == pytest.approx(u.wpm_target, rel=0.03), u.text
    agent = truth.parties["agent"]
    words = sum(u.word_count for u in truth.utterances if u.party == "agent")
    assert agent.words == words
    assert agent.wpm == pytest.approx(words / agent.talk_time_s * 60.0)


@pytest.mark.espeak
def test_rate_variants_differ_as_named() -> None:
    rates = {
        n: built(n)[2].parties["agent"].wpm for n in ("good_call", "fast_monotone", "slow_agent")
    }
    assert 130 < rates["good_call"] < 150
    assert rates["fast_monotone"] > 190
    assert rates["slow_agent"] < 100


@pytest.mark.espeak
def test_silences_and_their_announcements() -> None:
    good = built("good_call")[2]
    assert [s.announced for s in good.silences if s.duration_s >= 5] == [True]
    hold = next(s for s in good.silences if s.duration_s >= 5)
    assert hold.duration_s == pytest.approx(8.0, abs=0.01)
    assert hold.announcement in ("let me check", "one moment")
    dead = built("dead_air")[2]
    long_ones = [s for s in dead.silences if s.duration_s >= 5]
    assert len(long_ones) == 1 and not long_ones[0].announced
    assert long_ones[0].duration_s == pytest.approx(9.0, abs=0.01)
    for lang in ("sv", "nb", "el"):
        t = built(f"good_call_{lang}")[2]
        assert [s.announced for s in t.silences if s.duration_s >= 5] == [True], lang


@pytest.mark.espeak
def test_interruptions_overlap_in_the_signal() -> None:
    audio, sr, truth = built("interrupting")
    agent_ints = [i for i in truth.interruptions if i.by == "agent"]
    assert len(agent_ints) == 2 and len(truth.interruptions) == 2
    for i in agent_ints:
        assert i.duration_s >= 1.5
        for ch in (truth.agent_channel, truth.customer_channel):
            db = frame_db(span(audio[ch], sr, i.start_s, i.end_s), sr)
            assert np.mean(db > -45) > 0.4  # both talk (with the pauses of speech)
    for name in ("good_call", "early_pickup", "shouting", "dead_air", "talkative"):
        assert built(name)[2].interruptions == [], name


@pytest.mark.espeak
def test_talk_ratio_and_monologue() -> None:
    good = built("good_call")[2].parties
    assert 0.30 <= good["agent"].talk_share <= 0.60
    assert good["agent"].longest_monologue_s < 60
    assert good["agent"].talk_share + good["customer"].talk_share == pytest.approx(1.0)
    talkative = built("talkative")[2].parties["agent"]
    assert talkative.longest_monologue_s > 60 and talkative.talk_share > 0.60


@pytest.mark.espeak
def test_good_call_shape() -> None:
    _, _, truth = built("good_call")
    assert 60 <= truth.duration_s <= 90
    assert truth.country == "SE" and truth.rings == 2
    first = truth.utterances[0]
    assert first.party == "agent" and all(w in first.text for w in ("Anna", "Nordic Travel"))
    last_agent = [u for u in truth.utterances if u.party == "agent"][-1]
    assert "goodbye" in last_agent.text.lower()


@pytest.mark.espeak
def test_monotone_and_lively_pitch_spread() -> None:
    import parselmouth

    def agent_sd_semitones(name: str) -> float:
        audio, sr, truth = built(name)
        x = np.concatenate(
            [
                span(audio[u.channel], sr, u.start_s, u.end_s)
                for u in truth.utterances
                if u.party == "agent"
            ]
        )
        f0 = parselmouth.Sound(x.astype(np.float64), sr).to_pitch().selected_array["frequency"]
        f0 = f0[f0 > 0]
        return float(np.std(12 * np.log2(f0 / np.median(f0))))

    assert agent_sd_semitones("fast_monotone") < 1.5
    assert agent_sd_semitones("good_call") > 3.0


@pytest.mark.espeak
def test_agent_channel_one_swaps_the_parties() -> None:
    spec = SAMPLE_CALLS["early_pickup"].model_copy(update={"agent_channel": 1, "name": "swapped"})
    audio, sr, truth = build_call(spec)
    assert (truth.agent_channel, truth.customer_channel) == (1, 0)
    ring_start, ring_end = truth.ring_times[0]
    assert rms_db(span(audio[0], sr, ring_start, ring_end)) > -30  # ringback on the caller
    assert not np.any(audio[1, : round(truth.answered_at_s * sr)])
    for u in truth.utterances:
        assert u.channel == (1 if u.party == "agent" else 0)
        assert rms_db(span(audio[u.channel], sr, u.start_s, u.end_s)) > u.level_dbov - 10


@pytest.mark.espeak
@pytest.mark.parametrize("sample_rate", [8000, 16000])
def test_speech_is_telephone_band(sample_rate: int) -> None:
    spec = SAMPLE_CALLS["no_ringback"].model_copy(
        update={"sample_rate": sample_rate, "noise_dbov": None, "crosstalk_db": None}
    )
    audio, sr, truth = build_call(spec)
    assert sr == sample_rate
    u = truth.utterances[0]
    seg = span(audio[u.channel], sr, u.start_s, u.end_s).astype(np.float64)
    power = np.abs(np.fft.rfft(seg)) ** 2
    freqs = np.fft.rfftfreq(len(seg), 1 / sr)
    outside = (freqs < 250) | (freqs > 3600)
    assert power[outside].sum() / power.sum() < 0.02


# --- files ------------------------------------------------------------------------


@pytest.mark.espeak
@pytest.mark.parametrize("subtype", ["PCM_16", "ULAW"])
def test_write_call_round_trip(tmp_path: Path, subtype: str) -> None:
    spec = SAMPLE_CALLS["no_ringback"]
    wav, truth_path = write_call(spec, tmp_path, subtype=subtype)
    info = sf.info(str(wav))
    assert (info.samplerate, info.channels, info.subtype) == (8000, 2, subtype)
    data, _ = sf.read(wav, dtype="float32")
    audio, _, truth = built("no_ringback")
    assert data.shape == audio.T.shape
    tolerance = 1e-4 if subtype == "PCM_16" else 0.02
    assert np.max(np.abs(data - audio.T)) < tolerance
    assert CallTruth.model_validate_json(truth_path.read_text()) == truth


def test_write_call_rejects_other_subtypes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="subtype"):
        write_call(SAMPLE_CALLS["good_call"], tmp_path, subtype="FLOAT")


@pytest.mark.espeak
def test_cli_writes_named_calls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--out", str(tmp_path), "--names", "early_pickup", "--format", "pcm16"]) == 0
    assert (tmp_path / "early_pickup.wav").exists()
    assert json.loads((tmp_path / "early_pickup.truth.json").read_text())["rings"] == 1
    assert "early_pickup" in capsys.readouterr().out


@pytest.mark.espeak
def test_benchmark_call_length() -> None:
    _, _, truth = build_call(benchmark_call(120.0))
    assert truth.duration_s == pytest.approx(120.0, rel=0.08)
    assert 0.30 <= truth.parties["agent"].talk_share <= 0.60
    assert truth.interruptions == []


def test_committed_samples_fit_the_budget() -> None:
    total = sum(p.stat().st_size for p in SAMPLE_DIR.glob("*.wav"))
    total += sum(p.stat().st_size for p in SAMPLE_DIR.glob("*.truth.json"))
    assert total < 5.5e6
