"""The rule engine: ranges profile + a report's measurements -> findings and metrics.

Runs one scorer per row of the rules table (analyzers.rule_table), in the table's
order. Works on a report's measured values only, so a report can be re-scored
against a changed profile without decoding or transcribing again.
"""

from __future__ import annotations

from analyzers import acoustic_rules, conversation_rules, customer_type, hold_rule, phrase_rules
from analyzers.profile import Profile
from analyzers.report import Report
from analyzers.rule_table import RULES
from analyzers.scorecard import Scorecard, Scorer
from analyzers.summary import coaching_summary

# One scorer per rule id of the rules table (tests check they match).
SCORERS: dict[str, Scorer] = {
    "pickup_delay": acoustic_rules.score_pickup,
    "speech_rate": acoustic_rules.score_speech_rate,
    "pitch_monotony": acoustic_rules.score_pitch,
    "loudness": acoustic_rules.score_loudness,
    "unexplained_silence": acoustic_rules.score_silences,
    "interruption": acoustic_rules.score_interruptions,
    "talk_ratio": acoustic_rules.score_talk_ratio,
    "opening": phrase_rules.score_opening,
    "negative_language": phrase_rules.score_negative_language,
    "closing": phrase_rules.score_closing,
    "question_pacing": conversation_rules.score_question_pacing,
    "customer_name": conversation_rules.score_customer_name,
    "active_listening": conversation_rules.score_active_listening,
    "politeness": conversation_rules.score_politeness,
    "customer_type": customer_type.score_customer_type,
    "hold": hold_rule.score_holds,
}


def apply_rules(report: Report, profile: Profile) -> Report:
    """A copy of ``report`` with findings, metrics and unmeasured filled from ``profile``."""
    report = report.model_copy(
        update={
            "silences": phrase_rules.explain_silences(report, profile),
            "holds": hold_rule.explain_holds(report, profile),
        }
    )
    card = Scorecard()
    for rule in RULES:
        SCORERS[rule.id](report, profile, card)
    findings = sorted(card.findings, key=lambda f: (f.start_s is None, f.start_s or 0.0, f.rule))
    return report.model_copy(
        update={
            "findings": findings,
            "summary": coaching_summary(findings, report.duration_s),
            "metrics": card.metrics,
            "unmeasured": card.unmeasured,
            "ranges_profile": profile.name,
            "customer_type": customer_type.recognised_type(report, profile),
        }
    )
