"""The report schema: reports stored before the one-name change still load."""

from __future__ import annotations

from analyzers.report import Signals


def test_a_stored_mono_party_loads_as_unknown() -> None:
    stored = {
        "hop_s": 0.1,
        "level_dbov": {"mono": [-30.0, None]},
        "pitch_hz": {"mono": [None, 120.0]},
        "speech": {"mono": [[0.5, 1.0]]},
    }
    signals = Signals.model_validate(stored)
    assert signals.level_dbov == {"unknown": [-30.0, None]}
    assert signals.pitch_hz == {"unknown": [None, 120.0]}
    assert signals.speech == {"unknown": [(0.5, 1.0)]}
    stereo = Signals(hop_s=0.1, level_dbov={"agent": [1.0], "customer": [2.0]})
    assert set(stereo.level_dbov) == {"agent", "customer"}
