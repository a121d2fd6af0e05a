"""A small hand-made report the transcript and timeline tests lay out."""

from __future__ import annotations

from analyzers.report import Finding, Parties, Pickup, Report, Silence, Turn, Word


def words_from(start: float, texts: str) -> list[Word]:
    return [
        Word(word=w, start_s=start + i * 0.5, end_s=start + i * 0.5 + 0.4)
        for i, w in enumerate(texts.split())
    ]


def finding(rule: str, severity: str, start: float | None, end: float | None) -> Finding:
    return Finding(
        rule=rule, severity=severity, start_s=start, end_s=end, value=1.0, expected="x",
        message=f"{rule} message", advice=f"{rule} advice",
    )  # fmt: skip


def sample_report(findings: list[Finding]) -> Report:
    return Report(
        duration_s=60.0,
        sample_rate=8000,
        channels=2,
        ranges_profile="default",
        pickup=Pickup(rings=2, answered_at_s=5.0, source="audio", ring_times=[(0, 1), (3, 4)]),
        parties=Parties(),
        turns=[
            Turn(party="agent", start_s=6.0, end_s=8.0, words=words_from(6.0, "hello this is ann")),
            Turn(
                party="customer", start_s=9.0, end_s=11.0, words=words_from(9.0, "hi i need help")
            ),
            Turn(
                party="agent", start_s=20.0, end_s=22.0, words=words_from(20.0, "WHAT DO YOU WANT")
            ),
            Turn(party="agent", start_s=50.0, end_s=52.0, words=words_from(50.0, "bye then")),
        ],
        silences=[Silence(start_s=11.0, end_s=20.0, duration_s=9.0, explained=False)],
        findings=findings,
    )
