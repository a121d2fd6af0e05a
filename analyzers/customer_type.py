"""The customer's type (002's table: objective, friendly, rude, shy, pretentious,
indecisive) from how they sound and what they say, and the agent's handling checked
against the guide's column for that type.

Each type has a score in 0..1 from its cues (levels against the customer's own median
and the agent's, share of talk, answer length, hesitation, negative, friendly and
know-it-all words, questions, precise data); the type is the best score, its
confidence the best minus half the runner-up. Below the profile's least confidence the
type is "unclear" and nothing type-specific is claimed. The Swedish guide's elderly
customers ("need more patience") are not detected: nothing in a recording measured
here tells age apart from a slow or hesitant speaker.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from analyzers.conversation_rules import customer_blocks, customer_words
from analyzers.phrase_matching import check_negative_language, find_phrases, load_phrase_book
from analyzers.phrase_rules import agent_words, why_unmeasurable
from analyzers.profile import Profile
from analyzers.questions import agent_questions, agent_replies, party_turns, split_sentences
from analyzers.questions import find_questions as find_question_sentences
from analyzers.report import CustomerTypeResult, Finding, Report, Severity, Turn
from analyzers.scorecard import MONO_REASON, Scorecard

CustomerType = Literal["objective", "friendly", "rude", "shy", "pretentious", "indecisive"]
TYPES: tuple[CustomerType, ...] = (
    "objective",
    "friendly",
    "rude",
    "shy",
    "pretentious",
    "indecisive",
)
# The guide's word for what the agent should do, quoted in the advice.
_GUIDE_SAYS: dict[str, str] = {
    "rude": "let them vent, stay calm and kind",
    "shy": "ask many clear, closed questions and explain precisely",
    "friendly": "keep the initiative and bring them back to the subject with the right questions",
    "objective": "give precise answers and fast solutions",
    "pretentious": "let them talk and do not contradict them",
    "indecisive": "leave nothing up to them: short, clear information and a way forward",
}
# Measurement details, not recommended ranges.
_LONG_BLOCK_S = 8.0  # a customer turn this long is "talks a lot"
_MAX_OBJECTIVE_WORDS = 25  # median words per customer turn of a focused customer
_SLOW_REPLY_S = 2.0  # the agent's average pause that is not a "fast solution"
_LONG_EXPLANATION_S = 45.0  # an agent monologue that is not "short, clear information"


@dataclass(frozen=True)
class Cues:
    """What the classifier measured about the customer."""

    turns: int
    raised_turns: int
    level_below_agent_db: float | None
    median_words: float
    talk_share: float | None
    long_blocks: int
    negative: int
    friendly: int
    hesitation: int
    assertive: int
    questions: int
    numbers: int
    interrupts_agent: int


@dataclass(frozen=True)
class Classification:
    type: CustomerType | Literal["unclear"]
    confidence: float
    scores: dict[str, float]
    evidence: list[str] = field(default_factory=list)


def _levels(turns: list[Turn]) -> list[float]:
    return [t.level_dbov for t in turns if t.level_dbov is not None]


def _is_raised(level: float, own: float | None, agent: float | None, db: float) -> bool:
    """A customer turn above the customer's own median, or above the agent's, by ``db``."""
    return (own is not None and level - own >= db) or (agent is not None and level - agent >= db)


def measure_cues(report: Report, profile: Profile) -> Cues:
    rng = profile.customer_type
    language = report.language or "en"
    customer = party_turns(report, "customer")
    own = _levels(customer)
    agent = _levels(party_turns(report, "agent"))
    own_median = statistics.median(own) if own else None
    agent_median = statistics.median(agent) if agent else None
    raised = sum(_is_raised(level, own_median, agent_median, rng.raised_db) for level in own)
    below = None
    if own_median is not None and agent_median is not None:
        below = agent_median - own_median
    words = customer_words(report)
    book = load_phrase_book(language)

    def count(key: str) -> int:
        return len(find_phrases(words, book.get("customer_type", key)))

    blocks = customer_blocks(report.turns)
    share = report.parties.customer.talk_share if report.parties.customer else None
    return Cues(
        turns=len(customer),
        raised_turns=raised,
        level_below_agent_db=below,
        median_words=statistics.median([b.words for b in blocks]) if blocks else 0.0,
        talk_share=share,
        long_blocks=sum(b.duration_s >= _LONG_BLOCK_S for b in blocks),
        negative=count("negative"),
        friendly=count("friendly"),
        hesitation=count("hesitation"),
        assertive=count("assertive"),
        questions=len(find_question_sentences(split_sentences(words, language), language)),
        numbers=sum(any(c.isdigit() for c in w.word) for w in words),
        interrupts_agent=sum(i.by == "customer" for i in report.interruptions),
    )


def _cap(x: float, full: float) -> float:
    return min(1.0, x / full)


def type_scores(c: Cues, profile: Profile) -> dict[CustomerType, float]:
    rng = profile.customer_type
    quiet = c.level_below_agent_db is not None and c.level_below_agent_db >= rng.quiet_db
    share = c.talk_share if c.talk_share is not None else 0.5
    # Talks a lot: most of the talk, in long turns (a high share of a short call is not).
    talkative = share >= rng.talkative_share and c.long_blocks >= 1
    short = c.median_words <= rng.short_answer_words
    focused = c.median_words <= _MAX_OBJECTIVE_WORDS and not talkative
    calm = c.raised_turns == 0 and c.negative == 0 and c.friendly == 0 and c.hesitation <= 1
    return {
        "rude": 0.6 * _cap(c.raised_turns, 2) + 0.4 * _cap(c.negative, 2),
        "shy": 0.5 * quiet + 0.25 * short + 0.25 * (share <= 0.3),
        "friendly": 0.4 * _cap(c.friendly, 2) + 0.4 * talkative + 0.2 * _cap(c.long_blocks, 2),
        "pretentious": 0.5 * _cap(c.assertive, 2)
        + 0.25 * talkative
        + 0.25 * _cap(c.interrupts_agent, 1),
        "indecisive": 0.7 * _cap(c.hesitation, 3) + 0.3 * _cap(c.questions, 2),
        # Focused and calm is half of it; precise data (numbers, direct questions) the rest.
        "objective": 0.5 * _cap(c.numbers + c.questions, 2)
        + 0.5 * (calm and not quiet and focused),
    }


def _evidence(kind: CustomerType, c: Cues) -> list[str]:
    share = "" if c.talk_share is None else f"talks {100 * c.talk_share:.0f} % of the time"
    level = ""
    if c.level_below_agent_db is not None:
        level = f"speaks {c.level_below_agent_db:.0f} dB below the agent"
    items = {
        "rude": [f"raised voice in {c.raised_turns} turns", f"negative words {c.negative}"],
        "shy": [level, f"answers of {c.median_words:.0f} words (median)", share],
        "friendly": [share, f"friendly words {c.friendly}", f"long turns {c.long_blocks}"],
        "pretentious": [
            f"know-it-all phrases {c.assertive}",
            share,
            f"talked over the agent {c.interrupts_agent} times",
        ],
        "indecisive": [f"hesitations {c.hesitation}", f"questions {c.questions}"],
        "objective": [
            f"answers of {c.median_words:.0f} words (median)",
            f"precise data or direct questions {c.numbers + c.questions}",
            "no raised voice, no emotional words",
        ],
    }[kind]
    return [e for e in items if e]


def classify(report: Report, profile: Profile) -> Classification:
    cues = measure_cues(report, profile)
    scores = type_scores(cues, profile)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], TYPES.index(kv[0])))
    (best, top), (_, second) = ranked[0], ranked[1]
    confidence = round(max(0.0, top - 0.5 * second), 2)
    rounded: dict[str, float] = {k: round(v, 2) for k, v in scores.items()}
    if confidence < profile.customer_type.min_confidence:
        return Classification("unclear", confidence, rounded)
    return Classification(best, confidence, rounded, _evidence(best, cues))


# --------------------------------------------------------------------------- handling


@dataclass(frozen=True)
class Lapse:
    """A place where the agent did not handle the type as the guide asks."""

    start_s: float | None
    what: str


def clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _rude_lapses(report: Report, profile: Profile) -> list[Lapse]:
    rng = profile.customer_type
    customer = party_turns(report, "customer")
    own = _levels(customer)
    agent_turns = [t for t in party_turns(report, "agent") if t.level_dbov is not None]
    if not own or not agent_turns:
        return []
    own_median = statistics.median(own)
    agent_median = statistics.median(_levels(agent_turns))
    raised = [
        t
        for t in customer
        if t.level_dbov is not None
        and _is_raised(t.level_dbov, own_median, agent_median, rng.raised_db)
    ]
    lapses: list[Lapse] = []
    usual_wpm = report.parties.agent.wpm if report.parties.agent else None
    for t in agent_turns:
        if not any(0 <= t.start_s - c.end_s <= rng.reply_window_s for c in raised):
            continue
        assert t.level_dbov is not None
        if t.level_dbov - agent_median >= profile.loudness.raised_db_above_median:
            lapses.append(Lapse(t.start_s, f"you raised your voice in reply at {clock(t.start_s)}"))
        wpm = _turn_wpm(t)
        if usual_wpm and wpm and wpm >= usual_wpm * (1 + rng.faster_reply_percent / 100):
            lapses.append(
                Lapse(
                    t.start_s,
                    f"you sped up in reply at {clock(t.start_s)} ({wpm:.0f} wpm against your "
                    f"usual {usual_wpm:.0f})",
                )
            )
    for i in report.interruptions:
        if i.by == "agent":
            lapses.append(Lapse(i.start_s, f"you talked over them at {clock(i.start_s)}"))
    return lapses


def _turn_wpm(turn: Turn) -> float | None:
    """Words per minute over a turn's voice-active time (turns of 4 words or more)."""
    duration = turn.end_s - turn.start_s
    return 60.0 * len(turn.words) / duration if len(turn.words) >= 4 and duration > 0 else None


def _shy_lapses(report: Report, profile: Profile) -> list[Lapse]:
    questions = agent_questions(report, profile.question_pacing.min_rise_semitones)
    closed = sum(q.closed for q in questions)
    lapses = []
    if len(questions) < 2:
        lapses.append(Lapse(None, f"you asked only {len(questions)} questions"))
    elif closed < len(questions) / 2:
        lapses.append(
            Lapse(
                questions[0].sentence.start_s,
                f"only {closed} of your {len(questions)} questions were closed",
            )
        )
    replies = agent_replies(report.turns, profile.question_pacing.max_reply_gap_s)
    quick = [r for r in replies if r.pause_s < profile.question_pacing.min_patience_s]
    if replies and len(quick) > len(replies) / 2:
        lapses.append(
            Lapse(
                quick[0].agent_start_s,
                f"you replied within {profile.question_pacing.min_patience_s:g} s "
                f"{len(quick)} times, not leaving them time",
            )
        )
    return lapses


def _friendly_lapses(report: Report, profile: Profile) -> list[Lapse]:
    customer = report.parties.customer
    minutes = (customer.talk_time_s if customer else 0.0) / 60.0
    questions = agent_questions(report, profile.question_pacing.min_rise_semitones)
    if minutes >= 1.0 and len(questions) < minutes / 2:
        return [
            Lapse(None, f"you asked {len(questions)} questions while they talked {minutes:.1f} min")
        ]
    return []


def _objective_lapses(report: Report, profile: Profile) -> list[Lapse]:
    lapses = []
    replies = agent_replies(report.turns, profile.question_pacing.max_reply_gap_s)
    if replies:
        mean = statistics.fmean(r.pause_s for r in replies)
        if mean > _SLOW_REPLY_S:
            lapses.append(Lapse(replies[0].agent_start_s, f"you took {mean:.1f} s to reply"))
    agent = report.parties.agent
    if agent and agent.longest_monologue_s and agent.longest_monologue_s > _LONG_EXPLANATION_S:
        lapses.append(
            Lapse(
                agent.longest_monologue_start_s,
                f"you spoke {agent.longest_monologue_s:.0f} s without a break",
            )
        )
    return lapses


def _pretentious_lapses(report: Report, profile: Profile) -> list[Lapse]:
    lapses = [
        Lapse(i.start_s, f"you talked over them at {clock(i.start_s)}")
        for i in report.interruptions
        if i.by == "agent"
    ]
    for m in check_negative_language(agent_words(report), report.language or "en"):
        if m.category == "criticism":
            lapses.append(
                Lapse(
                    m.start_s, f"you contradicted them at {clock(m.start_s)} (\u201c{m.text}\u201d)"
                )
            )
    return lapses


def _indecisive_lapses(report: Report, profile: Profile) -> list[Lapse]:
    book = load_phrase_book(report.language or "en")
    if not find_phrases(agent_words(report), book.get("customer_type", "recommendation")):
        return [Lapse(None, "you made no recommendation")]
    return _objective_lapses(report, profile)[1:]  # the long explanation only


_HANDLING: dict[str, Callable[[Report, Profile], list[Lapse]]] = {
    "rude": _rude_lapses,
    "shy": _shy_lapses,
    "friendly": _friendly_lapses,
    "objective": _objective_lapses,
    "pretentious": _pretentious_lapses,
    "indecisive": _indecisive_lapses,
}


def _why_not_classified(report: Report) -> str | None:
    if not report.parties_apart:  # mono and not split into two voices
        return MONO_REASON
    reason = why_unmeasurable(report, agent_words(report))
    if reason is None and not customer_words(report):
        reason = "the customer said no words that could be transcribed"
    return reason


def recognised_type(report: Report, profile: Profile) -> CustomerTypeResult | None:
    """The report's ``customer_type`` field (None where the rule is unmeasured)."""
    if _why_not_classified(report) is not None:
        return None
    result = classify(report, profile)
    return CustomerTypeResult(
        type=result.type,
        confidence=result.confidence,
        evidence=result.evidence,
        scores=result.scores,
    )


def score_customer_type(report: Report, profile: Profile, card: Scorecard) -> None:
    rng = profile.customer_type
    reason = _why_not_classified(report)
    if reason is not None:
        card.add_unmeasured(profile, "customer_type", reason)
        return
    result = classify(report, profile)
    expected = "the handling the type calls for (002)"
    card.add_metric(profile, "customer_type", "type", result.type, None, "")
    card.add_metric(profile, "customer_type", "confidence", result.confidence, None, "")
    if result.type == "unclear":
        card.add_metric(
            profile, "customer_type", "handling", "not checked (type unclear)", None, expected
        )
        return
    kind = result.type
    card.add_finding(
        Finding(
            rule="customer_type",
            severity="info",
            start_s=None,
            end_s=None,
            value=kind,
            expected=expected,
            message=f"The customer seemed {kind} (confidence {result.confidence:.2f}): "
            + ", ".join(result.evidence)
            + ".",
            advice=getattr(rng, f"advice_{kind}"),
            party="customer",
        )
    )
    lapses = _HANDLING[kind](report, profile)
    for lapse in lapses:
        card.add_finding(
            Finding(
                rule="customer_type",
                severity="warning",
                start_s=lapse.start_s,
                end_s=lapse.start_s,
                value=kind,
                expected=expected,
                message=f"The customer was {kind}: {lapse.what}; the guide says "
                f"{_GUIDE_SAYS[kind]}.",
                advice=getattr(rng, f"advice_{kind}"),
            )
        )
    severity: Severity | None = "warning" if lapses else None
    handling = "as the guide asks" if not lapses else f"{len(lapses)} lapses"
    card.add_metric(profile, "customer_type", "handling", handling, severity, expected)
