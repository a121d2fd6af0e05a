"""Scorers of the rules over the agent's words: opening, negative language, closing,
and which silences the agent announced. Matching lives in analyzers.phrase_matching;
words the recogniser is unsure of are not judged (analyzers.transcript_trust)."""

from __future__ import annotations

from analyzers.phrase_matching import (
    SUPPORTED_LANGUAGES,
    check_closing,
    check_negative_language,
    check_opening,
    explain_silence,
)
from analyzers.profile import Profile
from analyzers.report import Finding, Report, Severity, Silence, Word
from analyzers.scorecard import Scorecard
from analyzers.separation_notes import words_clear_of_overlap
from analyzers.transcript_trust import (
    UNRELIABLE_REASON,
    unreliable_between,
    withhold_unsure_explanations,
)

_MISSING_LABEL = {
    "greeting": "a greeting",
    "name": "your name",
    "company": "the company",
    "next_step": "the next step",
    "thanks": "thanks",
    "farewell": "a farewell",
}


def agent_words(report: Report) -> list[Word]:
    """The agent's words (on a diarized call, those clear of overlap)."""
    words = [w for t in report.turns if t.party == "agent" for w in t.words]
    return words_clear_of_overlap(words, report.separation)


def why_unmeasurable(report: Report, words: list[Word]) -> str | None:
    if not report.parties_apart:  # mono and not split into two voices
        return "mono recording: the agent's words cannot be told apart"
    if report.language is None:
        return "no transcript (transcription was not run)"
    if report.language not in SUPPORTED_LANGUAGES:
        return f"no phrase lists for language {report.language!r}"
    if not words:
        return "the agent said no words that could be transcribed"
    return None


def _announcement_words(report: Report) -> list[Word]:
    """Whose words may announce a silence: the agent's, or on a mono recording (where
    the parties cannot be told apart) everybody's."""
    if not report.parties_apart:  # mono and not split into two voices
        return [w for t in report.turns for w in t.words]
    return agent_words(report)


def announcement_unchecked(report: Report) -> str | None:
    """Why the silences cannot be checked for an announcement (None when they can)."""
    if report.language is None:
        return "no transcript: transcription was not run"
    if report.language not in SUPPORTED_LANGUAGES:
        return f"no phrase lists for language {report.language!r}"
    if not _announcement_words(report):
        return "no words were transcribed before it"
    return None


def explain_silences(report: Report, profile: Profile) -> list[Silence]:
    """The report's silences with ``explained``/``explanation`` set from the words
    just before each (None when there is no usable transcript)."""
    words = _announcement_words(report)
    usable = announcement_unchecked(report) is None
    out = []
    for s in report.silences:
        if not usable:
            out.append(s.model_copy(update={"explained": None, "explanation": None}))
            continue
        text = explain_silence(
            words,
            s.start_s,
            report.language or "en",
            profile.unexplained_silence.explain_lookback_s,
        )
        out.append(s.model_copy(update={"explained": text is not None, "explanation": text}))
    lookback_s = profile.unexplained_silence.explain_lookback_s
    return withhold_unsure_explanations(out, words, lookback_s, profile)


def opening_window(
    words: list[Word], window_end_s: float | None, within_s: float
) -> tuple[float, float]:
    """Where to listen for the opening: from the agent's first word for ``within_s`` of
    the recording (the speech-time window can reach far into a call with long pauses)."""
    start = words[0].start_s
    end = start + within_s if window_end_s is None else min(window_end_s, start + within_s)
    return start, max(end, words[0].end_s)


def closing_window(
    words: list[Word], window_start_s: float | None, within_last_s: float
) -> tuple[float, float]:
    """Where to listen for the closing: the agent's last ``within_last_s`` of the
    recording (not from the greeting when the agent said little)."""
    end = words[-1].end_s
    start = end - within_last_s
    if window_start_s is not None:
        start = max(start, window_start_s)
    return round(max(start, words[0].start_s), 3), end


def _missing_parts(
    rule: str,
    missing: tuple[str, ...],
    start_s: float,
    end_s: float,
    expected: str,
    advice: str,
) -> Finding:
    """An opening or closing without some of its parts, where the coach should listen."""
    return Finding(
        rule=rule,
        severity="warning",
        start_s=start_s,
        end_s=end_s,
        value=", ".join(missing),
        expected=expected,
        message=f"The {rule} did not include {_list(missing)}.",
        advice=advice,
    )


def _list(labels: tuple[str, ...]) -> str:
    names = [_MISSING_LABEL.get(x, x) for x in labels]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _opening_expected(profile: Profile) -> str:
    return (
        f"greeting, name and company in the first "
        f"{profile.opening.within_s:g} s; no forbidden opener"
    )


def score_opening(report: Report, profile: Profile, card: Scorecard) -> None:
    words = agent_words(report)
    expected = _opening_expected(profile)
    reason = why_unmeasurable(report, words)
    if reason is not None:
        card.add_unmeasured(profile, "opening", reason, expected=expected)
        return
    ctx = report.context
    opening = check_opening(
        words,
        report.language or "en",
        within_s=profile.opening.within_s,
        company_names=ctx.company_names or None,
        agent_name=ctx.agent_name,
    )
    if unreliable_between(words, None, opening.window_end_s, profile):
        card.add_unmeasured(profile, "opening", UNRELIABLE_REASON, expected=expected)
        return
    for match in opening.forbidden:
        card.add_finding(
            Finding(
                rule="opening",
                severity="warning",
                start_s=match.start_s,
                end_s=match.end_s,
                value=match.text,
                expected=expected,
                message=f"Opened with \u201c{match.text}\u201d.",
                advice=profile.opening.advice,
            )
        )
    if opening.missing:
        start_s, end_s = opening_window(words, opening.window_end_s, profile.opening.within_s)
        card.add_finding(
            _missing_parts(
                "opening", opening.missing, start_s, end_s, expected, profile.opening.advice
            )
        )
    value = "complete" if opening.passed else "incomplete"
    severity: Severity | None = None if opening.passed else "warning"
    card.add_metric(profile, "opening", "complete", value, severity, expected)


def score_negative_language(report: Report, profile: Profile, card: Scorecard) -> None:
    words = agent_words(report)
    reason = why_unmeasurable(report, words)
    if reason is not None:
        card.add_unmeasured(profile, "negative_language", reason, expected="none")
        return
    if unreliable_between(words, None, None, profile):
        card.add_unmeasured(profile, "negative_language", UNRELIABLE_REASON, expected="none")
        return
    negatives = [
        match
        for match in check_negative_language(words, report.language or "en")
        if not unreliable_between(words, match.start_s, match.end_s, profile)
    ]
    for match in negatives:
        kind = match.category.replace("_", "-") or "negative"
        card.add_finding(
            Finding(
                rule="negative_language",
                severity="warning",
                start_s=match.start_s,
                end_s=match.end_s,
                value=match.text,
                expected="none",
                message=f"{kind.capitalize()} phrasing: \u201c{match.text}\u201d.",
                advice=profile.negative_language.advice,
            )
        )
    severity: Severity | None = "warning" if negatives else None
    card.add_metric(profile, "negative_language", "count", len(negatives), severity, "none")


def score_closing(report: Report, profile: Profile, card: Scorecard) -> None:
    words = agent_words(report)
    expected = f"next step, thanks and farewell in the last {profile.closing.within_last_s:g} s"
    reason = why_unmeasurable(report, words)
    if reason is not None:
        card.add_unmeasured(profile, "closing", reason, expected=expected)
        return
    ctx = report.context
    closing = check_closing(
        words,
        report.language or "en",
        within_last_s=profile.closing.within_last_s,
        customer_name=ctx.customer_name,
    )
    if unreliable_between(words, closing.window_start_s, None, profile):
        card.add_unmeasured(profile, "closing", UNRELIABLE_REASON, expected=expected)
        return
    start_s, end_s = closing_window(words, closing.window_start_s, profile.closing.within_last_s)
    if closing.missing:
        card.add_finding(
            _missing_parts(
                "closing", closing.missing, start_s, end_s, expected, profile.closing.advice
            )
        )
    elif closing.name_used is False:
        card.add_finding(
            Finding(
                rule="closing",
                severity="info",
                start_s=start_s,
                end_s=end_s,
                value="name not used",
                expected=expected,
                message=f"The agent did not use the customer's name ({ctx.customer_name}).",
                advice=profile.closing.advice,
            )
        )
    value = "complete" if closing.passed else "incomplete"
    severity: Severity | None = None if closing.passed else "warning"
    card.add_metric(profile, "closing", "complete", value, severity, expected)
