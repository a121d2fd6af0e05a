"""A call's coaching summary: the two or three rules whose findings matter most, in
plain words, built from the findings alone (no language model).

Findings are grouped by rule; a group ranks by its worst severity, then by the share
of the call it covers (a whole-call finding covers all of it), then by how many
findings it has. Info-only groups are used only to make up two points.
"""

from __future__ import annotations

from collections.abc import Sequence

from analyzers.clock import clock
from analyzers.report import CoachingPoint, Finding
from analyzers.rule_table import rule_spec

MAX_POINTS = 3
MIN_POINTS = 2
_SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
# What a rule's findings at moments are, for "3 turns, the first at 0:41".
_MOMENT_NOUN = {
    "loudness": "turns too loud or too quiet",
    "speech_rate": "stretches too slow or too fast",
    "pitch_monotony": "flat stretches",
    "unexplained_silence": "silences",
    "interruption": "interruptions",
    "negative_language": "negative phrases",
    "talk_ratio": "findings",
}


def _time_share(findings: Sequence[Finding], duration_s: float) -> float:
    if duration_s <= 0:
        return 0.0
    covered = 0.0
    for f in findings:
        if f.start_s is None:
            return 1.0
        covered += max(0.0, (f.end_s if f.end_s is not None else f.start_s) - f.start_s)
    return min(1.0, covered / duration_s)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _point(rule: str, indexed: list[tuple[int, Finding]]) -> CoachingPoint:
    findings = [f for _, f in indexed]
    worst = max(findings, key=lambda f: _SEVERITY_RANK[f.severity])
    timed = [f.start_s for f in findings if f.start_s is not None]
    first = min(timed) if timed else None
    label = rule_spec(rule).label
    if len(findings) == 1:
        what = _sentence(findings[0].message)
    else:
        noun = _MOMENT_NOUN.get(rule, "findings")
        where = f", the first at {clock(first)}" if first is not None else ""
        what = f"{label}: {len(findings)} {noun}{where}."
    advice = _sentence(worst.advice) if worst.advice.strip() else ""
    return CoachingPoint(
        rule=rule,
        severity=worst.severity,
        text=f"{what} {advice}".strip(),
        findings=[i for i, _ in indexed],
        start_s=first,
    )


def coaching_summary(findings: Sequence[Finding], duration_s: float) -> list[CoachingPoint]:
    """The two or three points a coach should raise first, most important first."""
    groups: dict[str, list[tuple[int, Finding]]] = {}
    for i, f in enumerate(findings):
        groups.setdefault(f.rule, []).append((i, f))

    def rank(item: tuple[str, list[tuple[int, Finding]]]) -> tuple[float, ...]:
        group = [f for _, f in item[1]]
        severity = max(_SEVERITY_RANK[f.severity] for f in group)
        return (-severity, -_time_share(group, duration_s), -len(group), item[1][0][0])

    ranked = sorted(groups.items(), key=rank)
    serious = [(r, g) for r, g in ranked if any(f.severity != "info" for _, f in g)]
    chosen = serious[:MAX_POINTS]
    if len(chosen) < MIN_POINTS:
        info = [(r, g) for r, g in ranked if (r, g) not in serious]
        chosen += info[: MIN_POINTS - len(chosen)]
    return [_point(rule, group) for rule, group in chosen]


def summary_line(points: Sequence[CoachingPoint], max_chars: int = 160) -> str:
    """One line for a calls table: the first sentence of each point, most important first."""
    heads = [p.text.split(". ", 1)[0].rstrip(".") for p in points]
    line = " · ".join(heads)
    return line if len(line) <= max_chars else line[: max_chars - 1].rstrip() + "…"
