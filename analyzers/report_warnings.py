"""Warnings a report carries about its recording, and what they do to the rules.

A truncated or damaged recording is analysed for what it holds; the decoder's warning is
copied into the report so nobody mistakes it for the whole call. A recording in which
voice activity finds no speech at all is not a call that meets every range: every rule
becomes unmeasured with the reason, and a ``no_speech`` warning says so.
"""

from __future__ import annotations

from collections.abc import Iterable

from analyzers.report import Metric, Report, ReportWarning, Unmeasured

NO_SPEECH_REASON = "no speech in the recording"


def with_recording_warnings(
    report: Report, decode_warnings: Iterable[ReportWarning], *, has_speech: bool
) -> Report:
    """A copy of the scored ``report`` with the warnings added (and rules voided on no speech)."""
    warnings = [*report.warnings, *decode_warnings]
    if has_speech:
        return report.model_copy(update={"warnings": warnings})
    warnings.append(
        ReportWarning(
            code="no_speech",
            message=f"{NO_SPEECH_REASON}: voice activity found no one speaking in "
            f"{report.duration_s:.1f} s; no rule could be measured",
            decoded_duration_s=report.duration_s,
        )
    )
    metrics = [_unmeasured(metric) for metric in report.metrics]
    return report.model_copy(
        update={
            "warnings": warnings,
            "findings": [],
            "metrics": metrics,
            "unmeasured": [Unmeasured(rule=m.rule, reason=NO_SPEECH_REASON) for m in metrics],
        }
    )


def _unmeasured(metric: Metric) -> Metric:
    return metric.model_copy(
        update={"value": None, "status": "unmeasured", "reason": NO_SPEECH_REASON}
    )
