"""Reports with known words, times and levels: the ground truth of the word rules.

``scripted_report([Line("agent", "Hello, how can I help?"), Line("customer", ...)])``
places the lines one after another (``gap_s`` before each), each word taking
``60 / wpm`` seconds, and fills turns, words, levels and party figures as the
pipeline would.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzers.report import (
    CallContext,
    Interruption,
    Parties,
    PartyMetrics,
    Pickup,
    Report,
    Signals,
    Turn,
    Word,
)
from analyzers.spans import Span
from analyzers.turns import longest_monologue

SPOKEN_WPM = 150.0


@dataclass(frozen=True)
class Line:
    party: str
    text: str
    gap_s: float = 0.8  # silence before the line (from the previous line's end)
    level_dbov: float | None = None  # None = the party's usual level
    wpm: float = SPOKEN_WPM


def _words(text: str, start_s: float, wpm: float) -> list[Word]:
    step = 60.0 / wpm
    return [
        Word(
            word=w,
            start_s=round(start_s + i * step, 3),
            end_s=round(start_s + (i + 1) * step - 0.05, 3),
        )
        for i, w in enumerate(text.split())
    ]


def scripted_report(
    lines: list[Line],
    *,
    language: str = "en",
    agent_level_dbov: float = -26.0,
    customer_level_dbov: float = -26.0,
    customer_name: str | None = None,
    interruptions: list[Interruption] | None = None,
    signals: Signals | None = None,
) -> Report:
    turns: list[Turn] = []
    t = 2.0
    for line in lines:
        start = t + line.gap_s
        words = _words(line.text, start, line.wpm)
        end = words[-1].end_s
        usual = agent_level_dbov if line.party == "agent" else customer_level_dbov
        level = usual if line.level_dbov is None else line.level_dbov
        turns.append(
            Turn(
                party=line.party,
                start_s=start,
                end_s=end,
                text=line.text,
                level_dbov=level,
                words=words,
            )  # type: ignore[arg-type]
        )
        t = end
    return Report(
        duration_s=t + 2.0,
        sample_rate=8000,
        channels=2,
        language=language,
        agent_channel=0,
        ranges_profile="default",
        pickup=Pickup(rings=2, answered_at_s=1.0, source="audio"),
        parties=Parties(
            agent=_party(turns, "agent", agent_level_dbov),
            customer=_party(turns, "customer", customer_level_dbov),
        ),
        turns=turns,
        interruptions=interruptions or [],
        context=CallContext(customer_name=customer_name),
        signals=signals,
    )


def _party(turns: list[Turn], party: str, level: float) -> PartyMetrics:
    mine = [tr for tr in turns if tr.party == party]
    talk = sum(tr.end_s - tr.start_s for tr in mine)
    total = sum(tr.end_s - tr.start_s for tr in turns)
    words = sum(len(tr.words) for tr in mine)
    others = [Span(tr.start_s, tr.end_s) for tr in turns if tr.party != party]
    spans = [Span(tr.start_s, tr.end_s) for tr in mine]
    mono = longest_monologue(spans, others)
    return PartyMetrics(
        talk_time_s=round(talk, 3),
        words=words,
        wpm=round(60 * words / talk, 1) if talk else None,
        level_dbov=level,
        talk_share=round(talk / total, 3) if total else None,
        longest_monologue_s=round(mono.duration_s, 3),
        longest_monologue_start_s=mono.start_s,
    )
