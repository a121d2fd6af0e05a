"""callcoach analyzers: pure audio and transcript analysis of phone calls.

``analyze(path_or_array)`` returns the typed :class:`~analyzers.report.Report`.
Heavy modules load on first use, not at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analyzers.errors import AnalysisError, AudioError, ModelUnavailableError, ProfileError
from analyzers.options import AnalysisOptions, CallMetadata

if TYPE_CHECKING:
    from analyzers.report import Report

__all__ = [
    "AnalysisError",
    "AnalysisOptions",
    "AudioError",
    "CallMetadata",
    "ModelUnavailableError",
    "ProfileError",
    "analyze",
]


def analyze(source: Any, *args: Any, **kwargs: Any) -> Report:
    """See :func:`analyzers.pipeline.analyze`."""
    from analyzers.pipeline import analyze as _analyze

    return _analyze(source, *args, **kwargs)
