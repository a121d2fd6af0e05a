"""The ranges page's form: one field per profile value, labelled, with units."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analyzers.errors import ProfileError
from analyzers.profile import Profile

# section.field -> (label, unit); advice texts are labelled "Advice ...".
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "pickup_delay.min_rings": ("Answer no earlier than ring", "ring"),
    "pickup_delay.max_rings": ("Answer no later than ring", "ring"),
    "speech_rate.min_wpm": ("Slowest speech rate", "wpm"),
    "speech_rate.max_wpm": ("Fastest speech rate", "wpm"),
    "speech_rate.window_s": ("Window for local speech rate", "s"),
    "pitch_monotony.min_sd_semitones": ("Least pitch variation (SD)", "semitones"),
    "pitch_monotony.window_s": ("Window for local pitch variation", "s"),
    "loudness.min_dbov": ("Quietest speech level", "dBov"),
    "loudness.max_dbov": ("Loudest speech level", "dBov"),
    "loudness.raised_db_above_median": ("Raised voice: above own median by", "dB"),
    "loudness.whisper_db_below_median": ("Whisper: below own median by", "dB"),
    "loudness.min_turn_s": ("Shortest turn to measure", "s"),
    "unexplained_silence.max_silence_s": ("Longest silence without explanation", "s"),
    "unexplained_silence.explain_lookback_s": ("Announcement counts if this close before", "s"),
    "interruption.min_overlap_s": ("Overlap that counts as an interruption", "s"),
    "interruption.max_count": ("Interruptions allowed per call", "count"),
    "talk_ratio.min_agent_share": ("Agent talk share at least", "0–1"),
    "talk_ratio.max_agent_share": ("Agent talk share at most", "0–1"),
    "talk_ratio.max_monologue_s": ("Longest agent monologue", "s"),
    "opening.within_s": ("Greeting and introduction within", "s"),
    "closing.within_last_s": ("Closing within the last", "s"),
    "activity.min_speech_s": ("Shortest speech burst", "s"),
    "activity.min_gap_s": ("Shortest pause between bursts", "s"),
}

SECTION_TITLES: dict[str, str] = {
    "pickup_delay": "Pickup",
    "speech_rate": "Speech rate",
    "pitch_monotony": "Pitch variation",
    "loudness": "Loudness",
    "unexplained_silence": "Unexplained silence",
    "interruption": "Interruptions",
    "talk_ratio": "Talk ratio",
    "opening": "Opening",
    "negative_language": "Negative language",
    "closing": "Closing",
    "activity": "Voice activity (new analyses only)",
}

# Changing these only affects how audio is segmented: re-scoring cannot apply them.
ANALYSIS_ONLY_SECTIONS = frozenset({"activity"})
ANALYSIS_ONLY = frozenset(
    {
        "activity.min_speech_s",
        "activity.min_gap_s",
        "speech_rate.window_s",
        "pitch_monotony.window_s",
        "unexplained_silence.explain_lookback_s",
    }
)


@dataclass(frozen=True)
class Field:
    name: str  # "section.field" (the form field name)
    label: str
    unit: str
    kind: str  # "int" | "float" | "text"
    value: Any
    default: Any
    analysis_only: bool

    @property
    def changed(self) -> bool:
        return self.value != self.default


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: list[Field]


_UNIT_SUFFIXES = {"_s": "s", "_db": "dB", "_dbov": "dBov", "_wpm": "wpm", "_hz": "Hz"}


def _fallback_label(name: str) -> tuple[str, str]:
    """A label for a profile key this page has no wording for yet (a newer profile)."""
    for suffix, unit in _UNIT_SUFFIXES.items():
        if name.endswith(suffix):
            return name.removesuffix(suffix).replace("_", " ").capitalize(), unit
    return name.replace("_", " ").capitalize(), ""


def _field(section: str, name: str, value: Any, default: Any) -> Field:
    full = f"{section}.{name}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "text"
    else:
        kind = "int" if isinstance(value, int) else "float"
    label, unit = FIELD_LABELS.get(full) or _fallback_label(name)
    if kind == "text":
        detail = name.removeprefix("advice_").replace("_", " ")
        label = "Advice" + (f" ({detail})" if name != "advice" else "")
    analysis_only = full in ANALYSIS_ONLY or section in ANALYSIS_ONLY_SECTIONS
    return Field(full, label, unit, kind, value, default, analysis_only)


def form_sections(profile: Profile, default: Profile) -> list[Section]:
    """Every section of the profile (known ones first, in the guide's order)."""
    current, base = profile.model_dump(), default.model_dump()
    tables = [key for key, value in current.items() if isinstance(value, dict)]
    ordered = [k for k in SECTION_TITLES if k in tables] + [
        k for k in tables if k not in SECTION_TITLES
    ]
    return [
        Section(
            key,
            SECTION_TITLES.get(key, key.replace("_", " ").capitalize()),
            [_field(key, name, value, base[key][name]) for name, value in current[key].items()],
        )
        for key in ordered
    ]


def parse_form(form: dict[str, str], default: Profile) -> dict[str, Any]:
    """Submitted fields -> a nested profile dict; raises ProfileError on a bad number."""
    base = default.model_dump()
    wanted: dict[str, Any] = {}
    for full, raw in form.items():
        section, _, name = full.partition(".")
        if not isinstance(base.get(section), dict) or name not in base[section]:
            continue  # csrf and other non-profile fields
        template = base[section][name]
        text = raw.strip()
        try:
            if isinstance(template, int) and not isinstance(template, bool):
                value: Any = int(text)
            elif isinstance(template, float):
                value = float(text.replace(",", "."))
            else:
                value = text
        except ValueError:
            label = FIELD_LABELS.get(full, (full, ""))[0]
            raise ProfileError(f"{label}: {raw!r} is not a number") from None
        wanted.setdefault(section, {})[name] = value
    return wanted
