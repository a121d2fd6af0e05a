"""Ranges profiles: the recommended ranges every rule is measured against.

The default profile is ``analyzers/data/default_profile.toml`` (a mirror of
guidelines.md). A team profile overrides any subset of its keys. The values
live in data, never in code: the models below have no defaults of their own.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from analyzers.errors import ProfileError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PickupRange(_Section):
    min_rings: int
    max_rings: int
    advice_early: str
    advice_late: str


class SpeechRateRange(_Section):
    min_wpm: float
    max_wpm: float
    window_s: float
    advice_fast: str
    advice_slow: str


class PitchRange(_Section):
    min_sd_semitones: float
    window_s: float
    advice: str


class LoudnessRange(_Section):
    min_dbov: float
    max_dbov: float
    raised_db_above_median: float
    whisper_db_below_median: float
    min_turn_s: float
    advice_loud: str
    advice_quiet: str


class SilenceRange(_Section):
    max_silence_s: float
    explain_lookback_s: float
    advice: str


class InterruptionRange(_Section):
    min_overlap_s: float
    max_count: int
    advice: str


class TalkRatioRange(_Section):
    min_agent_share: float
    max_agent_share: float
    max_monologue_s: float
    advice_high: str
    advice_low: str
    advice_monologue: str


class OpeningRange(_Section):
    within_s: float
    advice: str


class NegativeLanguageRange(_Section):
    advice: str


class ClosingRange(_Section):
    within_last_s: float
    advice: str


class HoldRange(_Section):
    max_without_return_s: float
    announce_lookback_s: float
    min_music_s: float
    advice_unannounced: str
    advice_long: str


class ActivitySettings(_Section):
    min_speech_s: float
    min_gap_s: float
    turn_merge_gap_s: float


class Profile(_Section):
    name: str
    pickup_delay: PickupRange
    speech_rate: SpeechRateRange
    pitch_monotony: PitchRange
    loudness: LoudnessRange
    unexplained_silence: SilenceRange
    interruption: InterruptionRange
    talk_ratio: TalkRatioRange
    opening: OpeningRange
    negative_language: NegativeLanguageRange
    closing: ClosingRange
    hold: HoldRange
    activity: ActivitySettings

    @model_validator(mode="after")
    def _ranges_are_ordered(self) -> Profile:
        pairs = [
            ("pickup_delay", self.pickup_delay.min_rings, self.pickup_delay.max_rings),
            ("speech_rate", self.speech_rate.min_wpm, self.speech_rate.max_wpm),
            ("loudness", self.loudness.min_dbov, self.loudness.max_dbov),
            ("talk_ratio", self.talk_ratio.min_agent_share, self.talk_ratio.max_agent_share),
        ]
        for section, low, high in pairs:
            if low > high:
                raise ValueError(f"[{section}] minimum {low} is above maximum {high}")
        return self


RULE_IDS: tuple[str, ...] = (
    "pickup_delay",
    "speech_rate",
    "pitch_monotony",
    "loudness",
    "unexplained_silence",
    "interruption",
    "talk_ratio",
    "opening",
    "negative_language",
    "closing",
)


def _default_data() -> dict[str, Any]:
    text = resources.files("analyzers.data").joinpath("default_profile.toml").read_text("utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], override: dict[str, Any], where: str = "") -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        path = f"{where}{key}"
        if key not in base:
            raise ProfileError(f"unknown profile key {path!r}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ProfileError(f"profile key {path!r} must be a table")
            merged[key] = _merge(base[key], value, f"{path}.")
        else:
            merged[key] = value
    return merged


def build_profile(overrides: dict[str, Any] | None = None) -> Profile:
    """The default profile with ``overrides`` (any subset of its keys) applied."""
    data = _merge(_default_data(), overrides or {})
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "profile"
        raise ProfileError(f"invalid profile value at {loc}: {first['msg']}") from None


def load_profile(path: str | Path | None = None) -> Profile:
    """Load a TOML profile file over the defaults (None = the defaults)."""
    if path is None:
        return build_profile()
    try:
        overrides = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"profile file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"profile {path} is not valid TOML: {exc}") from None
    overrides.setdefault("name", Path(path).stem)
    return build_profile(overrides)


def default_profile() -> Profile:
    return build_profile()
