"""Scorers of the conversation rules over words and turns: question pacing (and
patience), the customer's name, active listening and politeness (issue 16).

Each is a ``Scorer`` (analyzers.scorecard) reading the report only, so a report can be
re-scored. Phrase lists are data (``analyzers/data/phrases/*.toml``).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from analyzers.name_matching import name_from_call, name_mentions
from analyzers.phrase_matching import PhraseMatch, find_phrases, load_phrase_book
from analyzers.phrase_rules import agent_words, why_unmeasurable
from analyzers.profile import Profile
from analyzers.questions import Question, agent_questions, agent_replies, party_turns
from analyzers.report import Finding, Report, Severity, Turn, Word
from analyzers.scorecard import MONO_REASON, Scorecard
from analyzers.separation_notes import words_clear_of_overlap


def customer_words(report: Report) -> list[Word]:
    """The customer's words (on a diarized call, those clear of overlap)."""
    words = [w for t in report.turns if t.party == "customer" for w in t.words]
    return words_clear_of_overlap(words, report.separation)


# --------------------------------------------------------------------------- questions


def question_runs(
    questions: Sequence[Question], turns: Sequence[Turn], min_answer_s: float
) -> list[list[Question]]:
    """The agent's questions grouped into runs: a customer answer (a customer turn of
    at least ``min_answer_s``) between two questions ends a run."""
    answers = sorted(
        t.start_s for t in turns if t.party == "customer" and t.end_s - t.start_s >= min_answer_s
    )
    runs: list[list[Question]] = []
    for q in questions:
        if runs and not any(
            runs[-1][-1].sentence.start_s < a <= q.sentence.start_s for a in answers
        ):
            runs[-1].append(q)
        else:
            runs.append([q])
    return runs


def _score_patience(report: Report, profile: Profile, card: Scorecard) -> None:
    rng = profile.question_pacing
    replies = agent_replies(report.turns, rng.max_reply_gap_s)
    if not replies:
        card.add_unmeasured(
            profile,
            "question_pacing",
            "the agent never replied after the customer spoke",
            keys=("patience_s",),
        )
        return
    mean = statistics.fmean(r.pause_s for r in replies)
    severity: Severity | None = None
    if mean < rng.min_patience_s:
        severity = "warning"
        quick = [r for r in replies if r.pause_s < rng.min_patience_s]
        card.add_finding(
            Finding(
                rule="question_pacing",
                severity="warning",
                start_s=quick[0].customer_end_s,
                end_s=quick[0].agent_start_s,
                value=round(mean, 2),
                expected=f"≥ {rng.min_patience_s:g} s on average",
                message=(
                    f"The agent replied {mean:.2f} s after the customer stopped, on average "
                    f"({len(quick)} of {len(replies)} replies under {rng.min_patience_s:g} s)."
                ),
                advice=rng.advice_patience,
            )
        )
    card.add_metric(profile, "question_pacing", "patience_s", round(mean, 2), severity)


def score_question_pacing(report: Report, profile: Profile, card: Scorecard) -> None:
    rng = profile.question_pacing
    if not report.parties_apart:  # mono and not split into two voices
        card.add_unmeasured(profile, "question_pacing", MONO_REASON)
        return
    _score_patience(report, profile, card)
    reason = why_unmeasurable(report, agent_words(report))
    if reason is not None:
        card.add_unmeasured(profile, "question_pacing", reason, keys=("longest_run", "questions"))
        return
    questions = agent_questions(report, rng.min_rise_semitones)
    runs = question_runs(questions, report.turns, rng.min_answer_s)
    longest = max((len(r) for r in runs), default=0)
    for run in runs:
        if len(run) <= rng.max_question_run:
            continue
        card.add_finding(
            Finding(
                rule="question_pacing",
                severity="warning",
                start_s=run[0].sentence.start_s,
                end_s=run[-1].sentence.end_s,
                value=len(run),
                expected=f"≤ {rng.max_question_run} questions in a row",
                message=(
                    f"{len(run)} questions in a row without the customer answering: "
                    + " / ".join(f"\u201c{q.sentence.text}\u201d" for q in run[:4])
                ),
                advice=rng.advice_stream,
            )
        )
    severity: Severity | None = "warning" if longest > rng.max_question_run else None
    card.add_metric(profile, "question_pacing", "longest_run", longest, severity)
    card.add_metric(profile, "question_pacing", "questions", len(questions), None, "")


# --------------------------------------------------------------------------- name


def _customer_name(report: Report) -> tuple[str | None, str]:
    if report.context.customer_name:
        return report.context.customer_name, "metadata"
    found = name_from_call(customer_words(report), report.language or "en")
    return found, "the call"


def score_customer_name(report: Report, profile: Profile, card: Scorecard) -> None:
    rng = profile.customer_name
    words = agent_words(report)
    reason = why_unmeasurable(report, words)
    name, source = _customer_name(report) if reason is None else (None, "")
    if reason is None and name is None:
        if not _asked_name(words, report.language or "en"):
            _score_name_never_asked(words, profile, card)
            return
        reason = "the agent asked, but the customer's name was not recognised in the call"
    if reason is not None:
        card.add_unmeasured(profile, "customer_name", reason)
        return
    assert name is not None
    mentions = name_mentions(words, name, rng.max_name_distance)
    farewell_from = words[-1].end_s - profile.closing.within_last_s
    in_closing = [m for m in mentions if m.end_s > farewell_from]
    counted = len(mentions) - len(in_closing)
    minutes = max(1.0, (words[-1].end_s - words[0].start_s) / 60.0)
    rate = counted / minutes
    where = f"{name} (from {source})"
    few = len(mentions) < rng.min_mentions
    often = rate > rng.max_per_minute
    found: list[Finding] = []
    if few:
        message = f"The agent used the customer's name {len(mentions)} times: {where}."
        found.append(
            _name_finding(
                profile,
                words[0].start_s,
                words[-1].end_s,
                len(mentions),
                message,
                rng.advice_missing,
            )
        )
    if often:
        message = (
            f"The agent said the customer's name {counted} times in "
            f"{minutes:.1f} min ({rate:.1f} per minute): {where}."
        )
        found.append(
            _name_finding(
                profile,
                mentions[0].start_s,
                mentions[-1].end_s,
                round(rate, 2),
                message,
                rng.advice_often,
            )
        )
    if not in_closing and source == "the call" and not few:
        # With the name from metadata the closing rule already notes a farewell without it.
        found.append(
            _name_finding(
                profile,
                max(farewell_from, words[0].start_s),
                words[-1].end_s,
                "no farewell by name",
                f"The agent did not say goodbye by name ({name}).",
                rng.advice_farewell,
                severity="info",
            )
        )
    for finding in found:
        card.add_finding(finding)
    card.add_metric(profile, "customer_name", "mentions", len(mentions), "warning" if few else None)
    card.add_metric(
        profile, "customer_name", "per_minute", round(rate, 2), "warning" if often else None
    )


def _asked_name(agent_words: list[Word], language: str) -> bool:
    patterns = load_phrase_book(language).get("customer_name", "ask_name")
    return bool(find_phrases(agent_words, patterns))


def _score_name_never_asked(words: list[Word], profile: Profile, card: Scorecard) -> None:
    """001: introduce yourself first and ask the customer's name."""
    few = profile.customer_name.min_mentions > 0
    if few:
        card.add_finding(
            _name_finding(
                profile,
                words[0].start_s,
                words[-1].end_s,
                0,
                "The agent did not ask the customer's name (and it is not in the call's metadata).",
                profile.customer_name.advice_missing,
            )
        )
    card.add_metric(profile, "customer_name", "mentions", 0, "warning" if few else None)
    card.add_unmeasured(
        profile, "customer_name", "the customer's name is not known", keys=("per_minute",)
    )


def _name_finding(
    profile: Profile,
    start_s: float,
    end_s: float,
    value: int | float | str,
    message: str,
    advice: str,
    severity: Severity = "warning",
) -> Finding:
    rng = profile.customer_name
    return Finding(
        rule="customer_name",
        severity=severity,
        start_s=start_s,
        end_s=end_s,
        value=value,
        expected=f"at least {rng.min_mentions}, at most {rng.max_per_minute:g} per minute",
        message=message,
        advice=advice,
    )


# --------------------------------------------------------------------------- listening


@dataclass(frozen=True)
class CustomerBlock:
    """The customer's speech between two agent turns (their sentence-sized turns joined)."""

    start_s: float
    end_s: float
    words: int

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def customer_blocks(turns: Sequence[Turn]) -> list[CustomerBlock]:
    blocks: list[CustomerBlock] = []
    open_block = False
    for turn in sorted(turns, key=lambda t: t.start_s):
        if turn.party != "customer":
            open_block = False
            continue
        if open_block:
            last = blocks[-1]
            blocks[-1] = CustomerBlock(last.start_s, turn.end_s, last.words + len(turn.words))
        else:
            blocks.append(CustomerBlock(turn.start_s, turn.end_s, len(turn.words)))
            open_block = True
    return blocks


def acknowledged(
    block: CustomerBlock, agent_turns: Sequence[Turn], marks: Sequence[PhraseMatch], window_s: float
) -> bool:
    """Whether an acknowledgement (``marks``) falls in the block or early in the agent's reply."""
    reply = next((t.start_s for t in agent_turns if t.start_s >= block.end_s - 0.2), None)
    until = block.end_s if reply is None else reply + window_s
    return any(block.start_s <= m.start_s <= until for m in marks)


def score_active_listening(report: Report, profile: Profile, card: Scorecard) -> None:
    rng = profile.active_listening
    words = agent_words(report)
    reason = why_unmeasurable(report, words)
    blocks = [b for b in customer_blocks(report.turns) if b.duration_s >= rng.min_customer_turn_s]
    if reason is None and not blocks:
        reason = "the customer did not speak long enough to need acknowledging"
    if reason is not None:
        card.add_unmeasured(profile, "active_listening", reason)
        return
    book = load_phrase_book(report.language or "en")
    marks = find_phrases(words, book.get("active_listening", "acknowledgement")) + find_phrases(
        words, book.get("active_listening", "clarifying")
    )
    agent_turns = party_turns(report, "agent")
    heard = [acknowledged(b, agent_turns, marks, rng.reply_window_s) for b in blocks]
    streak, longest, streak_start = 0, 0, 0
    for i, ok in enumerate(heard):
        streak = 0 if ok else streak + 1
        if streak > longest:
            longest, streak_start = streak, i - streak + 1
    expected = f"an acknowledgement at least every {rng.max_turns_without} customer turns"
    if longest > rng.max_turns_without:
        first, last = blocks[streak_start], blocks[streak_start + longest - 1]
        card.add_finding(
            _listening_finding(
                profile,
                first.start_s,
                last.end_s,
                longest,
                expected,
                f"{longest} customer turns in a row without an acknowledgement "
                "or a clarifying question.",
            )
        )
    long_missed = [
        b for b, ok in zip(blocks, heard, strict=True) if not ok and b.duration_s >= rng.long_turn_s
    ]
    for b in long_missed:
        card.add_finding(
            _listening_finding(
                profile,
                b.start_s,
                b.end_s,
                round(b.duration_s, 1),
                f"acknowledge turns ≥ {rng.long_turn_s:g} s",
                f"The customer spoke for {b.duration_s:.0f} s and the agent did not "
                "acknowledge it.",
            )
        )
    streak_bad = longest > rng.max_turns_without
    card.add_metric(
        profile, "active_listening", "longest_streak", longest, "warning" if streak_bad else None
    )
    card.add_metric(
        profile,
        "active_listening",
        "long_unacknowledged",
        len(long_missed),
        "warning" if long_missed else None,
        "none",
    )
    share = 100.0 * sum(heard) / len(heard)
    card.add_metric(profile, "active_listening", "acknowledged_share", round(share, 1), None, "")


def _listening_finding(
    profile: Profile, start_s: float, end_s: float, value: int | float, expected: str, message: str
) -> Finding:
    return Finding(
        rule="active_listening",
        severity="warning",
        start_s=start_s,
        end_s=end_s,
        value=value,
        expected=expected,
        message=message,
        advice=profile.active_listening.advice,
    )


# --------------------------------------------------------------------------- politeness


def score_politeness(report: Report, profile: Profile, card: Scorecard) -> None:
    rng = profile.politeness
    words = agent_words(report)
    reason = why_unmeasurable(report, words)
    if reason is not None:
        card.add_unmeasured(profile, "politeness", reason)
        return
    book = load_phrase_book(report.language or "en")
    polite = find_phrases(words, book.get("politeness", "polite"))
    few = len(polite) < rng.min_count
    if few:
        card.add_finding(
            Finding(
                rule="politeness",
                severity="warning",
                start_s=None,
                end_s=None,
                value=len(polite),
                expected=f"at least {rng.min_count}",
                message=f"The agent used {len(polite)} polite phrases.",
                advice=rng.advice_missing,
            )
        )
    card.add_metric(profile, "politeness", "count", len(polite), "warning" if few else None)
    agent = report.parties.agent
    talk_s = agent.talk_time_s if agent else 0.0
    if talk_s < rng.min_agent_speech_s:
        card.add_unmeasured(
            profile,
            "politeness",
            f"the agent spoke {talk_s:.0f} s, under {rng.min_agent_speech_s:g} s",
            keys=("per_minute",),
        )
        return
    rate = len(polite) / (talk_s / 60.0)
    often = rate > rng.max_per_minute
    if often:
        card.add_finding(
            Finding(
                rule="politeness",
                severity="warning",
                start_s=polite[0].start_s,
                end_s=polite[-1].end_s,
                value=round(rate, 1),
                expected=f"≤ {rng.max_per_minute:g} per minute",
                message=(
                    f"{len(polite)} polite phrases in {talk_s / 60:.1f} min of the agent's "
                    f"speech ({rate:.1f} per minute): "
                    + ", ".join(f"\u201c{m.text}\u201d" for m in polite[:5])
                ),
                advice=rng.advice_overdone,
            )
        )
    card.add_metric(
        profile, "politeness", "per_minute", round(rate, 2), "warning" if often else None
    )
