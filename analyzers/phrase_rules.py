"""Phrase rules (opening, negative language, closing) and silence explanations,
scored from the agent's words. Filled in with analyzers.phrases."""

from __future__ import annotations

from typing import Any

from analyzers.report import Word


def score_phrase_rules(scorer: Any, agent_words: list[Word]) -> None:
    return None
