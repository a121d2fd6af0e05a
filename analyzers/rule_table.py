"""The rules table: every rule's id, labels, guide references, profile settings
(type, unit, sensible bounds) and the metric rows it writes to a report.

Everything that names a rule reads it from here: the ranges profile's schema
(analyzers.profile), scoring (analyzers.rules), the dashboard's labels, ranges
form, trends and exports. Adding a rule = one ``RuleSpec`` row in ``RULES`` plus
one scorer function registered in ``analyzers.rules.SCORERS``.

The values themselves (thresholds, advice) are data in
``analyzers/data/default_profile.toml``, never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SettingKind = Literal["int", "float", "text"]


@dataclass(frozen=True)
class Setting:
    """One profile value: ``[section] name``, with the bounds a person may set."""

    name: str
    label: str  # how the ranges form labels it
    unit: str = ""
    kind: SettingKind = "float"
    at_least: float | None = None  # inclusive lower bound
    more_than: float | None = None  # exclusive lower bound (windows, durations)
    at_most: float | None = None  # inclusive upper bound
    analysis_only: bool = False  # changes segmentation: re-scoring cannot apply it


def advice(name: str = "advice") -> Setting:
    """An advice text shown to the agent with a finding."""
    detail = name.removeprefix("advice_").replace("_", " ")
    label = "Advice" + (f" ({detail})" if name != "advice" else "")
    return Setting(name, label, kind="text")


@dataclass(frozen=True)
class MetricSpec:
    """One row a rule writes to a report's metrics table.

    ``label`` is stored with each call's metric rows and identifies the row together
    with the rule id: it is never renamed. ``low``/``high`` name the profile settings
    that bound the value (times ``scale``, in ``unit``); a ``high_value`` is a fixed
    upper bound (a count that should be zero).
    """

    key: str  # stable name of the metric within its rule
    label: str
    unit: str
    reads: str  # the report field (or what is counted) the value comes from
    low: str | None = None
    high: str | None = None
    high_value: float | None = None
    scale: float = 1.0
    trend: str | None = None  # the dashboard's trend/team column title, when followed
    digits: int = 1  # decimals on trend charts and team columns
    counted: bool = False  # a whole number per call (rings, a count): integer axis ticks


@dataclass(frozen=True)
class Section:
    """A table of the ranges profile: its settings and which pairs must be ordered."""

    id: str
    title: str
    settings: tuple[Setting, ...]
    ordered: tuple[tuple[str, str], ...] = ()  # (lowest, highest) setting names


@dataclass(frozen=True)
class RuleSpec(Section):
    label: str = ""  # the rule's name on the dashboard
    unit: str = ""  # the unit of its headline metric
    guide: tuple[str, ...] = ()  # the seed guides it restates (shared/guidelines.md)
    metrics: tuple[MetricSpec, ...] = field(default_factory=tuple)

    def metric(self, key: str) -> MetricSpec:
        return next(m for m in self.metrics if m.key == key)


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        id="pickup_delay",
        title="Pickup",
        label="Pickup",
        unit="rings",
        guide=("000", "002 phase 1"),
        settings=(
            Setting(
                "min_rings", "Answer no earlier than ring", "ring", "int", at_least=0, at_most=20
            ),
            Setting(
                "max_rings", "Answer no later than ring", "ring", "int", at_least=0, at_most=20
            ),
            advice("advice_early"),
            advice("advice_late"),
        ),
        ordered=(("min_rings", "max_rings"),),
        metrics=(
            MetricSpec(
                "rings",
                "Pickup",
                "rings",
                "pickup.rings",
                "min_rings",
                "max_rings",
                trend="Pickup",
                counted=True,
            ),
        ),
    ),
    RuleSpec(
        id="speech_rate",
        title="Speech rate",
        label="Speech rate",
        unit="wpm",
        guide=("002",),
        settings=(
            Setting("min_wpm", "Slowest speech rate", "wpm", "float", at_least=20, at_most=400),
            Setting("max_wpm", "Fastest speech rate", "wpm", "float", at_least=20, at_most=400),
            Setting(
                "window_s",
                "Window for local speech rate",
                "s",
                "float",
                at_least=5,
                at_most=600,
                analysis_only=True,
            ),
            advice("advice_fast"),
            advice("advice_slow"),
        ),
        ordered=(("min_wpm", "max_wpm"),),
        metrics=(
            MetricSpec(
                "wpm",
                "Speech rate",
                "wpm",
                "parties.agent.wpm",
                "min_wpm",
                "max_wpm",
                trend="Speech rate",
                digits=0,
            ),
        ),
    ),
    RuleSpec(
        id="pitch_monotony",
        title="Pitch variation",
        label="Pitch variation",
        unit="st",
        guide=("002", "000"),
        settings=(
            Setting(
                "min_sd_semitones",
                "Least pitch variation (SD)",
                "semitones",
                "float",
                at_least=0,
                at_most=24,
            ),
            Setting(
                "window_s",
                "Window for local pitch variation",
                "s",
                "float",
                at_least=5,
                at_most=600,
                analysis_only=True,
            ),
            advice(),
        ),
        metrics=(
            MetricSpec(
                "sd_semitones",
                "Pitch variation",
                "st",
                "parties.agent.pitch_sd_semitones",
                "min_sd_semitones",
                trend="Pitch spread",
            ),
        ),
    ),
    RuleSpec(
        id="loudness",
        title="Loudness",
        label="Loudness",
        unit="dBov",
        guide=("002", "001"),
        settings=(
            Setting("min_dbov", "Quietest speech level", "dBov", "float", at_least=-90, at_most=0),
            Setting("max_dbov", "Loudest speech level", "dBov", "float", at_least=-90, at_most=0),
            Setting(
                "raised_db_above_median",
                "Raised voice: above own median by",
                "dB",
                "float",
                None,
                0,
                60,
            ),
            Setting(
                "whisper_db_below_median",
                "Whisper: below own median by",
                "dB",
                "float",
                None,
                0,
                60,
            ),
            Setting("min_turn_s", "Shortest turn to measure", "s", "float", at_least=0, at_most=60),
            advice("advice_loud"),
            advice("advice_quiet"),
        ),
        ordered=(("min_dbov", "max_dbov"),),
        metrics=(
            MetricSpec(
                "level_dbov",
                "Loudness",
                "dBov",
                "parties.agent.level_dbov",
                "min_dbov",
                "max_dbov",
                trend="Loudness",
            ),
        ),
    ),
    RuleSpec(
        id="unexplained_silence",
        title="Unexplained silence",
        label="Silence",
        guide=("002",),
        settings=(
            Setting(
                "max_silence_s",
                "Longest silence without explanation",
                "s",
                "float",
                more_than=0,
                at_most=600,
            ),
            Setting(
                "explain_lookback_s",
                "Announcement counts if this close before",
                "s",
                "float",
                0,
                None,
                600,
                True,
            ),
            advice(),
        ),
        metrics=(
            MetricSpec(
                "count",
                "Unexplained silences",
                "",
                "silences: unexplained ones of at least max_silence_s",
                high_value=0,
                trend="Unexplained silences",
                counted=True,
            ),
        ),
    ),
    RuleSpec(
        id="interruption",
        title="Interruptions",
        label="Interruptions",
        guide=("002", "001"),
        settings=(
            Setting(
                "min_overlap_s",
                "Overlap that counts as an interruption",
                "s",
                "float",
                at_least=0,
                at_most=30,
            ),
            Setting(
                "max_count",
                "Interruptions allowed per call",
                "count",
                "int",
                at_least=0,
                at_most=1000,
            ),
            advice(),
        ),
        metrics=(
            MetricSpec(
                "count",
                "Interruptions by agent",
                "",
                "interruptions: by the agent, at least min_overlap_s long",
                high="max_count",
            ),
        ),
    ),
    RuleSpec(
        id="talk_ratio",
        title="Talk ratio",
        label="Talk ratio",
        unit="%",
        guide=("002", "001"),
        settings=(
            Setting(
                "min_agent_share",
                "Agent talk share at least",
                "0–1",
                "float",
                at_least=0,
                at_most=1,
            ),
            Setting(
                "max_agent_share", "Agent talk share at most", "0–1", "float", at_least=0, at_most=1
            ),
            Setting(
                "max_monologue_s",
                "Longest agent monologue",
                "s",
                "float",
                more_than=0,
                at_most=3600,
            ),
            advice("advice_high"),
            advice("advice_low"),
            advice("advice_monologue"),
        ),
        ordered=(("min_agent_share", "max_agent_share"),),
        metrics=(
            MetricSpec(
                "agent_share",
                "Agent talk share",
                "%",
                "parties.agent.talk_share",
                "min_agent_share",
                "max_agent_share",
                scale=100,
                trend="Agent talk share",
                digits=0,
            ),
            MetricSpec(
                "longest_monologue",
                "Longest agent monologue",
                "s",
                "parties.agent.longest_monologue_s",
                high="max_monologue_s",
            ),
        ),
    ),
    RuleSpec(
        id="opening",
        title="Opening",
        label="Opening",
        guide=("000", "002"),
        settings=(
            Setting(
                "within_s",
                "Greeting and introduction within",
                "s",
                "float",
                more_than=0,
                at_most=600,
            ),
            advice(),
        ),
        metrics=(MetricSpec("complete", "Opening", "", "the agent's words in the opening"),),
    ),
    RuleSpec(
        id="negative_language",
        title="Negative language",
        label="Negative language",
        guide=("002", "000"),
        settings=(advice(),),
        metrics=(
            MetricSpec(
                "count",
                "Negative phrases",
                "",
                "the agent's words: negative phrases",
                high_value=0,
            ),
        ),
    ),
    RuleSpec(
        id="closing",
        title="Closing",
        label="Closing",
        guide=("000", "002 phase 4"),
        settings=(
            Setting(
                "within_last_s", "Closing within the last", "s", "float", more_than=0, at_most=600
            ),
            advice(),
        ),
        metrics=(MetricSpec("complete", "Closing", "", "the agent's words in the closing"),),
    ),
    # Issue 16: the rest of the guides (scorers in analyzers.conversation_rules and
    # analyzers.customer_type).
    RuleSpec(
        id="question_pacing",
        title="Question pacing",
        label="Question pacing",
        unit="s",
        guide=("000", "001"),
        settings=(
            Setting(
                "max_question_run",
                "Most questions in a row without an answer",
                "count",
                "int",
                at_least=1,
                at_most=50,
            ),
            Setting(
                "min_patience_s",
                "Average pause before replying at least",
                "s",
                "float",
                at_least=0,
                at_most=10,
            ),
            Setting(
                "max_reply_gap_s",
                "Longer pauses are silences, not patience",
                "s",
                "float",
                more_than=0,
                at_most=60,
            ),
            Setting(
                "min_answer_s",
                "Customer speech that counts as an answer",
                "s",
                "float",
                at_least=0,
                at_most=30,
            ),
            Setting(
                "min_rise_semitones",
                "End-of-sentence pitch rise that marks a question",
                "semitones",
                "float",
                more_than=0,
                at_most=24,
            ),
            advice("advice_stream"),
            advice("advice_patience"),
        ),
        metrics=(
            MetricSpec(
                "longest_run",
                "Longest question run",
                "",
                "the agent's questions between customer answers",
                high="max_question_run",
            ),
            MetricSpec(
                "patience_s",
                "Patience",
                "s",
                "turns: the agent's pause after the customer stops (voice activity)",
                low="min_patience_s",
                trend="Patience",
                digits=2,
            ),
            MetricSpec("questions", "Questions asked", "", "the agent's questions"),
        ),
    ),
    RuleSpec(
        id="customer_name",
        title="Customer's name",
        label="Customer's name",
        guide=("001", "002 phase 4", "000"),
        settings=(
            Setting(
                "min_mentions", "Say the name at least", "times", "int", at_least=0, at_most=100
            ),
            Setting(
                "max_per_minute",
                "Say the name at most (farewell not counted)",
                "per minute",
                "float",
                at_least=0,
                at_most=60,
            ),
            Setting(
                "max_name_distance",
                "Spelling difference tolerated (share of letters)",
                "0–1",
                "float",
                at_least=0,
                at_most=0.6,
            ),
            advice("advice_missing"),
            advice("advice_often"),
            advice("advice_farewell"),
        ),
        metrics=(
            MetricSpec(
                "mentions",
                "Customer's name used",
                "",
                "the agent's words: the customer's name",
                low="min_mentions",
                trend="Name used",
                digits=0,
            ),
            MetricSpec(
                "per_minute",
                "Name uses per minute",
                "/min",
                "the agent's words: the customer's name per minute of call",
                high="max_per_minute",
            ),
        ),
    ),
    RuleSpec(
        id="active_listening",
        title="Active listening",
        label="Active listening",
        guide=("002",),
        settings=(
            Setting(
                "max_turns_without",
                "Customer turns in a row without an acknowledgement",
                "count",
                "int",
                at_least=1,
                at_most=100,
            ),
            Setting(
                "long_turn_s",
                "A long customer turn (must be acknowledged)",
                "s",
                "float",
                more_than=0,
                at_most=600,
            ),
            Setting(
                "min_customer_turn_s",
                "Shortest customer turn that needs an acknowledgement",
                "s",
                "float",
                at_least=0,
                at_most=60,
            ),
            Setting(
                "reply_window_s",
                "Acknowledgement counts within this much of the reply",
                "s",
                "float",
                more_than=0,
                at_most=60,
            ),
            advice(),
        ),
        metrics=(
            MetricSpec(
                "longest_streak",
                "Customer turns without acknowledgement",
                "",
                "customer turns in a row the agent did not acknowledge",
                high="max_turns_without",
            ),
            MetricSpec(
                "long_unacknowledged",
                "Long turns not acknowledged",
                "",
                "customer turns of at least long_turn_s the agent did not acknowledge",
                high_value=0,
            ),
            MetricSpec(
                "acknowledged_share",
                "Customer turns acknowledged",
                "%",
                "customer turns the agent acknowledged",
                trend="Acknowledged turns",
                digits=0,
            ),
        ),
    ),
    RuleSpec(
        id="politeness",
        title="Politeness",
        label="Politeness",
        unit="/min",
        guide=("001", "000"),
        settings=(
            Setting(
                "min_count", "Polite phrases at least", "count", "int", at_least=0, at_most=100
            ),
            Setting(
                "max_per_minute",
                "Polite phrases at most",
                "per minute",
                "float",
                more_than=0,
                at_most=60,
            ),
            Setting(
                "min_agent_speech_s",
                "Rate measured over at least this much agent speech",
                "s",
                "float",
                more_than=0,
                at_most=3600,
            ),
            advice("advice_missing"),
            advice("advice_overdone"),
        ),
        metrics=(
            MetricSpec(
                "count",
                "Polite phrases",
                "",
                "the agent's words: polite phrases",
                low="min_count",
            ),
            MetricSpec(
                "per_minute",
                "Polite phrases per minute",
                "/min",
                "polite phrases per minute of the agent's speech",
                high="max_per_minute",
                trend="Polite phrases /min",
            ),
        ),
    ),
    RuleSpec(
        id="customer_type",
        title="Customer type",
        label="Customer type",
        guide=("002", "000"),
        settings=(
            Setting(
                "min_confidence",
                "Least confidence to name a type",
                "0–1",
                "float",
                at_least=0,
                at_most=1,
            ),
            Setting(
                "raised_db",
                "Customer's raised voice: above own median by",
                "dB",
                "float",
                more_than=0,
                at_most=60,
            ),
            Setting(
                "quiet_db",
                "Quiet customer: below the agent by",
                "dB",
                "float",
                more_than=0,
                at_most=60,
            ),
            Setting(
                "short_answer_words",
                "Short answer: words at most",
                "words",
                "int",
                at_least=1,
                at_most=100,
            ),
            Setting(
                "talkative_share",
                "Talkative customer: talk share at least",
                "0–1",
                "float",
                at_least=0,
                at_most=1,
            ),
            Setting(
                "faster_reply_percent",
                "Agent's reply to a raised voice: faster than usual by",
                "%",
                "float",
                more_than=0,
                at_most=500,
            ),
            Setting(
                "reply_window_s",
                "Agent's reply checked for this long after a raised voice",
                "s",
                "float",
                more_than=0,
                at_most=600,
            ),
            advice("advice_rude"),
            advice("advice_shy"),
            advice("advice_friendly"),
            advice("advice_objective"),
            advice("advice_pretentious"),
            advice("advice_indecisive"),
        ),
        metrics=(
            MetricSpec("type", "Customer type", "", "the customer's voice and words"),
            MetricSpec("confidence", "Customer type confidence", "0–1", "the type's cues"),
            MetricSpec(
                "handling", "Handling for the type", "", "the agent's handling for the type"
            ),
        ),
    ),
    RuleSpec(
        id="hold",
        title="Hold",
        label="Hold",
        unit="s",
        guide=("002",),
        settings=(
            Setting(
                "max_without_return_s",
                "Longest hold without the agent coming back",
                "s",
                "float",
                more_than=0,
                at_most=3600,
            ),
            Setting(
                "announce_lookback_s",
                "Hold announcement counts if this close before",
                "s",
                "float",
                at_least=0,
                at_most=600,
            ),
            Setting(
                "min_music_s",
                "Shortest music that is a hold",
                "s",
                "float",
                more_than=0,
                at_most=600,
                analysis_only=True,
            ),
            advice("advice_unannounced"),
            advice("advice_long"),
        ),
        metrics=(
            MetricSpec(
                "unannounced",
                "Unannounced holds",
                "",
                "holds: not announced",
                high_value=0,
            ),
            MetricSpec(
                "longest_without_agent",
                "Longest hold without the agent",
                "s",
                "holds: longest run with no agent speech between",
                high="max_without_return_s",
            ),
        ),
    ),
)

# Profile tables that are not rules: settings every rule's measurements depend on.
SETTINGS_SECTIONS: tuple[Section, ...] = (
    Section(
        id="activity",
        title="Voice activity (new analyses only)",
        settings=(
            Setting(
                "min_speech_s",
                "Shortest speech burst",
                "s",
                "float",
                more_than=0,
                at_most=5,
                analysis_only=True,
            ),
            Setting(
                "min_gap_s",
                "Shortest pause between bursts",
                "s",
                "float",
                at_least=0,
                at_most=5,
                analysis_only=True,
            ),
            Setting(
                "turn_merge_gap_s",
                "Pause that starts a new turn",
                "s",
                "float",
                at_least=0,
                at_most=10,
                analysis_only=True,
            ),
        ),
    ),
    # The floor below which the phrase rules and the silence explanations do not
    # judge the agent's words (analyzers.transcript_trust); re-scoring applies it.
    Section(
        id="transcript_trust",
        title="Transcript trust",
        settings=(
            Setting(
                "low_word_probability",
                "A word is unsure below probability",
                "0–1",
                "float",
                at_least=0,
                at_most=1,
            ),
            Setting(
                "min_mean_probability",
                "Lowest mean word probability to judge",
                "0–1",
                "float",
                at_least=0,
                at_most=1,
            ),
            Setting(
                "max_low_share",
                "Highest share of unsure words to judge",
                "0–1",
                "float",
                at_least=0,
                at_most=1,
            ),
        ),
    ),
)

RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)
SECTIONS: tuple[Section, ...] = (*RULES, *SETTINGS_SECTIONS)
_BY_ID = {rule.id: rule for rule in RULES}
_SECTION_BY_ID = {section.id: section for section in SECTIONS}


def rule_spec(rule_id: str) -> RuleSpec:
    """The rule's row; KeyError for an unknown id."""
    return _BY_ID[rule_id]


def section_spec(section_id: str) -> Section | None:
    return _SECTION_BY_ID.get(section_id)


def rule_label(rule_id: str) -> str:
    """The rule's name for people (a readable fallback for a rule this table lacks)."""
    spec = _BY_ID.get(rule_id)
    return spec.label if spec else rule_id.replace("_", " ").capitalize()


def setting_spec(section_id: str, name: str) -> Setting | None:
    section = _SECTION_BY_ID.get(section_id)
    return next((s for s in section.settings if s.name == name), None) if section else None


def trend_metrics() -> tuple[tuple[RuleSpec, MetricSpec], ...]:
    """The metrics coaches follow over time, in the table's order."""
    return tuple((rule, m) for rule in RULES for m in rule.metrics if m.trend)
