"""The ranges form: a profile shown as fields and read back."""

from __future__ import annotations

import pytest

from analyzers.errors import ProfileError
from analyzers.profile import build_profile
from analyzers.rule_table import SECTIONS
from service.dashboard.ranges_form import form_sections, parse_form


def test_ranges_form_round_trips_and_refuses_non_numbers() -> None:
    default = build_profile()
    sections = form_sections(build_profile({"speech_rate": {"min_wpm": 110.0}}), default)
    fields = {f.name: f for s in sections for f in s.fields}
    assert fields["speech_rate.min_wpm"].changed and fields["speech_rate.min_wpm"].value == 110.0
    assert not fields["speech_rate.max_wpm"].changed
    assert fields["activity.min_speech_s"].analysis_only
    submitted = {name: str(f.value) for name, f in fields.items()} | {"csrf": "t"}
    assert build_profile(parse_form(submitted)).speech_rate.min_wpm == 110.0
    with pytest.raises(ProfileError, match="Slowest speech rate: 'fast' is not a number"):
        parse_form({"speech_rate.min_wpm": "fast"})
    assert [s.key for s in sections] == [s.id for s in SECTIONS]
