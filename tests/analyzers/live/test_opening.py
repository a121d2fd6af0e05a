"""The opening checklist ticks off greeting, name and company as the words come."""

from __future__ import annotations

import pytest

from tests.analyzers.live.calls import needs_corpora, real_call, streamed
from tests.analyzers.live.checks import assert_opening, assert_opening_incomplete

pytestmark = [needs_corpora, pytest.mark.slow]


def test_checklist_ticks_greeting_then_name_and_company() -> None:
    assert_opening(streamed("opening"), real_call("opening")[1])


def test_an_opening_without_name_and_company_is_raised_when_the_window_closes() -> None:
    assert_opening_incomplete(streamed("fast"))
