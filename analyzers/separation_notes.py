"""Caveats on metrics measured on a diarized mono call where the split was unsure.

A rule that looks at one party (its words, pitch, level, turns) depends on
which voice each stretch was given to; where the diarizer was unsure, its
metric row says so and when. Rules that need no parties (the pickup, silences
where nobody speaks) are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from analyzers.report import Report, Separation, Word
from analyzers.spans import Span

_NO_PARTIES_NEEDED = frozenset({"pickup_delay", "unexplained_silence"})
# Under this the whole split is in doubt, not only its unsure stretches.
SURE_CONFIDENCE = 0.8


def words_clear_of_overlap(words: Sequence[Word], separation: Separation | None) -> list[Word]:
    """``words`` less those heard where a diarized call's two voices overlap.

    There both voices are in one signal: the words a voice's view yields are partly
    the other's, and some of its own are lost. Rules judge the words clear of it.
    """
    overlap = separation.overlap if separation and separation.method == "diarized" else []
    return [w for w in words if not inside((w.start_s + w.end_s) / 2, overlap)]


def inside(t: float, spans: Sequence[Span]) -> bool:
    return any(a <= t < b for a, b in spans)


def note_unsure_separation(report: Report) -> Report:
    """``report`` with a note on each party rule's metrics when the separation was unsure."""
    separation = report.separation
    if separation is None or separation.method != "diarized":
        return report
    parts = []
    if separation.confidence < SURE_CONFIDENCE:
        why = f": {'; '.join(separation.doubts)}" if separation.doubts else ""
        confidence = f"confidence {separation.confidence:.2f}"
        parts.append(f"the split is unsure as a whole ({confidence}{why})")
    if separation.unsure:
        unsure_s = sum(b - a for a, b in separation.unsure)
        where = ", ".join(f"{a:.1f}-{b:.1f} s" for a, b in separation.unsure[:5])
        more = " …" if len(separation.unsure) > 5 else ""
        parts.append(
            f"{unsure_s:.1f} s of speech could not be given to either party with "
            f"confidence ({where}{more})"
        )
    if not parts:
        return report
    note = f"mono call split into two voices; {'; '.join(parts)}: this value may be off"
    metrics = [
        m
        if m.rule in _NO_PARTIES_NEEDED or m.status == "unmeasured"
        else m.model_copy(update={"note": note})
        for m in report.metrics
    ]
    return report.model_copy(update={"metrics": metrics})
