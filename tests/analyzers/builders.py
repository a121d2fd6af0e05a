"""Words and turns for constructed reports (evenly spaced words, one level per turn)."""

from __future__ import annotations

from analyzers.report import Turn, Word


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
