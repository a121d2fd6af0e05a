"""Words and turns for constructed reports (evenly spaced words, one level per turn)."""

from __future__ import annotations

from analyzers.report import Parties, Pickup, Report, Silence, Turn, Word


def words(text: str, start_s: float, step_s: float = 0.4) -> list[Word]:
    return [
        Word(word=w, start_s=start_s + i * step_s, end_s=start_s + (i + 1) * step_s - 0.05)
        for i, w in enumerate(text.split())
    ]


def turn(party: str, text: str, start_s: float, level: float = -24.0) -> Turn:
    """A turn of ``text`` from ``start_s``, at least 1.5 s long (long enough to be leveled)."""
    said = words(text, start_s)
    return Turn.model_validate(
        dict(
            party=party,
            start_s=start_s,
            end_s=max(said[-1].end_s, start_s + 1.5),
            level_dbov=level,
            text=text,
            words=said,
        )
    )


def mono_call(duration_s: float) -> Report:
    """An unscored mono call with a transcript: one silence announced ("let me check
    ... one moment"), one not."""
    return Report(
        duration_s=duration_s,
        sample_rate=8000,
        channels=1,
        agent_channel=None,
        language="en",
        ranges_profile="default",
        pickup=Pickup(source="none"),
        parties=Parties(),
        turns=[
            turn("unknown", "thanks for calling how can i help", 1.0),
            turn("unknown", "let me check that for you one moment", 10.0),
            turn("unknown", "ok here it is", 30.0),
            turn("unknown", "is there anything else", 60.0),
        ],
        silences=[
            Silence(start_s=14.0, end_s=29.0, duration_s=15.0),
            Silence(start_s=33.0, end_s=59.0, duration_s=26.0),
        ],
    )
