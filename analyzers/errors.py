"""Typed errors raised on input the analysis cannot use.

Every error has a stable ``code`` so the CLI, the API and the job queue can
report why an analysis failed without parsing messages.
"""

from __future__ import annotations


class AnalysisError(Exception):
    """Base class: the input cannot be analysed; the message says why."""

    code = "analysis_error"


class AudioError(AnalysisError):
    """Base class for problems with the recording itself (never retried)."""

    code = "audio_error"


class EmptyAudioError(AudioError):
    code = "empty_audio"


class CorruptAudioError(AudioError):
    code = "corrupt_audio"


class UnsupportedAudioError(AudioError):
    code = "unsupported_audio"


class TooManyChannelsError(AudioError):
    code = "too_many_channels"


class TooLongError(AudioError):
    code = "too_long"


class ProfileError(AnalysisError):
    """A ranges profile file is malformed or names unknown rules/fields."""

    code = "bad_profile"


class ModelUnavailableError(AnalysisError):
    """The speech model could not be loaded (not bundled, no network)."""

    code = "model_unavailable"


class UnsupportedLanguageError(AnalysisError):
    """No phrase lists exist for the transcript's language (rules stay unmeasured)."""

    code = "unsupported_language"


class BadMetadataError(AnalysisError):
    """Call metadata contradicts itself (e.g. answered before it rang)."""

    code = "bad_metadata"
