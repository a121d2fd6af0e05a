"""Two-party telephone calls from real recorded speech, with exact ground truth.

The synthetic calls of ``sample_audio.callgen`` are spoken by espeak-ng, which is
too regular to show how the analysis copes with a real voice. Here the agent is a
sequence of Asterisk's English prompts (a real female voice recorded at 8 kHz,
Debian package ``asterisk-core-sounds-en-wav``; their texts come with
``asterisk-core-sounds-en``) and the customer reads LibriVox sentences (a real
male voice, 16 kHz, resampled; ``pocketsphinx-testdata``). ``available()`` says
whether both corpora are installed.

Every clip's speech is located by energy (``speech_bounds``): an utterance's
``start_s``/``end_s`` in the truth are where its real speech starts and ends, and
``source_start_s``/``source_end_s`` record those bounds inside the source file.
The clip is placed with a short margin of its own recording around the speech,
so weak onsets and releases stay natural. Everything else follows callgen: the
same ``CallSpec`` fields, P.56 speech levels, ringback from ``analyzers.ringback_plans``,
line noise, crosstalk (``callgen.mix_line``), and silences, interruptions and
party figures computed by the same functions.

``compose_call(name, seed, ...)`` draws a whole call (prompts, order and gaps)
from a seed; ``real_call_spec(name)`` gives the ready-made ones in
``REAL_CALL_RECIPES``; ``build_real_call(spec)`` builds one. Deterministic:
the same spec (and seed) gives the same samples.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from analyzers.ringback_plans import plan_for
from sample_audio.callgen import (
    MIN_SILENCE_S,
    TAIL_S,
    interruption_truths,
    mix_line,
    party_truths,
    ringback_until_answer,
    silence_truths,
)
from sample_audio.espeak import band_limit
from sample_audio.levels import active_level_dbov
from sample_audio.spec import (
    STYLE_GAIN_DB,
    CallSpec,
    CallTruth,
    Party,
    PartyTruth,
    Style,
    UtteranceTruth,
    count_words,
)

__all__ = [
    "ALLISON_AND_READER",
    "ASTERISK_SOUNDS_DIR",
    "ASTERISK_TEXTS",
    "LIBRIVOX_DIR",
    "REAL_CALL_RECIPES",
    "Cast",
    "CorpusUnavailableError",
    "Prompt",
    "RealCallSpec",
    "RealCallTruth",
    "RealPartyTruth",
    "RealUtterance",
    "RealUtteranceTruth",
    "available",
    "build_real_call",
    "compose_call",
    "load_prompt",
    "missing_corpora",
    "normalize_text",
    "real_call_spec",
    "speech_bounds",
]

SAMPLE_RATE = 8000
ASTERISK_SOUNDS_DIR = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
ASTERISK_TEXTS = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")
LIBRIVOX_DIR = Path("/usr/share/pocketsphinx/test/data/librivox")
ASTERISK_VOICE = "asterisk:en_US_f_Allison"
LIBRIVOX_VOICE = "librivox:sense_and_sensibility_01"

# Speech bounds by energy, 10 ms frames: a frame is speech when it is within 40 dB
# of the loudest frame and 15 dB over the clip's noise floor (its 10th percentile;
# the LibriVox clips carry room noise about 45-55 dB below their peak, the Asterisk
# prompts near-digital silence). Runs shorter than 30 ms are clicks, not speech.
_FRAME_S = 0.01
_BELOW_PEAK_DB = 40.0
_ABOVE_FLOOR_DB = 15.0
_MIN_RUN_FRAMES = 3
# Edge remnant of a neighbouring word (see speech_bounds).
_REMNANT_MAX_FRAMES = 15
_REMNANT_MIN_GAP_FRAMES = 10
# Recording kept around the located speech, faded in and out over the edge.
_MARGIN_S = 0.12
_FADE_S = 0.01

# Typos in the corpus transcripts (the voice says the right word).
_CORPUS_FIXES = {"represenatives": "representatives"}
_ANNOTATION = re.compile(r"\[[^\]]*\]|\([^)]*\)|<[^>]*>")
_NOT_WORD = re.compile(r"[^a-z0-9' ]+")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def normalize_text(text: str) -> str:
    """Lower-case words only: what a transcript is compared on (WER, word counts).

    Drops annotations ("[beep]", "(tone plays)", "<s>"), punctuation and hyphens
    (a hyphen splits: "call-forward" -> "call forward"), keeps apostrophes
    ("you're"), fixes known corpus typos.
    """
    lowered = _ANNOTATION.sub(" ", text).lower().replace("’", "'").replace("-", " ")
    words = _NOT_WORD.sub(" ", lowered).split()
    words = [w.strip("'") for w in words]
    return " ".join(_CORPUS_FIXES.get(w, w) for w in words if w)


# --- corpora ------------------------------------------------------------------


def missing_corpora() -> list[str]:
    """The Debian packages whose files are missing (empty when all are there)."""
    missing = []
    if not (ASTERISK_SOUNDS_DIR / "hello.wav").is_file():
        missing.append("asterisk-core-sounds-en-wav")
    if not ASTERISK_TEXTS.is_file():
        missing.append("asterisk-core-sounds-en")
    if not (LIBRIVOX_DIR / "transcription").is_file():
        missing.append("pocketsphinx-testdata")
    return missing


def available() -> bool:
    """Whether the speech corpora are installed (see ``missing_corpora``)."""
    return not missing_corpora()


class CorpusUnavailableError(RuntimeError):
    """A corpus package is not installed."""


@functools.cache
def _asterisk_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    with gzip.open(ASTERISK_TEXTS, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith(";") or ":" not in line:
                continue
            key, text = line.split(":", 1)
            texts[key.strip()] = text.strip()
    return texts


@functools.cache
def _librivox_texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    pattern = re.compile(r"^(?P<text>.*)\((?P<id>[^()]+)\)\s*$")
    for line in (LIBRIVOX_DIR / "transcription").read_text(encoding="utf-8").splitlines():
        match = pattern.match(line)
        if match:
            texts[match["id"].strip()] = match["text"].strip()
    return texts


def speech_bounds(
    x: np.ndarray, sample_rate: int, *, cut_from_reading: bool = False
) -> tuple[float, float]:
    """(start_s, end_s) of the speech in a clip, located by frame energy.

    See ``_BELOW_PEAK_DB``/``_ABOVE_FLOOR_DB``. ``cut_from_reading``: the clip was
    cut out of continuous speech, so a short sound at either edge set apart from
    the rest (<= 150 ms, >= 100 ms of quiet) is the neighbouring word, not this
    clip's speech. (Not for single recorded prompts: their weak final consonants
    look the same.) Raises ValueError for silence.
    """
    frame = max(1, round(_FRAME_S * sample_rate))
    n_frames = len(x) // frame
    if n_frames == 0:
        raise ValueError("clip shorter than one frame")
    frames = np.asarray(x[: n_frames * frame], dtype=np.float64).reshape(n_frames, frame)
    db = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20)
    if db.max() <= -150.0:
        raise ValueError("clip is silent")
    threshold = max(db.max() - _BELOW_PEAK_DB, float(np.percentile(db, 10)) + _ABOVE_FLOOR_DB)
    active = db >= threshold
    # Keep runs of at least _MIN_RUN_FRAMES frames.
    edges = np.flatnonzero(np.diff(np.concatenate(([0], active.astype(np.int8), [0]))))
    runs = [(a, b) for a, b in zip(edges[0::2], edges[1::2], strict=True)]
    runs = [(a, b) for a, b in runs if b - a >= _MIN_RUN_FRAMES]
    if not runs:
        raise ValueError("no speech found in clip")
    while cut_from_reading and len(runs) > 1 and _is_remnant(runs[0], runs[1][0] - runs[0][1]):
        runs.pop(0)
    while cut_from_reading and len(runs) > 1 and _is_remnant(runs[-1], runs[-1][0] - runs[-2][1]):
        runs.pop()
    return runs[0][0] * frame / sample_rate, runs[-1][1] * frame / sample_rate


def _is_remnant(run: tuple[int, int], gap_frames: int) -> bool:
    return run[1] - run[0] <= _REMNANT_MAX_FRAMES and gap_frames >= _REMNANT_MIN_GAP_FRAMES


@dataclass(frozen=True, eq=False)
class Prompt:
    """One corpus clip at 8 kHz, telephone band-limited, with its speech located."""

    source: str
    path: Path
    corpus_text: str
    text: str
    voice: str
    audio: np.ndarray
    speech_start_s: float
    speech_end_s: float

    @property
    def speech_s(self) -> float:
        return self.speech_end_s - self.speech_start_s


@functools.lru_cache(maxsize=512)
def load_prompt(source: str) -> Prompt:
    """A clip by id: ``asterisk:<prompt name>`` or ``librivox:<file id>``."""
    import soundfile as sf
    import soxr

    corpus, _, key = source.partition(":")
    if corpus == "codec2":
        audio, sr, corpus_text, voice, path = _codec2_clip(source, key)
    else:
        path, corpus_text, voice = _corpus_clip(source, corpus, key)
        audio, sr = sf.read(path, dtype="float32", always_2d=True)
        audio = audio.mean(axis=1)
    if sr != SAMPLE_RATE:
        audio = soxr.resample(audio, sr, SAMPLE_RATE, quality="HQ").astype(np.float32)
    audio = band_limit(audio, SAMPLE_RATE)
    start_s, end_s = speech_bounds(audio, SAMPLE_RATE, cut_from_reading=corpus != "asterisk")
    audio.setflags(write=False)  # shared through the cache
    text = normalize_text(corpus_text)
    if not text:
        raise ValueError(f"{source!r} has no spoken words ({corpus_text!r})")
    return Prompt(source, path, corpus_text, text, voice, audio, start_s, end_s)


def _corpus_clip(source: str, corpus: str, key: str) -> tuple[Path, str, str]:
    """(path, transcript, voice) of an Asterisk prompt or a LibriVox reading."""
    if corpus == "asterisk":
        path, texts, voice = ASTERISK_SOUNDS_DIR / f"{key}.wav", _asterisk_texts(), ASTERISK_VOICE
    elif corpus == "librivox":
        path, texts, voice = LIBRIVOX_DIR / f"{key}.wav", _librivox_texts(), LIBRIVOX_VOICE
    else:
        raise ValueError(f"unknown corpus in {source!r}: use asterisk:, librivox: or codec2:")
    if not path.is_file():
        missing = missing_corpora()
        if missing:
            raise CorpusUnavailableError(f"install the Debian packages {missing}")
        raise ValueError(f"no clip {source!r} ({path} does not exist)")
    if key not in texts:
        raise ValueError(f"the corpus has no transcript for {source!r}")
    return path, texts[key], voice


def _codec2_clip(source: str, key: str) -> tuple[np.ndarray, int, str, str, Path]:
    """(samples, rate, transcript, voice, path) of a clip of ``sample_audio.codec2_clips``."""
    from sample_audio import codec2_clips

    if key not in codec2_clips.CLIPS:
        raise ValueError(f"no clip {source!r}; known: {sorted(codec2_clips.CLIPS)}")
    if not codec2_clips.available():
        raise CorpusUnavailableError(f"install the Debian package {codec2_clips.CODEC2_PACKAGE}")
    clip, audio, rate = codec2_clips.read_clip(key)
    return audio, rate, clip.text, clip.voice, codec2_clips.CODEC2_DIR / clip.file


# --- spec and truth -------------------------------------------------------------


class RealUtterance(_Model):
    """One turn: a corpus clip spoken by one party."""

    party: Party
    source: str = Field(pattern=r"^(asterisk|librivox|codec2):[A-Za-z0-9_\-]+$")
    style: Style = "normal"
    gap_before_s: float = Field(
        0.6,
        description="silence from the previous utterance's speech end to this one's speech "
        "start (from the answer for the first); negative = overlap",
    )


class RealCallSpec(CallSpec):
    """A ``CallSpec`` whose utterances are corpus clips (always 8 kHz, English)."""

    sample_rate: Literal[8000] = SAMPLE_RATE
    utterances: list[RealUtterance] = Field(min_length=1)  # type: ignore[assignment]


class RealUtteranceTruth(UtteranceTruth):
    """``UtteranceTruth`` of a corpus clip: no espeak parameters, where it came from."""

    wpm_target: int | None = None  # type: ignore[assignment]
    espeak_speed: int | None = None  # type: ignore[assignment]
    pitch: int | None = None  # type: ignore[assignment]
    pitch_range: int | None = None  # type: ignore[assignment]
    source: str
    corpus_text: str = Field(description="the transcript as the corpus has it; text = normalised")
    source_start_s: float = Field(description="speech start inside the source clip")
    source_end_s: float = Field(description="speech end inside the source clip")


class RealPartyTruth(PartyTruth):
    turn_time_s: float = Field(
        description="the party's turns: its utterances joined across pauses shorter than "
        "turn_merge_gap_s in which the other party does not start (the pipeline's turns)"
    )
    turn_wpm: float | None = Field(description="words / turn time, as the pipeline rates speech")


class RealCallTruth(CallTruth):
    generator: str = "sample_audio.realcalls"
    utterances: list[RealUtteranceTruth]  # type: ignore[assignment]
    parties: dict[Party, RealPartyTruth]  # type: ignore[assignment]
    turn_merge_gap_s: float


def _turn_time(utts: Sequence[UtteranceTruth], party: Party, merge_gap_s: float) -> float:
    """Seconds of the party's turns (see ``RealPartyTruth.turn_time_s``)."""
    other_starts = [u.start_s for u in utts if u.party != party]
    turns: list[list[float]] = []
    for u in sorted((u for u in utts if u.party == party), key=lambda u: u.start_s):
        if turns and u.start_s <= turns[-1][1]:
            turns[-1][1] = max(turns[-1][1], u.end_s)
            continue
        if (
            turns
            and u.start_s - turns[-1][1] < merge_gap_s
            and not any(turns[-1][1] < s < u.start_s for s in other_starts)
        ):
            turns[-1][1] = u.end_s
            continue
        turns.append([u.start_s, u.end_s])
    return sum(b - a for a, b in turns)


def _real_party_truths(
    utts: list[RealUtteranceTruth], merge_gap_s: float
) -> dict[Party, RealPartyTruth]:
    out: dict[Party, RealPartyTruth] = {}
    for party, base in party_truths(list(utts)).items():
        turn_s = _turn_time(utts, party, merge_gap_s)
        out[party] = RealPartyTruth(
            **base.model_dump(),
            turn_time_s=turn_s,
            turn_wpm=base.words / turn_s * 60.0 if turn_s > 0 else None,
        )
    return out


# --- building -----------------------------------------------------------------


def _placed_clip(prompt: Prompt, gain: float, max_lead: int) -> tuple[np.ndarray, int]:
    """The clip cut to its speech plus margins, faded at the cuts and scaled.

    Returns (signal, samples in it before the speech start); the lead margin is at
    most ``max_lead`` samples (so nothing is placed before the answer).
    """
    sr = SAMPLE_RATE
    margin, fade = round(_MARGIN_S * sr), max(1, round(_FADE_S * sr))
    speech_a, speech_b = round(prompt.speech_start_s * sr), round(prompt.speech_end_s * sr)
    lead = min(margin, speech_a, max(0, max_lead))
    a, b = speech_a - lead, min(len(prompt.audio), speech_b + margin)
    signal = prompt.audio[a:b].astype(np.float32) * np.float32(gain)
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade))).astype(np.float32)
    if a > 0:
        signal[:fade] *= ramp
    if b < len(prompt.audio):
        signal[-fade:] *= ramp[::-1]
    return signal, lead


def build_real_call(spec: RealCallSpec) -> tuple[np.ndarray, int, RealCallTruth]:
    """Build the call: (float32 array (2, n), 8000, truth). Needs the corpora."""
    from analyzers.profile import default_profile

    if not available():
        raise CorpusUnavailableError(f"install the Debian packages {missing_corpora()}")
    sr = SAMPLE_RATE
    agent_ch = spec.agent_channel
    customer_ch = 1 - agent_ch
    channel_of: dict[Party, int] = {"agent": agent_ch, "customer": customer_ch}

    ringback, ring_times, freqs = ringback_until_answer(spec)
    answer_sample = len(ringback)
    answered_at_s = answer_sample / sr

    placed: list[tuple[int, int, np.ndarray]] = []  # (channel, first sample, signal)
    truths: list[RealUtteranceTruth] = []
    prev_end = answer_sample
    for i, utt in enumerate(spec.utterances):
        prompt = load_prompt(utt.source)
        base = spec.agent_level_dbov if utt.party == "agent" else spec.customer_level_dbov
        target = base + STYLE_GAIN_DB[utt.style]
        gain = 10 ** ((target - active_level_dbov(prompt.audio, sr)) / 20)
        start = prev_end + round(utt.gap_before_s * sr)
        if start < answer_sample:
            raise ValueError(f"utterance {i} would start before the answer (gap too negative)")
        n_speech = round(prompt.speech_end_s * sr) - round(prompt.speech_start_s * sr)
        end = start + n_speech
        signal, lead = _placed_clip(prompt, gain, start - answer_sample)
        placed.append((channel_of[utt.party], start - lead, signal))
        words = count_words(prompt.text)
        duration = n_speech / sr
        truths.append(
            RealUtteranceTruth(
                index=i,
                party=utt.party,
                channel=channel_of[utt.party],
                start_s=start / sr,
                end_s=end / sr,
                duration_s=duration,
                text=prompt.text,
                word_count=words,
                wpm=words / duration * 60.0,
                style=utt.style,
                level_dbov=target,
                voice=prompt.voice,
                language="en",
                source=utt.source,
                corpus_text=prompt.corpus_text,
                source_start_s=prompt.speech_start_s,
                source_end_s=prompt.speech_end_s,
            )
        )
        prev_end = max(prev_end, end)

    n_total = max(first + len(sig) for _, first, sig in placed) + round(TAIL_S * sr)
    speech = np.zeros((2, n_total), dtype=np.float32)
    for channel, first, sig in placed:
        speech[channel, first : first + len(sig)] += sig
    out = mix_line(
        speech,
        sr,
        customer_ch,
        ringback,
        noise_dbov=spec.noise_dbov,
        crosstalk_db=spec.crosstalk_db,
        seed=spec.seed,
        name=spec.name,
    )
    merge_gap_s = default_profile().activity.turn_merge_gap_s
    truth = RealCallTruth(
        name=spec.name,
        description=spec.description,
        sample_rate=sr,
        duration_s=n_total / sr,
        agent_channel=agent_ch,
        customer_channel=customer_ch,
        country=spec.country.upper() if spec.country else None,
        rings=spec.rings if spec.country else None,
        ring_times=ring_times,
        ringback_freqs_hz=freqs,
        answered_at_s=answered_at_s,
        noise_dbov=spec.noise_dbov,
        crosstalk_db=spec.crosstalk_db,
        agent_name=spec.agent_name,
        customer_name=spec.customer_name,
        company=spec.company,
        language="en",
        utterances=truths,
        silences=silence_truths(list(truths), answered_at_s),
        min_silence_s=MIN_SILENCE_S,
        interruptions=interruption_truths(list(truths)),
        parties=_real_party_truths(truths, merge_gap_s),
        turn_merge_gap_s=merge_gap_s,
    )
    return out, sr, truth


# --- composing calls from a seed -----------------------------------------------------

# Agent prompts without digits, hyphenated words or spelled-out addresses, so
# a transcript can be compared word for word. QUIET ones contain no pause
# announcement ("please hold", "one moment", "wait"), so a silence after them is
# unexplained in both the truth and the analysis; HOLDING ones do and never
# precede a silence.
AGENT_OPENING = "asterisk:hello"
AGENT_QUIET = (
    "asterisk:vm-newuser",
    "asterisk:queue-youarenext",
    "asterisk:vm-sorry",
    "asterisk:demo-nogo",
    "asterisk:feature-not-avail-line",
    "asterisk:privacy-unident",
    "asterisk:vm-nobodyavail",
    "asterisk:please-try-call-later",
    "asterisk:check-number-dial-again",
    "asterisk:cannot-complete-as-dialed",
    "asterisk:vm-nonumber",
    "asterisk:speed-dial-empty",
    "asterisk:sorry-youre-having-problems",
    "asterisk:conf-onlyperson",
)
AGENT_HOLDING = (
    "asterisk:priv-introsaved",
    "asterisk:queue-periodic-announce",
    "asterisk:tt-allbusy",
    "asterisk:pls-hold-while-try",
    "asterisk:vm-dialout",
)
AGENT_ANNOUNCE = "asterisk:one-moment-please"
AGENT_CLOSING = ("asterisk:auth-thankyou", "asterisk:goodbye")
CUSTOMER_SENTENCES = tuple(
    f"librivox:sense_and_sensibility_01_austen_64kb-{n:04d}" for n in (870, 880, 890, 920, 930)
)


@dataclass(frozen=True)
class Cast:
    """The clips a composed call draws from: the agent's lines and the customer's.

    ``quiet`` lines hold no pause announcement, ``holding`` ones do; ``announce``
    says a hold is coming (None: the cast has no announced holds).
    """

    opening: str
    quiet: tuple[str, ...]
    holding: tuple[str, ...]
    announce: str | None
    closing: tuple[str, ...]
    customer: tuple[str, ...]


ALLISON_AND_READER = Cast(
    AGENT_OPENING, AGENT_QUIET, AGENT_HOLDING, AGENT_ANNOUNCE, AGENT_CLOSING, CUSTOMER_SENTENCES
)

# Gaps clear of the analysis' decision points: a party's own prompts within one
# turn follow after 0.15-0.35 s (turns merge across < 0.7 s); a reply comes after
# 0.5-1.4 s (far below the 3 s reported as silence).
SAME_TURN_GAP_S = (0.15, 0.35)
REPLY_GAP_S = (0.5, 1.4)
# Interruptions: the interrupter starts 1.6-2.4 s before the other's speech ends
# (the profile counts overlaps of >= 1 s) and goes on after it: both clips are
# long ones.
OVERLAP_S = (1.6, 2.4)
LONG_CLIP_S = 5.0
Event = Literal["announced", "unexplained", "agent_interrupts", "customer_interrupts"]


class _Script:
    """The utterances drawn so far and an estimate of the time they take."""

    def __init__(
        self,
        rng: np.random.Generator,
        elapsed_s: float,
        cast: Cast,
        overlap_s: tuple[float, float] = OVERLAP_S,
    ) -> None:
        self.rng = rng
        self.cast = cast
        self.overlap_s = overlap_s
        self.elapsed_s = elapsed_s
        self.utterances: list[RealUtterance] = []
        self._pools: dict[tuple[str, ...], list[str]] = {}

    def draw(self, sources: Sequence[str], *, long: bool = False) -> str:
        """The next clip (a long one if asked) of a shuffled pool, refilled when used up."""
        pool = self._pools.setdefault(tuple(sources), [])

        def fits(source: str) -> bool:
            return not long or load_prompt(source).speech_s >= LONG_CLIP_S

        if not any(fits(s) for s in pool):
            pool.extend(str(s) for s in self.rng.permutation(list(sources)))
        pick = next(s for s in pool if fits(s))
        pool.remove(pick)
        return pick

    def gap(self, bounds: tuple[float, float]) -> float:
        return round(float(self.rng.uniform(*bounds)), 3)

    def say(self, party: Party, source: str, gap_before_s: float) -> None:
        self.utterances.append(RealUtterance(party=party, source=source, gap_before_s=gap_before_s))
        self.elapsed_s += gap_before_s + load_prompt(source).speech_s

    def reply(self, party: Party, source: str) -> None:
        self.say(party, source, self.gap(REPLY_GAP_S))

    def interrupt(self, party: Party, source: str) -> None:
        self.say(party, source, -self.gap(self.overlap_s))


def _exchange(script: _Script, event: Event | None, silences: dict[str, float]) -> None:
    """One exchange: the customer speaks, the agent answers (with the event in it)."""
    cast = script.cast
    if event == "agent_interrupts":
        script.reply("customer", script.draw(cast.customer, long=True))
        script.interrupt("agent", script.draw(cast.quiet, long=True))
        return
    script.reply("customer", script.draw(cast.customer))
    if event == "customer_interrupts":
        script.reply("agent", script.draw(cast.quiet, long=True))
        script.interrupt("customer", script.draw(cast.customer, long=True))
        script.reply("agent", script.draw(cast.quiet))
    elif event == "announced":
        if cast.announce is None:
            raise ValueError("this cast has no hold announcement")
        script.reply("agent", cast.announce)
        script.say("agent", script.draw(cast.quiet), silences[event])
    elif event == "unexplained":
        script.reply("agent", script.draw(cast.quiet))
        script.say("agent", script.draw(cast.quiet), silences[event])
    else:
        quiet = script.rng.random() < 0.6
        script.reply("agent", script.draw(cast.quiet if quiet else cast.holding))


def compose_call(
    name: str,
    seed: int,
    *,
    country: str | None = "SE",
    rings: int = 2,
    target_s: float = 60.0,
    agent_channel: int = 0,
    announced_silence_s: float | None = None,
    unexplained_silence_s: float | None = None,
    agent_interruptions: int = 0,
    customer_interruptions: int = 0,
    description: str = "",
    cast: Cast = ALLISON_AND_READER,
    overlap_s: tuple[float, float] = OVERLAP_S,
) -> RealCallSpec:
    """Draw a call from the seed: the agent opens, the parties alternate, the agent closes.

    After one plain exchange come the events, one per exchange, then plain
    exchanges until about ``target_s`` (ringback included). Events: a long silence after the
    agent's "One moment, please." (announced) or after a quiet prompt
    (unexplained), and interruptions that overlap a long clip of the other party
    by 1.6-2.4 s (``overlap_s``). Needs the corpora (clip lengths decide what fits).
    """
    rng = np.random.default_rng(seed)
    ring_s = plan_for(country).period_s * rings if country else 0.0
    script = _Script(rng, ring_s, cast, overlap_s)
    script.say("agent", cast.opening, 0.6)
    silences = {
        k: v
        for k, v in (("announced", announced_silence_s), ("unexplained", unexplained_silence_s))
        if v is not None
    }
    wanted: list[Event] = [*silences]  # type: ignore[list-item]
    wanted += ["agent_interrupts"] * agent_interruptions
    wanted += ["customer_interrupts"] * customer_interruptions
    events: list[Event] = [wanted[i] for i in rng.permutation(len(wanted))]
    closing_s = sum(load_prompt(s).speech_s for s in cast.closing) + 2.0
    _exchange(script, None, silences)
    while events or script.elapsed_s + closing_s + 4.0 < target_s:
        _exchange(script, events.pop(0) if events else None, silences)
    script.reply("customer", script.draw(cast.customer))
    script.reply("agent", cast.closing[0])
    for source in cast.closing[1:]:
        script.say("agent", source, script.gap(SAME_TURN_GAP_S))
    return RealCallSpec(
        name=name,
        country=country,
        rings=rings,
        agent_channel=agent_channel,
        utterances=script.utterances,  # type: ignore[arg-type]
        seed=seed,
        description=description,
    )


# Ready-made calls (about a minute each); each is composed from its seed on demand.
REAL_CALL_RECIPES: dict[str, dict[str, object]] = {
    "real_hold": {
        "seed": 11,
        "country": "SE",
        "rings": 2,
        "announced_silence_s": 6.0,
        "description": "polite call with an announced 6 s hold; SE ringback, 2 rings",
    },
    "real_interrupting": {
        "seed": 23,
        "country": "GB",
        "rings": 3,
        "unexplained_silence_s": 5.5,
        "agent_interruptions": 2,
        "description": "agent interrupts the customer twice; a 5.5 s unexplained silence; "
        "UK double ringback, 3 rings",
    },
    "real_talked_over": {
        "seed": 37,
        "country": "US",
        "rings": 1,
        "customer_interruptions": 1,
        "agent_channel": 1,
        "description": "customer talks over the agent once; agent on channel 1; US, 1 ring",
    },
}


@functools.cache
def real_call_spec(name: str) -> RealCallSpec:
    """The ready-made call ``name`` of ``REAL_CALL_RECIPES`` (needs the corpora)."""
    if name not in REAL_CALL_RECIPES:
        raise KeyError(f"no real call {name!r}; known: {sorted(REAL_CALL_RECIPES)}")
    recipe = dict(REAL_CALL_RECIPES[name])
    seed = int(recipe.pop("seed"))  # type: ignore[call-overload]
    return compose_call(name, seed, **recipe)  # type: ignore[arg-type]
