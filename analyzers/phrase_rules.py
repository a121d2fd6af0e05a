"""Rules over the agent's words: opening, negative language, closing, and
which silences the agent announced. Phrase lists live in data/phrases/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzers.phrases import (
    SUPPORTED_LANGUAGES,
    check_closing,
    check_negative_language,
    check_opening,
    explain_silence,
)
from analyzers.profile import Profile
from analyzers.report import Report, Silence, Word
from analyzers.transcript_trust import (
    withhold_unreliable_phrase_rules,
    withhold_unsure_explanations,
)

if TYPE_CHECKING:
    from analyzers.rules import _Scorer

_MISSING_LABEL = {
    "greeting": "a greeting",
    "name": "your name",
    "company": "the company",
    "next_step": "the next step",
    "thanks": "thanks",
    "farewell": "a farewell",
}


def agent_words(report: Report) -> list[Word]:
    return [w for t in report.turns if t.party == "agent" for w in t.words]


def _why_unmeasurable(report: Report, words: list[Word]) -> str | None:
    if report.agent_channel is None:
        return "mono recording: the agent's words cannot be told apart"
    if report.language is None:
        return "no transcript (transcription was not run)"
    if report.language not in SUPPORTED_LANGUAGES:
        return f"no phrase lists for language {report.language!r}"
    if not words:
        return "the agent said no words that could be transcribed"
    return None


def explain_silences(report: Report, profile: Profile) -> list[Silence]:
    """The report's silences with ``explained``/``explanation`` set from the
    agent's words just before each (None when there is no usable transcript)."""
    words = agent_words(report)
    usable = _why_unmeasurable(report, words) is None
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


def _list(labels: tuple[str, ...]) -> str:
    names = [_MISSING_LABEL.get(x, x) for x in labels]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def score_phrase_rules(s: _Scorer) -> None:
    report, profile = s.report, s.profile
    words = agent_words(report)
    reason = _why_unmeasurable(report, words)
    opening_expected = (
        f"greeting, name and company in the first "
        f"{profile.opening.within_s:g} s; no forbidden opener"
    )
    closing_expected = (
        f"next step, thanks and farewell in the last {profile.closing.within_last_s:g} s"
    )
    if reason is not None:
        s.unmeasurable("opening", "Opening", "", opening_expected, reason)
        s.unmeasurable("negative_language", "Negative language", "", "none", reason)
        s.unmeasurable("closing", "Closing", "", closing_expected, reason)
        return
    language = report.language or "en"
    ctx = report.context

    opening = check_opening(
        words,
        language,
        within_s=profile.opening.within_s,
        company_names=ctx.company_names or None,
        agent_name=ctx.agent_name,
    )
    first = words[0]
    for match in opening.forbidden:
        s.find(
            rule="opening",
            severity="warning",
            start_s=match.start_s,
            end_s=match.end_s,
            value=match.text,
            expected=opening_expected,
            message=f"Opened with \u201c{match.text}\u201d.",
            advice=profile.opening.advice,
        )
    if opening.missing:
        s.find(
            rule="opening",
            severity="warning",
            start_s=first.start_s,
            end_s=opening.window_end_s,
            value=", ".join(opening.missing),
            expected=opening_expected,
            message=f"The opening did not include {_list(opening.missing)}.",
            advice=profile.opening.advice,
        )
    s.metric(
        "opening",
        "Opening",
        "complete" if opening.passed else "incomplete",
        "",
        opening_expected,
        None if opening.passed else "warning",
    )

    negatives = check_negative_language(words, language)
    for match in negatives:
        kind = match.category.replace("_", "-") or "negative"
        s.find(
            rule="negative_language",
            severity="warning",
            start_s=match.start_s,
            end_s=match.end_s,
            value=match.text,
            expected="none",
            message=f"{kind.capitalize()} phrasing: \u201c{match.text}\u201d.",
            advice=profile.negative_language.advice,
        )
    s.metric(
        "negative_language",
        "Negative phrases",
        len(negatives),
        "",
        "none",
        "warning" if negatives else None,
    )

    closing = check_closing(
        words,
        language,
        within_last_s=profile.closing.within_last_s,
        customer_name=ctx.customer_name,
    )
    if closing.missing:
        s.find(
            rule="closing",
            severity="warning",
            start_s=closing.window_start_s,
            end_s=words[-1].end_s,
            value=", ".join(closing.missing),
            expected=closing_expected,
            message=f"The closing did not include {_list(closing.missing)}.",
            advice=profile.closing.advice,
        )
    elif closing.name_used is False:
        s.find(
            rule="closing",
            severity="info",
            start_s=closing.window_start_s,
            end_s=words[-1].end_s,
            value="name not used",
            expected=closing_expected,
            message=f"The agent did not use the customer's name ({ctx.customer_name}).",
            advice=profile.closing.advice,
        )
    s.metric(
        "closing",
        "Closing",
        "complete" if closing.passed else "incomplete",
        "",
        closing_expected,
        None if closing.passed else "warning",
    )
    withhold_unreliable_phrase_rules(
        s, words, opening_end_s=opening.window_end_s, closing_start_s=closing.window_start_s
    )
