from pathlib import Path

import pytest

from analyzers.errors import ProfileError
from analyzers.profile import build_profile, default_profile, load_profile
from analyzers.rule_table import RULE_IDS, SECTIONS


def test_default_profile_mirrors_guidelines() -> None:
    p = default_profile()
    assert (p.pickup_delay.min_rings, p.pickup_delay.max_rings) == (2, 3)
    assert (p.speech_rate.min_wpm, p.speech_rate.max_wpm) == (120, 160)
    assert p.pitch_monotony.min_sd_semitones == 2.0
    assert (p.loudness.min_dbov, p.loudness.max_dbov) == (-36, -16)
    assert (p.loudness.raised_db_above_median, p.loudness.whisper_db_below_median) == (6, 10)
    assert p.unexplained_silence.max_silence_s == 5
    assert (p.talk_ratio.min_agent_share, p.talk_ratio.max_agent_share) == (0.30, 0.60)
    assert p.talk_ratio.max_monologue_s == 60
    assert p.opening.within_s == 15 and p.closing.within_last_s == 30
    for rule in RULE_IDS:
        assert getattr(p, rule) is not None


def test_override_file_changes_only_its_keys(tmp_path: Path) -> None:
    f = tmp_path / "team_a.toml"
    f.write_text("[speech_rate]\nmax_wpm = 175\n")
    p = load_profile(f)
    assert p.name == "team_a"
    assert p.speech_rate.max_wpm == 175
    assert p.speech_rate.min_wpm == 120
    assert p.loudness == default_profile().loudness


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"speech_rate": {"max_wmp": 1}}, "unknown profile key 'speech_rate.max_wmp'"),
        ({"no_such_rule": {}}, "unknown profile key 'no_such_rule'"),
        ({"speech_rate": 3}, "must be a table"),
        ({"speech_rate": {"min_wpm": "fast"}}, "Speech rate – Slowest speech rate: must be a"),
        ({"pickup_delay": {"min_rings": 5}}, "Pickup: the lowest must not be above the highest"),
        ({"pickup_delay": {"min_rings": 2.5}}, "must be a whole number from 0 to 20"),
        ({"speech_rate": {"min_wpm": float("nan")}}, "must be a number from 20 to 400 wpm"),
        ({"speech_rate": {"max_wpm": 1e999}}, "Fastest speech rate: must be a number"),
        ({"loudness": {"min_dbov": float("-inf")}}, "Quietest speech level: must be a number"),
        ({"pitch_monotony": {"window_s": 0}}, "Window for local pitch variation: must be"),
        ({"unexplained_silence": {"max_silence_s": -1}}, "must be a number above 0"),
        ({"talk_ratio": {"min_agent_share": 0.9}}, "Talk ratio: the lowest must not be above"),
        ({"interruption": {"max_count": -1}}, "Interruptions allowed per call: must be"),
        ({"transcript_trust": {"max_low_share": 1.5}}, "Transcript trust – Highest share"),
    ],
)
def test_bad_overrides_are_rejected_clearly(overrides: dict, needle: str) -> None:
    with pytest.raises(ProfileError, match=needle.replace(".", r"\.")):
        build_profile(overrides)


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="not found"):
        load_profile(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[speech_rate\nmax_wpm = ")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(bad)


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("[speech_rate]\nmin_wpm = nan\n", "Slowest speech rate: must be a number from 20"),
        ("[speech_rate]\nmax_wpm = 1e999\n", "Fastest speech rate: must be a number"),
        ("[loudness]\nmax_dbov = -inf\n", "Loudest speech level: must be a number"),
        ("[pitch_monotony]\nwindow_s = 0\n", "Window for local pitch variation"),
        ("[unexplained_silence]\nmax_silence_s = -1\n", "Longest silence without explanation"),
        ("[speech_rate]\nwindow_s = -30\n", "Window for local speech rate"),
        ("[speech_rate]\nmin_wpm = 170\n", "Speech rate: the lowest must not be above"),
    ],
)
def test_loader_refuses_values_that_would_break_analysis(
    tmp_path: Path, toml: str, needle: str
) -> None:
    f = tmp_path / "team.toml"
    f.write_text(toml)
    with pytest.raises(ProfileError, match=needle) as caught:
        load_profile(f)
    assert "pydantic" not in str(caught.value) and "Input should" not in str(caught.value)


def test_profile_schema_is_the_rules_table() -> None:
    data = default_profile().model_dump()
    for section in SECTIONS:
        assert set(data[section.id]) == {s.name for s in section.settings}, section.id
    assert set(data) == {"name"} | {section.id for section in SECTIONS}
